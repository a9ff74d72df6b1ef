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

/// A message taken for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct Outgoing {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body_text: String,
    /// For mails the person may refuse: where they do so.
    pub unsubscribe_url: Option<String>,
    /// Tries so far, this one included.
    pub attempts: i64,
}

/// `next_attempt_at` of a held message (a CSV import's invitation before the import is done):
/// never due until its import releases it.
pub const HELD: i64 = i64::MAX;

/// How long a taken message is left alone before another instance may take it again.
pub const LEASE_SECONDS: i64 = 300;
/// Days a sent or failed message is kept (for support questions) before it is deleted.
pub const KEEP_DAYS: i64 = 30;
/// Tries before a temporary failure becomes permanent.
pub const MAX_ATTEMPTS: i64 = 8;

/// The wait before the next try after `attempts` failed tries: 1, 2, 4, … minutes, at most 4 hours.
pub fn backoff_seconds(attempts: i64) -> i64 {
    60 * (1_i64 << attempts.clamp(1, 9).saturating_sub(1)).min(240)
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{db, db::Pool, email::Email, error::Result, time::now};

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

    /// Queues a mail the person may refuse: `unsubscribe_url` goes into the `List-Unsubscribe`
    /// header (the text itself names the link too).
    pub async fn enqueue_with_unsubscribe<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
        db: E,
        to: &Email,
        subject: &str,
        body: &str,
        unsubscribe_url: &str,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO outbox (to_addr, subject, body_text, unsubscribe_url, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(to.as_str())
        .bind(subject)
        .bind(body)
        .bind(unsubscribe_url)
        .bind(now())
        .fetch_one(db)
        .await?)
    }

    /// The newest messages, for the dev mailbox (held ones aside: they are not sent yet).
    pub async fn recent(pool: &Pool, limit: i64) -> Result<Vec<OutboxMessage>> {
        Ok(sqlx::query_as("SELECT id, to_addr, subject, body_text, created_at FROM outbox WHERE next_attempt_at < $1 ORDER BY id DESC LIMIT $2")
            .bind(HELD)
            .bind(limit)
            .fetch_all(pool)
            .await?)
    }

    /// Takes up to `limit` messages that are due, leasing them so that no other instance (nor
    /// this one) takes them again while they are being sent.
    pub async fn take_due(pool: &Pool, limit: i64) -> Result<Vec<Outgoing>> {
        let t = now();
        let mut tx = db::begin(pool).await?;
        let mut taken: Vec<Outgoing> =
            db::lease_due_mail(&mut tx, t + LEASE_SECONDS, t, limit).await?;
        tx.commit().await?;
        taken.sort_by_key(|m| m.id);
        Ok(taken)
    }

    /// Deletes sent and failed messages older than `KEEP_DAYS` (they hold addresses and links).
    pub async fn purge_old(pool: &Pool) -> Result<u64> {
        let r = sqlx::query(
            "DELETE FROM outbox WHERE (sent_at IS NOT NULL OR failed_at IS NOT NULL) AND created_at < $1",
        )
        .bind(now() - KEEP_DAYS * 86_400)
        .execute(pool)
        .await?;
        Ok(r.rows_affected())
    }

    /// Records a delivered message.
    pub async fn mark_sent(pool: &Pool, id: i64) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET sent_at = $1, last_error = NULL, updated_at = $1 WHERE id = $2",
        )
        .bind(now())
        .bind(id)
        .execute(pool)
        .await?;
        Ok(())
    }

    /// Records a failed try: a permanent failure (or the last allowed try) ends the message,
    /// a temporary one schedules the next try after the back-off.
    pub async fn mark_failed(
        pool: &Pool,
        m: &Outgoing,
        permanent: bool,
        error: &str,
    ) -> Result<()> {
        let t = now();
        let error: String = error.chars().take(500).collect();
        if permanent || m.attempts >= MAX_ATTEMPTS {
            sqlx::query(
                "UPDATE outbox SET failed_at = $1, last_error = $2, updated_at = $1 WHERE id = $3",
            )
            .bind(t)
            .bind(error)
            .bind(m.id)
            .execute(pool)
            .await?;
        } else {
            sqlx::query("UPDATE outbox SET next_attempt_at = $1, last_error = $2, updated_at = $3 WHERE id = $4")
                .bind(t + backoff_seconds(m.attempts))
                .bind(error)
                .bind(t)
                .bind(m.id)
                .execute(pool)
                .await?;
        }
        Ok(())
    }
}

#[cfg(feature = "db")]
pub use store::{
    enqueue, enqueue_with_unsubscribe, mark_failed, mark_sent, purge_old, recent, take_due,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_four_hours() {
        assert_eq!(backoff_seconds(1), 60);
        assert_eq!(backoff_seconds(2), 120);
        assert_eq!(backoff_seconds(3), 240);
        assert_eq!(backoff_seconds(8), 128 * 60);
        assert_eq!(backoff_seconds(30), 240 * 60);
    }
}
