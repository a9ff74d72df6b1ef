//! Who is signed in: one-time sign-in links and the people they sign in.

use serde::{Deserialize, Serialize};

/// Minutes a sign-in link stays valid.
pub const LINK_MINUTES: i64 = 15;

/// What a session remembers: which person signed in. Roles are re-read on every request,
/// so a suspension or a role change takes effect at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Subject {
    User(i64),
    Candidate(i64),
}

/// What a session holds once someone signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub subject: Subject,
    /// When the sign-in happened (unix seconds).
    pub since: i64,
    /// The person's session epoch at sign-in; "sign out everywhere" moves it on.
    pub epoch: i64,
    /// When the session's idle expiry was last renewed (unix seconds); renewed at most once a
    /// day, so that a page view writes nothing.
    #[serde(default)]
    pub touched: i64,
}

/// Days a sign-in lasts at most, however active the session (the idle limit is shorter).
pub const SESSION_MAX_DAYS: i64 = 30;

impl SignedIn {
    /// Whether the sign-in is older than the absolute limit at `now`.
    pub fn expired(&self, now: i64) -> bool {
        now - self.since > SESSION_MAX_DAYS * 86_400
    }

    /// Whether the idle expiry should be renewed at `now` (it was last renewed a day ago).
    pub fn stale(&self, now: i64) -> bool {
        now - self.touched >= 86_400
    }
}

/// The kind of staff account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserKind {
    Admin,
    Company,
    Agency,
}

impl UserKind {
    pub fn code(self) -> &'static str {
        match self {
            UserKind::Admin => "admin",
            UserKind::Company => "company",
            UserKind::Agency => "agency",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "admin" => Some(UserKind::Admin),
            "company" => Some(UserKind::Company),
            "agency" => Some(UserKind::Agency),
            _ => None,
        }
    }
}

