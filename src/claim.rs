//! Claims: an agency's exclusive, time-limited hold on a candidate.

use serde::{Deserialize, Serialize};

/// One of an agency's claims with its progress notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClaimView {
    pub id: i64,
    pub candidate_id: i64,
    pub candidate_name: String,
    pub claimed_at: i64,
    pub expires_at: i64,
    pub notes: Vec<Note>,
}

/// A progress note on a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Note {
    pub claim_id: i64,
    pub body: String,
    pub created_at: i64,
}

/// When a claim made or extended at `at` runs out.
pub fn expiry(at: i64, claim_days: i64) -> i64 {
    at + claim_days * crate::time::DAY
}

/// Whether a claim still holds the candidate at `now`.
pub fn is_live(expires_at: i64, ended_at: Option<i64>, now: i64) -> bool {
    ended_at.is_none() && expires_at > now
}

/// The text of a progress note on a claim: 1 to 2,000 characters, trimmed, without control
/// characters other than line breaks and tabs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteText(String);

impl NoteText {
    pub fn parse(raw: &str) -> Result<Self, crate::UserError> {
        crate::field::text(raw, 2000, true).map(|t| Self(t.unwrap_or_default()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{
        consent::HANDOFF_ITEMS,
        db::{self, OnUnique, Pool},
        error::Result,
        settings,
        time::now,
        UserError,
    };
    use sqlx::Row;

    /// Claims a candidate for an agency. Exactly one of any number of simultaneous claims wins:
    /// the unique index on open claims decides, not a read beforehand. Writes the provision record.
    #[tracing::instrument(skip(pool))]
    pub async fn claim(
        pool: &Pool,
        agency_id: i64,
        user_id: i64,
        candidate_id: i64,
    ) -> Result<i64> {
        let mut tx = db::begin(pool).await?;
        let t = now();
        // A claim that ran out no longer holds the candidate; close it so the index frees up.
        sqlx::query("UPDATE claims SET ended_at = $1, end_reason = 'expired', updated_at = $1 WHERE candidate_id = $2 AND ended_at IS NULL AND expires_at <= $1")
            .bind(t)
            .bind(candidate_id)
            .execute(&mut *tx)
            .await?;
        // Take the candidate's row first: a withdrawal of consent (which writes the same row)
        // then either ends before this claim starts, or waits and ends it.
        let available =
            sqlx::query("UPDATE candidates SET updated_at = $1 WHERE id = $2 AND in_pool = 1")
                .bind(t)
                .bind(candidate_id)
                .execute(&mut *tx)
                .await?;
        if available.rows_affected() == 0 {
            return Err(UserError::NotInPool.into());
        }
        let s = settings::load(&mut *tx).await?;
        let inserted = sqlx::query_scalar::<_, i64>(
            "INSERT INTO claims (candidate_id, agency_id, company_id, user_id, claimed_at, expires_at, created_at, updated_at, relayed_at)
             SELECT c.id, $1, c.company_id, $2, $3, $4, $3, $3,
                 (SELECT e.created_at FROM relay_events e WHERE e.candidate_id = c.id AND e.company_id = c.company_id)
             FROM candidates c WHERE c.id = $5 AND c.in_pool = 1 RETURNING id",
        )
        .bind(agency_id)
        .bind(user_id)
        .bind(t)
        .bind(expiry(t, s.claim_days))
        .bind(candidate_id)
        .fetch_optional(&mut *tx)
        .await
        .on_unique(UserError::AlreadyClaimed)?;
        let claim_id = inserted.ok_or(UserError::NotInPool)?;
        let consent_version: String = sqlx::query_scalar(
            "SELECT notice_version FROM consents WHERE candidate_id = $1 AND kind = 'handoff' AND withdrawn_at IS NULL ORDER BY id DESC LIMIT 1",
        )
        .bind(candidate_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(UserError::NotInPool)?;
        sqlx::query(
            "INSERT INTO provision_records (candidate_id, agency_id, claim_id, data_items, consent_version, provided_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6, $6)",
        )
        .bind(candidate_id)
        .bind(agency_id)
        .bind(claim_id)
        .bind(HANDOFF_ITEMS)
        .bind(consent_version)
        .bind(t)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(claim_id)
    }

    /// Ends an agency's own open claim; the candidate returns to the pool.
    #[tracing::instrument(skip(pool))]
    pub async fn release(pool: &Pool, agency_id: i64, claim_id: i64) -> Result<()> {
        let r = sqlx::query("UPDATE claims SET ended_at = $1, end_reason = 'released', updated_at = $1 WHERE id = $2 AND agency_id = $3 AND ended_at IS NULL")
            .bind(now())
            .bind(claim_id)
            .bind(agency_id)
            .execute(pool)
            .await?;
        if r.rows_affected() == 0 {
            return Err(UserError::ClaimNotActive.into());
        }
        Ok(())
    }

    /// Ends every open claim of an agency (it was suspended); the candidates return to the pool.
    pub async fn release_all(conn: &mut sqlx::AnyConnection, agency_id: i64) -> Result<u64> {
        let r = sqlx::query(
            "UPDATE claims SET ended_at = $1, end_reason = 'released', updated_at = $1 WHERE agency_id = $2 AND ended_at IS NULL",
        )
        .bind(now())
        .bind(agency_id)
        .execute(conn)
        .await?;
        Ok(r.rows_affected())
    }

    /// Records progress on an agency's own live claim, which extends it.
    #[tracing::instrument(skip(pool, note))]
    pub async fn add_note(
        pool: &Pool,
        agency_id: i64,
        user_id: i64,
        claim_id: i64,
        note: &NoteText,
    ) -> Result<()> {
        let body = note.as_str();
        let mut tx = db::begin(pool).await?;
        let t = now();
        let s = settings::load(&mut *tx).await?;
        let r = sqlx::query(
            "UPDATE claims SET expires_at = $1, updated_at = $2 WHERE id = $3 AND agency_id = $4 AND ended_at IS NULL AND expires_at > $2",
        )
        .bind(expiry(t, s.claim_days))
        .bind(t)
        .bind(claim_id)
        .bind(agency_id)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Err(UserError::ClaimNotActive.into());
        }
        sqlx::query("INSERT INTO claim_notes (claim_id, user_id, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)")
            .bind(claim_id)
            .bind(user_id)
            .bind(body)
            .bind(t)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The agency's live claims with their notes (two queries, not one per claim).
    pub async fn for_agency(pool: &Pool, agency_id: i64) -> Result<Vec<ClaimView>> {
        let rows = sqlx::query(
            "SELECT k.id, k.candidate_id, c.name, k.claimed_at, k.expires_at FROM claims k JOIN candidates c ON c.id = k.candidate_id
             WHERE k.agency_id = $1 AND k.ended_at IS NULL AND k.expires_at > $2 ORDER BY k.id DESC LIMIT 200",
        )
        .bind(agency_id)
        .bind(now())
        .fetch_all(pool)
        .await?;
        let notes: Vec<Note> = sqlx::query_as(
            "SELECT n.claim_id, n.body, n.created_at FROM claim_notes n JOIN claims k ON k.id = n.claim_id
             WHERE k.agency_id = $1 AND k.ended_at IS NULL AND k.expires_at > $2 ORDER BY n.id",
        )
        .bind(agency_id)
        .bind(now())
        .fetch_all(pool)
        .await?;
        let mut notes_of: std::collections::HashMap<i64, Vec<Note>> = Default::default();
        for n in notes {
            notes_of.entry(n.claim_id).or_default().push(n);
        }
        Ok(rows
            .into_iter()
            .map(|r| {
                let id: i64 = r.get("id");
                ClaimView {
                    id,
                    candidate_id: r.get("candidate_id"),
                    candidate_name: r.get::<Option<String>, _>("name").unwrap_or_default(),
                    claimed_at: r.get("claimed_at"),
                    expires_at: r.get("expires_at"),
                    notes: notes_of.remove(&id).unwrap_or_default(),
                }
            })
            .collect())
    }

    /// Tells each candidate an agency claimed since the job last looked (claims at least a minute
    /// old, so that every earlier one has committed) who holds their data and since when, and
    /// how to object; returns how many were told. Instances take turns on the job's mark.
    #[tracing::instrument(skip_all)]
    pub async fn announce(pool: &Pool, wording: &dyn crate::notice::Wording) -> Result<u64> {
        use crate::notice::{self, Notice};
        let mut tx = db::begin(pool).await?;
        let since = notice::take_mark(&mut tx, "claim_notice").await?;
        let rows = sqlx::query(
            "SELECT k.id, k.candidate_id, a.name AS agency, k.claimed_at FROM claims k JOIN agencies a ON a.id = k.agency_id
             WHERE k.id > $1 AND k.created_at <= $2 ORDER BY k.id LIMIT 500",
        )
        .bind(since)
        .bind(now() - 60)
        .fetch_all(&mut *tx)
        .await?;
        let mut mark = since;
        for r in &rows {
            let to = notice::candidate(&mut tx, r.try_get("candidate_id")?).await?;
            let n = Notice::DataClaimed {
                agency: r.try_get("agency")?,
                since: crate::time::date(r.try_get("claimed_at")?),
            };
            notice::send(&mut tx, wording, &to, &n).await?;
            mark = r.try_get("id")?;
        }
        notice::set_mark(&mut tx, "claim_notice", mark).await?;
        tx.commit().await?;
        Ok(rows.len() as u64)
    }

    /// Closes every claim that ran out; returns how many. Safe to run on every instance at once.
    pub async fn expire_due(pool: &Pool) -> Result<u64> {
        let r = sqlx::query("UPDATE claims SET ended_at = $1, end_reason = 'expired', updated_at = $1 WHERE ended_at IS NULL AND expires_at <= $1")
            .bind(now())
            .execute(pool)
            .await?;
        Ok(r.rows_affected())
    }
}

#[cfg(feature = "db")]
pub use store::{add_note, announce, claim, expire_due, for_agency, release, release_all};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_lasts_its_days_and_ends_when_ended() {
        let at = 1_000_000;
        let exp = expiry(at, 30);
        assert_eq!(exp - at, 30 * 86_400);
        assert!(is_live(exp, None, exp - 1));
        assert!(!is_live(exp, None, exp));
        assert!(!is_live(exp, Some(at + 5), at + 10));
    }

    #[test]
    fn notes_must_say_something() {
        assert!(NoteText::parse("  ").is_err());
        assert_eq!(NoteText::parse(" 面談済み ").unwrap().as_str(), "面談済み");
    }
}
