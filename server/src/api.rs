//! The JSON API under `/api/v1`, for a company's applicant tracking system and an agency's CRM.
//! Requests carry an API key (`Authorization: Bearer crk_…`); errors are `application/problem+json`
//! with a stable `code`. The OpenAPI document is generated from these handlers (utoipa) and served
//! at `/api/v1/openapi.json`; `/api/v1` is a readable reference.

use app::state::AppState;
use axum::{
    extract::{FromRequest, FromRequestParts, Path, Query, Request, State},
    http::{header, request::Parts, HeaderMap, StatusCode},
    response::{Html, IntoResponse, Response},
    routing::get,
    Json, Router,
};
use career_relay::{
    apikey::{self, KeyOwner},
    candidate::{PoolPage, PoolQuery},
    claim::ClaimView,
    credit::LedgerEntry,
    invitation::{ApplicantInput, InvitationRow, RowResult},
    org::Membership,
    placement::PlacementInput,
    referral::ReferralStatus,
    UserError,
};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use utoipa::{
    openapi::security::{Http, HttpAuthScheme, SecurityScheme},
    IntoParams, Modify, OpenApi, ToSchema,
};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Largest request body the API reads (a batch of 1,000 applicants fits easily).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// An error as the API answers it (RFC 9457).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// The HTTP status.
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
    fn new(status: StatusCode, code: &str, title: &str) -> Self {
        Self {
            status: status.as_u16(),
            code: code.to_owned(),
            title: title.to_owned(),
            field: None,
        }
    }

    fn user(e: UserError, field: Option<String>) -> Self {
        let status = StatusCode::from_u16(app::error::AppError::User(e).status())
            .unwrap_or(StatusCode::BAD_REQUEST);
        Self {
            status: status.as_u16(),
            code: e.code(),
            title: app::text::user_error_in(app::i18n::Locale::en, e),
            field,
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        let body = serde_json::to_string(&self).unwrap_or_default();
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
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

type ApiResult<T> = Result<Json<T>, Problem>;

/// The caller: the organisation whose key the request carries.
pub struct Caller(KeyOwner);

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let key = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(|| {
                Problem::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "Send an API key as `Authorization: Bearer KEY`.",
                )
            })?;
        match apikey::authenticate(&state.pool, key).await? {
            Some(owner) => Ok(Caller(owner)),
            None => Err(Problem::new(
                StatusCode::UNAUTHORIZED,
                "invalid_key",
                "This API key is unknown or has been revoked.",
            )),
        }
    }
}

impl Caller {
    fn company(&self) -> Result<i64, Problem> {
        match self.0.org {
            Membership::Company(id) => Ok(id),
            Membership::Agency(_) => Err(Problem::user(UserError::Forbidden, None)),
        }
    }

    /// The agency, which must be approved.
    async fn agency(&self, state: &AppState) -> Result<i64, Problem> {
        let Membership::Agency(id) = self.0.org else {
            return Err(Problem::user(UserError::Forbidden, None));
        };
        if !career_relay::org::agency_approved(&state.pool, id).await? {
            return Err(Problem::user(UserError::AgencyNotApproved, None));
        }
        Ok(id)
    }
}

/// A JSON body: `application/json`, at most `BODY_LIMIT`, no unknown fields; each mistake a
/// problem of its own.
pub struct ApiJson<T>(pub T, pub bytes::Bytes);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Problem> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<mime::Mime>().ok())
            .is_some_and(|m| {
                m.type_() == "application"
                    && (m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json"))
            });
        if !json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the body as `Content-Type: application/json`.",
            ));
        }
        let bytes = bytes::Bytes::from_request(req, state).await.map_err(|_| {
            Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "The body is larger than 1 MiB.",
            )
        })?;
        let value: T = serde_json::from_slice(&bytes).map_err(|e| {
            if e.classify() == serde_json::error::Category::Data {
                body_problem(e)
            } else {
                Problem::new(
                    StatusCode::BAD_REQUEST,
                    "malformed_json",
                    "The body is not valid JSON.",
                )
            }
        })?;
        Ok(ApiJson(value, bytes))
    }
}

