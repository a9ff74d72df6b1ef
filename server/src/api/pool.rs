//! `GET /api/v1/pool`: an agency's CRM reads the pool with the pool page's filters.

use super::{
    extract::{AgencyKey, ApiQuery},
    problem::{BadParameters, Refused},
    ApiResult,
};
use app::state::AppState;
use axum::{extract::State, Json};
use career_relay::{
    pool::{PoolPage, PoolQuery},
    profile::{JobType, Prefecture},
};
use serde::Deserialize;
use utoipa::IntoParams;

/// The pool's filters as the API takes them: typed, each one optional (the portal's search form
/// sends the same filters as text, empty for none).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PoolParams {
    /// A job type the candidate is looking for.
    #[param(inline)]
    job_type: Option<JobType>,
    /// The prefecture's JIS code (1 Hokkaido … 13 Tokyo … 47 Okinawa).
    #[param(value_type = Option<u8>, minimum = 1, maximum = 47)]
    prefecture: Option<Prefecture>,
    /// A skill, as candidates list them (case and width do not matter).
    #[param(max_length = 100)]
    skill: Option<String>,
    /// Years of experience at least.
    #[param(minimum = 0, maximum = 255)]
    min_years: Option<u8>,
    /// A keyword in the skills, languages or summary (two-character Japanese terms work).
    #[param(max_length = 100)]
    q: Option<String>,
    /// The `next` of the previous page.
    after: Option<i64>,
}

impl From<PoolParams> for PoolQuery {
    fn from(p: PoolParams) -> Self {
        let text = |n: Option<String>| n.unwrap_or_default();
        PoolQuery {
            job_type: p.job_type.map(|j| j.code().to_owned()).unwrap_or_default(),
            prefecture: text(p.prefecture.map(|p| p.code().to_string())),
            skill: text(p.skill),
            min_years: text(p.min_years.map(|y| y.to_string())),
            q: text(p.q),
            after: text(p.after.map(|a| a.to_string())),
        }
    }
}

/// The pool, with the filters of the pool page; `after` pages on (`next` of the previous page).
#[utoipa::path(get, path = "/api/v1/pool", tag = "agency", params(PoolParams),
    responses((status = 200, body = PoolPage), Refused, BadParameters),
    security(("api_key" = [])))]
pub async fn pool(
    State(state): State<AppState>,
    _: AgencyKey,
    ApiQuery(params): ApiQuery<PoolParams>,
) -> ApiResult<PoolPage> {
    let query = PoolQuery::from(params);
    Ok(Json(
        career_relay::pool::pool_page(&state.pool, &query).await?,
    ))
}
