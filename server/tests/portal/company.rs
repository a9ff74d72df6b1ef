//! The company's side (`app/src/api/company.rs`): reissuing and revoking the relay link, and the
//! whole loop from relayed candidates to a placement as the company's status page shows it.

use crate::common::TestApp;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_loop_moves_the_company_status_and_credits() {
    let app = TestApp::spawn().await;
    let company = app.company("ループ株式会社", "hr@loop.example").await;
    app.agency("ネクスト紹介", "staff@next.example", true).await;
    let code = app.relay_code(company).await;
    for n in 0..10 {
        app.qualified_candidate(&code, &format!("c{n}@example.jp"))
            .await;
    }
    let hr = app.signed_in("hr@loop.example").await;
    let page = hr.get("/company").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!("/r/{code}")),
        "the link is shown"
    );
    assert!(page.body.contains("お祈りメール用の文面"));
    assert!(
        page.body.contains(r#"data-testid="balance">1<"#),
        "ten qualified relays earned one credit"
    );

    let agency = app.signed_in("staff@next.example").await;
    let pool = agency.get("/agency").await;
    assert_eq!(pool.status, StatusCode::OK);
    let candidate_id: i64 = app.count("SELECT MIN(id) FROM candidates").await;
    assert!(pool
        .body
        .contains(&format!("data-candidate=\"{candidate_id}\"")));
    assert!(!pool.body.contains("山田"), "the pool shows no names");
    let detail = agency
        .get(&format!("/agency/candidates/{candidate_id}"))
        .await;
    assert!(
        !detail.body.contains("c0@example.jp"),
        "no contact details before the claim"
    );
    let claimed = agency
        .post(
            &format!("/agency/candidates/{candidate_id}"),
            "/api/claim_candidate",
            &[("candidate_id", &candidate_id.to_string())],
        )
        .await;
    assert_eq!(
        claimed.location.as_deref(),
        Some("/agency/claims?saved=claimed")
    );
    let detail = agency
        .get(&format!("/agency/candidates/{candidate_id}"))
        .await;
    assert!(
        detail.body.contains("c0@example.jp"),
        "contact details after the claim"
    );

    let claim_id = app.count("SELECT id FROM claims").await.to_string();
    let bad = agency
        .post(
            "/agency/claims",
            "/api/report_placement",
            &[
                ("claim_id", &claim_id),
                ("employer", ""),
                ("position", "営業"),
                ("start_date", "2027-13-01"),
                ("fee", ""),
            ],
        )
        .await;
    assert_eq!(bad.location.as_deref(), Some("/agency/claims"));
    let claims = agency.get("/agency/claims").await;
    assert!(claims.body.contains("日付の形式が正しくありません"));
    assert_eq!(app.count("SELECT COUNT(*) FROM placements").await, 0);

    let ok = agency
        .post(
            "/agency/claims",
            "/api/report_placement",
            &[
                ("claim_id", &claim_id),
                ("employer", "株式会社次"),
                ("position", "営業"),
                ("start_date", "2027-04-01"),
                ("fee", ""),
            ],
        )
        .await;
    assert_eq!(ok.location.as_deref(), Some("/agency/claims?saved=placed"));
    let page = hr.get("/company").await;
    assert!(
        page.body.contains(r#"data-testid="balance">2<"#),
        "the placement bonus was added"
    );
    assert!(page.body.contains("内定・入社"));
    assert!(
        !page.body.contains("山田"),
        "the company never sees the candidate's name"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reissuing_the_link_revokes_the_old_one() {
    let app = TestApp::spawn().await;
    let company = app.company("再発行株式会社", "hr@reissue.example").await;
    let old = app.relay_code(company).await;
    let hr = app.signed_in("hr@reissue.example").await;
    let page = hr.post("/company", "/api/reissue_link", &[]).await;
    assert_eq!(page.location.as_deref(), Some("/company?saved=reissued"));
    let new = app.relay_code(company).await;
    assert_ne!(old, new);
    assert!(hr.get("/company?saved=reissued").await.body.contains(&new));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoking_the_link_leaves_none_until_a_new_one_is_issued() {
    let app = TestApp::spawn().await;
    let company = app.company("取消株式会社", "hr@revoke.example").await;
    let other = app.company("別会社", "hr@other.example").await;
    let other_code = app.relay_code(other).await;
    let old = app.relay_code(company).await;
    let hr = app.signed_in("hr@revoke.example").await;
    let page = hr.post("/company", "/api/revoke_link", &[]).await;
    assert_eq!(page.location.as_deref(), Some("/company?saved=revoked"));
    let page = hr.get("/company?saved=revoked").await;
    assert!(page.body.contains("リンクを無効にしました"));
    assert!(page.body.contains("有効なリンクがありません"));
    assert!(!page.body.contains(&old));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM relay_links WHERE revoked_at IS NULL")
            .await,
        1,
        "only the other company's link is live"
    );
    assert_eq!(app.relay_code(other).await, other_code);
    let landing = app.browser().get(&format!("/r/{old}")).await;
    assert!(landing.body.contains("このリンクは現在使われていません"));
    let page = hr.post("/company", "/api/reissue_link", &[]).await;
    assert_eq!(page.location.as_deref(), Some("/company?saved=reissued"));
    let new = app.relay_code(company).await;
    assert!(hr.get("/company").await.body.contains(&new));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_page_lists_the_newest_history_and_pages_back() {
    let app = TestApp::spawn().await;
    let company = app.company("履歴株式会社", "hr@history.example").await;
    let mut conn = app.pool.acquire().await.unwrap();
    for n in 0..25 {
        career_relay::credit::append(&mut conn, company, "earned", 1, &format!("test:{n}"))
            .await
            .unwrap();
    }
    drop(conn);
    let hr = app.signed_in("hr@history.example").await;
    let rows = |body: &str| body.matches(r#"class="ledger-earned""#).count();

    let newest = hr.get("/company").await;
    assert_eq!(
        rows(&newest.body),
        20,
        "one page holds the 20 newest entries"
    );
    let oldest_shown: i64 = app
        .count("SELECT id FROM credit_ledger ORDER BY id DESC LIMIT 1 OFFSET 19")
        .await;
    let older = format!("/company?ledger_before={oldest_shown}");
    assert!(
        newest.body.contains(&format!(r#"href="{older}""#)),
        "a link leads to the older entries"
    );

    let rest = hr.get(&older).await;
    assert_eq!(rest.status, StatusCode::OK);
    assert_eq!(rows(&rest.body), 5, "the five older entries");
    assert!(
        !rest.body.contains(r#"data-testid="ledger-older""#),
        "nothing older is left"
    );

    let bad = hr.get("/company?ledger_before=yesterday").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("半角数字で入力してください。"));
}
