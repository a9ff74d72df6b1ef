//! Sign-in links (`src/auth.rs`): a link works once and not after it expires.

use crate::common::world;
use career_relay::{
    auth::{self, Subject},
    UserError,
};

#[tokio::test]
async fn a_sign_in_link_works_once_and_not_after_it_expires() {
    let w = world(1).await;
    let (_, user) = w.agencies[0];
    let token = auth::issue_link(&w.pool, Subject::User(user))
        .await
        .unwrap();
    assert_eq!(
        auth::consume_link(&w.pool, &token).await.unwrap(),
        Subject::User(user)
    );
    assert_eq!(
        auth::consume_link(&w.pool, &token)
            .await
            .unwrap_err()
            .user_error(),
        UserError::SignInLinkInvalid
    );
    let late = auth::issue_link(&w.pool, Subject::User(user))
        .await
        .unwrap();
    sqlx::query("UPDATE sign_in_tokens SET expires_at = 0")
        .execute(&w.pool)
        .await
        .unwrap();
    assert_eq!(
        auth::consume_link(&w.pool, &late)
            .await
            .unwrap_err()
            .user_error(),
        UserError::SignInLinkInvalid
    );
}
