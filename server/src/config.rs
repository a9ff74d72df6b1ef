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
    /// The header a trusted load balancer puts the client's address in (its last entry is
    /// used, e.g. `x-forwarded-for`). Unset: the address of the connection.
    #[arg(long, env = "CAREER_RELAY_CLIENT_IP_HEADER", global = true)]
    pub client_ip_header: Option<String>,
    /// Identity providers for staff single sign-on (OpenID Connect): a JSON array, or the path
    /// of a TOML file with `[[provider]]` tables. See the README's "Single sign-on" section.
    #[arg(long, env = "CAREER_RELAY_SSO_PROVIDERS", global = true)]
    pub sso_providers: Option<String>,
    #[command(flatten)]
    pub limits: Limits,
}

/// Rate limits; a request over one gets 429 and `Retry-After`.
#[derive(Debug, Clone, Copy, Args)]
pub struct Limits {
    /// Sign-in mails per address and hour.
    #[arg(
        long,
        env = "CAREER_RELAY_LIMIT_SIGN_IN_MAIL_PER_ADDRESS",
        default_value_t = 5,
        global = true
    )]
    pub sign_in_mail_per_address: i64,
    /// Sign-in mails per client and hour.
    #[arg(
        long,
        env = "CAREER_RELAY_LIMIT_SIGN_IN_MAIL_PER_CLIENT",
        default_value_t = 20,
        global = true
    )]
    pub sign_in_mail_per_client: i64,
    /// Opt-ins per relay link and hour.
    #[arg(
        long,
        env = "CAREER_RELAY_LIMIT_OPT_IN_PER_LINK",
        default_value_t = 300,
        global = true
    )]
    pub opt_in_per_link: i64,
    /// Opt-ins per client and hour.
    #[arg(
        long,
        env = "CAREER_RELAY_LIMIT_OPT_IN_PER_CLIENT",
        default_value_t = 30,
        global = true
    )]
    pub opt_in_per_client: i64,
    /// Sign-in link uses (right or wrong) per client and quarter hour.
    #[arg(
        long,
        env = "CAREER_RELAY_LIMIT_SIGN_IN_PER_CLIENT",
        default_value_t = 30,
        global = true
    )]
    pub sign_in_per_client: i64,
}

impl Limits {
    /// Limits no test reaches unless it means to.
    pub fn generous() -> Self {
        Self {
            sign_in_mail_per_address: 1000,
            sign_in_mail_per_client: 1000,
            opt_in_per_link: 10_000,
            opt_in_per_client: 10_000,
            sign_in_per_client: 10_000,
        }
    }
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
            client_ip_header: None,
            sso_providers: None,
            limits: Limits::generous(),
        }
    }
}
