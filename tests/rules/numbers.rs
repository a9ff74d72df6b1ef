//! The company's numbers by month (Japan time): each row counts in the month its time falls in,
//! a month's first second included and its last second with it; rows before the twelve months
//! or after this one are left out; the platform's numbers are every company's.

use crate::common::{company_with_member, world};
use career_relay::{
    credit,
    numbers::{self, month_starts, Scope, MONTHS},
    time::now,
};

/// Earns `amount` credits for `company` at `at`.
async fn earned_at(w: &crate::common::World, company: i64, amount: i64, at: i64) {
    let mut conn = w.pool.acquire().await.unwrap();
    credit::append(
        &mut conn,
        company,
        "earned",
        amount,
        &format!("at:{company}:{at}"),
    )
    .await
    .unwrap();
    sqlx::query(
        "UPDATE credit_ledger SET created_at = $1 WHERE id = (SELECT MAX(id) FROM credit_ledger)",
    )
    .bind(at)
    .execute(&mut *conn)
    .await
    .unwrap();
}

/// The credits earned in each of the twelve months, oldest first.
fn earned(months: &[numbers::MonthNumbers]) -> Vec<i64> {
    let step = numbers::STEPS
        .iter()
        .position(|s| *s == "credits_earned")
        .unwrap();
    months.iter().map(|m| m.counts[step]).collect()
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
