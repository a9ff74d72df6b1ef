//! Free referral requests over the API: a company opens, lists and cancels its requests and
//! screens introductions; an agency lists open requests, accepts one and introduces a candidate
//! it holds, and reads its own introductions.

use super::{
    claims::Created,
    documented,
    extract::{AgencyKey, ApiJson, ApiPath, ApiQuery, CompanyKey},
    problem::{BadBody, BadParameters, Conflict, NotFound, Problem, Refused},
    ApiResult,
};
use app::{api::ssr::MailWording, state::AppState};
use axum::{extract::State, Json};
use career_relay::{
    profile::JobType,
    request::{
        self, AgencyIntroduction, AgencyRequest, CompanyRequest, EmploymentType, NewRequest,
        Recommendation, RejectReason, RequestInput, RequestPage, RequestQuery, RequestView,
        Screening,
    },
    UserError,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// A free referral request as the API takes it. Salaries are annual, in 万円 (10,000 yen).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "経理スタッフ", "job_type": "accounting", "prefecture": 13, "employment_type": "full_time",
    "salary_min": 400, "salary_max": 550, "min_years": 3, "must_have": "経理、月次決算",
    "nice_to_have": "英語", "agency_notes": "面接は2回", "deadline_days": 60
}))]
pub struct RequestBody {
    /// The position.
    #[schema(schema_with = career_relay::field::line_schema::<100>)]
    pub title: String,
    pub job_type: JobType,
    /// The prefecture's JIS code (1 Hokkaido … 13 Tokyo … 47 Okinawa); `null` for a remote position.
    #[serde(default, deserialize_with = "documented::optional_integer")]
    #[schema(value_type = Option<u8>, minimum = 1, maximum = 47)]
    pub prefecture: Option<i64>,
    pub employment_type: EmploymentType,
    /// The lowest annual salary, 0–10000 (万円).
    #[serde(deserialize_with = "documented::integer")]
    #[schema(value_type = u16, minimum = 0, maximum = 10000)]
    pub salary_min: i64,
    /// The highest annual salary, 0–10000 (万円), not below `salary_min` (else 422
    /// `invalid_range`).
    #[serde(deserialize_with = "documented::integer")]
    #[schema(value_type = u16, minimum = 0, maximum = 10000)]
    pub salary_max: i64,
    /// Years of experience required, 0–50.
    #[serde(default, deserialize_with = "documented::optional_integer")]
    #[schema(value_type = Option<u8>, minimum = 0, maximum = 50)]
    pub min_years: Option<i64>,
    /// Must-have requirements, separated by commas or lines.
    #[serde(default)]
    #[schema(schema_with = career_relay::field::optional_text_schema::<1000>)]
    pub must_have: Option<String>,
    /// Nice-to-have requirements.
    #[serde(default)]
    #[schema(schema_with = career_relay::field::optional_text_schema::<1000>)]
    pub nice_to_have: Option<String>,
    /// For agencies only: deal-breakers, the interview flow.
    #[serde(default)]
    #[schema(schema_with = career_relay::field::optional_text_schema::<2000>)]
    pub agency_notes: Option<String>,
    /// The deadline, in days from today (Japan time), 1–365; absent or `null`: the platform's
    /// default (90 days).
    #[serde(default, deserialize_with = "documented::optional_integer")]
    #[schema(value_type = Option<u16>, minimum = 1, maximum = 365)]
    pub deadline_days: Option<i64>,
}

/// Refuses an integer outside the document's range, naming the field.
fn in_range(field: &str, value: i64, range: std::ops::RangeInclusive<i64>) -> Result<i64, Problem> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(Problem::user(UserError::OutOfRange, Some(field.to_owned()))
            .with_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY))
    }
}

impl TryFrom<&RequestBody> for NewRequest {
    type Error = Problem;

    fn try_from(b: &RequestBody) -> Result<Self, Problem> {
        let salary_min = in_range("salary_min", b.salary_min, 0..=request::MAX_SALARY)?;
        let salary_max = in_range("salary_max", b.salary_max, 0..=request::MAX_SALARY)?;
        let prefecture = match b.prefecture {
            None => request::REMOTE.to_owned(),
            Some(p) => in_range("prefecture", p, 1..=47)?.to_string(),
        };
        let min_years = in_range("min_years", b.min_years.unwrap_or(0), 0..=50)?;
        let deadline = match b.deadline_days {
            None => String::new(),
            Some(days) => {
                let days = in_range("deadline_days", days, 1..=request::MAX_DEADLINE_DAYS)?;
                (career_relay::time::today() + chrono::Days::new(days as u64))
                    .format("%Y-%m-%d")
                    .to_string()
            }
        };
        let text = |t: &Option<String>| t.clone().unwrap_or_default();
        let input = RequestInput {
            title: b.title.clone(),
            job_type: b.job_type.code().to_owned(),
            prefecture,
            employment_type: b.employment_type.code().to_owned(),
            salary_min: salary_min.to_string(),
            salary_max: salary_max.to_string(),
            min_years: min_years.to_string(),
            must_have: text(&b.must_have),
            nice_to_have: text(&b.nice_to_have),
            agency_notes: text(&b.agency_notes),
            deadline,
        };
        NewRequest::try_from(&input).map_err(|e| {
            Problem::from(career_relay::Error::Fields(e))
                .with_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY)
        })
    }
}