/// One applicant, or a batch: `{"applicants": [...]}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Applicants {
    Batch(ApplicantBatch),
    One(ApplicantInput),
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicantBatch {
    /// At most 1,000.
    pub applicants: Vec<ApplicantInput>,
}

/// What became of each applicant, in the order sent.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RegisterResponse {
    pub results: Vec<RowResult>,
    pub invited: usize,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct Page {
    /// Return entries older than this id (the last id of the previous page).
    pub before: Option<i64>,
    /// At most 500; 100 by default.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ClaimRequest {
    pub candidate_id: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Registers rejected applicants: each new address gets an invitation mail (in the company's
/// language) with a personal link. A malformed row (no name, an invalid address or date) refuses
/// the whole request with 422 and its `field` (`applicants[3].email`); nothing is invited. Send an `Idempotency-Key` header to make a retry
/// safe: the same key with the same body answers as the first time; with another body it is
/// refused (422 `idempotency_key_reused`).
#[utoipa::path(post, path = "/api/v1/applicants", tag = "company",
    request_body = Applicants,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses(
        (status = 200, description = "One result per applicant", body = RegisterResponse),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
async fn register_applicants(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(body, raw): ApiJson<serde_json::Value>,
) -> Response {
    match register(&state, &caller, &headers, body, &raw).await {
        Ok(r) => r,
        Err(p) => p.into_response(),
    }
}

async fn register(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    body: serde_json::Value,
    raw: &[u8],
) -> Result<Response, Problem> {
    let company = caller.company()?;
    let batch = body.get("applicants").is_some();
    let inputs: Vec<ApplicantInput> = if batch {
        parse_value::<ApplicantBatch>(body)?.applicants
    } else {
        vec![parse_value::<StrictApplicant>(body)?.into()]
    };
    // A malformed row refuses the whole request (nothing is invited); the rules of the rows
    // (suppressed, already relayed or invited, repeated) are answered row by row.
    for (i, input) in inputs.iter().enumerate() {
        if let Err(f) = career_relay::invitation::Applicant::try_from(input) {
            let field = if batch {
                format!("applicants[{i}].{}", f.field)
            } else {
                f.field
            };
            let mut p = Problem::user(f.error, Some(field));
            p.status = StatusCode::UNPROCESSABLE_ENTITY.as_u16();
            return Err(p);
        }
    }
    if inputs.is_empty() || inputs.len() > career_relay::invitation::MAX_BATCH {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "batch_size",
            "Send between 1 and 1,000 applicants.",
        ));
    }
    let idem = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let request_hash = career_relay::auth::hash(&String::from_utf8_lossy(raw));
    if let Some(key) = &idem {
        if key.is_empty() || key.len() > 200 {
            return Err(Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_idempotency_key",
                "An Idempotency-Key has 1 to 200 characters.",
            ));
        }
        if let Some((hash, status, response)) =
            career_relay::invitation::idempotent_answer(&state.pool, caller.0.key_id, key).await?
        {
            if hash != request_hash {
                return Err(Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "idempotency_key_reused",
                    "This Idempotency-Key was used with another body.",
                ));
            }
            let status = StatusCode::from_u16(status as u16).unwrap_or(StatusCode::OK);
            return Ok((
                status,
                [(header::CONTENT_TYPE, "application/json")],
                response,
            )
                .into_response());
        }
    }
    let mail = app::api::ssr::InvitationMail::of(&state.pool, company).await?;
    let compose = |name: &str, url: &str, unsubscribe: &str| mail.compose(name, url, unsubscribe);
    let results = career_relay::invitation::register(
        &state.pool,
        company,
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
    if let Some(key) = &idem {
        career_relay::invitation::remember_answer(
            &state.pool,
            caller.0.key_id,
            key,
            &request_hash,
            200,
            &response,
        )
        .await?;
    }
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        response,
    )
        .into_response())
}

/// One applicant, refusing unknown fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StrictApplicant {
    name: String,
    email: String,
    #[serde(default)]
    position: Option<String>,
    #[serde(default)]
    rejected_on: Option<String>,
}

impl From<StrictApplicant> for ApplicantInput {
    fn from(a: StrictApplicant) -> Self {
        ApplicantInput {
            name: a.name,
            email: a.email,
            position: a.position,
            rejected_on: a.rejected_on,
        }
    }
}

