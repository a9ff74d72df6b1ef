//! The database: one pool for both backends, migrations, and the few dialect differences.

use crate::error::Result;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::Connection;
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

/// How long a connection may wait in the pool before it is pinged on checkout.
pub const PING_AFTER_IDLE: std::time::Duration = std::time::Duration::from_secs(10);

/// Pool options that ping a connection before handing it out only when it waited in the pool
/// for over `PING_AFTER_IDLE`: one the server dropped meanwhile (a restart, a failover) is closed
/// and another taken, while a ping on every checkout would add a round trip to each statement.
pub fn ping_when_idle<DB: sqlx::Database>(
    options: sqlx::pool::PoolOptions<DB>,
) -> sqlx::pool::PoolOptions<DB> {
    options
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > PING_AFTER_IDLE {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
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
    let pool = ping_when_idle(AnyPoolOptions::new())
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

/// The migrations of the backend `url` names.
pub fn migrator(url: &str) -> sqlx::migrate::Migrator {
    match Backend::of(url) {
        Some(Backend::Postgres) => sqlx::migrate!("migrations/postgres"),
        _ => sqlx::migrate!("migrations/sqlite"),
    }
}

/// Brings the schema up to date.
#[tracing::instrument(skip_all)]
pub async fn migrate(pool: &Pool, url: &str) -> Result<()> {
    migrator(url).run(pool).await?;
    Ok(())
}

/// Whether an error is a unique-constraint violation (the portable way to lose a race).
fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// What a write means when a unique constraint refused it: the constraint decides a race or a
/// duplicate, not a read beforehand, and the loser learns it in the caller's own terms.
pub trait OnUnique<T> {
    /// A unique violation becomes `error` (a user's error, or the fields it names).
    fn on_unique(self, error: impl Into<crate::Error>) -> Result<T>;
    /// A unique violation becomes `None`: another writer got there first, and that is fine.
    fn none_on_unique(self) -> Result<Option<T>>;
}

impl<T> OnUnique<T> for std::result::Result<T, sqlx::Error> {
    fn on_unique(self, error: impl Into<crate::Error>) -> Result<T> {
        self.map_err(|e| {
            if is_unique_violation(&e) {
                error.into()
            } else {
                e.into()
            }
        })
    }

    fn none_on_unique(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(e) if is_unique_violation(&e) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

/// Gathers the statistics the query planner chooses indexes by (both backends know `ANALYZE`);
/// after a bulk load, before the planner has seen the data.
pub async fn analyze(pool: &Pool) -> Result<()> {
    sqlx::query("ANALYZE").execute(pool).await?;
    Ok(())
}

/// Answers whether the database is reachable (for `/healthz`).
pub async fn ping(pool: &Pool) -> bool {
    sqlx::query("SELECT 1").execute(pool).await.is_ok()
}

/// The current unix time as the database reads it, for a statement that compares it with an
/// indexed column: SQLite plans a statement again each time a value bound there changes (its
/// per-value statistics), but not for a function the statement calls.
pub fn now_sql(pool: &Pool) -> &'static str {
    match backend(pool) {
        Backend::Sqlite => "unixepoch()",
        Backend::Postgres => "CAST(EXTRACT(EPOCH FROM now()) AS BIGINT)",
    }
}

/// `INSERT INTO {table} ({columns}) VALUES (…), (…)` for `rows` rows, with a placeholder for each
/// value in the order they are bound. SQLite gets anonymous `?`: for every value sqlx asks SQLite
/// its parameter's name, which SQLite finds by walking the list of all names, so numbered `$n`
/// cost the square of their count (a 200-row batch of 14 columns spent most of a CSV import's
/// time there). PostgreSQL knows only `$n`.
pub fn insert_rows(
    conn: &sqlx::AnyConnection,
    table: &str,
    columns: &[&str],
    rows: usize,
) -> String {
    let numbered = on_postgres(conn);
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut n = 0;
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..columns.len() {
            n += 1;
            if column > 0 {
                sql.push_str(", ");
            }
            if numbered {
                sql.push_str(&format!("${n}"));
            } else {
                sql.push('?');
            }
        }
        sql.push(')');
    }
    sql
}

/// Whether a connection is to PostgreSQL (else SQLite).
fn on_postgres(conn: &sqlx::AnyConnection) -> bool {
    conn.backend_name() == "PostgreSQL"
}

/// The backend behind a pool.
pub fn backend(pool: &Pool) -> Backend {
    Backend::of(pool.connect_options().database_url.as_str()).unwrap_or(Backend::Sqlite)
}

/// `table INDEXED BY index` on SQLite, `table` on PostgreSQL (which has no such clause; `table`
/// may carry its alias, `claims k`). For a keyset page of one owner's rows (`owner = $1 AND
/// id < $2 ORDER BY id DESC LIMIT n`), both planners, counting on the LIMIT, prefer to walk the
/// whole table by id down to the owner's rows: every other owner's newer rows first, a million
/// for a company whose entries are old. Such a page names its index here (SQLite), and writes its
/// cursor a second time as the index's own key, `AND (owner, id) < ($1, $2) ORDER BY owner DESC,
/// id DESC` (PostgreSQL): each then walks the owner's index from the cursor.
pub fn indexed_by(pool: &Pool, table: &str, index: &str) -> String {
    match backend(pool) {
        Backend::Sqlite => format!("{table} INDEXED BY {index}"),
        Backend::Postgres => table.to_owned(),
    }
}

/// The condition and the order of a keyset page of one owner's rows, newest first (`owner` is
/// one or more `(column, parameter)` pairs, `id` the row's column and `cursor` its parameter):
/// `owner = $o AND id < $c`, with the cursor written a second time as the index's own key,
/// `AND (owner, id) < ($o, $c)`, and the order the index's, `ORDER BY owner DESC, id DESC`. With
/// `indexed_by` naming that index, both backends walk it from the cursor.
pub fn owner_keyset(owner: &[(&str, &str)], id: &str, cursor: &str) -> (String, String) {
    let mut condition = String::new();
    let (mut columns, mut values, mut order) = (Vec::new(), Vec::new(), Vec::new());
    for (column, value) in owner {
        condition.push_str(&format!("{column} = {value} AND "));
        columns.push(*column);
        values.push(*value);
        order.push(format!("{column} DESC"));
    }
    condition.push_str(&format!(
        "{id} < {cursor} AND ({}, {id}) < ({}, {cursor})",
        columns.join(", "),
        values.join(", ")
    ));
    order.push(format!("{id} DESC"));
    (condition, format!("ORDER BY {}", order.join(", ")))
}

/// Whether a kept statement whose best plan depends on the values bound is planned again for
/// them on every run. PostgreSQL plans a kept statement for its values five times, then keeps one
/// plan for any value only if that plan looks as cheap: for a search that walks a job type, a pair
/// or a gram (whose sizes differ a thousandfold) it never did, and planning the pool's filtered
/// search took 0.5 ms, three times as long as running it. Such a search cuts its page from the
/// walked index first and checks the rest after, which has one plan for any value. SQLite plans
/// each statement once whatever is bound (`.cargo/config.toml`).
pub fn plans_per_value(pool: &Pool) -> bool {
    backend(pool) == Backend::Postgres
}

/// Whether a transaction that writes holds every other writer off until it ends (SQLite's one
/// write lock), rather than only the rows it touched (PostgreSQL).
pub fn single_writer(pool: &Pool) -> bool {
    backend(pool) == Backend::Sqlite
}

/// Takes up to `limit` messages of the outbox that are due at `now` and leases them until
/// `lease_until`, in one statement: the rows are chosen (on PostgreSQL skipping those other
/// instances hold) and leased at once, so no one else can take them until the lease ends.
pub async fn lease_due_mail<T>(
    conn: &mut sqlx::AnyConnection,
    lease_until: i64,
    now: i64,
    limit: i64,
) -> Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let sql = if on_postgres(conn) {
        "UPDATE outbox SET next_attempt_at = $1, attempts = attempts + 1, updated_at = $2
         WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $2 AND id IN (
             SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $2
             ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING id, to_addr, subject, body_text, unsubscribe_url, attempts"
    } else {
        "UPDATE outbox SET next_attempt_at = $1, attempts = attempts + 1, updated_at = $2
         WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $2 AND id IN (
             SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $2
             ORDER BY id LIMIT $3)
         RETURNING id, to_addr, subject, body_text, unsubscribe_url, attempts"
    };
    Ok(sqlx::query_as(sql)
        .bind(lease_until)
        .bind(now)
        .bind(limit)
        .fetch_all(conn)
        .await?)
}

/// Starts a transaction that will write. On SQLite it takes the write lock up front
/// (`BEGIN IMMEDIATE`), so concurrent writers wait their turn instead of failing mid-way.
pub async fn begin(pool: &Pool) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
    Ok(match backend(pool) {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => pool.begin().await?,
    })
}

/// `begin` on a connection a long job keeps to itself (`own_connection`).
pub async fn begin_on(conn: &mut sqlx::AnyConnection) -> Result<sqlx::Transaction<'_, sqlx::Any>> {
    use sqlx::Connection;
    Ok(if on_postgres(conn) {
        conn.begin().await?
    } else {
        conn.begin_with("BEGIN IMMEDIATE").await?
    })
}

