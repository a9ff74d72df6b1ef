//! A company imports an ATS export: recent imports, the mapping page with its preview, the
//! start, and the progress and report of a running or finished import.

use crate::error::AppError;
use career_relay::import::{ImportList, ImportRow, Mapping, ReportRow};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One import's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPage {
    pub import: ImportRow,
    /// The header and first rows, while the columns are being mapped.
    pub preview: Vec<Vec<String>>,
    pub guess: Mapping,
    /// Bytes done, while it runs.
    pub progress: i64,
    /// The first rows that were not invited.
    pub report: Vec<ReportRow>,
}

/// How many report rows the page shows (the download has all).
pub const REPORT_SHOWN: i64 = 200;

/// A page of the company's imports: the newest, or those before `after` (an import's id).
#[server(endpoint = "imports_page")]
pub async fn get_imports_page(after: String) -> Result<ImportList, AppError> {
    use crate::guard::{CompanyMember, Guard};
    let (member, state) = CompanyMember::require().await?;
    let after = career_relay::keyset::cursor(&after);
    Ok(career_relay::import::recent(&state.pool, member.company_id, after).await?)
}

#[server(endpoint = "import_page")]
pub async fn get_import_page(id: i64) -> Result<ImportPage, AppError> {
    use crate::guard::{CompanyMember, Guard};
    let (member, state) = CompanyMember::require().await?;
    let import = career_relay::import::get(&state.pool, member.company_id, id).await?;
    let preview = if import.status == "uploaded" {
        career_relay::import::preview(&state.pool, &import).await?
    } else {
        Vec::new()
    };
    let remembered = career_relay::import::remembered(&state.pool, member.company_id).await?;
    let guess = Mapping::guess(
        preview.first().map(Vec::as_slice).unwrap_or(&[]),
        &remembered,
    );
    let progress = state
        .import_progress
        .lock()
        .ok()
        .and_then(|m| m.get(&id).copied())
        .unwrap_or(import.processed_bytes);
    let report = if import.status == "done" {
        career_relay::import::report(&state.pool, id, 0, REPORT_SHOWN).await?
    } else {
        Vec::new()
    };
    Ok(ImportPage {
        import,
        preview,
        guess,
        progress,
        report,
    })
}

/// The column choices of an uploaded import (column numbers; empty for none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingForm {
    #[serde(deserialize_with = "career_relay::field::whole_number")]
    pub import_id: i64,
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub position: String,
    #[serde(default)]
    pub rejected_on: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub identifier: String,
}

impl TryFrom<&MappingForm> for Mapping {
    type Error = Vec<career_relay::FieldError>;

    fn try_from(f: &MappingForm) -> Result<Self, Self::Error> {
        Mapping::from_form(&[
            ("name", &f.name),
            ("email", &f.email),
            ("position", &f.position),
            ("rejected_on", &f.rejected_on),
            ("phone", &f.phone),
            ("identifier", &f.identifier),
        ])
    }
}

/// Starts an uploaded import with the chosen columns.
#[server(endpoint = "start_import")]
pub async fn start_import(#[server(flatten)] form: MappingForm) -> Result<(), AppError> {
    use super::ssr::{submit, to};
    let next = to(format!("/company/import/{}", form.import_id));
    submit(
        "import",
        form,
        next,
        |member: crate::guard::CompanyMember, state, form| async move {
            let mapping = Mapping::try_from(&form)?;
            let (pool, company) = (&state.pool, member.company_id);
            let import = career_relay::import::get(pool, company, form.import_id).await?;
            let preview = career_relay::import::preview(pool, &import).await?;
            let header = preview.first().cloned().unwrap_or_default();
            career_relay::import::start(pool, company, form.import_id, &mapping, &header).await?;
            Ok(())
        },
    )
    .await
}
