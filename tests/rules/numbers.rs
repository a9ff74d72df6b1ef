//! The company's numbers by month (Japan time): each row counts in the month its time falls in,
//! a month's first second included and its last second with it; rows before the twelve months
//! or after this one are left out; the platform's numbers are every company's. The credits come
//! from the months' sums kept with the ledger, and equal the ledger's entries, those written
//! before the sums were kept included.

use crate::common::{a_report, company_with_member, qualified_candidate, world};
use career_relay::{
    claim, credit, db,
    numbers::{self, month_starts, Scope, CREDITS, MONTHS},
    org, placement,
    scratch::ScratchDb,
    time::now,
};

/// Earns `amount` credits for `company` at `at`.
async fn earned_at(w: &crate::common::World, company: i64, amount: i64, at: i64) {
    let mut conn = w.pool.acquire().await.unwrap();
    let key = format!("at:{company}:{at}");
    credit::append_at(&mut conn, company, "earned", amount, &key, at)
        .await
        .unwrap();
}

/// The credits earned in each of the twelve months, oldest first.
fn earned(months: &[numbers::MonthNumbers]) -> Vec<i64> {
    column(months, "credits_earned")
}

/// One step's numbers in each of the twelve months, oldest first.
fn column(months: &[numbers::MonthNumbers], name: &str) -> Vec<i64> {
    let step = numbers::STEPS.iter().position(|s| *s == name).unwrap();
    months.iter().map(|m| m.counts[step]).collect()
}

/// What a history of entries (kind, amount, time) adds to each credit column in each of the
/// twelve months, oldest first: worked out from the entries themselves.
fn expected_credits(history: &[(&str, i64, i64)]) -> [Vec<i64>; 3] {
    let (starts, end) = month_starts(now(), MONTHS);
    let mut out = [vec![0; MONTHS], vec![0; MONTHS], vec![0; MONTHS]];
    for &(kind, amount, at) in history {
        let (col, sign) = numbers::credit_column(kind).unwrap();
        if let Some(month) = starts.iter().rposition(|s| s.1 <= at).filter(|_| at < end) {
            out[col][month] += sign * amount;
        }
    }
    out
}

/// Each credit column of the company's numbers, oldest month first.
async fn credit_columns(pool: &db::Pool, company: i64) -> [Vec<i64>; 3] {
    let months = numbers::funnel(pool, Scope::Company(company))
        .await
        .unwrap();
    CREDITS.map(|step| column(&months, numbers::STEPS[step]))
}

/// A history of every kind of entry around the months' edges: the first second of this month,
/// the last of the month before, one month in the middle, before the twelve months and after.
fn history() -> Vec<(&'static str, i64, i64)> {
    let (starts, end) = month_starts(now(), MONTHS);
    let (first, this, middle) = (starts[0].1, starts[MONTHS - 1].1, starts[5].1);
    vec![
        ("earned", 1, this),
        ("placement_bonus", 2, this - 1),
        ("redeemed", -1, this),
        ("refunded", 1, this + 60),
        ("placement_held", -3, middle + 86_400),
        ("placement_released", 1, middle + 2 * 86_400),
        ("expired", -1, middle),
        ("expired", -4, first),
        ("earned", 8, first - 1),
        ("earned", 16, end),
    ]
}

#[tokio::test]
async fn every_kind_of_entry_counts_in_its_credit_column_in_the_month_it_was_written() {
    let w = world(0).await;
    let history = history();
    let mut conn = w.pool.acquire().await.unwrap();
    for (n, &(kind, amount, at)) in history.iter().enumerate() {
        credit::append_at(&mut conn, w.company, kind, amount, &format!("h:{n}"), at)
            .await
            .unwrap();
    }
    drop(conn);
    let expected = expected_credits(&history);
    assert_eq!(expected[0][MONTHS - 1], 1, "the history reaches this month");
    assert_eq!(credit_columns(&w.pool, w.company).await, expected);
}

