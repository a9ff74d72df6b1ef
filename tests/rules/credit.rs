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
