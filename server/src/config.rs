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
    /// SMTP server for outgoing mail, e.g. `smtp://127.0.0.1:2525`, `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS) or `smtps://host` (TLS). Unset: dev mode (mail is shown at `/dev/mailbox`).
    #[arg(long, env = "CAREER_RELAY_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,
    /// Sender of every mail.
    #[arg(
        long,
        env = "CAREER_RELAY_MAIL_FROM",
        default_value = "Career Relay <no-reply@career-relay.example>",
        global = true
    )]
    pub mail_from: String,
    /// Seconds between SIGTERM and the end of accepting requests, while `/healthz` already
    /// answers 503 so that a load balancer stops sending new ones.
    #[arg(
        long,
        env = "CAREER_RELAY_DRAIN_SECONDS",
        default_value_t = 5,
        global = true
    )]
    pub drain_seconds: u64,
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
            smtp_url: None,
            mail_from: "Career Relay <no-reply@career-relay.example>".into(),
            drain_seconds: 0,
        }
    }
}
