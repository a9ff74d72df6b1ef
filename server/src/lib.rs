//! The Career Relay server: configuration, database, sessions, routes, jobs and shutdown.

pub mod address;
pub mod api;
pub mod cli;
pub mod config;
pub mod error;
pub mod export;
pub mod import;
pub mod jobs;
pub mod mailer;
pub mod middleware;
pub mod routes;
pub mod sessions;
pub mod signin;
pub mod sso;

pub use config::{Config, Limits};

use app::state::AppState;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// A portal ready to serve: its state and the bound listener.
pub struct Application {
    pub state: AppState,
    pub listener: TcpListener,
    pub router: axum::Router,
    jobs: jobs::Jobs,
    drain: std::time::Duration,
}

impl Application {
    /// Connects, migrates, and binds (port 0 binds a free port, as tests do).
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        let pool = career_relay::db::connect(&config.database_url).await?;
        career_relay::migrate(&pool, &config.database_url).await?;
        let listener = TcpListener::bind(&config.addr).await?;
        let addr = listener.local_addr()?;
        let base_url = config
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));
        let assets = app::state::Assets::find(&std::path::Path::new(&config.site_root).join("pkg"));
        let mailer = mailer::Mailer::from_config(config)?;
        // Dev mode shows every mail (sign-in links included) to anyone who opens the mailbox:
        // only for a portal that nobody else can reach.
        if mailer.is_none() && !is_loopback(&base_url) {
            anyhow::bail!(
                "CAREER_RELAY_SMTP_URL is required when the portal is reachable from other machines \
                 ({base_url}): without it, dev mode would show every mail to anyone"
            );
        }
        let sso = match &config.sso_providers {
            Some(setting) => sso::Sso::new(sso::read_providers(setting)?, &base_url)?,
            None => None,
        };
        let state = AppState {
            pool: pool.clone(),
            base_url: base_url.trim_end_matches('/').to_owned(),
            dev_mode: mailer.is_none(),
            assets,
            draining: Default::default(),
            sso_providers: sso.as_ref().map(|s| s.list()).unwrap_or_default(),
            sso_origins: sso.as_ref().map(|s| s.origins()).unwrap_or_default(),
            import_progress: Default::default(),
            platform_numbers: Default::default(),
        };
        let store = sessions::Store::open(config).await?;
        let router = routes::router(config, state.clone(), sso)
            .layer(sessions::layer(store.clone(), &state.base_url));
        Ok(Self {
            state: state.clone(),
            listener,
            router,
            jobs: jobs::Jobs {
                app: state,
                pool,
                sessions: store,
                mailer,
            },
            drain: std::time::Duration::from_secs(config.drain_seconds),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("bound listener has an address")
    }

    /// Serves until `shutdown` resolves, with the jobs alongside. Then it drains: `/healthz`
    /// answers 503 for the drain period while requests are still served, then no new connection
    /// is accepted, the requests in flight finish, the job round in progress finishes, and it returns.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let jobs = tokio::spawn(self.jobs.run(stopped));
        let draining = self.state.draining.clone();
        let drain = self.drain;
        let signal = async move {
            shutdown.await;
            draining.store(true, std::sync::atomic::Ordering::SeqCst);
            tracing::info!(seconds = drain.as_secs(), "draining: /healthz answers 503");
            tokio::time::sleep(drain).await;
            tracing::info!("no longer accepting requests; finishing those in flight");
        };
        let service = self
            .router
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        axum::serve(self.listener, service)
            .with_graceful_shutdown(signal)
            .await?;
        let _ = stop.send(true);
        let _ = jobs.await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Whether a base URL points at this machine only.
pub(crate) fn is_loopback(base_url: &str) -> bool {
    match url::Url::parse(base_url)
        .ok()
        .and_then(|u| u.host().map(|h| h.to_owned()))
    {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown requested");
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn only_this_machine_counts_as_loopback() {
        assert!(is_loopback("http://127.0.0.1:3000"));
        assert!(is_loopback("http://localhost:3000/"));
        assert!(is_loopback("http://[::1]:3000"));
        assert!(!is_loopback("https://relay.example.jp"));
        assert!(!is_loopback("http://192.168.1.5:3000"));
        assert!(!is_loopback("http://127.0.0.1.evil.example"));
    }
}
