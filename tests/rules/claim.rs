//! Claims (`src/claim.rs`): exactly one agency wins a race, an expired claim returns the
//! candidate to the pool, and progress notes extend a claim.

use crate::common::{count, qualified_candidate, three_at_once, world};
use career_relay::{claim, pool, UserError};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_agencies_claim_one_candidate_at_once_and_exactly_one_wins() {
    let w = world(200).await;
    let c = qualified_candidate(&w, 1).await;
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(w.agencies.len()));
    let tasks: Vec<_> = w
        .agencies
        .iter()
        .map(|&(a, u)| {
            let (pool, start) = (w.pool.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                claim::claim(&pool, a, u, c).await
            })
        })
        .collect();
    let mut wins = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => wins += 1,
            Err(e) => assert_eq!(e.user_error(), UserError::AlreadyClaimed),
        }
    }
    assert_eq!(wins, 1);
    assert_eq!(count(&w, "SELECT COUNT(*) FROM claims").await, 1);
    assert_eq!(
        count(&w, "SELECT COUNT(*) FROM provision_records").await,
        1,
        "every claim writes exactly one provision record"
    );
}

#[tokio::test]
async fn an_expired_claim_returns_the_candidate_to_the_pool() {
    let w = world(2).await;
    let c = qualified_candidate(&w, 1).await;
    claim::claim(&w.pool, w.agencies[0].0, w.agencies[0].1, c)
        .await
        .unwrap();
    let page = pool::pool_page(&w.pool, &Default::default()).await.unwrap();
    assert!(
        page.entries.iter().all(|e| e.id != c),
        "a claimed candidate is not in the pool"
    );
    sqlx::query("UPDATE claims SET expires_at = 1")
        .execute(&w.pool)
        .await
        .unwrap();
    let page = pool::pool_page(&w.pool, &Default::default()).await.unwrap();
    assert!(page.entries.iter().any(|e| e.id == c));
    claim::claim(&w.pool, w.agencies[1].0, w.agencies[1].1, c)
        .await
        .unwrap();
}

#[tokio::test]
async fn progress_notes_extend_the_claim() {
    let w = world(1).await;
    let c = qualified_candidate(&w, 1).await;
    let (a, u) = w.agencies[0];
    let k = claim::claim(&w.pool, a, u, c).await.unwrap();
    sqlx::query("UPDATE claims SET expires_at = expires_at - 86400 * 20")
        .execute(&w.pool)
        .await
        .unwrap();
    let before: i64 = sqlx::query_scalar("SELECT expires_at FROM claims WHERE id = $1")
        .bind(k)
        .fetch_one(&w.pool)
        .await
        .unwrap();
    claim::add_note(
        &w.pool,
        a,
        u,
        k,
        &claim::NoteText::parse("面談しました").unwrap(),
    )
    .await
    .unwrap();
    let after: i64 = sqlx::query_scalar("SELECT expires_at FROM claims WHERE id = $1")
        .bind(k)
        .fetch_one(&w.pool)
        .await
        .unwrap();
    assert!(after > before + 86400 * 19);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_candidate_is_told_once_who_took_over_their_data_and_how_to_object() {
    use crate::common::{mail_to, Words};
    let w = world(1).await;
    let c = qualified_candidate(&w, 1).await;
    let (a, u) = w.agencies[0];
    claim::claim(&w.pool, a, u, c).await.unwrap();
    // Told once the claim is a minute old (every earlier claim has committed by then).
    assert_eq!(claim::announce(&w.pool, &Words).await.unwrap(), 0);
    sqlx::query("UPDATE claims SET created_at = created_at - 120")
        .execute(&w.pool)
        .await
        .unwrap();
    let told = three_at_once(&w, |pool| async move {
        claim::announce(&pool, &Words).await.unwrap() as i64
    })
    .await;
    assert_eq!(told, 1);
    let mail: Vec<_> = mail_to(&w, "person1@example.jp")
        .await
        .into_iter()
        .filter(|(_, b)| b.contains("DataClaimed"))
        .collect();
    assert_eq!(mail.len(), 1);
    assert!(mail[0].1.contains("Agency 0"), "{:?}", mail[0]);
}

#[tokio::test]
async fn suspending_an_agency_returns_its_candidates_to_the_pool_at_once() {
    let w = world(2).await;
    let c = qualified_candidate(&w, 1).await;
    let (a, u) = w.agencies[0];
    claim::claim(&w.pool, a, u, c).await.unwrap();
    career_relay::org::set_agency_status(&w.pool, a, false)
        .await
        .unwrap();
    assert!(claim::for_agency(&w.pool, a).await.unwrap().is_empty());
    assert_eq!(
        count(&w, "SELECT COUNT(*) FROM claims WHERE ended_at IS NULL").await,
        0
    );
    // Back in the pool: another agency may claim the candidate now.
    let (b, v) = w.agencies[1];
    claim::claim(&w.pool, b, v, c).await.unwrap();
}
