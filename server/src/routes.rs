//! The HTTP routes: the Leptos app and its server functions, sign-in links, the language
//! switch, health, and static files.

use crate::Config;
use app::{
    api::{ssr::FLASH_KEY, Flash},
    guard::{RequestSession, SUBJECT_KEY},
    shell,
    state::AppState,
    App,
};
use axum::{
    extract::{Path, Query, Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Router,
};
use career_relay::limit::Limit;
use career_relay::{
    auth::{self, SignedIn, Subject, UserKind},
    UserError,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use serde::Deserialize;
use std::sync::OnceLock;
use tower_sessions::Session;

/// Every route of the portal.
pub fn router(config: &Config, state: AppState, sso: Option<crate::sso::Sso>) -> Router {
    let options = LeptosOptions::builder()
        .output_name("career-relay")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .build();
    let routes = route_list();
    let context_state = state.clone();
    let provide = move || provide_context(context_state.clone());
    let shell_state = state.clone();
    let shell_options = options.clone();
    let extra = Router::new()
        .route("/auth/{token}/continue", post(sign_in_link))
        .route("/i/{token}", get(invitation_link))
        .route("/u/{token}", post(unsubscribe))
        .route("/lang/{locale}", get(switch_language))
        .route("/healthz", get(health))
        .with_state(state.clone());
    let extra = extra
        .merge(crate::api::router(state.clone()))
        .merge(crate::import::routes(state.clone()));
    let extra = match sso {
        Some(sso) => extra.merge(crate::sso::routes(sso, state.clone())),
        None => extra,
    };
    Router::new()
        .leptos_routes_with_context(&options, routes, provide.clone(), {
            let options = shell_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(
            move || provide_context(shell_state.clone()),
            shell,
        ))
        .with_state(options)
        .merge(extra)
        .layer(middleware::from_fn_with_state(
            state.pool.clone(),
            snapshot_session,
        ))
        .layer(middleware::from_fn(user_error_status))
        .layer(middleware::from_fn_with_state(
            Limiter {
                pool: state.pool.clone(),
                limits: config.limits,
                client_ip_header: config.client_ip_header.clone(),
            },
            rate_limit,
        ))
        .layer(middleware::from_fn_with_state(
            Origins::of(&state.base_url),
            refuse_cross_site,
        ))
        .layer(middleware::from_fn_with_state(
            Headers::of(&state),
            security_headers,
        ))
}

/// Where state-changing requests may come from: the public base URL, and the host the request was
/// sent to (so that `localhost` and `127.0.0.1` both work for a local portal). A browser never lets
/// another site set either, so a forged form or script from elsewhere is refused.
#[derive(Clone)]
struct Origins {
    base: String,
    scheme: &'static str,
}

impl Origins {
    fn of(base_url: &str) -> Self {
        let scheme = if base_url.starts_with("https://") {
            "https"
        } else {
            "http"
        };
        Self {
            base: origin_of(base_url).unwrap_or_default(),
            scheme,
        }
    }

    fn allows(&self, origin: &str, host: Option<&str>) -> bool {
        origin == self.base || host.is_some_and(|h| origin == format!("{}://{h}", self.scheme))
    }
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> Option<String> {
    let origin = url::Url::parse(url).ok()?.origin();
    origin.is_tuple().then(|| origin.ascii_serialization())
}

/// Refuses (403, nothing changed) every request that could change state and does not come from a
/// page of the portal itself: its `Origin` (or, when a browser sends none, its `Referer`) must be
/// the portal's.
async fn refuse_cross_site(State(origins): State<Origins>, req: Request, next: Next) -> Response {
    use axum::http::Method;
    // The JSON API authenticates with a key in a header, never a cookie: a forged request
    // from another site carries no key. Unsubscribing (`/u/…`) needs only the mailed token, and
    // mail programs post it without an origin (RFC 8058).
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || req.uri().path().starts_with("/api/v1/")
        || req.uri().path().starts_with("/u/")
    {
        return next.run(req).await;
    }
    let headers = req.headers();
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let from = header(header::ORIGIN)
        .filter(|o| *o != "null")
        .map(str::to_owned)
        .or_else(|| header(header::REFERER).and_then(origin_of));
    let host = header(header::HOST);
    if from.is_some_and(|o| origins.allows(&o, host)) {
        return next.run(req).await;
    }
    tracing::warn!(path = req.uri().path(), "cross-site request refused");
    let text = app::api::ssr::cross_site_refusal(headers);
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

/// What the rate limiter needs.
#[derive(Clone)]
struct Limiter {
    pool: career_relay::db::Pool,
    limits: crate::Limits,
    client_ip_header: Option<String>,
}

impl Limiter {
    /// The client's address: the last entry of the trusted proxy header, or the connection's.
    fn client(&self, req: &Request) -> String {
        let from_header = self.client_ip_header.as_ref().and_then(|name| {
            let value = req.headers().get(name.as_str())?.to_str().ok()?;
            Some(value.rsplit(',').next()?.trim().to_owned())
        });
        from_header
            .or_else(|| {
                req.extensions()
                    .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                    .map(|c| c.0.ip().to_string())
            })
            .unwrap_or_default()
    }

    /// The buckets a request counts in, with their limits.
    fn buckets(&self, path: &str, client: &str, form: &[(String, String)]) -> Vec<(String, Limit)> {
        let field = |name: &str| {
            form.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .unwrap_or_default()
        };
        let l = &self.limits;
        match path {
            "/api/request_sign_in" => {
                let mut b = vec![(
                    format!("sign_in_mail:client:{client}"),
                    Limit::per_hour(l.sign_in_mail_per_client),
                )];
                if let Ok(email) = career_relay::Email::parse(field("email")) {
                    b.push((
                        format!("sign_in_mail:address:{}", email.as_str()),
                        Limit::per_hour(l.sign_in_mail_per_address),
                    ));
                }
                b
            }
            "/api/opt_in" => vec![
                (
                    format!("opt_in:client:{client}"),
                    Limit::per_hour(l.opt_in_per_client),
                ),
                (
                    format!("opt_in:link:{}", field("code")),
                    Limit::per_hour(l.opt_in_per_link),
                ),
            ],
            p if p.starts_with("/auth/") || p.starts_with("/sso/") => vec![(
                format!("sign_in:client:{client}"),
                Limit::per_quarter_hour(l.sign_in_per_client),
            )],
            _ => Vec::new(),
        }
    }
}

/// Counts sign-in mails, opt-ins and sign-in link uses, and answers 429 (translated, with
/// `Retry-After`) to a request over a limit, before it does anything.
async fn rate_limit(State(limiter): State<Limiter>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let limited = matches!(path.as_str(), "/api/request_sign_in" | "/api/opt_in")
        && req.method() == axum::http::Method::POST
        || path.starts_with("/auth/")
        || path.starts_with("/sso/") && path != "/sso/refused";
    if !limited {
        return next.run(req).await;
    }
    let client = limiter.client(&req);
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    for (bucket, limit) in limiter.buckets(&path, &client, &form) {
        match career_relay::limit::hit(&limiter.pool, &bucket, limit).await {
            Ok(None) => {}
            Ok(Some(retry_after)) => {
                tracing::warn!(path, "rate limit reached");
                let page = app::api::ssr::too_many_requests_page(&parts.headers, retry_after);
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    [
                        (header::RETRY_AFTER, retry_after.to_string()),
                        (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
                    ],
                    page,
                )
                    .into_response();
            }
            Err(e) => {
                tracing::error!(error = ?e, "rate limit check failed");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        }
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// Gives a failed server function call its real status: Leptos answers every error with 500,
/// but a caller's mistake (not signed in, forbidden, invalid input, a lost race) is a 4xx.
/// Form posts from browsers are redirects back to the form and pass through untouched.
async fn user_error_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// What `security_headers` sets.
#[derive(Clone)]
struct Headers {
    https: bool,
    policy: HeaderValue,
}

impl Headers {
    fn of(state: &AppState) -> Self {
        let providers: String = state.sso_origins.iter().map(|o| format!(" {o}")).collect();
        let policy = format!(
            "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; \
             form-action 'self'{providers}; frame-ancestors 'none'"
        );
        Self {
            https: state.base_url.starts_with("https://"),
            policy: HeaderValue::from_str(&policy).expect("origins are ASCII"),
        }
    }
}

/// Headers on every response: no framing, no sniffing, no Referer to other sites (relay codes
/// live in paths), HSTS over https, and a strict Content-Security-Policy where a page did not set
/// its own (pages set one with the nonce of their hydration script). Its `form-action` also allows
/// the identity providers: Chromium checks a form's redirects against the policy of each redirect
/// response, and the sign-in form's redirects lead to a provider.
async fn security_headers(State(headers): State<Headers>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(headers.policy.clone());
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if headers.https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
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

/// Reads the session once per request (who is signed in; on page loads, the flash of the last
/// failed form, which reading removes) and hands the snapshot to the app.
async fn snapshot_session(
    State(pool): State<career_relay::db::Pool>,
    session: Session,
    mut req: Request,
    next: Next,
) -> Response {
    let signed_in = session
        .get::<SignedIn>(SUBJECT_KEY)
        .await
        .unwrap_or_else(|e| {
            tracing::error!(error = ?e, "session store failed");
            None
        });
    let subject = match signed_in {
        Some(s) => {
            // Too old, or signed out everywhere since (or the person is gone): the session ends.
            let current = auth::session_epoch(&pool, s.subject).await;
            if s.expired(career_relay::time::now())
                || !matches!(current, Ok(Some(e)) if e == s.epoch)
            {
                if let Err(e) = session.flush().await {
                    tracing::error!(error = ?e, "session store failed");
                }
                None
            } else {
                Some(s.subject)
            }
        }
        None => None,
    };
    let flash = if req.method() == axum::http::Method::GET && !req.uri().path().starts_with("/api/")
    {
        session
            .remove::<Flash>(FLASH_KEY)
            .await
            .unwrap_or_else(|e| {
                tracing::error!(error = ?e, "session store failed");
                None
            })
    } else {
        None
    };
    req.extensions_mut()
        .insert(RequestSession { subject, flash });
    next.run(req).await
}

/// `POST /auth/{token}/continue` (the button of the page the mailed link opens): uses the one-time
/// sign-in link and signs the person in. A used or expired link leads to the sign-in page, which
/// offers a new one; staff of an organisation that signs in only through its identity provider
/// are sent there instead.
async fn sign_in_link(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
) -> Response {
    let subject = match auth::consume_link(&state.pool, &token).await {
        Ok(s) => s,
        Err(career_relay::Error::User(UserError::SignInLinkInvalid)) => {
            return Redirect::to("/signin?error=sign_in_link_invalid").into_response();
        }
        Err(e) => {
            tracing::error!(error = ?e, "sign-in link failed");
            return Redirect::to("/signin?error=internal").into_response();
        }
    };
    match career_relay::sso::links_allowed(&state.pool, subject).await {
        Ok(true) => start_session(&state, &session, subject, "sign_in").await,
        Ok(false) => Redirect::to("/signin?error=sso_required").into_response(),
        Err(e) => {
            tracing::error!(error = ?e, "sign-in link failed");
            Redirect::to("/signin?error=internal").into_response()
        }
    }
}

/// Signs a person in after a mailed link or an identity provider vouched for them: records the
/// sign-in in the audit log, renews the session id, remembers the sign-in with the person's
/// session epoch, and sends them to their home page.
pub(crate) async fn start_session(
    state: &AppState,
    session: &Session,
    subject: Subject,
    action: &str,
) -> Response {
    let home = match subject {
        Subject::Candidate(_) => "/me",
        Subject::User(id) => match auth::load_user(&state.pool, id).await {
            Ok(Some(u)) => match u.kind {
                UserKind::Company => "/company",
                UserKind::Agency => "/agency",
                UserKind::Admin => "/admin",
            },
            _ => "/",
        },
    };
    let actor = match subject {
        Subject::Candidate(id) => format!("candidate:{id}"),
        Subject::User(id) => format!("user:{id}"),
    };
    if let Err(e) = career_relay::audit::record(&state.pool, &actor, action, "").await {
        tracing::error!(error = ?e, "audit log write failed");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    if let Err(e) = session.cycle_id().await {
        tracing::error!(error = ?e, "session id renewal failed");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let epoch = match auth::session_epoch(&state.pool, subject).await {
        Ok(Some(epoch)) => epoch,
        Ok(None) => return Redirect::to("/signin?error=sign_in_link_invalid").into_response(),
        Err(e) => {
            tracing::error!(error = ?e, "sign-in failed");
            return Redirect::to("/signin?error=internal").into_response();
        }
    };
    let signed_in = SignedIn {
        subject,
        since: career_relay::time::now(),
        epoch,
    };
    if let Err(e) = session.insert(SUBJECT_KEY, signed_in).await {
        tracing::error!(error = ?e, "session write failed");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    Redirect::to(home).into_response()
}

/// The page that explains why a sign-in with an identity provider did not sign anyone in.
pub(crate) fn refused(reason: UserError) -> Response {
    Redirect::to(&format!("/sso/refused?reason={}", reason.code())).into_response()
}

/// `GET /i/{token}`: the personal link of an invitation mail leads to the inviting company's
/// current relay link (the opt-in there answers the invitation); a closed invitation leads home.
async fn invitation_link(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match career_relay::invitation::resolve(&state.pool, &token).await {
        Ok(Some(code)) => Redirect::to(&format!("/r/{code}")).into_response(),
        Ok(None) => Redirect::to("/r/closed").into_response(),
        Err(e) => {
            tracing::error!(error = ?e, "invitation link failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `POST /u/{token}`: never mail this person again (the button of the page `/u/{token}`, and the
/// one-click unsubscribe of mail programs, RFC 8058). Answers with the page saying it is done.
async fn unsubscribe(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match career_relay::invitation::unsubscribe(&state.pool, &token).await {
        Ok(_) => Redirect::to(&format!("/u/{token}?done=1")).into_response(),
        Err(e) => {
            tracing::error!(error = ?e, "unsubscribe failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(Deserialize)]
struct LanguageQuery {
    next: Option<String>,
}

/// `GET /lang/{ja|en}?next=/path`: remembers the language in a cookie and goes back.
async fn switch_language(Path(locale): Path<String>, Query(q): Query<LanguageQuery>) -> Response {
    let locale = if locale == "en" { "en" } else { "ja" };
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
