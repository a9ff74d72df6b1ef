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

/// The reason key of the credit spent on free referral request `request_id`.
pub fn redeemed_key(request_id: i64) -> String {
    format!("request:{request_id}")
}

/// The reason key of the credit a cancelled or unfulfilled request gives back.
pub fn refunded_key(request_id: i64) -> String {
    format!("request_refund:{request_id}")
}

/// The reason key of the company's `n`-th lapsed credit.
pub fn expired_key(company_id: i64, n: i64) -> String {
    format!("expired:{company_id}:{n}")
}

/// Members are told this many days before credits lapse.
pub const WARN_DAYS: i64 = 30;

/// The entries that add new credits, each lapsing on its own day. A refund and a released bonus
/// undo a spending (or a hold) instead: they carry no day of their own.
pub const LOTS: &str = "('earned', 'placement_bonus')";
/// The entries that spend credits or give them back, summed to what is spent now.
pub const SPENDING: &str = "('redeemed', 'refunded', 'placement_held', 'placement_released')";

/// When a credit added at `at` lapses: `months` calendar months later (in Japan time; the 31st
/// becomes the month's last day).
pub fn expiry(at: i64, months: i64) -> i64 {
    let months = chrono::Months::new(u32::try_from(months.max(0)).unwrap_or(u32::MAX));
    chrono::DateTime::from_timestamp(at, 0)
        .map(|t| t.with_timezone(&crate::time::JST))
        .and_then(|t| t.checked_add_months(months))
        .map_or(i64::MAX, |t| t.timestamp())
}

/// How many credits have lapsed in all, when `due` credits reached their expiry, `spent` are
/// spent now (or held back; refunds undo spendings) and `already` lapsed before. Credits are
/// spent oldest first, so a spent credit is always one that would have lapsed first; a lapse is
/// never taken back.
pub fn lapsed(due: i64, spent: i64, already: i64) -> i64 {
    (due - spent).max(already)
}

/// The next credits to lapse: when, and how many on that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Expiring {
    /// The unix time the first of them lapses.
    pub at: i64,
    /// How many lapse on that (Japan-time) day.
    pub count: i64,
}

