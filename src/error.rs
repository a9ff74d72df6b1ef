//! Errors: what a user did wrong (translated by the app) and what went wrong inside.

use serde::{Deserialize, Serialize};

/// A mistake a user can make or a rule they run into. The app shows each as a translated
/// sentence; the stable `code` travels between server and browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
pub enum UserError {
    #[error("required")]
    Required,
    #[error("invalid_email")]
    InvalidEmail,
    #[error("too_long")]
    TooLong,
    #[error("invalid_characters")]
    InvalidCharacters,
    #[error("invalid_kana")]
    InvalidKana,
    #[error("invalid_phone")]
    InvalidPhone,
    #[error("invalid_prefecture")]
    InvalidPrefecture,
    #[error("invalid_job_type")]
    InvalidJobType,
    #[error("invalid_number")]
    InvalidNumber,
    #[error("out_of_range")]
    OutOfRange,
    #[error("invalid_date")]
    InvalidDate,
    #[error("consent_required")]
    ConsentRequired,
    #[error("unknown_relay_link")]
    UnknownRelayLink,
    #[error("revoked_relay_link")]
    RevokedRelayLink,
    #[error("sign_in_link_invalid")]
    SignInLinkInvalid,
    #[error("not_signed_in")]
    NotSignedIn,
    #[error("forbidden")]
    Forbidden,
    #[error("not_found")]
    NotFound,
    #[error("already_claimed")]
    AlreadyClaimed,
    #[error("claim_not_active")]
    ClaimNotActive,
    #[error("not_in_pool")]
    NotInPool,
    #[error("already_placed")]
    AlreadyPlaced,
    #[error("agency_not_approved")]
    AgencyNotApproved,
    #[error("email_not_confirmed")]
    EmailNotConfirmed,
    #[error("withdrawn")]
    Withdrawn,
    #[error("already_exists")]
    AlreadyExists,
    #[error("placement_settled")]
    PlacementSettled,
    #[error("last_admin")]
    LastAdmin,
    #[error("invalid_domain")]
    InvalidDomain,
    #[error("domain_taken")]
    DomainTaken,
    #[error("sso_not_bound")]
    SsoNotBound,
    #[error("sso_required")]
    SsoRequired,
    #[error("sso_failed")]
    SsoFailed,
    #[error("sso_not_invited")]
    SsoNotInvited,
    #[error("sso_no_organisation")]
    SsoNoOrganisation,
    #[error("sso_not_member")]
    SsoNotMember,
    #[error("sso_email_unverified")]
    SsoEmailUnverified,
    #[error("no_credit")]
    NoCredit,
    #[error("request_closed")]
    RequestClosed,
    #[error("has_introductions")]
    HasIntroductions,
    #[error("invalid_range")]
    InvalidRange,
    #[error("date_in_past")]
    DateInPast,
    #[error("own_applicant")]
    OwnApplicant,
    #[error("introduction_settled")]
    IntroductionSettled,
    #[error("confirmation_required")]
    ConfirmationRequired,
    #[error("answer_link_used")]
    AnswerLinkUsed,
    #[error("invalid_choice")]
    InvalidChoice,
    #[error("internal")]
    Internal,
}

impl UserError {
    /// Every variant, so the app can prove each one has a translation.
    pub const ALL: [UserError; 48] = [
        Self::Required,
        Self::InvalidEmail,
        Self::TooLong,
        Self::InvalidCharacters,
        Self::InvalidKana,
        Self::InvalidPhone,
        Self::InvalidPrefecture,
        Self::InvalidJobType,
        Self::InvalidNumber,
        Self::OutOfRange,
        Self::InvalidDate,
        Self::ConsentRequired,
        Self::UnknownRelayLink,
        Self::RevokedRelayLink,
        Self::SignInLinkInvalid,
        Self::NotSignedIn,
        Self::Forbidden,
        Self::NotFound,
        Self::AlreadyClaimed,
        Self::ClaimNotActive,
        Self::NotInPool,
        Self::AlreadyPlaced,
        Self::AgencyNotApproved,
        Self::EmailNotConfirmed,
        Self::Withdrawn,
        Self::AlreadyExists,
        Self::PlacementSettled,
        Self::LastAdmin,
        Self::InvalidDomain,
        Self::DomainTaken,
        Self::SsoNotBound,
        Self::SsoRequired,
        Self::SsoFailed,
        Self::SsoNotInvited,
        Self::SsoNoOrganisation,
        Self::SsoNotMember,
        Self::SsoEmailUnverified,
        Self::NoCredit,
        Self::RequestClosed,
        Self::HasIntroductions,
        Self::InvalidRange,
        Self::DateInPast,
        Self::OwnApplicant,
        Self::IntroductionSettled,
        Self::ConfirmationRequired,
        Self::AnswerLinkUsed,
        Self::InvalidChoice,
        Self::Internal,
    ];

    /// The stable code, as used in URLs, JSON and translation keys.
    pub fn code(self) -> String {
        self.to_string()
    }

    /// Reads a code back; unknown codes are `None`.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.to_string() == code)
    }
}

/// A user error that belongs to one form field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub error: UserError,
}

impl FieldError {
    pub fn new(field: &str, error: UserError) -> Self {
        Self {
            field: field.to_owned(),
            error,
        }
    }
}

/// The core's error: a user's mistake, or a fault the user cannot fix (logged, never shown).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("user error: {0}")]
    User(UserError),
    #[error("invalid fields: {0:?}")]
    Fields(Vec<FieldError>),
    #[cfg(feature = "db")]
    #[error("database error")]
    Db(#[from] sqlx::Error),
    #[cfg(feature = "db")]
    #[error("migration error")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<UserError> for Error {
    fn from(e: UserError) -> Self {
        Error::User(e)
    }
}

impl From<Vec<FieldError>> for Error {
    fn from(e: Vec<FieldError>) -> Self {
        Error::Fields(e)
    }
}

impl Error {
    /// What the user is told: their mistake, or `Internal` for anything else.
    pub fn user_error(&self) -> UserError {
        match self {
            Error::User(e) => *e,
            Error::Fields(f) => f.first().map(|f| f.error).unwrap_or(UserError::Internal),
            #[cfg(feature = "db")]
            _ => UserError::Internal,
        }
    }
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_to_its_variant() {
        for e in UserError::ALL {
            assert_eq!(UserError::from_code(&e.code()), Some(e));
        }
        assert_eq!(UserError::from_code("nonsense"), None);
    }
}