/// The company's free referral requests, newest first (at most 100).
#[utoipa::path(get, path = "/api/v1/requests", tag = "company",
    responses((status = 200, body = Vec<RequestView>), Refused),
    security(("api_key" = [])))]
pub async fn list_requests(
    State(state): State<AppState>,
    caller: CompanyKey,
) -> ApiResult<Vec<RequestView>> {
    let page = request::for_company(&state.pool, caller.company_id, None, 100).await?;
    Ok(Json(page.requests))
}

/// Opens a free referral request and spends one credit on it (409 `no_credit` when none is
/// left; nothing is written). A salary range upside down is 422 `invalid_range`.
#[utoipa::path(post, path = "/api/v1/requests", tag = "company", request_body = RequestBody,
    responses((status = 200, body = Created), Refused, BadBody, Conflict),
    security(("api_key" = [])))]
pub async fn open_request(
    State(state): State<AppState>,
    caller: CompanyKey,
    ApiJson(body, _): ApiJson<RequestBody>,
) -> ApiResult<Created> {
    let user = caller.acting_user()?;
    let wanted = NewRequest::try_from(&body)?;
    let id = request::open(&state.pool, caller.company_id, user, &wanted).await?;
    Ok(Json(Created { id }))
}

/// One of the company's requests: the agencies on it and every introduction, with the profile of
/// each candidate who agreed (each such view is audited).
#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = "company",
    params(("id" = i64, Path, description = "The request")),
    responses((status = 200, body = CompanyRequest), Refused, BadParameters, NotFound),
    security(("api_key" = [])))]
pub async fn get_request(
    State(state): State<AppState>,
    caller: CompanyKey,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<CompanyRequest> {
    let r = request::for_company_one(&state.pool, caller.company_id, id).await?;
    let actor = format!("user:{}", caller.acting_user()?);
    for i in r.introductions.iter().filter(|i| i.profile.is_some()) {
        career_relay::audit::record(
            &state.pool,
            &actor,
            "introduction_viewed",
            &format!("introduction:{}", i.id),
        )
        .await?;
    }
    Ok(Json(r))
}

/// Cancels a request that has no introduction yet; its credit comes back (409
/// `has_introductions` or `request_closed` otherwise).
#[utoipa::path(post, path = "/api/v1/requests/{id}/cancel", tag = "company",
    params(("id" = i64, Path, description = "The request")),
    responses((status = 200, body = Created), Refused, BadParameters, NotFound, Conflict),
    security(("api_key" = [])))]
pub async fn cancel_request(
    State(state): State<AppState>,
    caller: CompanyKey,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Created> {
    request::cancel(&state.pool, caller.company_id, id).await?;
    Ok(Json(Created { id }))
}

/// A screening result.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"result": "rejected", "reason": "salary"}))]
pub struct ScreeningBody {
    pub result: Screening,
    /// Why, for `rejected` (told to the agency, never to the candidate); ignored otherwise.
    #[serde(default)]
    pub reason: Option<RejectReason>,
}

/// Gives the screening result of an introduction the candidate agreed to; `hired` fulfils the
/// request and records the placement for the introducing agency.
#[utoipa::path(post, path = "/api/v1/introductions/{id}/screening", tag = "company",
    params(("id" = i64, Path, description = "The introduction")), request_body = ScreeningBody,
    responses((status = 200, body = Created), Refused, BadBody, NotFound, Conflict),
    security(("api_key" = [])))]
pub async fn screen(
    State(state): State<AppState>,
    caller: CompanyKey,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body, _): ApiJson<ScreeningBody>,
) -> ApiResult<Created> {
    let wording = MailWording::of(&state);
    request::screen(
        &state.pool,
        &wording,
        caller.company_id,
        id,
        body.result,
        body.reason,
    )
    .await?;
    Ok(Json(Created { id }))
}

/// The open requests' filters: typed, each optional.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OpenRequestParams {
    /// The request's job type.
    #[param(value_type = Option<JobType>, inline)]
    job_type: Option<String>,
    /// A prefecture's JIS code (1–47), or `remote`.
    #[param(pattern = r"^(remote|[1-9]|[1-3][0-9]|4[0-7])$")]
    prefecture: Option<String>,
    /// The `next` of the previous page.
    #[param(value_type = Option<i64>)]
    after: Option<String>,
}

impl TryFrom<OpenRequestParams> for RequestQuery {
    type Error = Problem;

