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
    /// Relays waiting for the platform's review (they tripped a farming rule); they count once
    /// approved. Which ones, and why, is not shown.
    pub held: i64,
    pub relays_per_credit: i64,
    pub balance: i64,
    /// The next credits to lapse, when any are left.
    pub expiring: Option<crate::credit::Expiring>,
    /// The newest ledger entries (before `History::ledger_before` when paging).
    pub ledger: Vec<crate::credit::LedgerEntry>,
    /// Older entries exist: the id to page back from (`before` of `GET /api/v1/ledger`).
    pub ledger_more: Option<i64>,
    /// The newest outcomes (before `History::outcomes_before` when paging).
    pub outcomes: Vec<Outcome>,
    /// Older outcomes exist: the id to page back from (the portal's `/company` pages them).
    pub outcomes_more: Option<i64>,
    /// How satisfied the company's relayed candidates are (their follow-up answers).
    pub satisfaction: crate::ask::SatisfactionScore,
}

/// Which part of the company's history a view of its status lists: the newest `rows` ledger
/// entries and outcomes, each older than a cursor when paging back (keyset paging: a page costs
/// the same however long the history).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct History {
    pub rows: i64,
    pub ledger_before: Option<i64>,
    pub outcomes_before: Option<i64>,
}

impl History {
    /// The newest `rows` of each.
    pub fn newest(rows: i64) -> Self {
        Self {
            rows,
            ledger_before: None,
            outcomes_before: None,
        }
    }
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
    /// Where the placement stands, when one was reported: `reported`, `confirmed`, `disputed`,
    /// `upheld`, or `rejected` (withdrawn by the platform admin: it no longer counts as placed).
    pub placement_status: Option<String>,
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{
        credit,
        db::{self, Pool},
        error::Result,
        keyset,
        settings::Settings,
        UserError,
    };
    use sqlx::Row;

    /// The whole referral status of one company: its numbers from one row (they are kept with
    /// the events that change them, so reading them does not grow with the company's history),
    /// the newest ledger entries and the newest outcomes.
    #[tracing::instrument(skip(pool))]
    pub async fn status(pool: &Pool, company_id: i64, history: History) -> Result<ReferralStatus> {
        let row = sqlx::query(
            "SELECT c.name, c.credit_balance, c.opt_ins, c.qualified, c.held, c.next_lapse_at, c.next_lapse_count, c.lapse_known,
                 c.satisfaction_sum, c.satisfaction_count,
                 (SELECT CAST(COALESCE(SUM(l.visits), 0) AS BIGINT) FROM relay_links l WHERE l.company_id = c.id) AS link_visits,
                 (SELECT l.code FROM relay_links l WHERE l.company_id = c.id AND l.revoked_at IS NULL) AS relay_code,
                 (SELECT s.value FROM settings s WHERE s.key = 'relays_per_credit') AS relays_per_credit
             FROM companies c WHERE c.id = $1",
        )
        .bind(company_id)
        .fetch_optional(pool)
        .await?
        .ok_or(UserError::NotFound)?;
        let (mut ledger, mut outcomes) = history_rows(pool, company_id, history).await?;
        let ledger_more = keyset::cut(&mut ledger, history.rows, |e| e.id);
        let outcomes_more = keyset::cut(&mut outcomes, history.rows, |o| o.claim_id);
        let balance: i64 = row.try_get("credit_balance")?;
        Ok(ReferralStatus {
            company_name: row.try_get("name")?,
            relay_code: row.try_get("relay_code")?,
            link_visits: row.try_get("link_visits")?,
            opt_ins: row.try_get("opt_ins")?,
            qualified: row.try_get("qualified")?,
            held: row.try_get("held")?,
            relays_per_credit: row
                .try_get::<Option<i64>, _>("relays_per_credit")?
                .unwrap_or(Settings::default().relays_per_credit),
            balance,
            expiring: credit::kept_lapse(pool, company_id, balance, &row).await?,
            ledger,
            ledger_more,
            outcomes,
            outcomes_more,
            satisfaction: crate::ask::SatisfactionScore {
                answers: row.try_get("satisfaction_count")?,
                sum: row.try_get("satisfaction_sum")?,
            },
        })
    }

