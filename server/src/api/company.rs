//! A company's reads: its invitations, referral status and credit ledger.

use super::{
    extract::{ApiQuery, CompanyKey},
    problem::{BadParameters, Problem, Refused},
    ApiResult,
};
use app::state::AppState;
use axum::{extract::State, http::StatusCode, Json};
use career_relay::{
    credit::LedgerEntry, invitation::InvitationRow, referral::ReferralStatus, UserError,
};
use serde::Deserialize;
use utoipa::IntoParams;

/// Keyset paging, newest first.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// Return entries older than this id (the last id of the previous page).
    #[param(minimum = 1)]
    pub before: Option<i64>,
    /// At most 500; 100 by default.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

impl Page {
    /// The page size asked for; a size or cursor out of range is refused, as the document says.
    fn limit(&self) -> Result<i64, Problem> {
        let out_of_range = |field: &str| {
            Problem::user(UserError::OutOfRange, Some(field.to_owned()))
                .with_status(StatusCode::BAD_REQUEST)
        };
        if self.before.is_some_and(|b| b < 1) {
            return Err(out_of_range("before"));
        }
        match self.limit.unwrap_or(100) {
            n @ 1..=500 => Ok(n),
            _ => Err(out_of_range("limit")),
        }
    }
}

/// The company's invitations and their status, newest first.
#[utoipa::path(get, path = "/api/v1/invitations", tag = "company", params(Page),
    responses((status = 200, body = Vec<InvitationRow>), Refused, BadParameters),
    security(("api_key" = [])))]
pub async fn list_invitations(
    State(state): State<AppState>,
    caller: CompanyKey,
    ApiQuery(page): ApiQuery<Page>,
) -> ApiResult<Vec<InvitationRow>> {
    Ok(Json(
        career_relay::invitation::list(&state.pool, caller.company_id, page.before, page.limit()?)
            .await?,
    ))
}

/// The company's referral status: link visits, opt-ins, qualified relays, credits, outcomes.
#[utoipa::path(get, path = "/api/v1/referral", tag = "company",
    responses((status = 200, body = ReferralStatus), Refused),
    security(("api_key" = [])))]
pub async fn referral(
    State(state): State<AppState>,
    caller: CompanyKey,
) -> Result<Json<ReferralStatus>, Problem> {
    Ok(Json(
        career_relay::referral::status(
            &state.pool,
            caller.company_id,
            career_relay::referral::History::newest(50),
        )
        .await?,
    ))
}

/// The company's credit ledger, newest first.
#[utoipa::path(get, path = "/api/v1/ledger", tag = "company", params(Page),
    responses((status = 200, body = Vec<LedgerEntry>), Refused, BadParameters),
    security(("api_key" = [])))]
pub async fn ledger(
    State(state): State<AppState>,
    caller: CompanyKey,
    ApiQuery(page): ApiQuery<Page>,
) -> ApiResult<Vec<LedgerEntry>> {
    Ok(Json(
        career_relay::credit::ledger(&state.pool, caller.company_id, page.before, page.limit()?)
            .await?,
    ))
}
