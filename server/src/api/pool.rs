//! `GET /api/v1/pool`: an agency's CRM reads the pool with the pool page's filters.

use super::{
    extract::{AgencyKey, ApiQuery},
    problem::{BadParameters, Problem, Refused},
    ApiResult,
};
use app::state::AppState;
use axum::{extract::State, Json};
use career_relay::{
    pool::{PoolPage, PoolQuery, MAX_TERM},
    profile::{JobType, Prefecture},
    UserError,
};
use serde::Deserialize;
use utoipa::IntoParams;

/// The pool's filters as the API takes them: typed, each one optional (the portal's search form
/// sends the same filters as text, empty for none). A value that is not of its type is refused
/// with the field's own code.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PoolParams {
    /// A job type the candidate is looking for.
    #[param(value_type = Option<JobType>, inline)]
    job_type: Option<String>,
    /// The prefecture's JIS code (1 Hokkaido … 13 Tokyo … 47 Okinawa).
    #[param(value_type = Option<u8>, minimum = 1, maximum = 47)]
    prefecture: Option<String>,
    /// A skill, as candidates list them (case and width do not matter).
    #[param(max_length = 100)]
    skill: Option<String>,
    /// Years of experience at least.
    #[param(value_type = Option<u8>, minimum = 0, maximum = 255)]
    min_years: Option<String>,
    /// A keyword in the skills, languages or summary (two-character Japanese terms work).
    #[param(max_length = 100)]
    q: Option<String>,
    /// The `next` of the previous page.
    #[param(value_type = Option<i64>)]
    after: Option<String>,
}

/// Whether a query value is an integer as the document writes one: digits, a minus sign first.
fn integer(raw: &str) -> bool {
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

impl TryFrom<PoolParams> for PoolQuery {
    type Error = Problem;

    fn try_from(p: PoolParams) -> Result<Self, Problem> {
        let refuse = |field: &str, e: UserError| Problem::user(e, Some(field.to_owned()));
        if let Some(j) = &p.job_type {
            JobType::from_code(j).ok_or_else(|| refuse("job_type", UserError::InvalidJobType))?;
        }
        if let Some(code) = &p.prefecture {
            let ok = integer(code)
                && code
                    .parse()
                    .ok()
                    .and_then(|c: u8| Prefecture::try_from(c).ok())
                    .is_some();
            if !ok {
                return Err(refuse("prefecture", UserError::InvalidPrefecture));
            }
        }
        if let Some(y) = &p.min_years {
            if !integer(y) || y.parse::<u8>().is_err() {
                return Err(refuse("min_years", UserError::InvalidNumber));
            }
        }
        if let Some(a) = &p.after {
            if !integer(a) || a.parse::<i64>().is_err() {
                return Err(refuse("after", UserError::InvalidNumber));
            }
        }
        for (field, text) in [("skill", &p.skill), ("q", &p.q)] {
            if text.as_ref().is_some_and(|t| t.chars().count() > MAX_TERM) {
                return Err(refuse(field, UserError::TooLong));
            }
        }
        let text = |v: Option<String>| v.unwrap_or_default();
        Ok(PoolQuery {
            job_type: text(p.job_type),
            prefecture: text(p.prefecture),
            skill: text(p.skill),
            min_years: text(p.min_years),
            q: text(p.q),
            after: text(p.after),
        })
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
    let query = PoolQuery::try_from(params)?;
    Ok(Json(
        career_relay::pool::pool_page(&state.pool, &query).await?,
    ))
}
