//! Changing the address (`src/address.rs`): confirmed by a link used once, the person key follows,
//! and an address someone else holds is refused with nothing changed.

use crate::common::{qualified_candidate, world};
use career_relay::{address, person, Email, UserError};

#[tokio::test]
async fn a_confirmed_change_moves_the_address_and_the_person_key_once() {
    let w = world(0).await;
    let c = qualified_candidate(&w, 1).await;
    let new = Email::parse("new-address@example.jp").unwrap();
    let r = address::request(&w.pool, c, &new).await.unwrap();
    assert_eq!(r.old_email.as_deref(), Some("person1@example.jp"));
    // Nothing changes until the link is used.
    let email: String = sqlx::query_scalar("SELECT email FROM candidates WHERE id = $1")
        .bind(c)
        .fetch_one(&w.pool)
        .await
        .unwrap();
    assert_eq!(email, "person1@example.jp");

    let changed = address::confirm(&w.pool, &r.token).await.unwrap();
    assert_eq!(changed.candidate_id, c);
    let email: String = sqlx::query_scalar("SELECT email FROM candidates WHERE id = $1")
        .bind(c)
        .fetch_one(&w.pool)
        .await
        .unwrap();
    assert_eq!(email, "new-address@example.jp");
    let mut conn = w.pool.acquire().await.unwrap();
    let key = person::email_key(&person::pepper(&mut conn).await.unwrap(), &new);
    drop(conn);
    let relay_key: String =
        sqlx::query_scalar("SELECT person_key FROM relays WHERE candidate_id = $1")
            .bind(c)
            .fetch_one(&w.pool)
            .await
            .unwrap();
    assert_eq!(relay_key, key, "de-duplication follows the address");
    // The link works once.
    assert_eq!(
        address::confirm(&w.pool, &r.token)
            .await
            .unwrap_err()
            .user_error(),
        UserError::SignInLinkInvalid
    );
}

#[tokio::test]
async fn an_address_someone_else_holds_is_refused_and_nothing_changes() {
    let w = world(0).await;
    let c = qualified_candidate(&w, 1).await;
    qualified_candidate(&w, 2).await;
    let taken = Email::parse("person2@example.jp").unwrap();
    let r = address::request(&w.pool, c, &taken).await.unwrap();
    assert_eq!(
        address::confirm(&w.pool, &r.token)
            .await
            .unwrap_err()
            .user_error(),
        UserError::AlreadyExists
    );
    let email: String = sqlx::query_scalar("SELECT email FROM candidates WHERE id = $1")
        .bind(c)
        .fetch_one(&w.pool)
        .await
        .unwrap();
    assert_eq!(email, "person1@example.jp");
    // The same address as now is refused at once.
    let same = Email::parse("person1@example.jp").unwrap();
    assert_eq!(
        address::request(&w.pool, c, &same)
            .await
            .unwrap_err()
            .user_error(),
        UserError::AlreadyExists
    );
}
