//! Credits: the append-only ledger per company. The balance is always the sum of its entries.

use serde::{Deserialize, Serialize};

/// One ledger entry as the company sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerEntry {
    pub id: i64,
    pub kind: String,
    pub amount: i64,
    pub created_at: i64,
}

/// How many credits `qualified` relays have earned at `per_credit` relays a credit.
pub fn credits_earned(qualified: i64, per_credit: i64) -> i64 {
    if per_credit <= 0 {
        0
    } else {
        qualified / per_credit
    }
}

/// Progress towards the next credit: relays counted since the last one.
pub fn progress(qualified: i64, per_credit: i64) -> i64 {
    if per_credit <= 0 {
        0
    } else {
        qualified % per_credit
    }
}

/// The reason key of the `n`-th credit a company earns from relays.
pub fn earned_key(company_id: i64, n: i64) -> String {
    format!("earned:{company_id}:{n}")
}

/// The reason key of the bonus for a placement.
pub fn placement_key(placement_id: i64) -> String {
    format!("placement:{placement_id}")
}

/// The reason key of the entry that holds a disputed placement's bonus.
pub fn hold_key(placement_id: i64) -> String {
    format!("placement_hold:{placement_id}")
}

/// The reason key of the entry that releases a held bonus.
pub fn release_key(placement_id: i64) -> String {
    format!("placement_release:{placement_id}")
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{db::Pool, error::Result, time::now};

    /// Appends an entry unless one with the same reason key exists; returns whether it was new.
    pub async fn append(
        conn: &mut sqlx::AnyConnection,
        company_id: i64,
        kind: &str,
        amount: i64,
        reason_key: &str,
    ) -> Result<bool> {
        let r = sqlx::query(
            "INSERT INTO credit_ledger (company_id, kind, amount, reason_key, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
             ON CONFLICT (reason_key) DO NOTHING",
        )
        .bind(company_id)
        .bind(kind)
        .bind(amount)
        .bind(reason_key)
        .bind(now())
        .execute(&mut *conn)
        .await?;
        let new = r.rows_affected() == 1;
        // The balance is the sum of the ledger, kept with it in the same transaction.
        if new {
            sqlx::query("UPDATE companies SET credit_balance = credit_balance + $1 WHERE id = $2")
                .bind(amount)
                .bind(company_id)
                .execute(conn)
                .await?;
        }
        Ok(new)
    }

    /// Writes every relay credit the company's qualified relays have earned and the ledger lacks.
    /// Safe to call any number of times: reason keys make each credit count once.
    pub async fn award_relay_credits(
        conn: &mut sqlx::AnyConnection,
        company_id: i64,
        per_credit: i64,
    ) -> Result<()> {
        let qualified: i64 = sqlx::query_scalar("SELECT qualified FROM companies WHERE id = $1")
            .bind(company_id)
            .fetch_one(&mut *conn)
            .await?;
        let issued: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM credit_ledger WHERE company_id = $1 AND kind = 'earned'",
        )
        .bind(company_id)
        .fetch_one(&mut *conn)
        .await?;
        for n in (issued + 1)..=credits_earned(qualified, per_credit) {
            append(conn, company_id, "earned", 1, &earned_key(company_id, n)).await?;
        }
        Ok(())
    }

    /// The company's balance: the sum of its ledger.
    pub async fn balance(pool: &Pool, company_id: i64) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT credit_balance FROM companies WHERE id = $1")
                .bind(company_id)
                .fetch_one(pool)
                .await?,
        )
    }

    /// The newest ledger entries, before entry `before` when paging.
    pub async fn ledger(
        pool: &Pool,
        company_id: i64,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<LedgerEntry>> {
        Ok(sqlx::query_as(
            "SELECT id, kind, amount, created_at FROM credit_ledger WHERE company_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(company_id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(pool)
        .await?)
    }
}

#[cfg(feature = "db")]
pub use store::{append, award_relay_credits, balance, ledger};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_relays_earn_one_credit() {
        assert_eq!(credits_earned(9, 10), 0);
        assert_eq!(credits_earned(10, 10), 1);
        assert_eq!(credits_earned(25, 10), 2);
        assert_eq!(progress(25, 10), 5);
        assert_eq!(credits_earned(5, 0), 0);
    }

    #[test]
    fn reason_keys_name_the_event() {
        assert_eq!(earned_key(3, 2), "earned:3:2");
        assert_eq!(placement_key(7), "placement:7");
        assert_ne!(earned_key(1, 12), earned_key(11, 2));
    }
}
