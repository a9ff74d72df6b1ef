//! The company's numbers by month (docs/design.md, the seeds' 実績): for each of the last twelve
//! months in Japan time, invitations sent, link visits, opt-ins (relay events), qualified relays
//! (counted ones: not those held for review), claims, introductions of its relayed candidates,
//! placements (without those the platform withdrew), placements withdrawn, claims that ended
//! without one, and credits. One statement over indexed columns gives them all; the credits come
//! from each month's sums, kept with the ledger as it is written (`count_credit`), so that a
//! million entries cost what twelve months do. The platform's are the same over every company.
//! With them: the conversion between the steps and the median times from opt-in to claim and to
//! placement.

use serde::{Deserialize, Serialize};

/// How many months the numbers cover.
pub const MONTHS: usize = 12;

/// The funnel's steps, the outcomes and the month's credits, in order: the columns of
/// `MonthNumbers` and of the CSV. Credits spent are net of refunds and released holds.
pub const STEPS: [&str; 12] = [
    "invitations",
    "visits",
    "opt_ins",
    "qualified",
    "claimed",
    "introduced",
    "placed",
    "withdrawn",
    "claims_ended",
    "credits_earned",
    "credits_spent",
    "credits_expired",
];

/// The funnel's steps (indexes into `STEPS`), in the order people go through them.
pub const FUNNEL: [usize; 7] = [0, 1, 2, 3, 4, 5, 6];
/// The outcomes of claims: placed, placement withdrawn by the admin, claim ended without one.
pub const OUTCOMES: [usize; 3] = [6, 7, 8];
/// The credit columns.
pub const CREDITS: [usize; 3] = [9, 10, 11];

/// The credit column (an index into `CREDITS`) an entry of the ledger of `kind` counts in, and
/// its sign there: credits earned count as they are (`credit::LOTS`), spendings net of refunds and
/// released holds (`credit::SPENDING`) and lapses as the credits they took.
pub fn credit_column(kind: &str) -> Option<(usize, i64)> {
    match kind {
        "earned" | "placement_bonus" => Some((0, 1)),
        "redeemed" | "refunded" | "placement_held" | "placement_released" => Some((1, -1)),
        "expired" => Some((2, -1)),
        _ => None,
    }
}

/// The conversions shown: (from step, to step), as indexes into `STEPS`.
pub const CONVERSIONS: [(usize, usize); 4] = [(1, 2), (2, 3), (3, 4), (4, 6)];

/// Whose numbers: one company's or the platform's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    Company(i64),
    Platform,
}

/// One month of a company's funnel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthNumbers {
    /// `YYYY-MM`, Japan time.
    pub month: String,
    /// The numbers of `STEPS`, in that order.
    pub counts: [i64; 12],
}

/// A company's (or the platform's) numbers: the months, and what the page derives from them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Numbers {
    pub months: Vec<MonthNumbers>,
    /// Median days from opt-in to claim and to placement over the months, when there were any.
    pub days_to_claim: Option<i64>,
    pub days_to_placement: Option<i64>,
}

impl Numbers {
    /// Each step's total over the months.
    pub fn totals(&self) -> [i64; 12] {
        let mut t = [0; 12];
        for m in &self.months {
            for (sum, n) in t.iter_mut().zip(m.counts) {
                *sum += n;
            }
        }
        t
    }

    /// The share of `from` that reached `to` over the months, in whole percent (none without
    /// any `from`).
    pub fn conversion(&self, from: usize, to: usize) -> Option<i64> {
        let t = self.totals();
        (t[from] > 0).then(|| t[to] * 100 / t[from])
    }
}

/// A company's figures on the admin's analytics: kept counters, and placements that stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyFigures {
    pub company_id: i64,
    pub name: String,
    pub opt_ins: i64,
    pub qualified: i64,
    pub held: i64,
    pub placed: i64,
    pub balance: i64,
}

/// An agency's figures over the last twelve months: claims, placements that stand, and the
/// median days from claim to placement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyFigures {
    pub agency_id: i64,
    pub name: String,
    pub claims: i64,
    pub placements: i64,
    pub median_days: Option<i64>,
}

/// How many companies the analytics lists (the most qualified relays first).
pub const COMPANIES_LISTED: i64 = 200;

