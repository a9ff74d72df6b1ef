//! The company's numbers by month (docs/design.md, the seeds' 実績): for each of the last twelve
//! months in Japan time, invitations sent, opt-ins (relay events), qualified relays, claims,
//! introductions of its relayed candidates and placements (without those the platform
//! withdrew). One statement over indexed columns gives them all, whatever the history's length.

use serde::{Deserialize, Serialize};

/// How many months the numbers cover.
pub const MONTHS: usize = 12;

/// The funnel's steps and the month's credits, in order: the columns of `MonthNumbers` and of
/// the CSV. Credits spent are net of refunds and released holds.
pub const STEPS: [&str; 9] = [
    "invitations",
    "opt_ins",
    "qualified",
    "claimed",
    "introduced",
    "placed",
    "credits_earned",
    "credits_spent",
    "credits_expired",
];

/// One month of a company's funnel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthNumbers {
    /// `YYYY-MM`, Japan time.
    pub month: String,
    /// The numbers of `STEPS`, in that order.
    pub counts: [i64; 9],
}

/// The first moment of each of the `n` months up to the one `now` falls in (Japan time), oldest
/// first, with its `YYYY-MM`, and the start of the month after the last.
pub fn month_starts(now: i64, n: usize) -> (Vec<(String, i64)>, i64) {
    use chrono::{Datelike, NaiveDate, TimeZone};
    let jst = crate::time::JST;
    let today = chrono::DateTime::from_timestamp(now, 0)
        .map(|t| t.with_timezone(&jst).date_naive())
        .unwrap_or_default();
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    let start_of = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| jst.from_local_datetime(&t).single())
            .map_or(0, |t| t.timestamp())
    };
    let months: Vec<(String, i64)> = (0..n)
        .rev()
        .filter_map(|back| first.checked_sub_months(chrono::Months::new(back as u32)))
        .map(|d| (d.format("%Y-%m").to_string(), start_of(d)))
        .collect();
    let end = first
        .checked_add_months(chrono::Months::new(1))
        .map_or(i64::MAX, start_of);
    (months, end)
}

/// The numbers as CSV (UTF-8 with a BOM): `month,` and the `STEPS`.
pub fn csv(months: &[MonthNumbers]) -> String {
    let mut out = format!("\u{feff}month,{}\r\n", STEPS.join(","));
    for m in months {
        let counts: Vec<String> = m.counts.iter().map(i64::to_string).collect();
        out.push_str(&format!("{},{}\r\n", m.month, counts.join(",")));
    }
    out
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{db::Pool, error::Result, time::now};
    use sqlx::Row;

    /// Each step's rows: (table and condition naming the company as `$1`, the time column, what
    /// a row adds).
    const SOURCES: [(&str, &str, &str); 9] = [
        ("invitations t WHERE t.company_id = $1", "t.created_at", "1"),
        ("relay_events t WHERE t.company_id = $1", "t.created_at", "1"),
        ("relays t WHERE t.company_id = $1", "t.qualified_at", "1"),
        ("claims t WHERE t.company_id = $1", "t.claimed_at", "1"),
        (
            "introductions t JOIN candidates c ON c.id = t.candidate_id WHERE c.company_id = $1",
            "t.created_at",
            "1",
        ),
        (
            "placements t WHERE t.company_id = $1 AND t.status <> 'rejected'",
            "t.created_at",
            "1",
        ),
        (
            "credit_ledger t WHERE t.company_id = $1 AND t.kind IN ('earned', 'placement_bonus')",
            "t.created_at",
            "t.amount",
        ),
        (
            "credit_ledger t WHERE t.company_id = $1 AND t.kind IN ('redeemed', 'refunded', 'placement_held', 'placement_released')",
            "t.created_at",
            "-t.amount",
        ),
        (
            "credit_ledger t WHERE t.company_id = $1 AND t.kind = 'expired'",
            "t.created_at",
            "-t.amount",
        ),
    ];

    /// The company's funnel for the last twelve months, oldest first, in one statement.
    #[tracing::instrument(skip(pool))]
    pub async fn funnel(pool: &Pool, company_id: i64) -> Result<Vec<MonthNumbers>> {
        let (months, end) = month_starts(now(), MONTHS);
        // $2 … $13 are the months' starts, $14 the end.
        let sums: Vec<String> = (0..MONTHS)
            .map(|i| {
                format!(
                    "CAST(COALESCE(SUM(CASE WHEN {{t}} >= ${} AND {{t}} < ${} THEN {{v}} ELSE 0 END), 0) AS BIGINT) AS m{i}",
                    i + 2,
                    i + 3
                )
            })
            .collect();
        let sql = SOURCES
            .iter()
            .enumerate()
            .map(|(step, (from, time, value))| {
                format!(
                    "SELECT CAST({step} AS BIGINT) AS step, {} FROM {from} AND {time} >= $2 AND {time} < $14",
                    sums.join(", ").replace("{t}", time).replace("{v}", value)
                )
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        let mut query = sqlx::query(&sql).bind(company_id);
        for (_, start) in &months {
            query = query.bind(*start);
        }
        let rows = query.bind(end).fetch_all(pool).await?;
        let mut out: Vec<MonthNumbers> = months
            .into_iter()
            .map(|(month, _)| MonthNumbers {
                month,
                counts: [0; 9],
            })
            .collect();
        for r in &rows {
            let step = usize::try_from(r.try_get::<i64, _>("step")?).unwrap_or(0);
            for (i, m) in out.iter_mut().enumerate() {
                m.counts[step.min(STEPS.len() - 1)] = r.try_get(format!("m{i}").as_str())?;
            }
        }
        Ok(out)
    }
}

#[cfg(feature = "db")]
pub use store::funnel;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_calendar_months_in_japan_time_oldest_first() {
        // 2026-11-30 20:00 UTC is already 2026-12-01 in Tokyo.
        let (months, end) = month_starts(1_796_068_800, 3);
        let labels: Vec<_> = months.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(labels, ["2026-10", "2026-11", "2026-12"]);
        assert_eq!(crate::time::date(months[2].1), "2026-12-01");
        assert_eq!(crate::time::date(end), "2027-01-01");
        assert_eq!(months[1].1 - months[0].1, 31 * 86_400);
    }

    #[test]
    fn the_csv_names_every_step() {
        let csv = csv(&[MonthNumbers {
            month: "2026-11".into(),
            counts: [1, 2, 3, 4, 5, 6, 7, 8, 9],
        }]);
        assert_eq!(
            csv,
            "\u{feff}month,invitations,opt_ins,qualified,claimed,introduced,placed,credits_earned,credits_spent,credits_expired\r\n2026-11,1,2,3,4,5,6,7,8,9\r\n"
        );
    }
}
