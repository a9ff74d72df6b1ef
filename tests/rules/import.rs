//! CSV imports as the runners take them and the jobs finish them: a company has one import
//! running at a time; what a runner that died leaves of an import that ended is finished by the
//! jobs (a live import's held mails go out and its staged rows go; a failed one's held rows are
//! deleted).

use crate::common::{count, world, World};
use career_relay::{import, time::now};

/// An import that ended with `status` and still holds an invitation, its mail (due never) and
/// its staged row, and a line of its report.
async fn ended_holding(w: &World, status: &str, n: i64) -> i64 {
    let t = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO imports (company_id, status, held, created_at, updated_at) VALUES ($1, $2, 1, $3, $3) RETURNING id",
    )
    .bind(w.company)
    .bind(status)
    .bind(t)
    .fetch_one(&w.pool)
    .await
    .unwrap();
    let key = format!("key{n}");
    let email = format!("person{n}@example.jp");
    for sql in [
        "INSERT INTO invitations (company_id, token_hash, name, email, person_key, unsubscribe_key, created_at, updated_at, import_id, import_line)
         VALUES ($1, $2, '応募者', $3, $2, $2, $4, $4, $5, 2)",
        "INSERT INTO outbox (to_addr, subject, body_text, next_attempt_at, created_at, updated_at, import_id, import_line)
         VALUES ($3, '件名', '本文', 9223372036854775807, $4, $4, $5, 2)",
        "INSERT INTO import_staged (import_id, line, company_id, name, email, person_key, token_hash, subject, body_text, unsubscribe_url)
         VALUES ($5, 2, $1, '応募者', $3, $2, $2, '', '', '')",
        "INSERT INTO import_report (import_id, line, result) VALUES ($5, 3, 'invalid_email')",
    ] {
        sqlx::query(sql)
            .bind(w.company)
            .bind(&key)
            .bind(&email)
            .bind(t)
            .bind(id)
            .execute(&w.pool)
            .await
            .unwrap();
    }
    id
}

async fn of(w: &World, table: &str, id: i64) -> i64 {
    count(
        w,
        &format!("SELECT COUNT(*) FROM {table} WHERE import_id = {id}"),
    )
    .await
}

#[tokio::test]
async fn the_jobs_release_a_live_imports_mails_and_delete_a_failed_ones_rows() {
    let w = world(0).await;
    let done = ended_holding(&w, "done", 1).await;
    let failed = ended_holding(&w, "failed", 2).await;
    let running = ended_holding(&w, "running", 3).await;
    assert_eq!(import::finish_held(&w.pool).await.unwrap(), 2);

    let due = format!(
        "SELECT COUNT(*) FROM outbox WHERE import_id = {done} AND next_attempt_at <= {}",
        now()
    );
    assert_eq!(count(&w, &due).await, 1, "the live import's mail is due");
    assert_eq!(
        (
            of(&w, "invitations", done).await,
            of(&w, "import_staged", done).await,
            of(&w, "import_report", done).await
        ),
        (1, 0, 1),
        "its invitation and report stay, its staged row goes"
    );
    for table in ["invitations", "outbox", "import_staged", "import_report"] {
        assert_eq!(
            of(&w, table, failed).await,
            0,
            "the failed import's {table}"
        );
        assert_eq!(
            of(&w, table, running).await,
            1,
            "a running import's {table} is its runner's"
        );
    }
    let held = "SELECT COUNT(*) FROM imports WHERE held = 1";
    assert_eq!(
        count(&w, held).await,
        1,
        "only the running import holds rows"
    );
    assert_eq!(
        import::finish_held(&w.pool).await.unwrap(),
        0,
        "nothing left to finish"
    );
}

/// A queued import of `company`.
async fn queued(w: &World, company: i64) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO imports (company_id, status, created_at, updated_at) VALUES ($1, 'queued', $2, $2) RETURNING id",
    )
    .bind(company)
    .bind(now())
    .fetch_one(&w.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_company_has_one_import_running_at_a_time() {
    let w = world(0).await;
    let (other, _) = crate::common::company_with_member(&w, "別会社", "hr@other.example").await;
    let first = queued(&w, w.company).await;
    let second = queued(&w, w.company).await;
    let others = queued(&w, other).await;
    let taken = |n: Option<(i64, i64, i64)>| n.map(|(id, company, _)| (id, company));
    assert_eq!(
        taken(import::take_next(&w.pool).await.unwrap()),
        Some((first, w.company))
    );
    assert_eq!(
        taken(import::take_next(&w.pool).await.unwrap()),
        Some((others, other)),
        "the company's second import waits while its first runs"
    );
    assert_eq!(taken(import::take_next(&w.pool).await.unwrap()), None);
    sqlx::query("UPDATE imports SET status = 'done' WHERE id = $1")
        .bind(first)
        .execute(&w.pool)
        .await
        .unwrap();
    assert_eq!(
        taken(import::take_next(&w.pool).await.unwrap()),
        Some((second, w.company))
    );
}
