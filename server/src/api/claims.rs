//! An agency's claims: list, claim a candidate, release, report a placement.

use super::{
    extract::{AgencyKey, ApiJson, ApiPath},
    problem::{BadBody, BadParameters, Conflict, NotFound, Problem, Refused},
    ApiResult,
};
use app::state::AppState;
use axum::{extract::State, Json};
use career_relay::UserError;
use career_relay::{
    claim::ClaimView,
    placement::{Placement, PlacementInput},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The candidate to claim.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"candidate_id": 12}))]
pub struct ClaimRequest {
    #[serde(deserialize_with = "whole_number")]
    pub candidate_id: i64,
}

/// A JSON integer, also when written with a zero fraction (`12.0`), as JSON Schema counts it.
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    n.as_i64()
        .or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= i64::MIN as f64 && *f < i64::MAX as f64)
                .map(|f| f as i64)
        })
        .ok_or_else(|| serde::de::Error::custom("expected a whole number"))
}

/// The record an operation created or acted on.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// The agency's live claims with their notes.
#[utoipa::path(get, path = "/api/v1/claims", tag = "agency",
    responses((status = 200, body = Vec<ClaimView>), Refused),
    security(("api_key" = [])))]
pub async fn claims(State(state): State<AppState>, caller: AgencyKey) -> ApiResult<Vec<ClaimView>> {
    Ok(Json(
        career_relay::claim::for_agency(&state.pool, caller.agency_id).await?,
    ))
}

/// Claims a candidate of the pool (exclusive for the claim period); 409 when another agency
/// holds them.
#[utoipa::path(post, path = "/api/v1/claims", tag = "agency", request_body = ClaimRequest,
    responses((status = 200, body = Created), Refused, BadBody, NotFound, Conflict),
    security(("api_key" = [])))]
pub async fn claim(
    State(state): State<AppState>,
    caller: AgencyKey,
    ApiJson(body, _): ApiJson<ClaimRequest>,
) -> ApiResult<Created> {
    let user = caller.acting_user()?;
    let id =
        career_relay::claim::claim(&state.pool, caller.agency_id, user, body.candidate_id).await?;
    Ok(Json(Created { id }))
}

/// Releases one of the agency's claims.
#[utoipa::path(post, path = "/api/v1/claims/{id}/release", tag = "agency",
    params(("id" = i64, Path, description = "The claim")),
    responses((status = 200, body = Created), Refused, BadParameters, NotFound, Conflict),
    security(("api_key" = [])))]
pub async fn release(
    State(state): State<AppState>,
    caller: AgencyKey,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Created> {
    career_relay::claim::release(&state.pool, caller.agency_id, id).await?;
    Ok(Json(Created { id }))
}

/// Reports a placement for one of the agency's claims (`start_date` as `YYYY-MM-DD`, `fee` in
/// yen or empty); closes the claim and credits the relaying company.
#[utoipa::path(post, path = "/api/v1/claims/{id}/placement", tag = "agency",
    params(("id" = i64, Path, description = "The claim")), request_body = PlacementInput,
    responses((status = 200, body = Created), Refused, BadBody, NotFound, Conflict),
    security(("api_key" = [])))]
pub async fn report_placement(
    State(state): State<AppState>,
    caller: AgencyKey,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body, _): ApiJson<PlacementInput>,
) -> ApiResult<Created> {
    if !documented_fee(&body.fee) {
        return Err(Problem::user(UserError::InvalidNumber, Some("fee".into())));
    }
    let placement = Placement::try_from(&body).map_err(career_relay::Error::Fields)?;
    let placement_id =
        career_relay::placement::report(&state.pool, caller.agency_id, id, &placement).await?;
    Ok(Json(Created { id: placement_id }))
}

/// Whether a fee has the form the document states (the portal's form also takes full-width
/// digits, commas and `¥`; the API takes plain digits).
fn documented_fee(raw: &str) -> bool {
    use std::sync::LazyLock;
    static FEE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(career_relay::placement::FEE_PATTERN).expect("a valid pattern")
    });
    FEE.is_match(raw)
}
