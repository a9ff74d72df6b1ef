//! Candidates (`src/candidate.rs`): opting in again with a known address, withdrawing
//! hand-off consent, and what their own page has to show.

use crate::common::{a_report, qualified_candidate, world};
use career_relay::{
    candidate::{self, OnFile},
    claim,
    consent::ConsentKind,
    email::Email,
    placement, UserError,
};

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

#[tokio::test]
async fn the_home_row_names_the_holder_and_which_records_the_page_must_read() {
    let w = world(1).await;
    let c = qualified_candidate(&w, 1).await;
    let home = candidate::home(&w.pool, c).await.unwrap();
    assert_eq!((home.holder, home.on_file), (None, OnFile::default()));

    // A claim provides their data to the agency: the agency holds it, and a record says so.
    let (a, u) = w.agencies[0];
    let k = claim::claim(&w.pool, a, u, c).await.unwrap();
    let home = candidate::home(&w.pool, c).await.unwrap();
    assert_eq!(
        home.holder.map(|(agency, _)| agency),
        Some("Agency 0".to_owned())
    );
    assert_eq!(
        home.on_file,
        OnFile {
            provisions: true,
            ..OnFile::default()
        }
    );

    placement::report(&w.pool, a, k, &a_report(""))
        .await
        .unwrap();
    let on_file = candidate::home(&w.pool, c).await.unwrap().on_file;
    assert!(on_file.provisions && on_file.placements);
    assert!(!on_file.introductions && !on_file.newer_notice);
}
