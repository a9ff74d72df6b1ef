//! Retention (docs/design.md "Privacy and law"): a candidate with no activity of their own
//! (signing in, the profile, a consent, an answer) for the retention period (24 months, setting)
//! is asked by mail to keep their profile or delete it (see `ask`); without an answer or any
//! activity by the day the mail names (30 days on, setting) they are anonymised as in erasure.
//! Someone who never confirmed their address is not asked (it may not be theirs): after the
//! retention period their data is anonymised. The jobs run
//! on every instance and act exactly once per candidate: one ask per period of inactivity (its
//! round is the last activity it asks about), and erasure happens once.

#[cfg(feature = "db")]
mod store {
    use crate::{
        ask::{self, AskKind},
        db::Pool,
        error::Result,
        notice::{self, Notice, Recipient, Wording},
        settings,
        time::{months_before, now},
    };
    use sqlx::Row;

    /// At most this many candidates are asked or anonymised per round.
    const BATCH: i64 = 200;

    /// Asks every candidate inactive for the retention period who has not been asked about this
    /// period yet; returns how many were asked.
    #[tracing::instrument(skip_all)]
    pub async fn ask_due(pool: &Pool, wording: &dyn Wording) -> Result<u64> {
        let s = settings::load(pool).await?;
        let t = now();
        let due = months_before(t, s.retention_months);
        // The mail names a day; the data stays until that day has ended, whatever the setting
        // says later.
        let last_day = crate::time::today() + chrono::Days::new(s.renewal_days.max(0) as u64);
        let deadline_at = crate::time::end_of_day(last_day);
        let deadline = last_day.format("%Y-%m-%d").to_string();
        let mut asked = 0;
        loop {
            let mut tx = crate::db::begin(pool).await?;
            let rows = sqlx::query(
                "SELECT c.id, c.email, c.language, c.active_at FROM candidates c
                 WHERE c.active_at <= $1 AND c.erased_at IS NULL AND c.email_confirmed_at IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM candidate_asks a WHERE a.candidate_id = c.id AND a.kind = 'renewal' AND a.round = c.active_at)
                 ORDER BY c.active_at, c.id LIMIT $2",
            )
            .bind(due)
            .bind(BATCH)
            .fetch_all(&mut *tx)
            .await?;
            for r in &rows {
                let candidate_id: i64 = r.try_get("id")?;
                let round: i64 = r.try_get("active_at")?;
                let Some(token) = ask::open(
                    &mut tx,
                    candidate_id,
                    AskKind::Renewal,
                    round,
                    Some(deadline_at),
                )
                .await?
                else {
                    continue;
                };
                let email: Option<String> = r.try_get("email")?;
                let to: Vec<Recipient> = email
                    .into_iter()
                    .map(|email| {
                        Ok::<_, sqlx::Error>(Recipient {
                            email,
                            language: r.try_get("language")?,
                        })
                    })
                    .collect::<Result<_, _>>()?;
                let notice = Notice::Renewal {
                    token,
                    deadline: deadline.clone(),
                };
                notice::send(&mut tx, wording, &to, &notice).await?;
                asked += 1;
            }
            tx.commit().await?;
            if (rows.len() as i64) < BATCH {
                return Ok(asked);
            }
        }
    }

    /// Anonymises every candidate whose renewal went unanswered past the day its mail named with
    /// no activity since it was asked, and every candidate who never confirmed their address and
    /// has been inactive for the retention period (there is nobody to ask); closes the renewals
    /// of candidates who were active again (or erased meanwhile); returns how many were
    /// anonymised.
    #[tracing::instrument(skip_all)]
    pub async fn anonymise_due(pool: &Pool) -> Result<u64> {
        let s = settings::load(pool).await?;
        let t = now();
        // Renewals that no longer ask anything: the candidate did something, or is gone.
        sqlx::query(
            "UPDATE candidate_asks SET closed_at = $1, updated_at = $1
             WHERE kind = 'renewal' AND closed_at IS NULL AND candidate_id IN (
                 SELECT c.id FROM candidates c WHERE c.id = candidate_asks.candidate_id
                   AND (c.erased_at IS NOT NULL OR c.active_at <> candidate_asks.round))",
        )
        .bind(t)
        .execute(pool)
        .await?;
        let mut anonymised = 0;
        loop {
            let rows = sqlx::query(
                "SELECT a.candidate_id, a.round FROM candidate_asks a JOIN candidates c ON c.id = a.candidate_id
                 WHERE a.kind = 'renewal' AND a.closed_at IS NULL AND a.asked_at <= $1 AND a.deadline_at <= $1
                   AND c.erased_at IS NULL AND c.active_at = a.round
                 ORDER BY a.asked_at LIMIT $2",
            )
            .bind(t)
            .bind(BATCH)
            .fetch_all(pool)
            .await?;
            for r in &rows {
                let candidate_id: i64 = r.try_get("candidate_id")?;
                // Erasure acts once (another instance that got here first leaves nothing to do),
                // and not at all if the candidate did something since this was read.
                let round: i64 = r.try_get("round")?;
                if crate::erasure::erase_unless_active(
                    pool,
                    candidate_id,
                    "job:retention",
                    Some(round),
                    true,
                )
                .await?
                {
                    anonymised += 1;
                }
                sqlx::query(
                    "UPDATE candidate_asks SET closed_at = $1, updated_at = $1 WHERE candidate_id = $2 AND kind = 'renewal' AND closed_at IS NULL",
                )
                .bind(t)
                .bind(candidate_id)
                .execute(pool)
                .await?;
            }
            if (rows.len() as i64) < BATCH {
                break;
            }
        }
        let due = months_before(t, s.retention_months);
        loop {
            let rows = sqlx::query(
                "SELECT id, active_at FROM candidates
                 WHERE active_at <= $1 AND erased_at IS NULL AND email_confirmed_at IS NULL
                 ORDER BY active_at LIMIT $2",
            )
            .bind(due)
            .bind(BATCH)
            .fetch_all(pool)
            .await?;
            let mut erased_now = 0;
            for r in &rows {
                let candidate_id: i64 = r.try_get("id")?;
                let active_at: i64 = r.try_get("active_at")?;
                if crate::erasure::erase_unless_active(
                    pool,
                    candidate_id,
                    "job:retention",
                    Some(active_at),
                    false,
                )
                .await?
                {
                    erased_now += 1;
                }
            }
            anonymised += erased_now;
            // A round that erased nothing (others got there first, or all were active again)
            // ends the loop; the next round of the job looks again.
            if (rows.len() as i64) < BATCH || erased_now == 0 {
                return Ok(anonymised);
            }
        }
    }
}

#[cfg(feature = "db")]
pub use store::{anonymise_due, ask_due};
