//! Sessions in the database (tower-sessions), whichever backend the portal runs on.

use crate::Config;
use async_trait::async_trait;
use career_relay::db::{ping_when_idle, Backend};
use std::str::FromStr;
use tower_sessions::{
    cookie::{time::Duration, SameSite},
    session::{Id, Record},
    session_store, ExpiredDeletion, Expiry, SessionManagerLayer, SessionStore,
};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// The session store of the configured backend.
#[derive(Debug, Clone)]
pub enum Store {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

#[async_trait]
impl SessionStore for Store {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Store::Sqlite(s) => s.create(record).await,
            Store::Postgres(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Store::Sqlite(s) => s.save(record).await,
            Store::Postgres(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Store::Sqlite(s) => s.load(id).await,
            Store::Postgres(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Store::Sqlite(s) => s.delete(id).await,
            Store::Postgres(s) => s.delete(id).await,
        }
    }
}

impl Store {
    /// Deletes expired sessions (one statement: safe on every instance at once).
    pub async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Store::Sqlite(s) => s.delete_expired().await,
            Store::Postgres(s) => s.delete_expired().await,
        }
    }

    /// Opens the store of the configured backend and creates its table.
    pub async fn open(config: &Config) -> anyhow::Result<Store> {
        Ok(match Backend::of(&config.database_url) {
            Some(Backend::Postgres) => {
                let pool = ping_when_idle(sqlx::postgres::PgPoolOptions::new())
                    .connect(&config.database_url)
                    .await?;
                let s = PostgresStore::new(pool);
                s.migrate().await?;
                Store::Postgres(s)
            }
            _ => {
                let options = sqlx::sqlite::SqliteConnectOptions::from_str(&config.database_url)?
                    .create_if_missing(true)
                    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                    .busy_timeout(std::time::Duration::from_secs(10));
                let pool = ping_when_idle(sqlx::sqlite::SqlitePoolOptions::new())
                    .connect_with(options)
                    .await?;
                let s = SqliteStore::new(pool);
                s.migrate().await?;
                Store::Sqlite(s)
            }
        })
    }
}

/// The session layer: HttpOnly, SameSite=Lax, Secure when the portal is served over https,
/// expiring after a week without use.
pub fn layer(store: Store, base_url: &str) -> SessionManagerLayer<Store> {
    SessionManagerLayer::new(store)
        .with_name("career_relay_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(base_url.starts_with("https://"))
        .with_expiry(Expiry::OnInactivity(Duration::days(7)))
}
