//! The database pool: a network connection the server dropped while it waited in the pool is
//! replaced before anyone uses it.

use career_relay::{db, scratch::ScratchDb};
use sqlx::Connection;

#[tokio::test]
async fn a_connection_the_server_dropped_while_it_waited_is_replaced() {
    let scratch = ScratchDb::new().await.unwrap();
    let pool = db::connect(&scratch.url).await.unwrap();
    // Only a network server drops connections (a restart, a failover); SQLite is a file in
    // this process. The PostgreSQL run of the suite checks this.
    if db::backend(&pool) != db::Backend::Postgres {
        return;
    }
    sqlx::query("SELECT 1").execute(&pool).await.unwrap();
    let mut admin = sqlx::AnyConnection::connect(&scratch.url).await.unwrap();
    let dropped: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert!(!dropped.is_empty(), "the pool's connection was dropped");
    tokio::time::sleep(db::PING_AFTER_IDLE + std::time::Duration::from_secs(1)).await;
    let one: i64 = sqlx::query_scalar("SELECT CAST(1 AS BIGINT)")
        .fetch_one(&pool)
        .await
        .expect("the dead connection was replaced");
    assert_eq!(one, 1);
}
