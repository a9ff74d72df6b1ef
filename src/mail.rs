//! Mail: every message goes through the outbox table; a delivery job sends it.

use serde::{Deserialize, Serialize};

/// A message in the outbox, as the dev mailbox shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct OutboxMessage {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body_text: String,
    pub created_at: i64,
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{db::Pool, email::Email, error::Result, time::now};

    /// Queues a message; it is sent (or, in dev mode, shown in the dev mailbox) later.
    #[tracing::instrument(skip_all)]
    pub async fn enqueue<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
        db: E,
        to: &Email,
        subject: &str,
        body: &str,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO outbox (to_addr, subject, body_text, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
        )
        .bind(to.as_str())
        .bind(subject)
        .bind(body)
        .bind(now())
        .fetch_one(db)
        .await?)
    }

    /// The newest messages, for the dev mailbox.
    pub async fn recent(pool: &Pool, limit: i64) -> Result<Vec<OutboxMessage>> {
        Ok(sqlx::query_as("SELECT id, to_addr, subject, body_text, created_at FROM outbox ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(pool)
            .await?)
    }
}

#[cfg(feature = "db")]
pub use store::{enqueue, recent};
