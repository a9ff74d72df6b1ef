//! The HTTP routes: the Leptos app and its server functions, the plain handlers (sign-in links,
//! invitations, the language switch, health), the API, and static files.

use crate::{error::HandlerError, Config};
use app::{shell, state::AppState, App};
use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use serde::Deserialize;
use std::sync::OnceLock;

/// Every route of the portal.
pub fn router(config: &Config, state: AppState, sso: Option<crate::sso::Sso>) -> Router {
    // The hydration scripts name the content-hashed bundle.
    let bundle = state.assets.bundle.as_deref().unwrap_or("career-relay");
    let options = LeptosOptions::builder()
        .output_name(bundle)
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .build();
    let routes = route_list();
    let context_state = state.clone();
    let provide = move || provide_context(context_state.clone());
    let shell_state = state.clone();
    let shell_options = options.clone();
    let extra = Router::new()
        .route("/auth/{token}/continue", post(crate::signin::sign_in_link))
        .route("/i/{token}", get(invitation_link))
        .route("/u/{token}", post(unsubscribe))
        .route("/a/{token}/stop", post(stop_follow_ups))
        .route("/lang/{locale}", get(switch_language))
        .route("/healthz", get(health))
        // Browsers ask for /favicon.ico whatever the page links: the same icon.
        .route_service(
            "/favicon.ico",
            tower_http::services::ServeFile::new(
                std::path::Path::new(&config.site_root).join("favicon.svg"),
            ),
        )
        .with_state(state.clone());
    let extra = extra
        .merge(crate::api::router(state.clone()))
        .merge(crate::import::routes(state.clone()))
        .merge(crate::export::routes(state.clone()))
        .merge(crate::address::routes(state.clone()));
    let extra = match sso {
        Some(sso) => extra.merge(crate::sso::routes(sso, state.clone())),
        None => extra,
    };
    let app = Router::new()
        .leptos_routes_with_context(&options, routes, provide.clone(), {
            let options = shell_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(
            move || provide_context(shell_state.clone()),
            shell,
        ))
        .with_state(options)
        .merge(extra);
    crate::middleware::around(app, config, &state)
}

/// The app's routes, generated once per process. Generating them runs the app with resource
/// loading suppressed process-wide, so a page rendered at the same moment (another portal in the
/// same process, as in the tests) would wait forever (leptos-rs/leptos#4773).
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The paths of the app's pages (`/agency/candidates/{id}`), for tests that visit every page.
pub fn page_paths() -> Vec<String> {
    route_list().iter().map(|r| r.path().to_owned()).collect()
}

/// `GET /i/{token}`: the personal link of an invitation mail leads to the inviting company's
/// current relay link (the opt-in there answers the invitation); a closed invitation leads home.
async fn invitation_link(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Redirect, HandlerError> {
    Ok(
        match career_relay::invitation::resolve(&state.pool, &token).await? {
            Some(code) => Redirect::to(&format!("/r/{code}")),
            None => Redirect::to("/r/closed"),
        },
    )
}

/// `POST /u/{token}`: never mail this person again (the button of the page `/u/{token}`, and the
/// one-click unsubscribe of mail programs, RFC 8058). Answers with the page saying it is done.
async fn unsubscribe(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Redirect, HandlerError> {
    career_relay::invitation::unsubscribe(&state.pool, &token).await?;
    Ok(Redirect::to(&format!("/u/{token}?done=1")))
}

/// `POST /a/{token}/stop`: no more follow-up mails for the candidate the link was sent to (the
/// button of the page `/a/{token}/stop`, and the one-click unsubscribe of mail programs).
async fn stop_follow_ups(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Redirect, HandlerError> {
    career_relay::ask::unsubscribe(&state.pool, &token).await?;
    Ok(Redirect::to(&format!("/a/{token}/stop?done=1")))
}

#[derive(Deserialize)]
struct LanguageQuery {
    next: Option<String>,
}

/// `GET /lang/{ja|en}?next=/path`: remembers the language in a cookie (and, for a signed-in
/// person, as the language of their mails) and goes back.
async fn switch_language(
    State(state): State<AppState>,
    signed_in: Option<axum::Extension<app::guard::RequestSession>>,
    Path(locale): Path<String>,
    Query(q): Query<LanguageQuery>,
) -> Response {
    let locale = if locale == "en" { "en" } else { "ja" };
    if let Some(subject) = signed_in.and_then(|s| s.0.subject) {
        if let Err(e) = career_relay::auth::set_language(&state.pool, subject, locale).await {
            tracing::warn!(error = ?e, "language not remembered");
        }
    }
    let next = q
        .next
        .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or_else(|| "/".into());
    let cookie = format!("i18n_pref_locale={locale}; Path=/; Max-Age=31536000; SameSite=Lax");
    let mut res = Redirect::to(&next).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// `GET /healthz`: 200 when the database answers, 503 when it does not or the instance is
/// shutting down.
async fn health(State(state): State<AppState>) -> impl IntoResponse {
    if state.draining.load(std::sync::atomic::Ordering::SeqCst) {
        (StatusCode::SERVICE_UNAVAILABLE, "draining")
    } else if career_relay::db::ping(&state.pool).await {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}
