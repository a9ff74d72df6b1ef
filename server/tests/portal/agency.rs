//! The agency's side (`app/src/api/agency.rs`): the pool's filters, claiming a candidate
//! against another agency, and notes and release on the claims page.

use crate::common::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_agencies_claiming_one_candidate_one_gets_a_clear_message() {
    let app = TestApp::spawn().await;
    let company = app.company("競合株式会社", "hr@race.example").await;
    app.agency("A紹介", "a@a.example", true).await;
    app.agency("B紹介", "b@b.example", true).await;
    let code = app.relay_code(company).await;
    app.qualified_candidate(&code, "race@example.jp").await;
    let id = app.count("SELECT id FROM candidates").await.to_string();
    let a = app.signed_in("a@a.example").await;
    let b = app.signed_in("b@b.example").await;
    let from = format!("/agency/candidates/{id}");
    let fields = [("candidate_id", id.as_str())];
    let (ra, rb) = tokio::join!(
        a.post(&from, "/api/claim_candidate", &fields),
        b.post(&from, "/api/claim_candidate", &fields)
    );
    let wins = [&ra, &rb]
        .iter()
        .filter(|r| r.location.as_deref() == Some("/agency/claims?saved=claimed"))
        .count();
    assert_eq!(wins, 1);
    let loser = if ra.location.as_deref() == Some(from.as_str()) {
        &a
    } else {
        &b
    };
    assert!(loser
        .get(&from)
        .await
        .body
        .contains("別の人材紹介会社が担当中です"));
    assert_eq!(app.count("SELECT COUNT(*) FROM claims").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notes_and_release_work_from_the_claims_page() {
    let app = TestApp::spawn().await;
    let company = app.company("メモ株式会社", "hr@note.example").await;
    app.agency("メモ紹介", "m@m.example", true).await;
    let code = app.relay_code(company).await;
    app.qualified_candidate(&code, "note@example.jp").await;
    let id = app.count("SELECT id FROM candidates").await.to_string();
    let staff = app.signed_in("m@m.example").await;
    staff
        .post("/agency", "/api/claim_candidate", &[("candidate_id", &id)])
        .await;
    let claim = app.count("SELECT id FROM claims").await.to_string();
    let empty = staff
        .post(
            "/agency/claims",
            "/api/add_note",
            &[("claim_id", &claim), ("body", "  ")],
        )
        .await;
    assert_eq!(empty.location.as_deref(), Some("/agency/claims"));
    assert!(staff
        .get("/agency/claims")
        .await
        .body
        .contains("入力してください"));
    staff
        .post(
            "/agency/claims",
            "/api/add_note",
            &[("claim_id", &claim), ("body", "一次面談を設定")],
        )
        .await;
    assert!(staff
        .get("/agency/claims")
        .await
        .body
        .contains("一次面談を設定"));
    // The list names the candidate: every view of it is audited, by ids.
    let listed: String = sqlx::query_scalar(
        "SELECT target FROM audit_log WHERE action = 'claims_listed' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(listed, format!("candidates:{id}"));
    let released = staff
        .post(
            "/agency/claims",
            "/api/release_claim",
            &[("claim_id", &claim)],
        )
        .await;
    assert_eq!(
        released.location.as_deref(),
        Some("/agency/claims?saved=released")
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM claims WHERE ended_at IS NULL")
            .await,
        0
    );
}

/// The pool's filters show the search the page lists: the job type and the prefecture chosen are
/// selected, and every other choice is offered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pools_filters_show_the_search_made() {
    let app = TestApp::spawn().await;
    let company = app.company("絞込株式会社", "hr@filter.example").await;
    app.agency("絞込紹介", "f@f.example", true).await;
    let code = app.relay_code(company).await;
    app.qualified_candidate(&code, "filter@example.jp").await;
    let agency = app.signed_in("f@f.example").await;
    let selected = |html: &str| html.matches(" selected>").count();

    let all = agency.get("/agency").await.body;
    assert!(
        all.contains(r#"<select name="job_type"><option value="">指定なし</option>"#),
        "{all}"
    );
    assert!(all.contains(r#"<select name="prefecture"><option value="">指定なし</option>"#));
    assert!(all.contains(r#"<option value="13">東京都</option>"#));
    assert!(all.contains(r#"<option value="accounting">経理・財務</option>"#));
    assert_eq!(
        selected(&all),
        0,
        "no search: each filter shows its first choice"
    );

    let search = agency
        .get("/agency?job_type=accounting&prefecture=13")
        .await
        .body;
    assert!(
        search.contains(r#"<option value="13" selected>東京都</option>"#),
        "{search}"
    );
    assert!(search.contains(r#"<option value="accounting" selected>経理・財務</option>"#));
    assert!(search.contains(r#"<select name="prefecture"><option value="">指定なし</option>"#));
    assert!(search.contains(r#"<option value="27">大阪府</option>"#));
    assert_eq!(selected(&search), 2);
}