    /// The newest ledger entries and the newest outcomes, each before its cursor and one row
    /// more than shown (the extra row says whether there is an older page), in one statement.
    async fn history_rows(
        pool: &Pool,
        company_id: i64,
        history: History,
    ) -> Result<(Vec<credit::LedgerEntry>, Vec<Outcome>)> {
        let (condition, order) = db::owner_keyset(&[("company_id", "$1")], "id", "$3");
        let claims_page = format!("{condition} {order}");
        let rows: Vec<HistoryRow> = sqlx::query_as(&format!(
            "SELECT * FROM (SELECT CAST(0 AS BIGINT) AS part, id, kind, amount, created_at AS at,
                     CAST(NULL AS TEXT) AS agency_name, CAST(NULL AS BIGINT) AS ended_at, CAST(NULL AS TEXT) AS end_reason,
                     CAST(NULL AS BIGINT) AS placed_at, CAST(NULL AS TEXT) AS placement_status
                 {}) AS l
             UNION ALL
             SELECT CAST(1 AS BIGINT) AS part, k.id, CAST(NULL AS TEXT) AS kind, CAST(NULL AS BIGINT) AS amount, k.claimed_at AS at,
                     a.name AS agency_name, k.ended_at, k.end_reason, p.created_at AS placed_at, p.status AS placement_status
                 FROM (SELECT id, agency_id, claimed_at, ended_at, end_reason FROM {}
                       WHERE {claims_page} LIMIT $4) AS k
                 CROSS JOIN agencies a
                 LEFT JOIN placements p ON p.claim_id = k.id
                 WHERE a.id = k.agency_id",
            credit::ledger_page(pool, "$4"),
            // The page of claims is cut before the joins: with them in the same select,
            // PostgreSQL walked every newer claim of other companies by id, or joined and sorted
            // all of the company's claims. `CROSS JOIN` keeps SQLite on the page's rows first
            // (else it scans the agencies and indexes the page for each).
            db::indexed_by(pool, "claims", "claims_company"),
        ))
        .bind(company_id)
        .bind(history.ledger_before.unwrap_or(i64::MAX))
        .bind(history.outcomes_before.unwrap_or(i64::MAX))
        .bind(history.rows + 1)
        .fetch_all(pool)
        .await?;
        let (mut ledger, mut outcomes) = (Vec::new(), Vec::new());
        for r in rows {
            if r.part == 0 {
                ledger.push(credit::LedgerEntry {
                    id: r.id,
                    kind: r.kind.unwrap_or_default(),
                    amount: r.amount.unwrap_or_default(),
                    created_at: r.at,
                });
            } else {
                outcomes.push(Outcome {
                    claim_id: r.id,
                    agency_name: r.agency_name.unwrap_or_default(),
                    claimed_at: r.at,
                    ended_at: r.ended_at,
                    end_reason: r.end_reason,
                    placed_at: r.placed_at,
                    placement_status: r.placement_status,
                });
            }
        }
        // A union keeps no order of its own.
        ledger.sort_by_key(|e| std::cmp::Reverse(e.id));
        outcomes.sort_by_key(|o| std::cmp::Reverse(o.claim_id));
        Ok((ledger, outcomes))
    }

    /// A row of `history_rows`: a ledger entry (`part` 0) or an outcome (1).
    #[derive(sqlx::FromRow)]
    struct HistoryRow {
        part: i64,
        id: i64,
        kind: Option<String>,
        amount: Option<i64>,
        at: i64,
        agency_name: Option<String>,
        ended_at: Option<i64>,
        end_reason: Option<String>,
        placed_at: Option<i64>,
        placement_status: Option<String>,
    }
}

#[cfg(feature = "db")]
pub use store::status;
