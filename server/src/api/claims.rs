//! An agency's claims: list, claim a candidate, release, report a placement.

use super::{
    documented,
    extract::{AgencyKey, ApiJson, ApiPath},
    problem::{BadBody, BadParameters, Conflict, NotFound, Problem, Refused},
    ApiResult,
};
use app::state::AppState;
use axum::{extract::State, Json};
use career_relay::UserError;
use career_relay::{
    candidate::CandidateDetail,
    claim::{ClaimView, NoteText},
    placement::{Placement, PlacementInput},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The candidate to claim.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"candidate_id": 12}))]
pub struct ClaimRequest {
    #[serde(deserialize_with = "career_relay::field::whole_number")]
    pub candidate_id: i64,
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
    let claims = career_relay::claim::for_agency(&state.pool, caller.agency_id).await?;
    listed(&state, &caller, claims.iter().map(|c| c.candidate_id)).await?;
    Ok(Json(claims))
}

/// Audits a list that names the candidates the agency holds (ids only).
pub(super) async fn listed(
    state: &AppState,
    caller: &AgencyKey,
    ids: impl IntoIterator<Item = i64>,
) -> Result<(), Problem> {
    let target = career_relay::audit::listed("candidates", ids);
    if target != "candidates:" {
        let actor = format!("user:{}", caller.acting_user()?);
        career_relay::audit::record(&state.pool, &actor, "claims_listed", &target).await?;
    }
    Ok(())
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
    let placement = Placement::try_from(&body).map_err(career_relay::Error::Fields)?;
    if !documented::date(&body.start_date) {
        return Err(Problem::user(
            UserError::InvalidDate,
            Some("start_date".into()),
        ));
    }
    if !documented::fee(&body.fee) {
        return Err(Problem::user(UserError::InvalidNumber, Some("fee".into())));
    }
    let placement_id =
        career_relay::placement::report(&state.pool, caller.agency_id, id, &placement).await?;
    Ok(Json(Created { id: placement_id }))
}

/// A progress note on a claim.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "一次面接を設定しました。"}))]
pub struct NoteBody {
    #[schema(schema_with = career_relay::field::required_text_schema::<2000>)]
    pub body: String,
}

/// Records progress on one of the agency's live claims, which extends it (as on the claims page).
#[utoipa::path(post, path = "/api/v1/claims/{id}/notes", tag = "agency",
    params(("id" = i64, Path, description = "The claim")), request_body = NoteBody,
    responses((status = 200, body = Created), Refused, BadBody, Conflict),
    security(("api_key" = [])))]
pub async fn add_note(
    State(state): State<AppState>,
    caller: AgencyKey,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body, _): ApiJson<NoteBody>,
) -> ApiResult<Created> {
    let user = caller.acting_user()?;
    let note = NoteText::parse(&body.body).map_err(|e| {
        Problem::user(e, Some("body".into()))
            .with_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY)
    })?;
    career_relay::claim::add_note(&state.pool, caller.agency_id, user, id, &note).await?;
    Ok(Json(Created { id }))
}

/// One candidate as the agency may see them: a pool candidate's profile, and the full profile
/// with contact details of a candidate the agency holds (that read is audited, as on the page).
#[utoipa::path(get, path = "/api/v1/candidates/{id}", tag = "agency",
    params(("id" = i64, Path, description = "The candidate")),
    responses((status = 200, body = CandidateDetail), Refused, BadParameters, NotFound),
    security(("api_key" = [])))]
pub async fn candidate(
    State(state): State<AppState>,
    caller: AgencyKey,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<CandidateDetail> {
    let detail =
        career_relay::candidate::detail_for_agency(&state.pool, caller.agency_id, id).await?;
    if detail.contact.is_some() {
        career_relay::audit::record(
            &state.pool,
            &format!("user:{}", caller.acting_user()?),
            "profile_viewed",
            &format!("candidate:{id}"),
        )
        .await?;
    }
    Ok(Json(detail))
}
