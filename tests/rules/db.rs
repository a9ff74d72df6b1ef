//! The database pool: a network connection the server dropped while it waited in the pool is
//! replaced before anyone uses it; many rows go in with one statement on either backend; SQLite
//! plans a statement once, walks an owner's index for the owner's keyset pages, and reads a
//! list through the index made for it.

use career_relay::{credit, db, numbers, returns, scratch::ScratchDb};
use sqlx::Connection;

/// A throwaway database of the suite's backend and a pool on it (the database lives as long as
/// the first half).
async fn scratch_pool() -> (ScratchDb, db::Pool) {
    let scratch = ScratchDb::new().await.unwrap();
    let pool = db::connect(&scratch.url).await.unwrap();
    (scratch, pool)
}

#[tokio::test]
async fn a_connection_the_server_dropped_while_it_waited_is_replaced() {
    let (scratch, pool) = scratch_pool().await;
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

#[tokio::test]
async fn many_rows_go_in_with_one_statement_each_value_where_it_was_bound() {
    let (_scratch, pool) = scratch_pool().await;
    let mut conn = pool.acquire().await.unwrap();
    sqlx::query("CREATE TABLE rows_in (n BIGINT NOT NULL, word TEXT, half BIGINT NOT NULL)")
        .execute(&mut *conn)
        .await
        .unwrap();
    // 1,500 values: many more than a form ever binds, as a CSV import's batches do.
    let rows = 500;
    let sql = db::insert_rows(&conn, "rows_in", &["n", "word", "half"], rows);
    let mut insert = sqlx::query(&sql);
    for n in 0..rows as i64 {
        insert = insert
            .bind(n)
            .bind((n % 7 != 0).then(|| format!("語{n}")))
            .bind(n / 2);
    }
    assert_eq!(
        insert.execute(&mut *conn).await.unwrap().rows_affected(),
        500
    );
    let back: Vec<(i64, Option<String>, i64)> =
        sqlx::query_as("SELECT n, word, half FROM rows_in ORDER BY n")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    let expected: Vec<_> = (0..rows as i64)
        .map(|n| (n, (n % 7 != 0).then(|| format!("語{n}")), n / 2))
        .collect();
    assert_eq!(back, expected);
}

/// SQLite's plans never depend on the values bound to a statement (the bundled library is built
/// with the query planner stability guarantee, `.cargo/config.toml`): a statement is prepared
/// once per connection, not again each time a value compared with an indexed column is bound.
#[tokio::test]
async fn sqlite_plans_a_statement_once_whatever_is_bound_to_it() {
    let (_scratch, pool) = scratch_pool().await;
    if db::backend(&pool) != db::Backend::Sqlite {
        return;
    }
    let options: Vec<String> = sqlx::query_scalar("PRAGMA compile_options")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(options.iter().any(|o| o == "ENABLE_QPSG"), "{options:?}");
}

/// A keyset page of one company's ledger (`credit::ledger_page`) walks the company's index from
/// its cursor, not the whole table by id (SQLite's planner, counting on the LIMIT, would otherwise); PostgreSQL, which has
/// no `INDEXED BY`, takes the same statement without it.
#[tokio::test]
async fn a_keyset_page_of_one_owner_walks_the_owners_index() {
    let (scratch, pool) = scratch_pool().await;
    db::migrate(&pool, &scratch.url).await.unwrap();
    let sql = format!("SELECT id {}", credit::ledger_page(&pool, "$3"));
    let page: Vec<i64> = sqlx::query_scalar(&sql)
        .bind(1_i64)
        .bind(i64::MAX)
        .bind(21_i64)
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(page.is_empty());
    if db::backend(&pool) == db::Backend::Sqlite {
        let plan = sqlite_plan(&pool, &sql, &[1, i64::MAX, 21]).await;
        assert!(
            plan.iter()
                .any(|d| d.contains("INDEX credit_ledger_company (company_id=? AND id<?)")),
            "{plan:?}"
        );
    }
}

/// The plan SQLite chooses for `sql` (each step's detail), with `binds` bound in order.
async fn sqlite_plan(pool: &db::Pool, sql: &str, binds: &[i64]) -> Vec<String> {
    let explain = format!("EXPLAIN QUERY PLAN {sql}");
    let mut query = sqlx::query_as::<_, (i64, i64, i64, String)>(&explain);
    for b in binds {
        query = query.bind(*b);
    }
    let plan = query.fetch_all(pool).await.unwrap();
    plan.into_iter().map(|(.., detail)| detail).collect()
}

/// The review queue walks the held relays' own index in order, and an agency's introductions to
/// one request are found by request and agency together (SQLite would otherwise read every relay,
/// or all of the agency's introductions).
#[tokio::test]
async fn the_review_queue_and_an_agencys_introductions_to_a_request_read_their_own_rows() {
    let (scratch, pool) = scratch_pool().await;
    db::migrate(&pool, &scratch.url).await.unwrap();
    if db::backend(&pool) != db::Backend::Sqlite {
        return;
    }
    // The oldest held relays, not every relay by id.
    let held = sqlite_plan(
        &pool,
        &format!(
            "SELECT id FROM {} WHERE status = 'held' ORDER BY id LIMIT $1",
            db::indexed_by(&pool, "relays", "relays_held")
        ),
        &[500],
    )
    .await;
    assert_eq!(held, ["SCAN relays USING COVERING INDEX relays_held"]);
    // One agency's introductions to one request, not all of the agency's.
    let introductions = sqlite_plan(
        &pool,
        "SELECT i.id FROM introductions i WHERE i.request_id = $1 AND i.agency_id = $2 ORDER BY i.id",
        &[1, 1],
    )
    .await;
    assert!(
        introductions
            .iter()
            .any(|d| d.contains("introductions_request_agency (request_id=? AND agency_id=?)")),
        "{introductions:?}"
    );
}

/// A company's returns in one prefecture walk the index of its candidates in that prefecture
/// (`returns::page_statement`), not its whole list; the numbers' credit steps read the company's
/// months' sums by their key (`numbers::funnel_statement`), never the ledger itself, and its
/// qualified relays the index of counted ones.
#[tokio::test]
async fn the_returns_in_one_prefecture_and_the_numbers_of_the_credits_read_their_own_index() {
    let (scratch, pool) = scratch_pool().await;
    db::migrate(&pool, &scratch.url).await.unwrap();
    let filter = returns::ReturnsFilter::try_from(&returns::ReturnsQuery {
        job_type: "sales".into(),
        prefecture: "13".into(),
        after: String::new(),
    })
    .unwrap();
    let sql = returns::page_statement(&pool, &filter);
    // Both backends take the statement: nobody yet.
    let page: Vec<i64> = sqlx::query_scalar(&format!("SELECT id FROM ({sql}) AS p"))
        .bind(1_i64)
        .bind(i64::MAX)
        .bind(13_i64)
        .bind("sales")
        .bind(21_i64)
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(page.is_empty());
    let funnel = numbers::funnel_statement(numbers::Scope::Company(1));
    if db::backend(&pool) != db::Backend::Sqlite {
        return;
    }
    let plan = sqlite_plan(&pool, &sql, &[]).await;
    assert!(
        plan.iter().any(|d| d.contains(
            "INDEX candidates_returns_prefecture (company_id=? AND prefecture=? AND id<?)"
        )),
        "{plan:?}"
    );
    let plan = sqlite_plan(&pool, &funnel, &[]).await;
    // The plan names tables by their alias: the statement says which table each step reads.
    assert!(!funnel.contains("credit_ledger"), "{funnel}");
    assert_eq!(funnel.matches("FROM credit_months t").count(), 3);
    let months: Vec<_> = plan
        .iter()
        .filter(|d| {
            d.contains("USING PRIMARY KEY (company_id=? AND month_start>? AND month_start<?)")
        })
        .collect();
    assert_eq!(months.len(), 3, "{plan:?}");
    assert!(
        plan.iter().any(|d| d.contains(
            "COVERING INDEX relays_company_counted (company_id=? AND qualified_at>? AND qualified_at<?)"
        )),
        "{plan:?}"
    );
}
