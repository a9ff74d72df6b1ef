//! Erasure: a candidate's personal data deleted at their request (or an admin's, on their
//! behalf). The candidate's row stays, emptied, so that counts, the ledger and the provision
//! records the law requires the portal to keep (3 years) still add up; keyed hashes of the address
//! and phone number go on the suppression list, so the person is never invited or imported again.

use crate::{FieldError, UserError};

/// An erasure someone confirmed (the form's checkbox `confirm` ticked): it cannot be undone, so
/// it is asked once more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Confirmed;

impl Confirmed {
    /// The form's checkbox, ticked; otherwise the error next to it.
    pub fn check(confirm: &Option<String>) -> Result<Self, Vec<FieldError>> {
        if crate::consent::checkbox(confirm) {
            Ok(Confirmed)
        } else {
            Err(vec![FieldError::new(
                "confirm",
                UserError::ConfirmationRequired,
            )])
        }
    }
}

#[cfg(feature = "db")]
mod store {
    use crate::{db, db::Pool, error::Result, person, time::now, UserError};
    use sqlx::Row;

    /// Erases a candidate at once, in one transaction: profile, address, phone and free text are
    /// removed; consents are withdrawn; an open claim ends (the agency loses access); open
    /// introductions are withdrawn; sign-in links are deleted and every session ends; queued and
    /// kept mail to the address is deleted; the address and phone go on the suppression list as
    /// keyed hashes. `actor` (`candidate:{id}` or `user:{id}`) is recorded in the audit log with
    /// the candidate's id only. Erasing twice changes nothing more; returns whether this call
    /// erased.
    pub async fn erase(pool: &Pool, candidate_id: i64, actor: &str) -> Result<bool> {
        erase_unless_active(pool, candidate_id, actor, None, true).await
    }

