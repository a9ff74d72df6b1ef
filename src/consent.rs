//! Consent: what the candidate agrees to, under which version of the notice.

use serde::{Deserialize, Serialize};

/// The version of the consent notice shown now. Change it whenever the notice text changes;
/// each consent record keeps the version it was given under.
pub const NOTICE_VERSION: &str = "2026-11-v2";

/// How long relayed data is kept without activity, in months (stated in the notice).
pub const RETENTION_MONTHS: u32 = 24;

/// The data items an agency receives when it claims a candidate (APPI Art. 29 records these).
pub const HANDOFF_ITEMS: &str = "name,name_kana,email,phone,prefecture,job_types,skills,years_experience,desired_salary,languages,summary";

/// The two things a candidate may consent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsentKind {
    /// Hand-off to approved recruitment agencies for job introductions (required to relay).
    Handoff,
    /// The company that rejected the candidate may contact them again (optional).
    Recontact,
}

impl ConsentKind {
    pub fn code(self) -> &'static str {
        match self {
            ConsentKind::Handoff => "handoff",
            ConsentKind::Recontact => "recontact",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "handoff" => Some(ConsentKind::Handoff),
            "recontact" => Some(ConsentKind::Recontact),
            _ => None,
        }
    }
}

/// A consent given or withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsentChange {
    pub kind: ConsentKind,
    pub granted: bool,
}

/// Whether an HTML checkbox was ticked: browsers send `on` (or the value) when ticked, nothing otherwise.
pub fn checkbox(value: &Option<String>) -> bool {
    matches!(value.as_deref(), Some(v) if !v.is_empty() && v != "false" && v != "off")
}
