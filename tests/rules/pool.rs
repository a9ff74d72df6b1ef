//! The pool (`src/pool.rs`): filters, search in short Japanese words, and keyset paging.

use crate::common::{profile, qualified_candidate, world};
use career_relay::{candidate, email::Email, pool};

#[tokio::test]
async fn the_pool_filters_search_two_character_japanese_and_pages() {
    let w = world(0).await;
    for n in 0..25 {
        qualified_candidate(&w, n).await;
    }
    let other = Email::parse("keiri@example.jp").unwrap();
    let opt = candidate::opt_in(&w.pool, &w.code, &other, false)
        .await
        .unwrap();
    candidate::confirm_email(&w.pool, opt.candidate_id)
        .await
        .unwrap();
    let mut p = profile("09055554444");
    p.skills = vec!["経理".into(), "簿記2級".into()];
    p.prefecture = career_relay::profile::Prefecture::parse("27").unwrap();
    candidate::save_profile(&w.pool, opt.candidate_id, &p)
        .await
        .unwrap();

    let q = |f: fn(&mut pool::PoolQuery)| {
        let mut q = pool::PoolQuery::default();
        f(&mut q);
        q
    };
    let found = pool::pool_page(&w.pool, &q(|q| q.q = "経理".into()))
        .await
        .unwrap();
    assert_eq!(
        found.entries.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![opt.candidate_id]
    );
    assert_eq!(
        pool::pool_page(&w.pool, &q(|q| q.q = "営業".into()))
            .await
            .unwrap()
            .entries
            .len(),
        20
    );
    assert_eq!(
        pool::pool_page(&w.pool, &q(|q| q.prefecture = "27".into()))
            .await
            .unwrap()
            .entries
            .len(),
        1
    );
    assert_eq!(
        pool::pool_page(&w.pool, &q(|q| q.skill = "excel".into()))
            .await
            .unwrap()
            .entries
            .len(),
        20
    );
    assert_eq!(
        pool::pool_page(&w.pool, &q(|q| q.min_years = "6".into()))
            .await
            .unwrap()
            .entries
            .len(),
        0
    );
    assert_eq!(
        pool::pool_page(&w.pool, &q(|q| q.min_years = "５".into()))
            .await
            .unwrap()
            .entries
            .len(),
        20,
        "full-width digits from a Japanese IME count"
    );
    let first = pool::pool_page(&w.pool, &Default::default()).await.unwrap();
    assert_eq!(first.entries.len(), 20);
    let mut next = pool::PoolQuery::default();
    next.after = first.next.unwrap().to_string();
    let second = pool::pool_page(&w.pool, &next).await.unwrap();
    assert_eq!(second.entries.len(), 6);
    assert!(second.next.is_none());
    assert!(
        pool::pool_page(&w.pool, &q(|q| q.job_type = "astronaut".into()))
            .await
            .is_err()
    );
}