/// The months' sums came with migration 0020: a ledger written before is summed by it once, each
/// entry in the month its time falls in (Japan time), and entries appended afterwards add to the
/// same months.
#[tokio::test]
async fn a_ledger_written_before_the_months_were_kept_is_summed_into_them_once() {
    let scratch = ScratchDb::new().await.unwrap();
    let pool = db::connect(&scratch.url).await.unwrap();
    let mut before = db::migrator(&scratch.url);
    before.migrations = before
        .migrations
        .iter()
        .filter(|m| m.version < 20)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before.run(&pool).await.unwrap();
    let (company, _) = org::create_company(&pool, "移行株式会社").await.unwrap();
    let history = history();
    for (n, (kind, amount, at)) in history.iter().enumerate() {
        sqlx::query(
            "INSERT INTO credit_ledger (company_id, kind, amount, reason_key, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(company)
        .bind(*kind)
        .bind(*amount)
        .bind(format!("old:{n}"))
        .bind(*at)
        .execute(&pool)
        .await
        .unwrap();
    }

    career_relay::migrate(&pool, &scratch.url).await.unwrap();
    let mut expected = expected_credits(&history);
    assert_eq!(credit_columns(&pool, company).await, expected);

    let this = month_starts(now(), MONTHS).0[MONTHS - 1].1;
    let mut conn = pool.acquire().await.unwrap();
    credit::append_at(&mut conn, company, "earned", 5, "new", this + 1)
        .await
        .unwrap();
    drop(conn);
    expected[0][MONTHS - 1] += 5;
    assert_eq!(credit_columns(&pool, company).await, expected);
}

#[tokio::test]
async fn each_row_counts_in_the_month_its_time_falls_in() {
    let w = world(0).await;
    let (starts, end) = month_starts(now(), MONTHS);
    let (first, this) = (starts[0].1, starts[MONTHS - 1].1);
    earned_at(&w, w.company, 1, this).await;
    earned_at(&w, w.company, 2, this - 1).await;
    earned_at(&w, w.company, 4, first).await;
    earned_at(&w, w.company, 8, first - 1).await;
    earned_at(&w, w.company, 16, end).await;
    earned_at(&w, w.company, 32, starts[5].1 + 86_400).await;
    earned_at(&w, w.company, 64, starts[5].1 + 3_600).await;

    let months = numbers::funnel(&w.pool, Scope::Company(w.company))
        .await
        .unwrap();
    assert_eq!(
        months.iter().map(|m| m.month.clone()).collect::<Vec<_>>(),
        starts.iter().map(|s| s.0.clone()).collect::<Vec<_>>()
    );
    let mut expected = vec![0; MONTHS];
    expected[MONTHS - 1] = 1;
    expected[MONTHS - 2] = 2;
    expected[0] = 4;
    expected[5] = 32 + 64;
    assert_eq!(earned(&months), expected);

    let (other, _) = company_with_member(&w, "別会社", "hr@other.example").await;
    earned_at(&w, other, 128, starts[5].1).await;
    assert_eq!(
        earned(
            &numbers::funnel(&w.pool, Scope::Company(w.company))
                .await
                .unwrap()
        ),
        expected,
        "another company's credits are its own"
    );
    expected[5] += 128;
    assert_eq!(
        earned(&numbers::funnel(&w.pool, Scope::Platform).await.unwrap()),
        expected
    );
}

/// The median days from opt-in to claim count from when each candidate opted in through the
/// company's own link (kept on the claim as it is made), not another company's, and those to
/// placement too; the lower middle of an even count.
#[tokio::test]
async fn the_median_days_run_from_the_opt_in_to_the_claim_and_to_the_placement() {
    let w = world(1).await;
    let (agency, staff) = w.agencies[0];
    let (other, _) = company_with_member(&w, "別会社", "hr@other.example").await;
    let mut claims = Vec::new();
    for (n, days) in [(0, 1), (1, 3), (2, 10), (3, 12)] {
        let candidate = qualified_candidate(&w, n).await;
        // Opted in `days` days and a minute ago.
        sqlx::query("UPDATE relay_events SET created_at = created_at - $1 WHERE candidate_id = $2")
            .bind(days * 86_400 + 60)
            .bind(candidate)
            .execute(&w.pool)
            .await
            .unwrap();
        // Relayed by another company too, a moment ago: not the time from this company's link.
        sqlx::query(
            "INSERT INTO relay_events (candidate_id, company_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(candidate)
        .bind(other)
        .bind(now() - 60)
        .execute(&w.pool)
        .await
        .unwrap();
        claims.push(
            claim::claim(&w.pool, agency, staff, candidate)
                .await
                .unwrap(),
        );
    }
    for k in &claims[2..] {
        placement::report(&w.pool, agency, *k, &a_report(""))
            .await
            .unwrap();
    }
    let n = numbers::numbers(&w.pool, Scope::Company(w.company))
        .await
        .unwrap();
    assert_eq!(n.days_to_claim, Some(3));
    assert_eq!(n.days_to_placement, Some(10));
    let none = numbers::numbers(&w.pool, Scope::Company(other))
        .await
        .unwrap();
    assert_eq!((none.days_to_claim, none.days_to_placement), (None, None));
}
