//! Relay links: one unguessable, revocable link per company.

use crate::error::UserError;
use serde::{Deserialize, Serialize};

/// A relay code: 128 random bits, URL-safe base64 without padding (22 characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RelayCode(String);

impl TryFrom<String> for RelayCode {
    type Error = UserError;
    fn try_from(raw: String) -> Result<Self, UserError> {
        Self::parse(&raw)
    }
}

impl From<RelayCode> for String {
    fn from(c: RelayCode) -> String {
        c.0
    }
}

impl RelayCode {
    /// Checks the shape of a code taken from a URL; it says nothing about whether it exists.
    pub fn parse(raw: &str) -> Result<Self, UserError> {
        let ok = raw.len() == 22
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(UserError::UnknownRelayLink)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The public URL of this code under the portal's base URL.
    pub fn url(&self, base_url: &str) -> String {
        format!("{}/r/{}", base_url.trim_end_matches('/'), self.0)
    }
}

/// What a relay code leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayLanding {
    pub company_name: String,
    /// An old link still explains what happened but no longer relays.
    pub revoked: bool,
    /// Months without activity after which the candidate is asked to renew (the notice says).
    pub retention_months: i64,
    /// The version of the consent notice in force, with its changes.
    pub notice: crate::consent::NoticeVersion,
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{db::Pool, error::Result, time::now, token::random_token};
    use sqlx::Row;

    impl RelayCode {
        /// A fresh random code.
        pub fn generate() -> Self {
            Self(random_token(16))
        }
    }

    /// Issues a new live link for the company, revoking the old one, in one transaction.
    #[tracing::instrument(skip(pool))]
    pub async fn reissue(pool: &Pool, company_id: i64) -> Result<RelayCode> {
        let mut tx = crate::db::begin(pool).await?;
        // Two clicks at once: the second waits, then replaces the first one's new link.
        crate::db::lock_company(&mut tx, company_id).await?;
        let t = now();
        sqlx::query("UPDATE relay_links SET revoked_at = $1, updated_at = $1 WHERE company_id = $2 AND revoked_at IS NULL")
            .bind(t)
            .bind(company_id)
            .execute(&mut *tx)
            .await?;
        let code = RelayCode::generate();
        sqlx::query("INSERT INTO relay_links (company_id, code, created_at, updated_at) VALUES ($1, $2, $3, $3)")
            .bind(company_id)
            .bind(code.as_str())
            .bind(t)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(code)
    }

    /// Revokes the company's live link without issuing a new one.
    #[tracing::instrument(skip(pool))]
    pub async fn revoke(pool: &Pool, company_id: i64) -> Result<()> {
        sqlx::query("UPDATE relay_links SET revoked_at = $1, updated_at = $1 WHERE company_id = $2 AND revoked_at IS NULL")
            .bind(now())
            .bind(company_id)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// The company's live code, if it has one.
    pub async fn live_code(pool: &Pool, company_id: i64) -> Result<Option<RelayCode>> {
        let row = sqlx::query(
            "SELECT code FROM relay_links WHERE company_id = $1 AND revoked_at IS NULL",
        )
        .bind(company_id)
        .fetch_optional(pool)
        .await?;
        Ok(row.map(|r| RelayCode(r.get("code"))))
    }

    /// Looks a code up and counts the visit when the link is live.
    #[tracing::instrument(skip_all)]
    pub async fn visit(pool: &Pool, code: &RelayCode) -> Result<RelayLanding> {
        let row = sqlx::query(
            "SELECT l.id, l.company_id, l.revoked_at, c.name, (SELECT s.value FROM settings s WHERE s.key = 'retention_months') AS retention_months
             FROM relay_links l JOIN companies c ON c.id = l.company_id WHERE l.code = $1",
        )
        .bind(code.as_str())
        .fetch_optional(pool)
        .await?
        .ok_or(UserError::UnknownRelayLink)?;
        let revoked = row.get::<Option<i64>, _>("revoked_at").is_some();
        if !revoked {
            // The link's count, and the company's for this month (its numbers by month).
            let month = crate::numbers::first_month_start(now(), 1);
            let mut tx = crate::db::begin(pool).await?;
            sqlx::query("UPDATE relay_links SET visits = visits + 1 WHERE id = $1")
                .bind(row.get::<i64, _>("id"))
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO link_visits (company_id, month_start, visits) VALUES ($1, $2, 1)
                 ON CONFLICT (company_id, month_start) DO UPDATE SET visits = link_visits.visits + 1",
            )
            .bind(row.get::<i64, _>("company_id"))
            .bind(month)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        }
        Ok(RelayLanding {
            company_name: row.get("name"),
            revoked,
            retention_months: row
                .get::<Option<i64>, _>("retention_months")
                .unwrap_or(crate::settings::Settings::default().retention_months),
            notice: crate::consent::current(pool).await?,
        })
    }

    /// The live link a code names: its id and company. Revoked or unknown codes are refused.
    pub async fn resolve_live<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
        db: E,
        code: &RelayCode,
    ) -> Result<(i64, i64)> {
        let row = sqlx::query("SELECT id, company_id, revoked_at FROM relay_links WHERE code = $1")
            .bind(code.as_str())
            .fetch_optional(db)
            .await?
            .ok_or(UserError::UnknownRelayLink)?;
        if row.get::<Option<i64>, _>("revoked_at").is_some() {
            return Err(UserError::RevokedRelayLink.into());
        }
        Ok((row.get("id"), row.get("company_id")))
    }
}

#[cfg(feature = "db")]
pub use store::{live_code, reissue, resolve_live, revoke, visit};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_must_have_the_generated_shape() {
        assert!(RelayCode::parse("abcdefghijklmnopqrstuv").is_ok());
        assert!(RelayCode::parse("short").is_err());
        assert!(RelayCode::parse("abcdefghijklmnopqrst/v").is_err());
    }

    #[test]
    fn json_cannot_build_a_code_that_parse_refuses() {
        assert!(serde_json::from_str::<RelayCode>("\"short\"").is_err());
        let c: RelayCode = serde_json::from_str("\"abcdefghijklmnopqrstuv\"").unwrap();
        assert_eq!(c.as_str(), "abcdefghijklmnopqrstuv");
    }

    #[cfg(feature = "db")]
    #[test]
    fn generated_codes_parse_and_differ() {
        let a = RelayCode::generate();
        assert!(RelayCode::parse(a.as_str()).is_ok());
        assert_ne!(a, RelayCode::generate());
    }
}
