//! Throwaway databases for tests and benchmarks, on either backend.
//!
//! `CAREER_RELAY_TEST_DATABASE` chooses the backend: unset (or `sqlite`) gives a SQLite file in a
//! temporary folder; a `postgres://` URL of a server gives a new database on that server, named
//! `career_relay_test_<random>`, which is dropped again with the value.

use crate::error::Result;
use sqlx::{Connection, Executor};

/// The variable that chooses the backend of scratch databases.
pub const ENV: &str = "CAREER_RELAY_TEST_DATABASE";

/// A database that exists as long as this value does.
pub struct ScratchDb {
    /// The `DATABASE_URL` of the scratch database.
    pub url: String,
    place: Place,
}

enum Place {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { server: String, name: String },
}

impl ScratchDb {
    /// Creates an empty database on the backend `CAREER_RELAY_TEST_DATABASE` names.
    pub async fn new() -> Result<Self> {
        match std::env::var(ENV) {
            Ok(server) if server.starts_with("postgres") => Self::postgres(&server).await,
            _ => Self::sqlite(),
        }
    }

    /// A SQLite file in a new temporary folder.
    pub fn sqlite() -> Result<Self> {
        let dir = tempfile::tempdir().map_err(sqlx::Error::Io)?;
        let url = format!("sqlite://{}/scratch.db", dir.path().display());
        Ok(Self {
            url,
            place: Place::Sqlite(dir),
        })
    }

    /// A new database on the PostgreSQL server at `server`, a URL that names any database there
    /// (`postgres://postgres@127.0.0.1:5432/postgres`).
    pub async fn postgres(server: &str) -> Result<Self> {
        let name = format!("career_relay_test_{:016x}", rand::random::<u64>());
        let mut conn = sqlx::PgConnection::connect(server).await?;
        conn.execute(format!("CREATE DATABASE {name}").as_str())
            .await?;
        conn.close().await?;
        // The server URL names some database (`.../postgres`); the scratch one replaces it.
        let base = server
            .rsplit_once('/')
            .map(|(base, _)| base)
            .filter(|base| !base.ends_with('/'))
            .ok_or_else(|| {
                sqlx::Error::Configuration(format!("{ENV} must end in /DATABASE").into())
            })?;
        let url = format!("{base}/{name}");
        Ok(Self {
            url,
            place: Place::Postgres {
                server: server.to_owned(),
                name,
            },
        })
    }
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        let Place::Postgres { server, name } = &self.place else {
            return;
        };
        let (server, name) = (server.clone(), name.clone());
        // Drop runs inside the test's runtime, which cannot block on itself: use a thread.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(async {
                let mut conn = sqlx::PgConnection::connect(&server).await?;
                conn.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                    .await?;
                conn.close().await
            })
            .map_err(std::io::Error::other)
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop the scratch database {}", self.url);
        }
    }
}