/// The median of some durations in seconds, in whole days (the lower middle for an even count).
pub fn median_days(mut seconds: Vec<i64>) -> Option<i64> {
    if seconds.is_empty() {
        return None;
    }
    seconds.sort_unstable();
    Some(seconds[(seconds.len() - 1) / 2] / 86_400)
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

/// The first moment of the oldest of the `n` months up to the one `now` falls in (Japan time).
pub fn first_month_start(now: i64, n: usize) -> i64 {
    month_starts(now, n).0.first().map_or(0, |m| m.1)
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

    /// Each step's rows: (table and condition naming the company column as `{c}`, the time
    /// column, what a row adds).
    const SOURCES: [(&str, &str, &str); 12] = [
        ("invitations t WHERE {c} AND {shown}", "t.created_at", "1"),
        ("link_visits t WHERE {c}", "t.month_start", "t.visits"),
        ("relay_events t WHERE {c}", "t.created_at", "1"),
        (
            "relays t WHERE {c} AND t.status = 'counted'",
            "t.qualified_at",
            "1",
        ),
        ("claims t WHERE {c}", "t.claimed_at", "1"),
        (
            "introductions t JOIN candidates c ON c.id = t.candidate_id WHERE {cc}",
            "t.created_at",
            "1",
        ),
        (
            "placements t WHERE {c} AND t.status <> 'rejected'",
            "t.created_at",
            "1",
        ),
        (
            "placements t WHERE {c} AND t.status = 'rejected'",
            "t.created_at",
            "1",
        ),
        (
            "claims t WHERE {c} AND t.end_reason IN ('released', 'expired', 'withdrawn')",
            "t.ended_at",
            "1",
        ),
        ("credit_months t WHERE {c}", "t.month_start", "t.earned"),
        ("credit_months t WHERE {c}", "t.month_start", "t.spent"),
        ("credit_months t WHERE {c}", "t.month_start", "t.expired"),
    ];

    /// Adds a new entry of the company's ledger to its month's sums (`credit_column`), in the
    /// transaction that appends it.
    pub async fn count_credit(
        conn: &mut sqlx::AnyConnection,
        company_id: i64,
        kind: &str,
        amount: i64,
        at: i64,
    ) -> Result<()> {
        let Some((column, sign)) = credit_column(kind) else {
            return Ok(());
        };
        let mut sums = [0; CREDITS.len()];
        sums[column] = sign * amount;
        sqlx::query(
            "INSERT INTO credit_months (company_id, month_start, earned, spent, expired) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (company_id, month_start) DO UPDATE SET earned = credit_months.earned + excluded.earned,
                 spent = credit_months.spent + excluded.spent, expired = credit_months.expired + excluded.expired",
        )
        .bind(company_id)
        .bind(first_month_start(at, 1))
        .bind(sums[0])
        .bind(sums[1])
        .bind(sums[2])
        .execute(conn)
        .await?;
        Ok(())
    }

    /// The condition on a table's company column, with the company (or 0) as `$1`.
    fn scoped(sql: &str, scope: Scope) -> String {
        let op = match scope {
            Scope::Company(_) => "=",
            Scope::Platform => ">",
        };
        sql.replace("{c}", &format!("t.company_id {op} $1"))
            .replace("{cc}", &format!("c.company_id {op} $1"))
            .replace("{shown}", &crate::invitation::shown("t"))
    }

    fn scope_id(scope: Scope) -> i64 {
        match scope {
            Scope::Company(id) => id,
            Scope::Platform => 0,
        }
    }

    /// The last twelve months, oldest first, in one statement, and the median times in another
    /// (each claim keeps when its candidate opted in, so the claims' times are read from their
    /// index alone).
    #[tracing::instrument(skip(pool))]
    pub async fn numbers(pool: &Pool, scope: Scope) -> Result<Numbers> {
        let months = funnel(pool, scope).await?;
        let from = first_month_start(now(), MONTHS);
        let sql = scoped(
            "SELECT CAST(0 AS BIGINT) AS kind, t.claimed_at - t.relayed_at AS took FROM claims t
             WHERE {c} AND t.claimed_at >= $2 AND t.relayed_at IS NOT NULL
             UNION ALL
             SELECT CAST(1 AS BIGINT), t.created_at - e.created_at FROM placements t
                 JOIN relay_events e ON e.candidate_id = t.candidate_id AND e.company_id = t.company_id
             WHERE {c} AND t.status <> 'rejected' AND t.created_at >= $2",
            scope,
        );
        let rows = sqlx::query(&sql)
            .bind(scope_id(scope))
            .bind(from)
            .fetch_all(pool)
            .await?;
        let (mut to_claim, mut to_placement) = (Vec::new(), Vec::new());
        for r in &rows {
            let took: i64 = r.try_get("took")?;
            if r.try_get::<i64, _>("kind")? == 0 {
                to_claim.push(took);
            } else {
                to_placement.push(took);
            }
        }
        Ok(Numbers {
            months,
            days_to_claim: median_days(to_claim),
            days_to_placement: median_days(to_placement),
        })
    }

    /// The companies with the most qualified relays, with their figures, in one statement.
    pub async fn companies(pool: &Pool) -> Result<Vec<CompanyFigures>> {
        let rows = sqlx::query(
            "SELECT c.id, c.name, c.opt_ins, c.qualified, c.held, c.credit_balance,
                 (SELECT CAST(COUNT(*) AS BIGINT) FROM placements p WHERE p.company_id = c.id AND p.status <> 'rejected') AS placed
             FROM companies c ORDER BY c.qualified DESC, c.id LIMIT $1",
        )
        .bind(COMPANIES_LISTED)
        .fetch_all(pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CompanyFigures {
                    company_id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    opt_ins: r.try_get("opt_ins")?,
                    qualified: r.try_get("qualified")?,
                    held: r.try_get("held")?,
                    placed: r.try_get("placed")?,
                    balance: r.try_get("credit_balance")?,
                })
            })
            .collect()
    }

    /// Every agency's claims and placements over the last twelve months, ranked by placements,
    /// then claims, then the shorter median time to placement: one statement for the counts,
    /// one for the times.
    pub async fn agencies(pool: &Pool) -> Result<Vec<AgencyFigures>> {
        let from = first_month_start(now(), MONTHS);
        let rows = sqlx::query(
            "SELECT a.id, a.name, CAST(COUNT(k.id) AS BIGINT) AS claims,
                 CAST(COALESCE(SUM(CASE WHEN p.id IS NOT NULL AND p.status <> 'rejected' THEN 1 ELSE 0 END), 0) AS BIGINT) AS placements
             FROM agencies a
             LEFT JOIN claims k ON k.agency_id = a.id AND k.claimed_at >= $1
             LEFT JOIN placements p ON p.claim_id = k.id
             GROUP BY a.id, a.name",
        )
        .bind(from)
        .fetch_all(pool)
        .await?;
        let times = sqlx::query(
            "SELECT p.agency_id, p.created_at - k.claimed_at AS took FROM placements p JOIN claims k ON k.id = p.claim_id
             WHERE p.status <> 'rejected' AND k.claimed_at >= $1",
        )
        .bind(from)
        .fetch_all(pool)
        .await?;
        let mut took: std::collections::HashMap<i64, Vec<i64>> = Default::default();
        for t in &times {
            took.entry(t.try_get("agency_id")?)
                .or_default()
                .push(t.try_get("took")?);
        }
        let mut out = rows
            .iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                Ok(AgencyFigures {
                    agency_id: id,
                    name: r.try_get("name")?,
                    claims: r.try_get("claims")?,
                    placements: r.try_get("placements")?,
                    median_days: median_days(took.remove(&id).unwrap_or_default()),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        out.sort_by(|a, b| {
            (b.placements, b.claims)
                .cmp(&(a.placements, a.claims))
                .then(
                    a.median_days
                        .unwrap_or(i64::MAX)
                        .cmp(&b.median_days.unwrap_or(i64::MAX)),
                )
                .then(a.agency_id.cmp(&b.agency_id))
        });
        Ok(out)
    }

    /// The funnel for the last twelve months, oldest first, in one statement: each step's rows
    /// in the twelve months are grouped by their month, which a row finds by comparing its time
    /// with the months' starts from the newest back (one comparison for this month's rows; a
    /// sum per month and row cost twelve times two).
    #[tracing::instrument(skip(pool))]
    pub async fn funnel(pool: &Pool, scope: Scope) -> Result<Vec<MonthNumbers>> {
        let (months, end) = month_starts(now(), MONTHS);
        let sql = funnel_statement(scope);
        let mut query = sqlx::query(&sql).bind(scope_id(scope));
        for (_, start) in &months {
            query = query.bind(*start);
        }
        let rows = query.bind(end).fetch_all(pool).await?;
        let mut out: Vec<MonthNumbers> = months
            .into_iter()
            .map(|(month, _)| MonthNumbers {
                month,
                counts: [0; 12],
            })
            .collect();
        for r in &rows {
            let step = usize::try_from(r.try_get::<i64, _>("step")?).unwrap_or(0);
            let month = usize::try_from(r.try_get::<i64, _>("month")?).unwrap_or(0);
            if let Some(m) = out.get_mut(month) {
                m.counts[step.min(STEPS.len() - 1)] = r.try_get("n")?;
            }
        }
        Ok(out)
    }

    /// The funnel's statement: `$1` the company (0 for the platform), `$2` … `$13` the months'
    /// starts, oldest first, `$14` the end of the last month.
    pub fn funnel_statement(scope: Scope) -> String {
        let month_of = |time: &str| {
            let whens: Vec<String> = (0..MONTHS)
                .rev()
                .map(|i| format!("WHEN {time} >= ${} THEN {i}", i + 2))
                .collect();
            format!("CAST(CASE {} END AS BIGINT)", whens.join(" "))
        };
        SOURCES
            .iter()
            .enumerate()
            .map(|(step, (from, time, value))| {
                format!(
                    "SELECT CAST({step} AS BIGINT) AS step, {} AS month, CAST(SUM({value}) AS BIGINT) AS n
                     FROM {} AND {time} >= $2 AND {time} < $14 GROUP BY 2",
                    month_of(time),
                    scoped(from, scope)
                )
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL ")
    }
}

#[cfg(feature = "db")]
pub use store::{agencies, companies, count_credit, funnel, funnel_statement, numbers};

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
    fn each_kind_of_entry_counts_in_the_credit_column_the_ledger_sums_it_in() {
        let kinds = [
            "earned",
            "placement_bonus",
            "placement_held",
            "placement_released",
            "redeemed",
            "refunded",
            "expired",
        ];
        for kind in kinds {
            let quoted = format!("'{kind}'");
            let expected = match (
                crate::credit::LOTS.contains(&quoted),
                crate::credit::SPENDING.contains(&quoted),
                kind == "expired",
            ) {
                (true, false, false) => (0, 1),
                (false, true, false) => (1, -1),
                (false, false, true) => (2, -1),
                groups => panic!("{kind} is in the ledger's groups {groups:?}"),
            };
            assert_eq!(credit_column(kind), Some(expected), "{kind}");
        }
        assert_eq!(credit_column("adjusted"), None);
    }

    #[test]
    fn the_csv_names_every_step() {
        let csv = csv(&[MonthNumbers {
            month: "2026-11".into(),
            counts: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
        }]);
        assert_eq!(
            csv,
            "\u{feff}month,invitations,visits,opt_ins,qualified,claimed,introduced,placed,withdrawn,claims_ended,credits_earned,credits_spent,credits_expired\r\n2026-11,1,2,3,4,5,6,7,8,9,10,11,12\r\n"
        );
    }

    #[test]
    fn conversions_and_medians_come_from_the_months() {
        let month = |counts: [i64; 12]| MonthNumbers {
            month: "2026-11".into(),
            counts,
        };
        let n = Numbers {
            months: vec![
                month([0, 10, 4, 2, 1, 0, 0, 0, 0, 0, 0, 0]),
                month([0, 10, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0]),
            ],
            days_to_claim: None,
            days_to_placement: None,
        };
        assert_eq!(n.totals()[1], 20);
        assert_eq!(n.conversion(1, 2), Some(25));
        assert_eq!(n.conversion(4, 6), Some(50));
        assert_eq!(n.conversion(0, 1), None);
        assert_eq!(median_days(vec![]), None);
        assert_eq!(
            median_days(vec![5 * 86_400, 86_400, 3 * 86_400 + 5]),
            Some(3)
        );
        assert_eq!(median_days(vec![2 * 86_400, 4 * 86_400]), Some(2));
    }
}
