//! `GET /api/v1/pool`: an agency's CRM reads the pool with the pool page's filters.

use super::{
    extract::{AgencyKey, ApiQuery},
    problem::{BadParameters, Refused},
    ApiResult,
};
use app::state::AppState;
use axum::{extract::State, Json};
use career_relay::pool::{PoolPage, PoolQuery};

/// The pool, with the filters of the pool page; `after` pages on (`next` of the previous page).
#[utoipa::path(get, path = "/api/v1/pool", tag = "agency", params(PoolQuery),
    responses((status = 200, body = PoolPage), Refused, BadParameters),
    security(("api_key" = [])))]
pub async fn pool(
    State(state): State<AppState>,
    _: AgencyKey,
    ApiQuery(query): ApiQuery<PoolQuery>,
) -> ApiResult<PoolPage> {
    Ok(Json(
        career_relay::pool::pool_page(&state.pool, &query).await?,
    ))
}
