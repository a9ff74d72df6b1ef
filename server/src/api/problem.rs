//! Errors as the API answers them: `application/problem+json` (RFC 9457) with a stable `code`,
//! and the document's description of every error an operation can answer.

use axum::{
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use career_relay::UserError;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::{
    openapi::{ContentBuilder, RefOr, ResponseBuilder},
    PartialSchema, ToSchema,
};

/// The media type of every error.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An error as the API answers it (RFC 9457).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// The HTTP status.
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// A stable code to act on, e.g. `invalid_email`, `unauthorized`.
    pub code: String,
    /// What went wrong, in English.
    pub title: String,
    /// The field of the request the error is about, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &str, title: &str) -> Self {
        Self {
            status: status.as_u16(),
            code: code.to_owned(),
            title: title.to_owned(),
            field: None,
        }
    }

    /// A user's error, with the status the portal gives it.
    pub fn user(e: UserError, field: Option<String>) -> Self {
        let status = StatusCode::from_u16(app::error::AppError::User(e).status())
            .unwrap_or(StatusCode::BAD_REQUEST);
        Self {
            status: status.as_u16(),
            code: e.code(),
            title: app::text::user_error_in(app::i18n::Locale::en, e),
            field,
        }
    }

    /// The same problem with another status.
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status.as_u16();
        self
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        let body = serde_json::to_string(&self).unwrap_or_default();
        (status, [(header::CONTENT_TYPE, PROBLEM_JSON)], body).into_response()
    }
}

impl From<career_relay::Error> for Problem {
    fn from(e: career_relay::Error) -> Self {
        match e {
            career_relay::Error::User(u) => Problem::user(u, None),
            career_relay::Error::Fields(f) => match f.into_iter().next() {
                Some(f) => Problem::user(f.error, Some(f.field)),
                None => Problem::user(UserError::Internal, None),
            },
            other => {
                tracing::error!(error = ?other, "API request failed");
                Problem::user(UserError::Internal, None)
            }
        }
    }
}

impl From<UserError> for Problem {
    fn from(e: UserError) -> Self {
        Problem::user(e, None)
    }
}

/// The document's responses for a set of error statuses, each a `Problem`.
fn problems(statuses: &[(&str, &str)]) -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
    statuses
        .iter()
        .map(|(status, description)| {
            let content = ContentBuilder::new()
                .schema(Some(Problem::schema()))
                .build();
            let response = ResponseBuilder::new()
                .description(*description)
                .content(PROBLEM_JSON, content)
                .build();
            ((*status).to_owned(), RefOr::T(response))
        })
        .collect()
}

macro_rules! problem_responses {
    ($($(#[$meta:meta])* $name:ident: $(($status:literal, $text:literal)),+;)+) => {$(
        $(#[$meta])*
        pub struct $name;

        impl utoipa::IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
                problems(&[$(($status, $text)),+])
            }
        }
    )+};
}

problem_responses! {
    /// Every operation: no key, a revoked key, or another kind of organisation's key.
    Refused:
        ("401", "No API key, or one that is unknown or revoked (`unauthorized`, `invalid_key`)."),
        ("403", "The key's organisation may not do this (`forbidden`, `agency_not_approved`).");
    /// Operations with query or path parameters.
    BadParameters:
        ("400", "A parameter is malformed or out of range (`invalid_query`, `invalid_path`, or the field's code).");
    /// Operations with a JSON body.
    BadBody:
        ("400", "The body is not valid JSON (`malformed_json`), or a parameter or field is malformed."),
        ("413", "The body is larger than 1 MiB (`payload_too_large`)."),
        ("415", "The body is not `application/json` (`unsupported_media_type`)."),
        ("422", "Valid JSON of the wrong shape: an unknown or missing field, a wrong type, or a value the rules refuse (`unknown_field`, `invalid_body`, or the field's code).");
    /// Operations on one record.
    NotFound:
        ("404", "No such record of this organisation (`not_found`).");
    /// Operations that can lose to another request or meet a closed record.
    Conflict:
        ("409", "The rules refuse it now: another agency holds the candidate, the record is closed, no credit is left, or it was done already (`already_claimed`, `claim_not_active`, `already_placed`, `not_in_pool`, `no_credit`, `request_closed`, `has_introductions`, `own_applicant`, `introduction_settled`, `already_exists`).");
}
