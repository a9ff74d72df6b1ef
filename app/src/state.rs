//! What the server gives every request: the pool and the portal's configuration.

use career_relay::db::Pool;

/// Shared by every server function through Leptos context.
#[derive(Clone, Debug)]
pub struct AppState {
    pub pool: Pool,
    /// The public base URL, used in links and mails (no trailing slash).
    pub base_url: String,
    /// No SMTP server is configured: mail is shown in the dev mailbox instead.
    pub dev_mode: bool,
    /// Whether the wasm bundle is present, so pages load the hydration scripts.
    pub hydrate: bool,
    /// Set on shutdown: `/healthz` answers 503 so that load balancers stop sending requests.
    pub draining: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// `(id, name)` of the configured identity providers for staff single sign-on.
    pub sso_providers: Vec<(String, String)>,
    /// The origins of those providers, where the sign-in form's redirects may lead.
    pub sso_origins: Vec<String>,
    /// Bytes done of the CSV imports this instance is running, by import id.
    pub import_progress: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<i64, i64>>>,
}

impl AppState {
    /// The state provided by the server for this request. A page whose client went away
    /// disposes of its context while its resources may still run: they get `Internal` (and
    /// nobody to show it to), never a panic.
    pub fn get() -> Result<AppState, crate::error::AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            tracing::debug!("request context gone: the client went away");
            crate::error::AppError::User(career_relay::UserError::Internal)
        })
    }
}