    fn try_from(p: OpenRequestParams) -> Result<Self, Problem> {
        let refuse = |field: &str, e: UserError| Problem::user(e, Some(field.to_owned()));
        if let Some(j) = &p.job_type {
            JobType::from_code(j).ok_or_else(|| refuse("job_type", UserError::InvalidJobType))?;
        }
        if let Some(code) = &p.prefecture {
            let ok = code == request::REMOTE
                || (code.bytes().all(|b| b.is_ascii_digit())
                    && !code.starts_with('0')
                    && code.parse::<u8>().is_ok_and(|c| (1..=47).contains(&c)));
            if !ok {
                return Err(refuse("prefecture", UserError::InvalidPrefecture));
            }
        }
        if let Some(a) = &p.after {
            let digits = a.strip_prefix('-').unwrap_or(a);
            if digits.is_empty()
                || !digits.bytes().all(|b| b.is_ascii_digit())
                || a.parse::<i64>().is_err()
            {
                return Err(refuse("after", UserError::InvalidNumber));
            }
        }
        Ok(RequestQuery {
            job_type: p.job_type.unwrap_or_default(),
            prefecture: p.prefecture.unwrap_or_default(),
            after: p.after.unwrap_or_default(),
        })
    }
}

/// Open free referral requests, newest first; `after` pages on.
#[utoipa::path(get, path = "/api/v1/open-requests", tag = "agency", params(OpenRequestParams),
    responses((status = 200, body = RequestPage), Refused, BadParameters),
    security(("api_key" = [])))]
pub async fn open_requests(
    State(state): State<AppState>,
    caller: AgencyKey,
    ApiQuery(params): ApiQuery<OpenRequestParams>,
) -> ApiResult<RequestPage> {
    let q = RequestQuery::try_from(params)?;
    Ok(Json(
        request::open_requests(&state.pool, caller.agency_id, &q).await?,
    ))
}

/// One request as the agency sees it: its own introductions and the candidates ranked for it,
/// each with the rules that matched.
#[utoipa::path(get, path = "/api/v1/open-requests/{id}", tag = "agency",
    params(("id" = i64, Path, description = "The request")),
    responses((status = 200, body = AgencyRequest), Refused, BadParameters, NotFound),
    security(("api_key" = [])))]
pub async fn open_request_detail(
    State(state): State<AppState>,
    caller: AgencyKey,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<AgencyRequest> {
    let r = request::for_agency_one(&state.pool, caller.agency_id, id).await?;
    super::claims::listed(&state, &caller, r.held.iter().map(|c| c.candidate_id)).await?;
    Ok(Json(r))
}

/// The agency works on a request (again: nothing changes); the company is told.
#[utoipa::path(post, path = "/api/v1/open-requests/{id}/accept", tag = "agency",
    params(("id" = i64, Path, description = "The request")),
    responses((status = 200, body = Created), Refused, BadParameters, NotFound, Conflict),
    security(("api_key" = [])))]
pub async fn accept(
    State(state): State<AppState>,
    caller: AgencyKey,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Created> {
    let user = caller.acting_user()?;
    let wording = MailWording::of(&state);
    request::accept(&state.pool, &wording, caller.agency_id, user, id).await?;
    Ok(Json(Created { id }))
}

/// An introduction of a candidate the agency holds.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"candidate_id": 12, "recommendation": "法人営業5年、即戦力です。"}))]
pub struct IntroductionBody {
    #[serde(deserialize_with = "documented::integer")]
    pub candidate_id: i64,
    /// Shown to the company once the candidate agrees.
    #[schema(schema_with = career_relay::field::required_text_schema::<1000>)]
    pub recommendation: String,
}

/// Introduces a candidate the agency holds (an open claim) to an open request; the candidate is
/// asked by mail before the company sees them. 409 when the agency does not hold them
/// (`claim_not_active`), they were introduced already (`already_exists`), or the company rejected
/// them itself without their consent to be contacted again (`own_applicant`).
#[utoipa::path(post, path = "/api/v1/open-requests/{id}/introductions", tag = "agency",
    params(("id" = i64, Path, description = "The request")), request_body = IntroductionBody,
    responses((status = 200, body = Created), Refused, BadBody, NotFound, Conflict),
    security(("api_key" = [])))]
pub async fn introduce(
    State(state): State<AppState>,
    caller: AgencyKey,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body, _): ApiJson<IntroductionBody>,
) -> ApiResult<Created> {
    let user = caller.acting_user()?;
    let recommendation = Recommendation::parse(&body.recommendation).map_err(|e| {
        Problem::user(e, Some("recommendation".into()))
            .with_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY)
    })?;
    let wording = MailWording::of(&state);
    let intro = request::introduce(
        &state.pool,
        &wording,
        caller.agency_id,
        user,
        id,
        body.candidate_id,
        &recommendation,
    )
    .await?;
    Ok(Json(Created { id: intro }))
}

/// The agency's own introductions, newest first, with each one's state and the company's reason
/// for a 見送り.
#[utoipa::path(get, path = "/api/v1/introductions", tag = "agency",
    responses((status = 200, body = Vec<AgencyIntroduction>), Refused),
    security(("api_key" = [])))]
pub async fn introductions(
    State(state): State<AppState>,
    caller: AgencyKey,
) -> ApiResult<Vec<AgencyIntroduction>> {
    Ok(Json(
        request::introductions_of_agency(&state.pool, caller.agency_id).await?,
    ))
}