/// A connection of its own for a long job that writes much (a CSV import), taken out of the
/// pool (the pool opens another in its place; dropping it closes it). On SQLite it gets a page
/// cache of `cache_mb`, so that the job's many short transactions find the index pages they all
/// touch in memory instead of reading them again each time.
pub async fn own_connection(pool: &Pool, cache_mb: i64) -> Result<sqlx::AnyConnection> {
    let mut conn = pool.acquire().await?.detach();
    if !on_postgres(&conn) {
        sqlx::query(&format!("PRAGMA cache_size = -{}", cache_mb * 1024))
            .execute(&mut conn)
            .await?;
    }
    Ok(conn)
}

/// Serialises writers that count something of one company (relays towards credits) or change
/// its members and settings: on PostgreSQL it locks the company's row until the transaction ends
/// (`NO KEY`, so it does not fight the share locks that foreign-key checks of concurrent inserts
/// take); on SQLite the transaction already holds the database's write lock (`begin`).
pub async fn lock_company(conn: &mut sqlx::AnyConnection, company_id: i64) -> Result<()> {
    lock_row(
        conn,
        "SELECT id FROM companies WHERE id = $1 FOR NO KEY UPDATE",
        company_id,
    )
    .await
}

/// Serialises writers that change one agency's members and settings, as `lock_company` does.
pub async fn lock_agency(conn: &mut sqlx::AnyConnection, agency_id: i64) -> Result<()> {
    lock_row(
        conn,
        "SELECT id FROM agencies WHERE id = $1 FOR NO KEY UPDATE",
        agency_id,
    )
    .await
}

