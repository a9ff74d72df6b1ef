//! The Career Relay server: configuration, database, sessions, routes, jobs and shutdown.

pub mod cli;
pub mod config;
pub mod jobs;
pub mod routes;
pub mod sessions;

pub use config::Config;

use app::state::AppState;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// A portal ready to serve: its state and the bound listener.
pub struct Application {
    pub state: AppState,
    pub listener: TcpListener,
    pub router: axum::Router,
}

impl Application {
    /// Connects, migrates, and binds (port 0 binds a free port, as tests do).
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        let pool = career_relay::db::connect(&config.database_url).await?;
        career_relay::db::migrate(&pool, &config.database_url).await?;
        let listener = TcpListener::bind(&config.addr).await?;
        let addr = listener.local_addr()?;
        let base_url = config
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));
        let hydrate = std::path::Path::new(&config.site_root)
            .join("pkg")
            .join("career-relay_bg.wasm")
            .exists();
        let state = AppState {
            pool,
            base_url: base_url.trim_end_matches('/').to_owned(),
            dev_mode: true,
            hydrate,
        };
        let sessions = sessions::layer(config, &state.base_url).await?;
        let router = routes::router(config, state.clone()).layer(sessions);
        Ok(Self {
            state,
            listener,
            router,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("bound listener has an address")
    }

    /// Serves until `shutdown` resolves; background jobs run alongside.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let jobs = tokio::spawn(jobs::run(self.state.pool.clone()));
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await?;
        jobs.abort();
        Ok(())
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
    tracing::info!("shutting down: finishing requests in flight");
}