/// Which of the company's credits lapse next. Since spending and lapsing both take the oldest
/// credits first, the `balance` credits left are the newest ones: `newest_first` lists the
/// credits the ledger added as (expiry, amount), latest expiry first.
pub fn next_to_lapse(newest_first: &[(i64, i64)], balance: i64) -> Option<Expiring> {
    if balance <= 0 {
        return None;
    }
    let mut left = balance;
    let mut held = Vec::new();
    for &(at, amount) in newest_first {
        let take = amount.min(left);
        if take <= 0 {
            continue;
        }
        held.push((at, take));
        left -= take;
        if left == 0 {
            break;
        }
    }
    let &(first, _) = held.last()?;
    let day = crate::time::date(first);
    let count = held
        .iter()
        .filter(|(at, _)| crate::time::date(*at) == day)
        .map(|(_, n)| n)
        .sum();
    Some(Expiring { at: first, count })
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{
        db::{self, Pool},
        error::Result,
        time::now,
        UserError,
    };
    use sqlx::Row;

    /// Appends an entry unless one with the same reason key exists; returns whether it was new.
    /// New credits (`earned`, `placement_bonus`) lapse after the platform's months; an entry that
    /// undoes a spending or a hold writes off at once what has lapsed meanwhile.
    pub async fn append(
        conn: &mut sqlx::AnyConnection,
        company_id: i64,
        kind: &str,
        amount: i64,
        reason_key: &str,
    ) -> Result<bool> {
        append_at(conn, company_id, kind, amount, reason_key, now()).await
    }

    /// `append` as of the time `at`: a history written afterwards, as the tests write one.
    pub async fn append_at(
        conn: &mut sqlx::AnyConnection,
        company_id: i64,
        kind: &str,
        amount: i64,
        reason_key: &str,
        at: i64,
    ) -> Result<bool> {
        let lot = matches!(kind, "earned" | "placement_bonus");
        let expires_at = if lot {
            let months = crate::settings::load(&mut *conn).await?.credit_months;
            Some(expiry(at, months))
        } else {
            None
        };
        let entry = Entry {
            kind,
            amount,
            reason_key,
            expires_at,
            at,
        };
        let new = append_lot(conn, company_id, entry).await?;
        if new && amount > 0 && !lot {
            expire_company(conn, company_id, at).await?;
        }
        if new {
            keep_next_lapse(conn, company_id).await?;
        }
        Ok(new)
    }

    /// Appends a company's history of entries (a test's or the benchmark's) as `append` would,
    /// working out the next lapse once at the end instead of after each entry.
    pub async fn append_history(
        conn: &mut sqlx::AnyConnection,
        company_id: i64,
        entries: &[(&str, i64, String)],
    ) -> Result<()> {
        let months = crate::settings::load(&mut *conn).await?.credit_months;
        let at = now();
        for (kind, amount, reason_key) in entries {
            let expires_at =
                matches!(*kind, "earned" | "placement_bonus").then(|| expiry(at, months));
            let entry = Entry {
                kind,
                amount: *amount,
                reason_key,
                expires_at,
                at,
            };
            append_lot(conn, company_id, entry).await?;
        }
        expire_company(conn, company_id, now()).await?;
        keep_next_lapse(conn, company_id).await
    }

    /// Works out the company's next lapse and keeps it on its row, in the transaction that
    /// changed its ledger: the pages read one row however long the ledger grows.
    pub async fn keep_next_lapse(conn: &mut sqlx::AnyConnection, company_id: i64) -> Result<()> {
        let balance: i64 = sqlx::query_scalar("SELECT credit_balance FROM companies WHERE id = $1")
            .bind(company_id)
            .fetch_one(&mut *conn)
            .await?;
        let next = next_expiring(&mut *conn, company_id, balance).await?;
        sqlx::query(
            "UPDATE companies SET next_lapse_at = $1, next_lapse_count = $2, lapse_known = 1 WHERE id = $3",
        )
        .bind(next.map(|e| e.at))
        .bind(next.map_or(0, |e| e.count))
        .bind(company_id)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Works out the next lapse of every company whose row does not keep it yet (those whose
    /// ledger was written before the row kept it); returns how many.
    pub async fn keep_unknown_lapses(pool: &Pool) -> Result<usize> {
        let companies: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM companies WHERE lapse_known = 0 ORDER BY id")
                .fetch_all(pool)
                .await?;
        for &company_id in &companies {
            let mut tx = crate::db::begin(pool).await?;
            crate::db::lock_company(&mut tx, company_id).await?;
            keep_next_lapse(&mut tx, company_id).await?;
            tx.commit().await?;
        }
        Ok(companies.len())
    }

    /// The company's balance and next lapse as its row keeps them (worked out from the ledger
    /// while the row does not keep it yet).
    pub async fn standing(pool: &Pool, company_id: i64) -> Result<(i64, Option<Expiring>)> {
        let row = sqlx::query(
            "SELECT credit_balance, next_lapse_at, next_lapse_count, lapse_known FROM companies WHERE id = $1",
        )
        .bind(company_id)
        .fetch_one(pool)
        .await?;
        let balance: i64 = row.try_get("credit_balance")?;
        Ok((balance, kept_lapse(pool, company_id, balance, &row).await?))
    }

    /// The next lapse a row read with the columns `next_lapse_at`, `next_lapse_count` and
    /// `lapse_known` keeps, or the one the ledger gives while the row does not keep it yet.
    pub async fn kept_lapse(
        pool: &Pool,
        company_id: i64,
        balance: i64,
        row: &sqlx::any::AnyRow,
    ) -> Result<Option<Expiring>> {
        if row.try_get::<i64, _>("lapse_known")? == 0 {
            return next_expiring(pool, company_id, balance).await;
        }
        let at: Option<i64> = row.try_get("next_lapse_at")?;
        let count: i64 = row.try_get("next_lapse_count")?;
        Ok(at.map(|at| Expiring { at, count }))
    }

    /// One entry to append: what, how much, its reason key, the expiry it carries (a credit's, or
    /// the spent credit's) and when.
    struct Entry<'a> {
        kind: &'a str,
        amount: i64,
        reason_key: &'a str,
        expires_at: Option<i64>,
        at: i64,
    }

    /// Appends an entry, and keeps the company's balance and its month's sums with it.
    async fn append_lot(
        conn: &mut sqlx::AnyConnection,
        company_id: i64,
        entry: Entry<'_>,
    ) -> Result<bool> {
        let r = sqlx::query(
            "INSERT INTO credit_ledger (company_id, kind, amount, reason_key, expires_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)
             ON CONFLICT (reason_key) DO NOTHING",
        )
        .bind(company_id)
        .bind(entry.kind)
        .bind(entry.amount)
        .bind(entry.reason_key)
        .bind(entry.expires_at)
        .bind(entry.at)
        .execute(&mut *conn)
        .await?;
        let new = r.rows_affected() == 1;
        // The balance is the sum of the ledger, and the numbers by month its sums by month, both
        // kept with it in the same transaction.
        if new {
            sqlx::query("UPDATE companies SET credit_balance = credit_balance + $1 WHERE id = $2")
                .bind(entry.amount)
                .bind(company_id)
                .execute(&mut *conn)
                .await?;
            crate::numbers::count_credit(conn, company_id, entry.kind, entry.amount, entry.at)
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

    /// Appends one `expired` entry for every credit of the company that lapsed by `at` and has
    /// none yet; returns how many. Each lapse has its own reason key (the company's n-th), so
    /// running it again, or on several instances at once, never counts one twice.
    pub async fn expire_company(
        conn: &mut sqlx::AnyConnection,
        company_id: i64,
        at: i64,
    ) -> Result<i64> {
        let row = sqlx::query(
            &format!("SELECT
                 CAST(COALESCE(SUM(CASE WHEN kind IN {LOTS} AND expires_at <= $2 THEN amount ELSE 0 END), 0) AS BIGINT) AS due,
                 CAST(COALESCE(SUM(CASE WHEN kind IN {SPENDING} THEN -amount ELSE 0 END), 0) AS BIGINT) AS spent,
                 CAST(COALESCE(SUM(CASE WHEN kind = 'expired' THEN -amount ELSE 0 END), 0) AS BIGINT) AS already
             FROM credit_ledger WHERE company_id = $1"),
        )
        .bind(company_id)
        .bind(at)
        .fetch_one(&mut *conn)
        .await?;
        let (due, spent, already): (i64, i64, i64) = (
            row.try_get("due")?,
            row.try_get("spent")?,
            row.try_get("already")?,
        );
        let total = lapsed(due, spent, already);
        for n in (already + 1)..=total {
            let entry = Entry {
                kind: "expired",
                amount: -1,
                reason_key: &expired_key(company_id, n),
                expires_at: None,
                at,
            };
            append_lot(conn, company_id, entry).await?;
        }
        if total > already {
            keep_next_lapse(conn, company_id).await?;
        }
        Ok(total - already)
    }

    /// Lapses every credit that reached its expiry since the job last looked; returns how many
    /// lapsed. Only companies with a credit due in that stretch are looked at.
    #[tracing::instrument(skip(pool))]
    pub async fn expire_due(pool: &Pool) -> Result<i64> {
        let t = now();
        let since: i64 =
            sqlx::query_scalar("SELECT value FROM job_marks WHERE name = 'credit_expiry'")
                .fetch_optional(pool)
                .await?
                .unwrap_or(i64::MIN);
        let companies: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT company_id FROM credit_ledger WHERE expires_at > $1 AND expires_at <= $2",
        )
        .bind(since)
        .bind(t)
        .fetch_all(pool)
        .await?;
        let mut lapsed = 0;
        for company_id in companies {
            let mut tx = crate::db::begin(pool).await?;
            crate::db::lock_company(&mut tx, company_id).await?;
            lapsed += expire_company(&mut tx, company_id, t).await?;
            tx.commit().await?;
        }
        sqlx::query(
            "INSERT INTO job_marks (name, value) VALUES ('credit_expiry', $1)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value WHERE job_marks.value < excluded.value",
        )
        .bind(t)
        .execute(pool)
        .await?;
        Ok(lapsed)
    }

    /// Tells the members of every company whose next credits lapse within `days` days, once per
    /// company and day of lapse (the notice's key decides, whichever instance writes first);
    /// returns how many companies were told.
    #[tracing::instrument(skip(pool, wording))]
    pub async fn warn_expiring(
        pool: &Pool,
        wording: &dyn crate::notice::Wording,
        days: i64,
    ) -> Result<u64> {
        let t = now();
        let horizon = t + days * crate::time::DAY;
        let companies: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT company_id FROM credit_ledger WHERE expires_at > $1 AND expires_at <= $2",
        )
        .bind(t)
        .bind(horizon)
        .fetch_all(pool)
        .await?;
        let mut told = 0;
        for company_id in companies {
            // Read first: most rounds find every company told already and write nothing.
            let Some(next) = standing(pool, company_id).await?.1 else {
                continue;
            };
            if next.at > horizon {
                continue;
            }
            let day = crate::time::date(next.at);
            let key = format!("credits_expiring:{company_id}:{day}");
            let told_already: Option<String> =
                sqlx::query_scalar("SELECT key FROM notices WHERE key = $1")
                    .bind(&key)
                    .fetch_optional(pool)
                    .await?;
            if told_already.is_some() {
                continue;
            }
            let mut tx = crate::db::begin(pool).await?;
            let new = sqlx::query(
                "INSERT INTO notices (key, created_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            )
            .bind(&key)
            .bind(t)
            .execute(&mut *tx)
            .await?;
            if new.rows_affected() == 1 {
                let to = crate::notice::company_members(&mut tx, company_id).await?;
                let notice = crate::notice::Notice::CreditsExpiring {
                    count: next.count,
                    date: day,
                };
                crate::notice::send(&mut tx, wording, &to, &notice).await?;
                told += 1;
            }
            tx.commit().await?;
        }
        Ok(told)
    }

    /// Tells each company's members of the credits it earned (relays, placement bonuses) since
    /// the job last looked (entries at least a minute old), once: the job's mark moves in the
    /// same transaction as the mail is queued, and the transaction holds the mark's row, so
    /// instances take turns.
    #[tracing::instrument(skip_all)]
    pub async fn announce_earned(pool: &Pool, wording: &dyn crate::notice::Wording) -> Result<u64> {
        let mut tx = crate::db::begin(pool).await?;
        let since = crate::notice::take_mark(&mut tx, "credit_earned").await?;
        let rows = sqlx::query(
            "SELECT l.company_id, CAST(SUM(l.amount) AS BIGINT) AS earned, MAX(l.id) AS last, MAX(c.credit_balance) AS balance
             FROM credit_ledger l JOIN companies c ON c.id = l.company_id
             WHERE l.id > $1 AND l.created_at <= $2 AND l.kind IN ('earned', 'placement_bonus')
             GROUP BY l.company_id ORDER BY l.company_id",
        )
        .bind(since)
        // Entries a minute old: ids are handed out before their transactions commit, so a newer
        // one can be visible before an older one; a minute later both are.
        .bind(now() - 60)
        .fetch_all(&mut *tx)
        .await?;
        let mut mark = since;
        for r in &rows {
            let company_id: i64 = r.try_get("company_id")?;
            let notice = crate::notice::Notice::CreditsEarned {
                count: r.try_get("earned")?,
                balance: r.try_get("balance")?,
            };
            let to = crate::notice::company_members(&mut tx, company_id).await?;
            crate::notice::send(&mut tx, wording, &to, &notice).await?;
            mark = mark.max(r.try_get("last")?);
        }
        crate::notice::set_mark(&mut tx, "credit_earned", mark).await?;
        tx.commit().await?;
        Ok(rows.len() as u64)
    }

    /// The company's next credits to lapse, worked out from its newest credits (as many as its
    /// balance): the pages read what `keep_next_lapse` kept instead.
    pub async fn next_expiring<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
        db: E,
        company_id: i64,
        balance: i64,
    ) -> Result<Option<Expiring>> {
        if balance <= 0 {
            return Ok(None);
        }
        let rows = sqlx::query(
            "SELECT expires_at, amount FROM credit_ledger WHERE company_id = $1 AND expires_at IS NOT NULL
             ORDER BY expires_at DESC, id DESC LIMIT $2",
        )
        .bind(company_id)
        .bind(balance.min(10_000))
        .fetch_all(db)
        .await?;
        let lots: Vec<(i64, i64)> = rows
            .iter()
            .map(|r| {
                Ok((
                    r.try_get::<Option<i64>, _>("expires_at")?
                        .unwrap_or(i64::MAX),
                    r.try_get("amount")?,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()?;
        Ok(next_to_lapse(&lots, balance))
    }

    /// Spends one of the company's credits (the oldest) under `reason_key`; refused with
    /// `NoCredit` when none is left. Lapsed credits are written off first, so a credit past its
    /// day is never spent. The caller's transaction must hold the company (`db::lock_company`).
    pub async fn redeem(
        conn: &mut sqlx::AnyConnection,
        company_id: i64,
        reason_key: &str,
    ) -> Result<()> {
        expire_company(conn, company_id, now()).await?;
        let balance: i64 = sqlx::query_scalar("SELECT credit_balance FROM companies WHERE id = $1")
            .bind(company_id)
            .fetch_one(&mut *conn)
            .await?;
        if balance <= 0 {
            return Err(UserError::NoCredit.into());
        }
        let entry = Entry {
            kind: "redeemed",
            amount: -1,
            reason_key,
            expires_at: None,
            at: now(),
        };
        if !append_lot(conn, company_id, entry).await? {
            return Err(UserError::AlreadyExists.into());
        }
        keep_next_lapse(conn, company_id).await
    }

    /// Undoes the spending under `redeemed_key`: the credit comes back as the oldest one held,
    /// with its own day (a credit whose day passed while the request was open lapses at once).
    /// Once only: the refund has its own reason key.
    pub async fn refund(
        conn: &mut sqlx::AnyConnection,
        company_id: i64,
        redeemed_key: &str,
        refund_key: &str,
    ) -> Result<bool> {
        let spent: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM credit_ledger WHERE reason_key = $1 AND company_id = $2",
        )
        .bind(redeemed_key)
        .bind(company_id)
        .fetch_optional(&mut *conn)
        .await?;
        if spent.is_none() {
            return Ok(false);
        }
        append(conn, company_id, "refunded", 1, refund_key).await
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

    /// The `FROM … LIMIT` of a statement that reads one page of a company's ledger, newest
    /// first, from the company's own index (`db::indexed_by` says why the cursor is written
    /// twice): `$1` is the company, `$2` the cursor, `limit` the parameter that limits.
    pub fn ledger_page(pool: &Pool, limit: &str) -> String {
        let (condition, order) = db::owner_keyset(&[("company_id", "$1")], "id", "$2");
        format!(
            "FROM {} WHERE {condition} {order} LIMIT {limit}",
            db::indexed_by(pool, "credit_ledger", "credit_ledger_company"),
        )
    }

    /// The newest ledger entries, before entry `before` when paging.
    pub async fn ledger(
        pool: &Pool,
        company_id: i64,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<LedgerEntry>> {
        Ok(sqlx::query_as(&format!(
            "SELECT id, kind, amount, created_at {}",
            ledger_page(pool, "$3")
        ))
        .bind(company_id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(pool)
        .await?)
    }
}

#[cfg(feature = "db")]
pub use store::{
    announce_earned, append, append_at, append_history, award_relay_credits, balance,
    expire_company, expire_due, keep_next_lapse, keep_unknown_lapses, kept_lapse, ledger,
    ledger_page, next_expiring, redeem, refund, standing, warn_expiring,
};

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
    fn a_credit_lapses_months_later_in_japan_time() {
        // 2026-01-31 10:00 JST plus one month is the last day of February.
        let at = 1_769_821_200;
        assert_eq!(crate::time::date(at), "2026-01-31");
        assert_eq!(crate::time::date(expiry(at, 1)), "2026-02-28");
        assert_eq!(crate::time::date(expiry(at, 12)), "2027-01-31");
    }

    #[test]
    fn spent_credits_are_the_oldest_so_fewer_lapse() {
        // Three credits fell due; one was spent: two lapse.
        assert_eq!(lapsed(3, 1, 0), 2);
        // More spent than fell due: none lapses.
        assert_eq!(lapsed(1, 4, 0), 0);
        // A lapse is never taken back, even when a refund later makes less spent.
        assert_eq!(lapsed(2, 3, 1), 1);
    }

    #[test]
    fn the_credits_left_are_the_newest_and_the_oldest_of_them_lapses_next() {
        let day = crate::time::DAY;
        let lots = [
            (100 * day, 1),
            (50 * day + 60, 1),
            (50 * day, 2),
            (10 * day, 1),
        ];
        // Newest first: balance 1 is the credit lapsing on day 100.
        assert_eq!(
            next_to_lapse(&lots, 1),
            Some(Expiring {
                at: 100 * day,
                count: 1
            })
        );
        // Balance 3: one of the two-credit lot of day 50 is left, beside the later one that day.
        assert_eq!(
            next_to_lapse(&lots, 3),
            Some(Expiring {
                at: 50 * day,
                count: 2
            })
        );
        // Balance 4: the day-50 credits (the two-credit lot and the one beside it) lapse together.
        assert_eq!(
            next_to_lapse(&lots, 4),
            Some(Expiring {
                at: 50 * day,
                count: 3
            })
        );
        assert_eq!(next_to_lapse(&lots, 0), None);
    }

    #[test]
    fn reason_keys_name_the_event() {
        assert_eq!(earned_key(3, 2), "earned:3:2");
        assert_eq!(placement_key(7), "placement:7");
        assert_ne!(earned_key(1, 12), earned_key(11, 2));
    }
}
