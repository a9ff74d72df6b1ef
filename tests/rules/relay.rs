//! Relay links (`src/relay.rs`): a reissued link revokes the old one.

use crate::common::world;
use career_relay::{candidate, email::Email, UserError};

#[tokio::test]
async fn a_revoked_link_no_longer_relays() {
    let w = world(0).await;
    let new_code = career_relay::relay::reissue(&w.pool, w.company)
        .await
        .unwrap();
    let err = candidate::opt_in(
        &w.pool,
        &w.code,
        &Email::parse("x@example.jp").unwrap(),
        false,
    )
    .await
    .unwrap_err();
    assert_eq!(err.user_error(), UserError::RevokedRelayLink);
    assert!(candidate::opt_in(
        &w.pool,
        &new_code,
        &Email::parse("x@example.jp").unwrap(),
        false
    )
    .await
    .is_ok());
}
