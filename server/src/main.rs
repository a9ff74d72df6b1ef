//! `career-relay`: the portal's one binary.

use anyhow::Context;
use career_relay::{auth, db, demo, email::Email, org, relay::RelayCode};
use career_relay_server::{
    cli::{AdminCommand, Cli, Command},
    shutdown_signal, Application, Config,
};
use clap::Parser;
use serde_json::json;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => serve(&cli.config, demo).await,
        Command::Migrate => {
            let pool = db::connect(&cli.config.database_url).await?;
            career_relay::migrate(&pool, &cli.config.database_url).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Demo => {
            let pool = db::connect(&cli.config.database_url).await?;
            career_relay::migrate(&pool, &cli.config.database_url).await?;
            load_demo(&pool, &base_url(&cli.config)).await
        }
        Command::BenchSeed {
            companies,
            agencies,
            candidates,
            claims,
            ledger_rows,
        } => {
            let pool = db::connect(&cli.config.database_url).await?;
            career_relay::migrate(&pool, &cli.config.database_url).await?;
            anyhow::ensure!(
                !demo::loaded(&pool).await?,
                "the database is not empty: bench-seed fills an empty one"
            );
            let sizes = career_relay::bench::Sizes {
                companies,
                agencies,
                candidates,
                claims,
                ledger_rows,
            };
            let started = std::time::Instant::now();
            let seeded = career_relay::bench::seed(&pool, sizes, &|done| {
                eprintln!("{:>6.1}s {done}", started.elapsed().as_secs_f64())
            })
            .await?;
            let agencies: Vec<_> = seeded.agencies.iter().map(|(id, _)| id).collect();
            println!(
                "{}",
                json!({
                    "company_member": seeded.company_member,
                    "agency_member": seeded.agency_member,
                    "candidate": seeded.candidate,
                    "relay_code": seeded.relay_code.as_str(),
                    "agencies": agencies,
                    "seconds": started.elapsed().as_secs_f64(),
                })
            );
            Ok(())
        }
        Command::Admin(cmd) => admin(&cli.config, cmd).await,
    }
}

fn base_url(config: &Config) -> String {
    config
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", config.addr))
        .trim_end_matches('/')
        .to_owned()
}

async fn serve(config: &Config, demo: bool) -> anyhow::Result<()> {
    let app = Application::build(config)
        .await
        .context("starting the portal")?;
    let base = app.state.base_url.clone();
    if demo && !demo::loaded(&app.state.pool).await? {
        load_demo(&app.state.pool, &base).await?;
    }
    if app.state.dev_mode {
        tracing::warn!("no SMTP server configured: dev mode, mail is shown at {base}/dev/mailbox");
    }
    if app.state.assets.bundle.is_none() {
        tracing::warn!(
            "wasm bundle not found under {}/pkg: hydration is off, pages are served as plain HTML",
            config.site_root
        );
    }
    println!("Career Relay is running at {base}");
    app.run(shutdown_signal()).await
}

async fn load_demo(pool: &db::Pool, base: &str) -> anyhow::Result<()> {
    if demo::loaded(pool).await? {
        println!("demo data already loaded");
        return Ok(());
    }
    let accounts = demo::load(pool).await?;
    println!("Demo data loaded. One-time sign-in links (valid 15 minutes; get new ones with `career-relay admin sign-in-link --email ADDRESS`):");
    let people = std::iter::once(("admin", accounts.admin.clone()))
        .chain(
            accounts
                .company_members
                .iter()
                .map(|m| ("company", m.clone())),
        )
        .chain(
            accounts
                .agency_members
                .iter()
                .map(|m| ("agency", m.clone())),
        );
    for (role, email) in people {
        println!("  {role:8} {email:32} {}", link(pool, base, &email).await?);
    }
    for code in &accounts.relay_codes {
        println!("  relay link: {}", code.url(base));
    }
    Ok(())
}

async fn link(pool: &db::Pool, base: &str, email: &str) -> anyhow::Result<String> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("invalid e-mail address: {e}"))?;
    let subject = auth::find_by_email(pool, &email)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no account has this address"))?;
    Ok(format!(
        "{base}/auth/{}",
        auth::issue_link(pool, subject).await?
    ))
}

fn print(json: bool, value: serde_json::Value, text: String) {
    if json {
        println!("{value}");
    } else {
        println!("{text}");
    }
}

async fn admin(config: &Config, cmd: AdminCommand) -> anyhow::Result<()> {
    let pool = db::connect(&config.database_url).await?;
    career_relay::migrate(&pool, &config.database_url).await?;
    let base = base_url(config);
    let email =
        |raw: &str| Email::parse(raw).map_err(|e| anyhow::anyhow!("invalid e-mail address ({e})"));
    match cmd {
        AdminCommand::CreateCompany { name, json } => {
            let (id, code): (i64, RelayCode) = org::create_company(&pool, &name).await?;
            let url = code.url(&base);
            print(
                json,
                json!({ "company_id": id, "relay_url": url }),
                format!("company {id} created; relay link: {url}"),
            );
        }
        AdminCommand::CreateAgency {
            name,
            approved,
            json,
        } => {
            let id = org::create_agency(&pool, &name, approved).await?;
            print(
                json,
                json!({ "agency_id": id, "approved": approved }),
                format!("agency {id} created"),
            );
        }
        AdminCommand::AddMember {
            company,
            agency,
            email: raw,
            role,
            json,
        } => {
            let org_ref = org::Membership::of(company, agency)
                .ok_or_else(|| anyhow::anyhow!("give --company ID or --agency ID"))?;
            let role = org::MemberRole::from_code(&role)
                .ok_or_else(|| anyhow::anyhow!("--role is admin or member"))?;
            let id = org::add_member(&pool, org_ref, &email(&raw)?, role).await?;
            print(json, json!({ "user_id": id }), format!("member {id} added"));
        }
        AdminCommand::CreateAdmin { email: raw, json } => {
            let id = org::create_admin(&pool, &email(&raw)?).await?;
            print(
                json,
                json!({ "user_id": id }),
                format!("admin {id} created"),
            );
        }
        AdminCommand::CreateApiKey {
            company,
            agency,
            name,
            json,
        } => {
            let org_ref = org::Membership::of(company, agency)
                .ok_or_else(|| anyhow::anyhow!("give --company ID or --agency ID"))?;
            let (id, key) = career_relay::apikey::create(&pool, org_ref, None, &name).await?;
            print(
                json,
                json!({ "api_key_id": id, "key": key }),
                format!("API key {id} created (shown once, keep it safe):\n{key}"),
            );
        }
        AdminCommand::SignInLink { email: raw, json } => {
            let url = link(&pool, &base, &raw).await?;
            print(json, json!({ "url": url }), url);
        }
    }
    Ok(())
}
