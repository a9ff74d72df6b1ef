//! Provision records (APPI Art. 29/30): every hand-off of a candidate's data to an agency, to a
//! company through an introduction the candidate agreed to, and to the rejecting company itself
//! when it lists the candidates who agreed that it may contact them again (`returns`).

use serde::{Deserialize, Serialize};

/// One provision record as the candidate sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct ProvisionView {
    pub id: i64,
    /// The agency that received the data (or through which a company received it); none when
    /// the rejecting company received it directly under the re-contact consent.
    pub agency_name: Option<String>,
    /// The company that received the data through an introduction (by way of the agency), or
    /// directly.
    pub company_name: Option<String>,
    pub data_items: String,
    pub consent_version: String,
    pub provided_at: i64,
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{db::Pool, error::Result};

    /// The records about one candidate, newest first.
    pub async fn for_candidate(pool: &Pool, candidate_id: i64) -> Result<Vec<ProvisionView>> {
        Ok(sqlx::query_as(
            "SELECT r.id, a.name AS agency_name, c.name AS company_name, r.data_items, r.consent_version, r.provided_at
             FROM provision_records r LEFT JOIN agencies a ON a.id = r.agency_id LEFT JOIN companies c ON c.id = r.company_id
             WHERE r.candidate_id = $1 ORDER BY r.id DESC",
        )
        .bind(candidate_id)
        .fetch_all(pool)
        .await?)
    }
}

#[cfg(feature = "db")]
pub use store::for_candidate;
