//! What every request passes through: the cross-site check, rate limits, security headers,
//! the session snapshot, real statuses for failed server functions, and translated error pages.

use crate::Config;
use app::{
    api::{ssr::FLASH_KEY, Flash},
    error::ErrorPage,
    guard::{RequestSession, SUBJECT_KEY},
    state::AppState,
};
use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    Router,
};
use career_relay::{
    auth::{self, SignedIn},
    limit::Limit,
};
use tower_sessions::Session;

/// Wraps the portal's routes in every layer, outermost last.
pub fn around(router: Router, config: &Config, state: &AppState) -> Router {
    router
        .layer(middleware::from_fn_with_state(
            state.pool.clone(),
            snapshot_session,
        ))
        .layer(middleware::from_fn(user_error_status))
        .layer(middleware::from_fn_with_state(
            state.assets.stylesheet.clone(),
            error_pages,
        ))
        .layer(middleware::from_fn_with_state(
            Limiter {
                pool: state.pool.clone(),
                limits: config.limits,
                client_ip_header: config.client_ip_header.clone(),
                stylesheet: state.assets.stylesheet.clone(),
            },
            rate_limit,
        ))
        .layer(middleware::from_fn_with_state(
            Origins::of(&state.base_url),
            refuse_cross_site,
        ))
        .layer(middleware::from_fn_with_state(
            Headers::of(state),
            security_headers,
        ))
        .layer(middleware::from_fn(cache_lifetime))
        // Pages, scripts, the stylesheet and the wasm bundle go out compressed (brotli or gzip,
        // as the browser accepts).
        .layer(tower_http::compression::CompressionLayer::new())
}

/// How long browsers keep static files: the content-hashed files under `/pkg/` never change
/// (a new build has new names), so for a year without asking again; the icon for a day.
async fn cache_lifetime(req: Request, next: Next) -> Response {
    let lifetime = match req.uri().path() {
        p if p.starts_with("/pkg/") => Some("public, max-age=31536000, immutable"),
        "/favicon.svg" | "/favicon.ico" => Some("public, max-age=86400"),
        _ => None,
    };
    let mut res = next.run(req).await;
    if let (Some(lifetime), StatusCode::OK) = (lifetime, res.status()) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(lifetime));
    }
    res
}

/// Renders the translated page for a plain handler's error (its response carries the error;
/// only here is the person's language known).
async fn error_pages(
    State(stylesheet): State<Option<String>>,
    req: Request,
    next: Next,
) -> Response {
    let headers = req.headers().clone();
    let res = next.run(req).await;
    let Some(ErrorPage(error)) = res.extensions().get::<ErrorPage>().copied() else {
        return res;
    };
    let page = app::api::ssr::error_page(&headers, error, stylesheet.as_deref());
    (
        res.status(),
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
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
    // from another site carries no key. Unsubscribing (`/u/…`, `/a/…/stop`) needs only the
    // mailed token, and mail programs post it without an origin (RFC 8058).
    let path = req.uri().path();
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || path.starts_with("/api/v1/")
        || path.starts_with("/u/")
        || (path.starts_with("/a/") && path.ends_with("/stop"))
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
    // The first segment only: a path may carry a token.
    let section = req.uri().path().split('/').nth(1).unwrap_or_default();
    tracing::warn!(section, "cross-site request refused");
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
    /// The stylesheet of the 429 page.
    stylesheet: Option<String>,
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
    let (mut parts, body) = req.into_parts();
    // The farming rules read the network an opt-in came from (a prefix, never the address).
    let network = client.parse().ok().and_then(career_relay::farming::network);
    parts
        .extensions
        .insert(app::api::ssr::ClientNetwork(network));
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    for (bucket, limit) in limiter.buckets(&path, &client, &form) {
        match career_relay::limit::hit(&limiter.pool, &bucket, limit).await {
            Ok(None) => {}
            Ok(Some(retry_after)) => {
                tracing::warn!(path, "rate limit reached");
                let page = app::api::ssr::too_many_requests_page(
                    &parts.headers,
                    retry_after,
                    limiter.stylesheet.as_deref(),
                );
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
    let now = career_relay::time::now();
    let person = match signed_in {
        Some(s) => match auth::signed_in_person(&pool, s.subject).await {
            Ok(Some((epoch, user))) if epoch == s.epoch && !s.expired(now) => Some((s, user)),
            // Too old, or signed out everywhere since, or the person is gone: the session ends.
            other => {
                if let Err(e) = other {
                    tracing::error!(error = ?e, "session check failed");
                }
                if let Err(e) = session.flush().await {
                    tracing::error!(error = ?e, "session store failed");
                }
                None
            }
        },
        None => None,
    };
    // The idle expiry is renewed at most once a day: a page view otherwise writes nothing.
    if let Some((s, _)) = person.as_ref().filter(|(s, _)| s.stale(now)) {
        let renewed = SignedIn { touched: now, ..*s };
        if let Err(e) = session.insert(SUBJECT_KEY, renewed).await {
            tracing::error!(error = ?e, "session store failed");
        }
    }
    // The flash is read once, after a failed form post: it is removed (a write) only when there.
    let page = req.method() == axum::http::Method::GET && !req.uri().path().starts_with("/api/");
    let flash = if page {
        match session.get::<Flash>(FLASH_KEY).await {
            Ok(Some(flash)) => {
                if let Err(e) = session.remove::<Flash>(FLASH_KEY).await {
                    tracing::error!(error = ?e, "session store failed");
                }
                Some(flash)
            }
            Ok(None) => None,
            Err(e) => {
                tracing::error!(error = ?e, "session store failed");
                None
            }
        }
    } else {
        None
    };
    let (subject, user) = match person {
        Some((s, user)) => (Some(s.subject), user),
        None => (None, None),
    };
    req.extensions_mut().insert(RequestSession {
        subject,
        user,
        flash,
    });
    next.run(req).await
}
