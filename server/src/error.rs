//! The error of plain handlers (sign-in links, single sign-on, uploads, downloads): logged once
//! where it turns into a response, shown as a translated page or as a page that explains it.

use app::error::AppError;
use axum::response::{IntoResponse, Redirect, Response};
use career_relay::UserError;

/// Why a plain handler did not do what was asked.
#[derive(Debug)]
pub enum HandlerError {
    /// The translated error page, with the error's status.
    Page(AppError),
    /// Back to a page that explains the error itself (the sign-in page, the refusal page).
    Redirect(String),
}

impl IntoResponse for HandlerError {
    fn into_response(self) -> Response {
        match self {
            HandlerError::Page(e) => e.into_response(),
            HandlerError::Redirect(to) => Redirect::to(&to).into_response(),
        }
    }
}

impl From<AppError> for HandlerError {
    fn from(e: AppError) -> Self {
        HandlerError::Page(e)
    }
}

impl From<UserError> for HandlerError {
    fn from(e: UserError) -> Self {
        HandlerError::Page(AppError::User(e))
    }
}

/// A fault inside is logged here, once, with its cause; the person sees only `Internal`.
impl From<career_relay::Error> for HandlerError {
    fn from(e: career_relay::Error) -> Self {
        HandlerError::Page(AppError::from(e))
    }
}

impl HandlerError {
    /// Back to `page`, which names the error in its query (`/signin?error=`).
    pub fn back(page: &str, error: UserError) -> Self {
        HandlerError::Redirect(format!("{page}{}", error.code()))
    }
}

/// Sends the person back to a page that explains what went wrong.
pub trait OrBack<T> {
    /// Any error sends the person to `page` (`/signin?error=`, `/sso/refused?reason=`) with its
    /// code; a fault inside is logged first and named `internal`.
    fn or_back(self, page: &str) -> Result<T, HandlerError>;
}

impl<T> OrBack<T> for Result<T, career_relay::Error> {
    fn or_back(self, page: &str) -> Result<T, HandlerError> {
        self.map_err(|e| {
            let error = e.user_error();
            if error == UserError::Internal {
                tracing::error!(error = ?e, "request failed");
            }
            HandlerError::back(page, error)
        })
    }
}
