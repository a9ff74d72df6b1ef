//! Credits (`src/credit.rs`): the ledger stays exact when many candidates qualify at once.

use crate::common::{count, qualify, world};
use career_relay::credit;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_candidates_opting_in_at_once_earn_exactly_a_hundred_credits() {
    let w = world(0).await;
    let n = 1000;
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (pool, code, start) = (w.pool.clone(), w.code.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                qualify(&pool, &code, i).await
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(count(&w, "SELECT COUNT(*) FROM relays").await, 1000);
    assert_eq!(credit::balance(&w.pool, w.company).await.unwrap(), 100);
    assert_eq!(
        count(
            &w,
            "SELECT COUNT(*) FROM credit_ledger WHERE kind = 'earned'"
        )
        .await,
        100
    );
}

/// The balance a company sees is the sum of its ledger, whatever entries arrive in whatever
/// order, replays included: checked over random sequences of entries (a property test).
#[tokio::test]
async fn the_balance_is_always_the_sum_of_the_ledger() {
    use proptest::{
        strategy::{Strategy, ValueTree},
        test_runner::TestRunner,
    };
    let w = world(0).await;
    let kinds = [
        "earned",
        "placement_bonus",
        "placement_held",
        "placement_released",
    ];
    let entries = proptest::collection::vec((0..kinds.len(), -3i64..4, 0u8..12), 1..40);
    let mut runner = TestRunner::deterministic();
    for case in 0..40 {
        let (company, _) = career_relay::org::create_company(&w.pool, &format!("台帳{case}"))
            .await
            .unwrap();
        let sequence = entries.new_tree(&mut runner).unwrap().current();
        let mut tx = career_relay::db::begin(&w.pool).await.unwrap();
        for (kind, amount, key) in &sequence {
            // A repeated reason key is a replayed event: it must count once.
            let reason = format!("case{case}:{key}");
            credit::append(&mut tx, company, kinds[*kind], *amount, &reason)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        let sum: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM credit_ledger WHERE company_id = $1",
        )
        .bind(company)
        .fetch_one(&w.pool)
        .await
        .unwrap();
        assert_eq!(
            credit::balance(&w.pool, company).await.unwrap(),
            sum,
            "case {case}: {sequence:?}"
        );
    }
}
