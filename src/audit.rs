//! The audit log: who did what to which record, and when. Sign-ins, agency approvals, settings
//! changes, placement decisions and every view of a candidate's full profile. Entries hold ids,
//! never personal data; platform admins read them.

use serde::{Deserialize, Serialize};

/// One entry as the admin page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    /// `user:ID`, `candidate:ID`.
    pub actor: String,
    /// What happened: `sign_in`, `agency_approved`, `agency_suspended`, `settings_changed`,
    /// `placement_upheld`, `placement_withdrawn`, `profile_viewed`.
    pub action: String,
    /// What it happened to: `agency:ID`, `candidate:ID`, `placement:ID`, `settings`, or empty.
    pub target: String,
}

/// How many entries a page of the log shows.
pub const PAGE: i64 = 50;

/// The target of an entry about a list of records shown at once (`candidates:3,8,12`): ids only.
pub fn listed(kind: &str, ids: impl IntoIterator<Item = i64>) -> String {
    let ids: Vec<String> = ids.into_iter().map(|id| id.to_string()).collect();
    format!("{kind}:{}", ids.join(","))
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{db::Pool, error::Result, time::now};

    /// Appends an entry.
    pub async fn record<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
        db: E,
        actor: &str,
        action: &str,
        target: &str,
    ) -> Result<()> {
        sqlx::query("INSERT INTO audit_log (at, actor, action, target) VALUES ($1, $2, $3, $4)")
            .bind(now())
            .bind(actor)
            .bind(action)
            .bind(target)
            .execute(db)
            .await?;
        Ok(())
    }

    /// The newest entries, before entry `before` when paging.
    pub async fn page(pool: &Pool, before: Option<i64>) -> Result<Vec<AuditEntry>> {
        Ok(sqlx::query_as(
            "SELECT id, at, actor, action, target FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(before.unwrap_or(i64::MAX))
        .bind(PAGE)
        .fetch_all(pool)
        .await?)
    }
}

#[cfg(feature = "db")]
pub use store::{page, record};

#[cfg(test)]
mod tests {
    #[test]
    fn a_listed_target_names_ids_only() {
        assert_eq!(super::listed("candidates", [3, 8, 12]), "candidates:3,8,12");
        assert_eq!(super::listed("candidates", []), "candidates:");
    }
}
