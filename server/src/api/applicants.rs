//! `POST /api/v1/applicants`: a company's ATS hands rejected applicants over.

use super::{
    documented,
    extract::{parse_value, ApiJson, CompanyKey},
    idempotency::Idempotency,
    problem::{BadBody, Problem, Refused},
};
use app::state::AppState;
use axum::{
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use career_relay::{
    invitation::{Applicant, ApplicantInput, RowResult, MAX_BATCH},
    FieldError, UserError,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One applicant, or a batch: `{"applicants": [...]}`.
#[derive(ToSchema)]
#[serde(untagged)]
#[expect(
    dead_code,
    reason = "the document's schema of the body, which the handler reads as JSON first"
)]
pub enum Applicants {
    Batch(ApplicantBatch),
    One(ApplicantInput),
}

/// Up to 1,000 applicants in one request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicantBatch {
    #[schema(min_items = 1, max_items = 1000)]
    pub applicants: Vec<ApplicantInput>,
}

/// What became of each applicant, in the order sent.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RegisterResponse {
    pub results: Vec<RowResult>,
    /// How many were invited.
    #[schema(minimum = 0, maximum = 1000)]
    pub invited: usize,
}

/// An applicant as the rules take it, then as the document states it.
fn check(input: &ApplicantInput) -> Result<(), FieldError> {
    Applicant::try_from(input)?;
    if !documented::email(&input.email) {
        return Err(FieldError::new("email", UserError::InvalidEmail));
    }
    match input.rejected_on.as_deref() {
        Some(d) if !d.is_empty() && !documented::date(d) => {
            Err(FieldError::new("rejected_on", UserError::InvalidDate))
        }
        _ => Ok(()),
    }
}

/// Registers rejected applicants: each new address gets an invitation mail (in the company's
/// language) with a personal link. A malformed row (no name, an invalid address or date) refuses
/// the whole request with 422 and its `field` (`applicants[3].email`); nothing is invited. Send
/// an `Idempotency-Key` header to make a retry safe: the same key with the same body answers as
/// the first time; with another body it is refused (422 `idempotency_key_reused`).
#[utoipa::path(post, path = "/api/v1/applicants", tag = "company",
    request_body = Applicants,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe (1 to 200 characters)",
        min_length = 1, max_length = 200)),
    responses(
        (status = 200, description = "One result per applicant", body = RegisterResponse),
        Refused, BadBody),
    security(("api_key" = [])))]
pub async fn register_applicants(
    State(state): State<AppState>,
    caller: CompanyKey,
    headers: HeaderMap,
    ApiJson(body, raw): ApiJson<serde_json::Value>,
) -> Result<Response, Problem> {
    let batch = body.get("applicants").is_some();
    let inputs: Vec<ApplicantInput> = if batch {
        parse_value::<ApplicantBatch>(body)?.applicants
    } else {
        vec![parse_value::<ApplicantInput>(body)?]
    };
    // A malformed row refuses the whole request (nothing is invited); the rules of the rows
    // (suppressed, already relayed or invited, repeated) are answered row by row.
    for (i, input) in inputs.iter().enumerate() {
        if let Err(f) = check(input) {
            let field = if batch {
                format!("applicants[{i}].{}", f.field)
            } else {
                f.field
            };
            return Err(
                Problem::user(f.error, Some(field)).with_status(StatusCode::UNPROCESSABLE_ENTITY)
            );
        }
    }
    if inputs.is_empty() || inputs.len() > MAX_BATCH {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "batch_size",
            "Send between 1 and 1,000 applicants.",
        ));
    }
    let idempotency = Idempotency::of(&headers, &raw, caller.owner.key_id)?;
    if let Some(answer) = idempotency.earlier_answer(&state).await? {
        return Ok(answer);
    }
    let mail = app::api::ssr::InvitationMail::of(&state.pool, caller.company_id).await?;
    let compose = |name: &str, url: &str, unsubscribe: &str| mail.compose(name, url, unsubscribe);
    let results = career_relay::invitation::register(
        &state.pool,
        caller.company_id,
        &state.base_url,
        &inputs,
        &compose,
    )
    .await?;
    let invited = results
        .iter()
        .filter(|r| matches!(r, RowResult::Invited { .. }))
        .count();
    let response = serde_json::to_string(&RegisterResponse { results, invited })
        .map_err(|_| Problem::user(UserError::Internal, None))?;
    idempotency.remember(&state, &response).await?;
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        response,
    )
        .into_response())
}
