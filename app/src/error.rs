//! The one error type of server functions: a user's mistake (shown translated) or a transport fault.

use career_relay::{FieldError, UserError};
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// What a server function can fail with. Internal faults reach the user only as `Internal`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    User(UserError),
    #[error("invalid fields")]
    Fields(Vec<FieldError>),
    #[error("transport: {0}")]
    Transport(ServerFnErrorErr),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value)
    }
}

impl From<UserError> for AppError {
    fn from(e: UserError) -> Self {
        AppError::User(e)
    }
}

impl From<Vec<FieldError>> for AppError {
    fn from(e: Vec<FieldError>) -> Self {
        AppError::Fields(e)
    }
}

#[cfg(feature = "ssr")]
impl From<career_relay::Error> for AppError {
    fn from(e: career_relay::Error) -> Self {
        match e {
            career_relay::Error::User(u) => AppError::User(u),
            career_relay::Error::Fields(f) => AppError::Fields(f),
            other => {
                // Logged once here, with its cause chain; the user only learns that it failed.
                tracing::error!(error = ?other, "internal error in a server function");
                AppError::User(UserError::Internal)
            }
        }
    }
}

impl AppError {
    /// The HTTP status that answers this error: 4xx for anything the user can change, 500 only
    /// for faults inside.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Fields(_) => 400,
            AppError::Transport(
                ServerFnErrorErr::Args(_)
                | ServerFnErrorErr::MissingArg(_)
                | ServerFnErrorErr::Deserialization(_),
            ) => 400,
            AppError::Transport(_) => 500,
            AppError::User(u) => match u {
                UserError::NotSignedIn => 401,
                UserError::Forbidden | UserError::AgencyNotApproved => 403,
                UserError::NotFound | UserError::UnknownRelayLink => 404,
                UserError::RevokedRelayLink
                | UserError::SignInLinkInvalid
                | UserError::AnswerLinkUsed => 410,
                UserError::AlreadyClaimed
                | UserError::ClaimNotActive
                | UserError::AlreadyPlaced
                | UserError::PlacementSettled
                | UserError::LastAdmin
                | UserError::AlreadyExists
                | UserError::Withdrawn
                | UserError::EmailNotConfirmed
                | UserError::NotInPool
                | UserError::NoCredit
                | UserError::RequestClosed
                | UserError::HasIntroductions
                | UserError::OwnApplicant
                | UserError::IntroductionSettled => 409,
                UserError::Internal => 500,
                _ => 400,
            },
        }
    }

    /// The error of one field, if this error names it.
    pub fn field(&self, name: &str) -> Option<UserError> {
        match self {
            AppError::Fields(f) => f.iter().find(|e| e.field == name).map(|e| e.error),
            _ => None,
        }
    }

    /// The error to show above the form (anything not tied to a field).
    pub fn general(&self) -> Option<UserError> {
        match self {
            AppError::User(u) => Some(*u),
            AppError::Fields(_) => None,
            AppError::Transport(_) => Some(UserError::Internal),
        }
    }
}

/// Marks the response of a plain handler that failed with a user's error: the server's
/// error-page layer, which knows the person's language, renders the translated page for it.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Copy)]
pub struct ErrorPage(pub UserError);

/// A refused or failed plain handler (a guard used as an extractor, a download, an upload):
/// the error's status and the translated error page. A plain handler has no sign-in challenge
/// to offer (sessions are cookies, not `WWW-Authenticate`), so "not signed in" is 403 there.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        use axum::http::StatusCode;
        let error = match &self {
            AppError::Fields(f) => f.first().map_or(UserError::Internal, |f| f.error),
            other => other.general().unwrap_or(UserError::Internal),
        };
        let status = match error {
            UserError::NotSignedIn => StatusCode::FORBIDDEN,
            _ => StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        };
        let mut res = (status, error.code()).into_response();
        res.extensions_mut().insert(ErrorPage(error));
        res
    }
}
