//! The mail outbox (`src/mail.rs`): workers taking mail at once never share a message.

use crate::common::world;
use career_relay::email::Email;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn workers_taking_mail_at_once_never_take_the_same_message() {
    let w = world(0).await;
    for n in 0..200 {
        let to = Email::parse(&format!("m{n}@example.jp")).unwrap();
        career_relay::mail::enqueue(&w.pool, &to, &format!("s{n}"), "body")
            .await
            .unwrap();
    }
    let workers = 20;
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(workers));
    let tasks: Vec<_> = (0..workers)
        .map(|_| {
            let (pool, start) = (w.pool.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                let mut mine = Vec::new();
                loop {
                    let batch = career_relay::mail::take_due(&pool, 7).await.unwrap();
                    if batch.is_empty() {
                        return mine;
                    }
                    mine.extend(batch.into_iter().map(|m| m.id));
                }
            })
        })
        .collect();
    let mut taken = Vec::new();
    for t in tasks {
        taken.extend(t.await.unwrap());
    }
    let all = taken.len();
    taken.sort();
    taken.dedup();
    assert_eq!(all, taken.len(), "no message was taken twice");
    assert_eq!(taken.len(), 200, "every message was taken");
}