fn parse_value<T: DeserializeOwned>(v: serde_json::Value) -> Result<T, Problem> {
    serde_json::from_value(v).map_err(body_problem)
}

/// Valid JSON of the wrong shape: an unknown field, a missing one, a wrong type. serde's messages
/// about unknown and missing fields name fields only; others may quote the value sent (personal
/// data), so they get a fixed text.
fn body_problem(e: serde_json::Error) -> Problem {
    let msg = e.to_string();
    let (code, title) = if msg.starts_with("unknown field") {
        ("unknown_field", msg)
    } else if msg.starts_with("missing field") {
        ("invalid_body", msg)
    } else {
        (
            "invalid_body",
            "A field has the wrong type (see the OpenAPI document).".to_owned(),
        )
    };
    let mut p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, code, "");
    p.title = title;
    p
}

/// The company's invitations and their status, newest first.
#[utoipa::path(get, path = "/api/v1/invitations", tag = "company", params(Page),
    responses((status = 200, body = Vec<InvitationRow>), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("api_key" = [])))]
async fn list_invitations(
    State(state): State<AppState>,
    caller: Caller,
    Query(page): Query<Page>,
) -> ApiResult<Vec<InvitationRow>> {
    let company = caller.company()?;
    Ok(Json(
        career_relay::invitation::list(
            &state.pool,
            company,
            page.before,
            page.limit.unwrap_or(100),
        )
        .await?,
    ))
}

/// The company's referral status: link visits, opt-ins, qualified relays, credits, outcomes.
#[utoipa::path(get, path = "/api/v1/referral", tag = "company",
    responses((status = 200, body = ReferralStatus), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("api_key" = [])))]
async fn referral(State(state): State<AppState>, caller: Caller) -> ApiResult<ReferralStatus> {
    let company = caller.company()?;
    Ok(Json(
        career_relay::referral::status(&state.pool, company).await?,
    ))
}

/// The company's credit ledger, newest first.
#[utoipa::path(get, path = "/api/v1/ledger", tag = "company", params(Page),
    responses((status = 200, body = Vec<LedgerEntry>), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("api_key" = [])))]
async fn ledger(
    State(state): State<AppState>,
    caller: Caller,
    Query(page): Query<Page>,
) -> ApiResult<Vec<LedgerEntry>> {
    let company = caller.company()?;
    let limit = page.limit.unwrap_or(100).clamp(1, 500);
    Ok(Json(
        career_relay::credit::ledger(&state.pool, company, page.before, limit).await?,
    ))
}

/// The pool, with the filters of the pool page; `after` pages on (`next` of the previous page).
#[utoipa::path(get, path = "/api/v1/pool", tag = "agency", params(PoolQuery),
    responses((status = 200, body = PoolPage), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("api_key" = [])))]
async fn pool(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<PoolQuery>,
) -> ApiResult<PoolPage> {
    caller.agency(&state).await?;
    Ok(Json(
        career_relay::candidate::pool_page(&state.pool, &query).await?,
    ))
}

/// The agency's live claims with their notes.
#[utoipa::path(get, path = "/api/v1/claims", tag = "agency",
    responses((status = 200, body = Vec<ClaimView>), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("api_key" = [])))]
async fn claims(State(state): State<AppState>, caller: Caller) -> ApiResult<Vec<ClaimView>> {
    let agency = caller.agency(&state).await?;
    Ok(Json(
        career_relay::claim::for_agency(&state.pool, agency).await?,
    ))
}

/// Claims a candidate of the pool (exclusive for the claim period); 409 when another agency
/// holds them.
#[utoipa::path(post, path = "/api/v1/claims", tag = "agency", request_body = ClaimRequest,
    responses((status = 200, body = Created), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
async fn claim(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body, _): ApiJson<ClaimRequest>,
) -> ApiResult<Created> {
    let agency = caller.agency(&state).await?;
    let user = caller
        .0
        .created_by
        .ok_or(Problem::user(UserError::Forbidden, None))?;
    let id = career_relay::claim::claim(&state.pool, agency, user, body.candidate_id).await?;
    Ok(Json(Created { id }))
}

