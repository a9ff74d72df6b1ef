//! Changing a candidate's e-mail address: the new address is confirmed by a one-time link
//! mailed to it, the old address is told, and the person key (the de-duplication of relays)
//! follows the address.

/// Minutes a confirmation link works.
pub const LINK_MINUTES: i64 = 60;

/// An address shown to its old owner without giving it away: the first character of the
/// mailbox, then `***@` and the domain.
pub fn masked(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

/// A requested change: the link's token (mailed to the new address), and the old address and
/// language (to tell the old address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requested {
    pub token: String,
    pub old_email: Option<String>,
    pub language: String,
}

/// A confirmed change: the candidate, and the old address to tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub candidate_id: i64,
    pub old_email: Option<String>,
    pub language: String,
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{
        db::{self, OnUnique, Pool},
        error::Result,
        person,
        time::now,
        token::{hash, random_token},
        Email, UserError,
    };
    use sqlx::Row;

    /// Starts a change of the candidate's address to `new`: a one-time link for the new
    /// address. Whether `new` belongs to someone else is learnt only when the link is used (the
    /// form tells nobody which addresses are registered).
    #[tracing::instrument(skip(pool, new))]
    pub async fn request(pool: &Pool, candidate_id: i64, new: &Email) -> Result<Requested> {
        let mut tx = db::begin(pool).await?;
        let row = sqlx::query(
            "SELECT email, language FROM candidates WHERE id = $1 AND erased_at IS NULL",
        )
        .bind(candidate_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(UserError::NotFound)?;
        let old_email: Option<String> = row.try_get("email")?;
        if old_email.as_deref() == Some(new.as_str()) {
            return Err(vec![crate::FieldError::new("email", UserError::AlreadyExists)].into());
        }
        let token = random_token(32);
        let t = now();
        sqlx::query(
            "INSERT INTO email_changes (token_hash, candidate_id, new_email, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(hash(&token))
        .bind(candidate_id)
        .bind(new.as_str())
        .bind(t + LINK_MINUTES * 60)
        .bind(t)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Requested {
            token,
            old_email,
            language: row.try_get("language")?,
        })
    }

    /// Deletes links that ran out a day ago or more.
    pub async fn purge_expired(pool: &Pool) -> Result<()> {
        sqlx::query("DELETE FROM email_changes WHERE expires_at < $1")
            .bind(now() - crate::time::DAY)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// Uses a confirmation link (once, within its time): the new address replaces the old one,
    /// confirmed, and the relays' person key follows it. An address someone else holds is
    /// refused with `AlreadyExists`, and nothing changes.
    #[tracing::instrument(skip_all)]
    pub async fn confirm(pool: &Pool, token: &str) -> Result<Changed> {
        let mut tx = db::begin(pool).await?;
        let t = now();
        let row = sqlx::query(
            "UPDATE email_changes SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
             RETURNING candidate_id, new_email",
        )
        .bind(t)
        .bind(hash(token))
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(UserError::SignInLinkInvalid)?;
        let candidate_id: i64 = row.try_get("candidate_id")?;
        let new: String = row.try_get("new_email")?;
        let old = sqlx::query(
            "SELECT email, language FROM candidates WHERE id = $1 AND erased_at IS NULL",
        )
        .bind(candidate_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(UserError::SignInLinkInvalid)?;
        let staff: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(&new)
            .fetch_optional(&mut *tx)
            .await?;
        if staff.is_some() {
            return Err(UserError::AlreadyExists.into());
        }
        sqlx::query(
            "UPDATE candidates SET email = $1, email_confirmed_at = $2, updated_at = $2 WHERE id = $3",
        )
        .bind(&new)
        .bind(t)
        .bind(candidate_id)
        .execute(&mut *tx)
        .await
        .on_unique(UserError::AlreadyExists)?;
        let email = Email::parse(&new).map_err(|_| UserError::SignInLinkInvalid)?;
        let key = person::stored_email_key(&mut tx, &email).await?;
        sqlx::query("UPDATE relays SET person_key = $1, updated_at = $2 WHERE candidate_id = $3")
            .bind(key)
            .bind(t)
            .bind(candidate_id)
            .execute(&mut *tx)
            .await
            .on_unique(UserError::AlreadyExists)?;
        crate::audit::record(
            &mut *tx,
            &format!("candidate:{candidate_id}"),
            "email_changed",
            &format!("candidate:{candidate_id}"),
        )
        .await?;
        tx.commit().await?;
        Ok(Changed {
            candidate_id,
            old_email: old.try_get("email")?,
            language: old.try_get("language")?,
        })
    }
}

#[cfg(feature = "db")]
pub use store::{confirm, purge_expired, request};

#[cfg(test)]
mod tests {
    #[test]
    fn the_old_owner_sees_the_new_address_masked() {
        assert_eq!(super::masked("hanako@example.jp"), "h***@example.jp");
        assert_eq!(super::masked("nonsense"), "***");
    }
}
