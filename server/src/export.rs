//! Downloads: the candidate's (everything the portal holds about them as JSON, and their
//! provision records as CSV, for the signed-in candidate only) and the company's numbers by month
//! (for its members). Never cached.

use crate::error::HandlerError;
use app::{
    guard::{Candidate, CompanyMember},
    state::AppState,
};
use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};

pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/me/export.json", get(export_json))
        .route("/me/provisions.csv", get(provisions_csv))
        .route("/company/numbers.csv", get(numbers_csv))
        .with_state(state)
}

/// A download that no cache keeps.
fn download(content_type: &str, filename: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// `GET /me/export.json`: the candidate's export (`career_relay::export::Export`).
async fn export_json(
    State(state): State<AppState>,
    me: Candidate,
) -> Result<Response, HandlerError> {
    let export = career_relay::export::export(&state.pool, me.id).await?;
    let body = serde_json::to_string_pretty(&export).map_err(|e| {
        tracing::error!(error = ?e, "export not serialised");
        HandlerError::from(career_relay::UserError::Internal)
    })?;
    Ok(download(
        "application/json",
        "career-relay-export.json",
        body,
    ))
}

/// `GET /company/numbers.csv`: the company's funnel by month, for a member of the company.
async fn numbers_csv(
    State(state): State<AppState>,
    member: CompanyMember,
) -> Result<Response, HandlerError> {
    let months = career_relay::numbers::funnel(
        &state.pool,
        career_relay::numbers::Scope::Company(member.company_id),
    )
    .await?;
    Ok(download(
        "text/csv; charset=utf-8",
        "career-relay-numbers.csv",
        career_relay::numbers::csv(&months),
    ))
}

/// `GET /me/provisions.csv`: the candidate's provision records.
async fn provisions_csv(
    State(state): State<AppState>,
    me: Candidate,
) -> Result<Response, HandlerError> {
    let records = career_relay::export::provisions(&state.pool, me.id).await?;
    Ok(download(
        "text/csv; charset=utf-8",
        "career-relay-provisions.csv",
        career_relay::export::provisions_csv(&records),
    ))
}
