//! The database: one pool for both backends, migrations, and the few dialect differences.

use crate::error::Result;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use std::str::FromStr;

/// The pool every storage function takes. `Any` lets one code path serve SQLite and PostgreSQL.
pub type Pool = sqlx::AnyPool;

/// Which database a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a `DATABASE_URL` names.
    pub fn of(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// Opens a pool. For SQLite the file (and its folder) is created when missing and WAL is on.
#[tracing::instrument(skip_all)]
pub async fn connect(url: &str) -> Result<Pool> {
    sqlx::any::install_default_drivers();
    let backend = Backend::of(url).ok_or_else(|| {
        sqlx::Error::Configuration("DATABASE_URL must start with sqlite: or postgres:".into())
    })?;
    let mut url = url.to_owned();
    if backend == Backend::Sqlite {
        if let Some(path) = sqlite_path(&url) {
            if let Some(dir) = std::path::Path::new(&path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
                }
            }
        }
        if !url.contains("mode=") {
            url.push_str(if url.contains('?') {
                "&mode=rwc"
            } else {
                "?mode=rwc"
            });
        }
    }
    let options = AnyConnectOptions::from_str(&url)?;
    let pool = AnyPoolOptions::new()
        .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    // Writers wait for each other instead of failing at once.
                    sqlx::query("PRAGMA busy_timeout = 10000")
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query("PRAGMA foreign_keys = ON")
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query("PRAGMA synchronous = NORMAL")
                        .execute(&mut *conn)
                        .await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await?;
    if backend == Backend::Sqlite {
        sqlx::query("PRAGMA journal_mode = WAL")
            .execute(&pool)
            .await?;
    }
    Ok(pool)
}

/// The file path inside a `sqlite:` URL, when it names a file.
pub fn sqlite_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| path.to_owned())
}

/// Brings the schema up to date.
#[tracing::instrument(skip_all)]
pub async fn migrate(pool: &Pool, url: &str) -> Result<()> {
    match Backend::of(url) {
        Some(Backend::Postgres) => sqlx::migrate!("migrations/postgres").run(pool).await?,
        _ => sqlx::migrate!("migrations/sqlite").run(pool).await?,
    }
    crate::settings::ensure_defaults(pool).await?;
    let mut conn = pool.acquire().await?;
    secret(&mut conn, "person_key").await?;
    Ok(())
}

/// Whether an error is a unique-constraint violation (the portable way to lose a race).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Answers whether the database is reachable (for `/healthz`).
pub async fn ping(pool: &Pool) -> bool {
    sqlx::query("SELECT 1").execute(pool).await.is_ok()
}

/// The backend behind a pool.
pub fn backend(pool: &Pool) -> Backend {
    Backend::of(pool.connect_options().database_url.as_str()).unwrap_or(Backend::Sqlite)
}

/// Starts a transaction that will write. On SQLite it takes the write lock up front
/// (`BEGIN IMMEDIATE`), so concurrent writers wait their turn instead of failing mid-way.
pub async fn begin(pool: &Pool) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
    Ok(match backend(pool) {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => pool.begin().await?,
    })
}

/// Serialises writers that count something of one company (relays towards credits): on
/// PostgreSQL it locks the company's row until the transaction ends (`NO KEY`, so it does not
/// fight the share locks that foreign-key checks of concurrent inserts take); on SQLite the
/// transaction already holds the database's write lock (`begin`).
pub async fn lock_company(conn: &mut sqlx::AnyConnection, company_id: i64) -> Result<()> {
    lock_row(
        conn,
        "SELECT id FROM companies WHERE id = $1 FOR NO KEY UPDATE",
        company_id,
    )
    .await
}

/// Runs a PostgreSQL row lock (`SELECT … FOR NO KEY UPDATE` of row `$1`) as `lock_company` does;
/// nothing on SQLite, whose writers hold the database's write lock.
pub async fn lock_row(conn: &mut sqlx::AnyConnection, lock: &'static str, id: i64) -> Result<()> {
    if conn.backend_name() == "PostgreSQL" {
        sqlx::query(lock).bind(id).execute(conn).await?;
    }
    Ok(())
}

/// Serialises writers about one person across companies (the first company to relay a person
/// keeps the relay): on PostgreSQL a transaction-scoped advisory lock on a number derived from
/// `key` (a hex hash); SQLite's transaction already holds the write lock. Callers lock persons
/// before companies, in a fixed order, so that no two writers wait on each other.
pub async fn lock_person(conn: &mut sqlx::AnyConnection, key: &str) -> Result<()> {
    if conn.backend_name() == "PostgreSQL" {
        let id = i64::from_str_radix(key.get(..15).unwrap_or(key), 16).unwrap_or_default();
        sqlx::query("SELECT 1 FROM (SELECT pg_advisory_xact_lock($1)) AS locked")
            .bind(id)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// A secret of this installation, made once and shared by every instance (the key of the person
/// hashes that outlive erasure). Never shown, never logged.
pub async fn secret(conn: &mut sqlx::AnyConnection, name: &str) -> Result<String> {
    let found: Option<String> = sqlx::query_scalar("SELECT value FROM app_secrets WHERE name = $1")
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(value) = found {
        return Ok(value);
    }
    sqlx::query(
        "INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(crate::auth::random_token(32))
    .execute(&mut *conn)
    .await?;
    Ok(
        sqlx::query_scalar("SELECT value FROM app_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(conn)
            .await?,
    )
}
