//! Referral status: what a company sees of its relays, without any candidate's personal data.

use serde::{Deserialize, Serialize};

/// The company's referral status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralStatus {
    pub company_name: String,
    pub relay_code: Option<String>,
    pub link_visits: i64,
    pub opt_ins: i64,
    pub qualified: i64,
    pub relays_per_credit: i64,
    pub balance: i64,
    pub ledger: Vec<crate::credit::LedgerEntry>,
    pub outcomes: Vec<Outcome>,
}

/// A claim on one of the company's relayed candidates, anonymised: a reference number, the agency,
/// and what came of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outcome {
    pub claim_id: i64,
    pub agency_name: String,
    pub claimed_at: i64,
    pub ended_at: Option<i64>,
    pub end_reason: Option<String>,
    pub placed_at: Option<i64>,
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{credit, db::Pool, error::Result, org, relay, settings};

    /// The whole referral status of one company.
    #[tracing::instrument(skip(pool))]
    pub async fn status(pool: &Pool, company_id: i64) -> Result<ReferralStatus> {
        let company_name = org::company_name(pool, company_id).await?;
        let one = |sql: &'static str| {
            sqlx::query_scalar::<_, i64>(sql)
                .bind(company_id)
                .fetch_one(pool)
        };
        let link_visits = one("SELECT CAST(COALESCE(SUM(visits), 0) AS BIGINT) FROM relay_links WHERE company_id = $1").await?;
        let opt_ins = one("SELECT COUNT(*) FROM candidates WHERE company_id = $1").await?;
        let qualified = one("SELECT COUNT(*) FROM relays WHERE company_id = $1").await?;
        let outcomes = sqlx::query_as(
            "SELECT k.id AS claim_id, a.name AS agency_name, k.claimed_at, k.ended_at, k.end_reason, p.created_at AS placed_at
             FROM claims k JOIN agencies a ON a.id = k.agency_id
             LEFT JOIN placements p ON p.claim_id = k.id
             WHERE k.company_id = $1 ORDER BY k.id DESC LIMIT 50",
        )
        .bind(company_id)
        .fetch_all(pool)
        .await?;
        Ok(ReferralStatus {
            company_name,
            relay_code: relay::live_code(pool, company_id)
                .await?
                .map(|c| c.as_str().to_owned()),
            link_visits,
            opt_ins,
            qualified,
            relays_per_credit: settings::load(pool).await?.relays_per_credit,
            balance: credit::balance(pool, company_id).await?,
            ledger: credit::ledger(pool, company_id, None, 50).await?,
            outcomes,
        })
    }
}

#[cfg(feature = "db")]
pub use store::status;
