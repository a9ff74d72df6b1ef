//! Follow-ups (docs/design.md "Follow-up"): a candidate who opted in is asked by mail, 6 and 12
//! months later (settings), whether they are still looking, with one answer per choice and an
//! optional satisfaction question (see `ask`). Only the latest round due is sent: a candidate who
//! opted in more than 12 months before the portal first looked gets the second only. Candidates
//! who found a job, withdrew their consent or unsubscribed are not asked.

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

    /// At most this many candidates are asked per transaction.
    const BATCH: i64 = 200;

    /// Sends every follow-up that is due, each exactly once whichever instances run the job;
    /// returns how many were sent.
    #[tracing::instrument(skip_all)]
    pub async fn send_due(pool: &Pool, wording: &dyn Wording) -> Result<u64> {
        let s = settings::load(pool).await?;
        let t = now();
        let first = s.followup_first_months.min(s.followup_second_months);
        let second = s.followup_first_months.max(s.followup_second_months);
        // The first round only for those not yet due for the second.
        let mut sent = send_round(pool, wording, 1, first, months_before(t, second)).await?;
        sent += send_round(pool, wording, 2, second, i64::MIN).await?;
        Ok(sent)
    }

    /// Asks round `round` (1 or 2, `months` after opting in) of every candidate who opted in
    /// between `after` and `months` ago and has not had it. The job's mark (per round) remembers
    /// up to when all were asked, so a round reads only the candidates that came due since; the
    /// transaction holds the mark, so instances take turns, and the ask's uniqueness (per
    /// candidate and round, whatever the settings say later) keeps each to one mail.
    async fn send_round(
        pool: &Pool,
        wording: &dyn Wording,
        round: i64,
        months: i64,
        after: i64,
    ) -> Result<u64> {
        let due = months_before(now(), months);
        let mark_name = format!("followup:{round}");
        let mut sent = 0;
        loop {
            let mut tx = crate::db::begin(pool).await?;
            let mark = notice::take_mark(&mut tx, &mark_name).await?;
            let rows = sqlx::query(
                "SELECT c.id, c.email, c.language FROM candidates c
                 WHERE c.opted_in_at > $1 AND c.opted_in_at <= $2 AND c.erased_at IS NULL
                   AND c.status = 'active' AND c.handoff_consent = 1 AND c.followups = 1
                   AND c.email_confirmed_at IS NOT NULL
                   AND c.search_status <> 'found' AND c.email IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM candidate_asks a WHERE a.candidate_id = c.id AND a.kind = 'followup' AND a.round = $3)
                 ORDER BY c.opted_in_at, c.id LIMIT $4",
            )
            .bind(mark.max(after))
            .bind(due)
            .bind(round)
            .bind(BATCH)
            .fetch_all(&mut *tx)
            .await?;
            for r in &rows {
                let candidate_id: i64 = r.try_get("id")?;
                let Some(token) =
                    ask::open(&mut tx, candidate_id, AskKind::FollowUp, round, None).await?
                else {
                    continue;
                };
                let to = [Recipient {
                    email: r.try_get("email")?,
                    language: r.try_get("language")?,
                }];
                let unsubscribe = format!("/a/{token}/stop");
                let notice = Notice::FollowUp { token, months };
                notice::send_refusable(&mut tx, wording, &to, &notice, &unsubscribe).await?;
                sent += 1;
            }
            let done = (rows.len() as i64) < BATCH;
            if done {
                notice::set_mark(&mut tx, &mark_name, due.max(mark)).await?;
            }
            tx.commit().await?;
            if done {
                return Ok(sent);
            }
        }
    }
}

#[cfg(feature = "db")]
pub use store::send_due;
