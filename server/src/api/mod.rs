//! The JSON API under `/api/v1`, for a company's applicant tracking system and an agency's CRM.
//! Requests carry an API key (`Authorization: Bearer crk_…`); errors are `application/problem+json`
//! with a stable `code`. The OpenAPI document is generated from these handlers (utoipa) and served
//! at `/api/v1/openapi.json`; `/api/v1` is a readable reference.

mod applicants;
mod claims;
mod company;
mod documented;
mod extract;
mod idempotency;
mod pool;
mod problem;
mod requests;

pub use extract::{AgencyKey, CompanyKey};
pub use problem::Problem;

use app::state::AppState;
use axum::{http::header, response::Html, routing::get, Json, Router};
use utoipa::{
    openapi::security::{Http, HttpAuthScheme, SecurityScheme},
    Modify, OpenApi,
};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Largest request body the API reads (a batch of 1,000 applicants fits easily).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// What an operation answers: its JSON, or a problem.
type ApiResult<T> = Result<Json<T>, Problem>;

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
        description = "Register rejected applicants and spend credits on free referral requests (companies); work the pool and the requests (agencies). Every request carries an API key: `Authorization: Bearer crk_…`. Errors are `application/problem+json` with a stable `code`."),
    modifiers(&BearerAuth),
    tags((name = "company", description = "For a company's applicant tracking system"),
         (name = "agency", description = "For an agency's CRM")))]
struct ApiDoc;

/// Every operation of the API, with its part of the document.
fn operations_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(applicants::register_applicants))
        .routes(routes!(company::list_invitations))
        .routes(routes!(company::referral))
        .routes(routes!(company::ledger))
        .routes(routes!(pool::pool))
        .routes(routes!(claims::claims, claims::claim))
        .routes(routes!(claims::release))
        .routes(routes!(claims::report_placement))
        .routes(routes!(claims::add_note))
        .routes(routes!(claims::candidate))
        .routes(routes!(requests::list_requests, requests::open_request))
        .routes(routes!(requests::get_request))
        .routes(routes!(requests::cancel_request))
        .routes(routes!(requests::screen))
        .routes(routes!(requests::open_requests))
        .routes(routes!(requests::open_request_detail))
        .routes(routes!(requests::accept))
        .routes(routes!(requests::introduce))
        .routes(routes!(requests::introductions))
}

/// The API's routes and its document.
pub fn router(state: AppState) -> Router {
    let (router, doc) = operations_router().split_for_parts();
    let json = doc.to_pretty_json().unwrap_or_default();
    let page = reference_page(&doc, state.assets.stylesheet.as_deref());
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
fn reference_page(doc: &utoipa::openapi::OpenApi, stylesheet: Option<&str>) -> String {
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
    let style = app::api::ssr::stylesheet_link(stylesheet);
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Career Relay API</title>\
         {style}</head><body><main>\
         <h1>Career Relay API v1</h1>\
         <p>Every request carries an API key created by an admin of your company or agency on the \
         Members page: <code>Authorization: Bearer crk_…</code>. Errors are \
         <code>application/problem+json</code> with a stable <code>code</code>.</p>\
         <p>The OpenAPI 3 document: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a></p>\
         <table><thead><tr><th>Method</th><th>Path</th><th>What it does</th></tr></thead>\
         <tbody>{rows}</tbody></table></main></body></html>"
    )
}