/// A staff member or admin as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub kind: UserKind,
    pub company_id: Option<i64>,
    pub agency_id: Option<i64>,
    pub member_role: crate::org::MemberRole,
    /// For agency staff: whether their agency is approved.
    pub agency_approved: bool,
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{
        db::Pool,
        email::Email,
        error::Result,
        time::now,
        token::{hash, random_token},
        UserError,
    };
    use sqlx::Row;

    /// Creates a one-time sign-in link token for a person.
    #[tracing::instrument(skip(db))]
    pub async fn issue_link<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
        db: E,
        subject: Subject,
    ) -> Result<String> {
        let token = random_token(32);
        let (user_id, candidate_id) = match subject {
            Subject::User(id) => (Some(id), None),
            Subject::Candidate(id) => (None, Some(id)),
        };
        let t = now();
        sqlx::query(
            "INSERT INTO sign_in_tokens (token_hash, user_id, candidate_id, expires_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(hash(&token))
        .bind(user_id)
        .bind(candidate_id)
        .bind(t + LINK_MINUTES * 60)
        .bind(t)
        .execute(db)
        .await?;
        Ok(token)
    }

    /// Uses a sign-in link: valid once, within its time. A candidate's use confirms their address.
    #[tracing::instrument(skip_all)]
    pub async fn consume_link(pool: &Pool, token: &str) -> Result<Subject> {
        let t = now();
        let row = sqlx::query(
            "UPDATE sign_in_tokens SET used_at = $1, updated_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id, candidate_id",
        )
        .bind(t)
        .bind(hash(token))
        .fetch_optional(pool)
        .await?
        .ok_or(UserError::SignInLinkInvalid)?;
        let user_id: Option<i64> = row.try_get("user_id")?;
        let candidate_id: Option<i64> = row.try_get("candidate_id")?;
        match (user_id, candidate_id) {
            (Some(id), _) => Ok(Subject::User(id)),
            (None, Some(id)) => {
                crate::candidate::confirm_email(pool, id).await?;
                Ok(Subject::Candidate(id))
            }
            (None, None) => Err(UserError::SignInLinkInvalid.into()),
        }
    }

    /// Who owns an address: staff first, then candidates.
    pub async fn find_by_email(pool: &Pool, email: &Email) -> Result<Option<Subject>> {
        // Staff removed from their organisation have no account to sign in to.
        if let Some(row) = sqlx::query(
            "SELECT id FROM users WHERE email = $1 AND (kind = 'admin' OR company_id IS NOT NULL OR agency_id IS NOT NULL)",
        )
            .bind(email.as_str())
            .fetch_optional(pool)
            .await?
        {
            return Ok(Some(Subject::User(row.get("id"))));
        }
        let row = sqlx::query("SELECT id FROM candidates WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(pool)
            .await?;
        Ok(row.map(|r| Subject::Candidate(r.get("id"))))
    }

    /// A staff member by id, with their agency's approval.
    pub async fn load_user(pool: &Pool, id: i64) -> Result<Option<User>> {
        Ok(staff(pool, id).await?.map(|(_, user)| user))
    }

    /// A staff member and their session epoch, in one statement.
    async fn staff(pool: &Pool, id: i64) -> Result<Option<(i64, User)>> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.kind, u.company_id, u.agency_id, u.member_role, u.session_epoch, a.status AS agency_status
             FROM users u LEFT JOIN agencies a ON a.id = u.agency_id WHERE u.id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let kind: String = row.try_get("kind")?;
        let user = User {
            id: row.try_get("id")?,
            email: row.try_get("email")?,
            kind: UserKind::parse(&kind).ok_or(UserError::Internal)?,
            company_id: row.try_get("company_id")?,
            agency_id: row.try_get("agency_id")?,
            // A role the code does not know is a fault inside, not the person's mistake.
            member_role: crate::org::MemberRole::try_from(row.try_get::<String, _>("member_role")?)
                .map_err(|_| UserError::Internal)?,
            agency_approved: row
                .try_get::<Option<String>, _>("agency_status")?
                .as_deref()
                == Some("approved"),
        };
        Ok(Some((row.try_get("session_epoch")?, user)))
    }

    /// What a request needs of the person its session names, in one statement: their current
    /// session epoch, and for staff their account with its agency's approval. `None` when the
    /// person is gone.
    pub async fn signed_in_person(
        pool: &Pool,
        subject: Subject,
    ) -> Result<Option<(i64, Option<User>)>> {
        Ok(match subject {
            Subject::User(id) => staff(pool, id)
                .await?
                .map(|(epoch, user)| (epoch, Some(user))),
            Subject::Candidate(_) => session_epoch(pool, subject).await?.map(|e| (e, None)),
        })
    }

    /// Deletes sign-in links that can no longer be used.
    pub async fn purge_expired_links(pool: &Pool) -> Result<u64> {
        let r = sqlx::query("DELETE FROM sign_in_tokens WHERE expires_at < $1")
            .bind(now() - 86_400)
            .execute(pool)
            .await?;
        Ok(r.rows_affected())
    }

    /// Remembers the language a person uses the portal in (`en`, or Japanese for anything
    /// else): the language of the mails they are sent.
    pub async fn set_language(pool: &Pool, subject: Subject, code: &str) -> Result<()> {
        let code = if code == "en" { "en" } else { "ja" };
        let sql = match subject {
            Subject::User(_) => "UPDATE users SET language = $1 WHERE id = $2 AND language <> $1",
            Subject::Candidate(_) => {
                "UPDATE candidates SET language = $1 WHERE id = $2 AND language <> $1"
            }
        };
        let id = match subject {
            Subject::User(id) | Subject::Candidate(id) => id,
        };
        sqlx::query(sql).bind(code).bind(id).execute(pool).await?;
        Ok(())
    }

    /// The person's current session epoch; `None` when the person no longer exists.
    pub async fn session_epoch(pool: &Pool, subject: Subject) -> Result<Option<i64>> {
        let (sql, id) = match subject {
            Subject::User(id) => ("SELECT session_epoch FROM users WHERE id = $1", id),
            Subject::Candidate(id) => ("SELECT session_epoch FROM candidates WHERE id = $1", id),
        };
        Ok(sqlx::query_scalar(sql)
            .bind(id)
            .fetch_optional(pool)
            .await?)
    }

    /// Ends every session of the person at once (each is checked against the epoch).
    pub async fn sign_out_everywhere(pool: &Pool, subject: Subject) -> Result<()> {
        let (sql, id) = match subject {
            Subject::User(id) => (
                "UPDATE users SET session_epoch = session_epoch + 1, updated_at = $1 WHERE id = $2",
                id,
            ),
            Subject::Candidate(id) => (
                "UPDATE candidates SET session_epoch = session_epoch + 1, updated_at = $1 WHERE id = $2",
                id,
            ),
        };
        sqlx::query(sql).bind(now()).bind(id).execute(pool).await?;
        Ok(())
    }
}

#[cfg(feature = "db")]
pub use store::{
    consume_link, find_by_email, issue_link, load_user, purge_expired_links, session_epoch,
    set_language, sign_out_everywhere, signed_in_person,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_renewed_at_most_once_a_day() {
        let s = SignedIn {
            subject: Subject::Candidate(1),
            since: 0,
            epoch: 0,
            touched: 1_000_000,
        };
        assert!(!s.stale(1_000_000 + 86_399));
        assert!(s.stale(1_000_000 + 86_400));
    }

    #[test]
    fn a_sign_in_expires_after_the_absolute_limit() {
        let s = SignedIn {
            subject: Subject::User(1),
            since: 1_000_000,
            epoch: 0,
            touched: 1_000_000,
        };
        assert!(!s.expired(1_000_000 + SESSION_MAX_DAYS * 86_400));
        assert!(s.expired(1_000_001 + SESSION_MAX_DAYS * 86_400));
    }
}
