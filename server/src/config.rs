//! Configuration from flags or the environment; the one place settings are read.

use clap::Args;

/// Settings shared by every subcommand. Each flag can also be set by the environment variable named.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database URL: `sqlite://path` (the embedded default) or `postgres://…`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/career-relay.db",
        global = true
    )]
    pub database_url: String,
    /// Address to listen on.
    #[arg(
        long,
        env = "CAREER_RELAY_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub addr: String,
    /// Public base URL used in links and mails, e.g. `https://relay.example.jp` (default: http://ADDR).
    #[arg(long, env = "CAREER_RELAY_BASE_URL", global = true)]
    pub base_url: Option<String>,
    /// Folder with the built site (`pkg/` with the wasm bundle and stylesheet, and the public assets).
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: String,
}

impl Config {
    /// A configuration for tests: a given database, a free port, the built site if any.
    pub fn for_tests(database_url: &str) -> Self {
        let site_root = std::env::var("LEPTOS_SITE_ROOT")
            .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site").to_owned());
        Self {
            database_url: database_url.to_owned(),
            addr: "127.0.0.1:0".into(),
            base_url: None,
            site_root,
        }
    }
}