    /// Erases as `erase` does, but only while the candidate's last activity is still
    /// `active_at` when given (retention: someone who signed in meanwhile keeps their data).
    /// Without `suppress` the address and phone do not go on the suppression list (an address
    /// never confirmed may be someone else's, who must still be invitable).
    #[tracing::instrument(skip(pool))]
    pub async fn erase_unless_active(
        pool: &Pool,
        candidate_id: i64,
        actor: &str,
        active_at: Option<i64>,
        suppress: bool,
    ) -> Result<bool> {
        let mut tx = db::begin(pool).await?;
        let t = now();
        // The candidate's row first: a second erasure (the candidate and an admin at once) waits
        // here and then finds nothing to do. The lock does not block other rows that refer to
        // the candidate, so a claim or introduction in flight finishes first.
        let row = sqlx::query(
            "UPDATE candidates SET updated_at = $1 WHERE id = $2 AND erased_at IS NULL AND ($3 IS NULL OR active_at = $3)
             RETURNING email, phone",
        )
        .bind(t)
        .bind(candidate_id)
        .bind(active_at)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM candidates WHERE id = $1")
                .bind(candidate_id)
                .fetch_optional(&mut *tx)
                .await?;
            return match exists {
                Some(_) => Ok(false),
                None => Err(UserError::NotFound.into()),
            };
        };
        let email: Option<String> = row.try_get("email")?;
        let phone: Option<String> = row.try_get("phone")?;
        // End what others hold, then delete what they wrote: a note recorded meanwhile has
        // committed by the time its claim is ended here.
        for sql in [
            "UPDATE claims SET ended_at = $1, end_reason = 'withdrawn', updated_at = $1 WHERE candidate_id = $2 AND ended_at IS NULL",
            "UPDATE introductions SET status = 'withdrawn', updated_at = $1 WHERE candidate_id = $2 AND status IN ('asked', 'agreed', 'passed', 'interview', 'offer')",
            "UPDATE consents SET withdrawn_at = $1, updated_at = $1 WHERE candidate_id = $2 AND withdrawn_at IS NULL",
        ] {
            sqlx::query(sql)
                .bind(t)
                .bind(candidate_id)
                .execute(&mut *tx)
                .await?;
        }
        let pepper = person::pepper(&mut tx).await?;
        let email_key = email
            .as_deref()
            .and_then(|e| crate::Email::parse(e).ok())
            .map(|e| person::email_key(&pepper, &e));
        let phone_key = phone.as_deref().and_then(|p| person::phone_key(&pepper, p));
        for key in email_key
            .iter()
            .chain(phone_key.iter())
            .filter(|_| suppress)
        {
            sqlx::query(
                "INSERT INTO email_suppressions (person_key, reason, created_at) VALUES ($1, 'erased', $2)
                 ON CONFLICT (person_key) DO NOTHING",
            )
            .bind(key)
            .bind(t)
            .execute(&mut *tx)
            .await?;
        }
        // Invitations to the person, by any company: what they said of the application goes,
        // and open ones can no longer be used.
        sqlx::query(
            "UPDATE invitations SET name = NULL, email = NULL, position = NULL, rejected_on = NULL, person_key = NULL,
                 status = CASE WHEN status = 'invited' THEN 'expired' ELSE status END, updated_at = $1
             WHERE candidate_id = $2 OR person_key = $3",
        )
        .bind(t)
        .bind(candidate_id)
        .bind(email_key.as_deref().unwrap_or(""))
        .execute(&mut *tx)
        .await?;
        // And a running import's copy of their row (name and address), kept until it is done.
        sqlx::query("DELETE FROM import_staged WHERE person_key = $1")
            .bind(email_key.as_deref().unwrap_or(""))
            .execute(&mut *tx)
            .await?;
        for sql in [
            "DELETE FROM candidate_job_types WHERE candidate_id = $1",
            "DELETE FROM candidate_skills WHERE candidate_id = $1",
            "DELETE FROM candidate_grams WHERE candidate_id = $1",
            "DELETE FROM sign_in_tokens WHERE candidate_id = $1",
            "DELETE FROM email_changes WHERE candidate_id = $1",
            // What agencies wrote about the candidate is free text about them too.
            "DELETE FROM claim_notes WHERE claim_id IN (SELECT id FROM claims WHERE candidate_id = $1)",
            // And what the rejecting company noted on contacting them again.
            "DELETE FROM return_contacts WHERE candidate_id = $1",
            "UPDATE introductions SET recommendation = '' WHERE candidate_id = $1",
            // Where their opt-ins came from and their profile's shape (the farming rules').
            "UPDATE relay_events SET network = NULL WHERE candidate_id = $1",
            "UPDATE relays SET network = NULL, fingerprint = NULL WHERE candidate_id = $1",
            "UPDATE relay_holds SET detail = '' WHERE relay_id IN (SELECT id FROM relays WHERE candidate_id = $1)",
        ] {
            sqlx::query(sql).bind(candidate_id).execute(&mut *tx).await?;
        }
        sqlx::query(
            "UPDATE candidates SET email = NULL, name = NULL, name_kana = NULL, phone = NULL, prefecture = NULL,
                 job_types = '', skills = '', years_experience = NULL, desired_salary = NULL, languages = '',
                 summary = '', search_text = '', status = 'withdrawn', handoff_consent = 0, recontact_consent = 0,
                 in_pool = 0, session_epoch = session_epoch + 1, erased_at = $1, updated_at = $1
             WHERE id = $2",
        )
        .bind(t)
        .bind(candidate_id)
        .execute(&mut *tx)
        .await?;
        if let Some(email) = &email {
            sqlx::query("DELETE FROM outbox WHERE to_addr = $1")
                .bind(email)
                .execute(&mut *tx)
                .await?;
        }
        crate::audit::record(
            &mut *tx,
            actor,
            "candidate_erased",
            &format!("candidate:{candidate_id}"),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

#[cfg(feature = "db")]
pub use store::{erase, erase_unless_active};