/// Runs a PostgreSQL row lock (`SELECT … FOR NO KEY UPDATE` of row `$1`); nothing on SQLite,
/// whose writers hold the database's write lock.
async fn lock_row(conn: &mut sqlx::AnyConnection, lock: &'static str, id: i64) -> Result<()> {
    if on_postgres(conn) {
        sqlx::query(lock).bind(id).execute(conn).await?;
    }
    Ok(())
}

/// Serialises publishing a consent notice with the checks that put candidates in the pool under
/// it: publishing holds the first version's row exclusively, a check holds it shared, so a check
/// that read the old notice commits before a material change takes everyone out of the pool
/// (PostgreSQL; SQLite's transaction already holds the write lock).
pub async fn lock_notices(conn: &mut sqlx::AnyConnection, publishing: bool) -> Result<()> {
    if on_postgres(conn) {
        let sql = if publishing {
            "SELECT id FROM consent_notices WHERE id = (SELECT MIN(id) FROM consent_notices) FOR UPDATE"
        } else {
            "SELECT id FROM consent_notices WHERE id = (SELECT MIN(id) FROM consent_notices) FOR SHARE"
        };
        sqlx::query(sql).execute(conn).await?;
    }
    Ok(())
}

/// Serialises writers about one person across companies (the first company to relay a person
/// keeps the relay): on PostgreSQL a transaction-scoped advisory lock on a number derived from
/// `key` (a hex hash); SQLite's transaction already holds the write lock. Callers lock persons
/// before companies, in a fixed order, so that no two writers wait on each other.
pub async fn lock_person(conn: &mut sqlx::AnyConnection, key: &str) -> Result<()> {
    if on_postgres(conn) {
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
    .bind(crate::token::random_token(32))
    .execute(&mut *conn)
    .await?;
    Ok(
        sqlx::query_scalar("SELECT value FROM app_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(conn)
            .await?,
    )
}
