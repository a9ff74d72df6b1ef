//! Candidates (`src/candidate.rs`): opting in again with a known address, and withdrawing
//! hand-off consent.

use crate::common::{qualified_candidate, world};
use career_relay::{candidate, claim, consent::ConsentKind, email::Email, UserError};

#[tokio::test]
async fn opting_in_again_with_a_known_address_stores_nothing_new() {
    let w = world(0).await;
    let email = Email::parse("again@example.jp").unwrap();
    let first = candidate::opt_in(&w.pool, &w.code, &email, false)
        .await
        .unwrap();
    let second = candidate::opt_in(
        &w.pool,
        &w.code,
        &Email::parse(" AGAIN@example.jp ").unwrap(),
        true,
    )
    .await
    .unwrap();
    assert_eq!(first.candidate_id, second.candidate_id);
    assert!(second.existing);
}

#[tokio::test]
async fn withdrawing_consent_ends_the_claim_and_leaves_the_pool_at_once() {
    let w = world(1).await;
    let c = qualified_candidate(&w, 1).await;
    let (a, u) = w.agencies[0];
    claim::claim(&w.pool, a, u, c).await.unwrap();
    candidate::set_consent(&w.pool, c, ConsentKind::Handoff, false)
        .await
        .unwrap();
    let home = candidate::home(&w.pool, c).await.unwrap();
    assert!(!home.in_pool && home.holder.is_none());
    assert_eq!(
        candidate::detail_for_agency(&w.pool, a, c)
            .await
            .unwrap_err()
            .user_error(),
        UserError::NotFound
    );
    assert!(claim::for_agency(&w.pool, a).await.unwrap().is_empty());
}