/// Releases one of the agency's claims.
#[utoipa::path(post, path = "/api/v1/claims/{id}/release", tag = "agency",
    params(("id" = i64, Path, description = "The claim")),
    responses((status = 200, body = Created), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("api_key" = [])))]
async fn release(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Created> {
    let agency = caller.agency(&state).await?;
    career_relay::claim::release(&state.pool, agency, id).await?;
    Ok(Json(Created { id }))
}

/// Reports a placement for one of the agency's claims (`start_date` as `YYYY-MM-DD`, `fee` in
/// yen or empty); closes the claim and credits the relaying company.
#[utoipa::path(post, path = "/api/v1/claims/{id}/placement", tag = "agency",
    params(("id" = i64, Path, description = "The claim")), request_body = PlacementInput,
    responses((status = 200, body = Created), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
async fn report_placement(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(body, _): ApiJson<PlacementInput>,
) -> ApiResult<Created> {
    let agency = caller.agency(&state).await?;
    let placement = career_relay::placement::Placement::try_from(&body)
        .map_err(|f| Problem::from(career_relay::Error::Fields(f)))?;
    let placement_id = career_relay::placement::report(&state.pool, agency, id, &placement).await?;
    Ok(Json(Created { id: placement_id }))
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Career Relay API", version = "1",
        description = "Register rejected applicants (companies) and work the pool (agencies). Every request carries an API key: `Authorization: Bearer crk_…`. Errors are `application/problem+json` with a stable `code`."),
    modifiers(&BearerAuth),
    tags((name = "company", description = "For a company's applicant tracking system"),
         (name = "agency", description = "For an agency's CRM")))]
struct ApiDoc;

/// Every operation of the API, with its part of the document.
fn operations_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(register_applicants))
        .routes(routes!(list_invitations))
        .routes(routes!(referral))
        .routes(routes!(ledger))
        .routes(routes!(pool))
        .routes(routes!(claims, claim))
        .routes(routes!(release))
        .routes(routes!(report_placement))
}

/// The API's routes and its document.
pub fn router(state: AppState) -> Router {
    let (router, doc) = operations_router().split_for_parts();
    let json = doc.to_pretty_json().unwrap_or_default();
    let page = reference_page(&doc);
    router
        .route(
            "/api/v1/openapi.json",
            get(move || async move { ([(header::CONTENT_TYPE, "application/json")], json) }),
        )
        .route("/api/v1", get(move || async move { Html(page) }))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// The methods and paths of the API, for tests that check every one.
pub fn operations() -> Vec<(String, String)> {
    operations_of(&operations_router().into_openapi())
}

fn operations_of(doc: &utoipa::openapi::OpenApi) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, item) in &doc.paths.paths {
        for (method, op) in [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("DELETE", &item.delete),
            ("PATCH", &item.patch),
        ] {
            if op.is_some() {
                out.push((method.to_owned(), path.clone()));
            }
        }
    }
    out
}

/// A plain reference page: every operation with its summary, and the link to the document.
fn reference_page(doc: &utoipa::openapi::OpenApi) -> String {
    let esc = |s: &str| html_escape::encode_text(s).to_string();
    let mut rows = String::new();
    for (path, item) in &doc.paths.paths {
        for (method, op) in [("GET", &item.get), ("POST", &item.post)] {
            if let Some(op) = op {
                let text = op
                    .description
                    .clone()
                    .or_else(|| op.summary.clone())
                    .unwrap_or_default();
                rows.push_str(&format!(
                    "<tr><td><code>{method}</code></td><td><code>{}</code></td><td>{}</td></tr>",
                    esc(path),
                    esc(&text)
                ));
            }
        }
    }
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Career Relay API</title>\
         <link rel=\"stylesheet\" href=\"/pkg/career-relay.css\"></head><body><main>\
         <h1>Career Relay API v1</h1>\
         <p>Every request carries an API key created by an admin of your company or agency on the \
         Members page: <code>Authorization: Bearer crk_…</code>. Errors are \
         <code>application/problem+json</code> with a stable <code>code</code>.</p>\
         <p>The OpenAPI 3 document: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a></p>\
         <table><thead><tr><th>Method</th><th>Path</th><th>What it does</th></tr></thead>\
         <tbody>{rows}</tbody></table></main></body></html>"
    )
}
