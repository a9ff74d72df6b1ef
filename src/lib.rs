//! Career Relay core: the rules of docs/design.md, storage and mail, with no web framework.
//!
//! Domain types compile everywhere (the browser build uses them for forms and views);
//! everything that touches the database sits behind the `db` feature.

#[macro_use]
pub mod code;

pub mod consent;
pub mod email;
pub mod error;
pub mod field;
pub mod profile;
pub mod time;

pub mod address;
pub mod apikey;
pub mod ask;
pub mod audit;
pub mod auth;
pub mod candidate;
pub mod claim;
pub mod credit;
pub mod erasure;
pub mod export;
pub mod farming;
pub mod followup;
pub mod import;
pub mod invitation;
pub mod keyset;
pub mod limit;
pub mod mail;
pub mod matching;
pub mod notice;
pub mod numbers;
pub mod org;
pub mod person;
pub mod placement;
pub mod pool;
pub mod provision;
#[cfg(feature = "db")]
pub mod qualify;
pub mod referral;
pub mod relay;
pub mod request;
pub mod retention;
pub mod returns;
pub mod review;
pub mod settings;
pub mod sso;

#[cfg(feature = "db")]
pub mod bench;
#[cfg(feature = "db")]
pub mod db;
#[cfg(feature = "db")]
pub mod demo;
#[cfg(feature = "db")]
pub mod scratch;
#[cfg(feature = "db")]
pub mod token;

pub use email::Email;

/// Brings a database up to date: the schema, then what a new database needs (the default
/// settings and the installation's secret for person keys) and what an older one lacks (the
/// search index of its candidates).
#[cfg(feature = "db")]
pub async fn migrate(pool: &db::Pool, url: &str) -> error::Result<()> {
    db::migrate(pool, url).await?;
    settings::ensure_defaults(pool).await?;
    person::pepper(&mut *pool.acquire().await?).await?;
    pool::index_missing(pool).await?;
    Ok(())
}
pub use error::{Error, FieldError, UserError};
