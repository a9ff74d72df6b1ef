//! Every line of the roles table in docs/design.md, crossed on purpose.

use crate::common::TestApp;
use reqwest::StatusCode;

/// A world with two companies, two approved agencies, one claimed and one free candidate, an admin.
async fn world() -> (TestApp, i64, i64) {
    let app = TestApp::spawn().await;
    let a = app.company("甲株式会社", "hr@a.example").await;
    app.company("乙株式会社", "hr@b.example").await;
    app.agency("第一紹介", "one@one.example", true).await;
    app.agency("第二紹介", "two@two.example", true).await;
    app.admin("root@relay.example").await;
    let code = app.relay_code(a).await;
    app.qualified_candidate(&code, "claimed@example.jp").await;
    app.qualified_candidate(&code, "free@example.jp").await;
    let claimed = app.count("SELECT MIN(id) FROM candidates").await;
    let free = app.count("SELECT MAX(id) FROM candidates").await;
    let one = app.signed_in("one@one.example").await;
    one.post(
        "/agency",
        "/api/claim_candidate",
        &[("candidate_id", &claimed.to_string())],
    )
    .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM claims").await, 1);
    (app, claimed, free)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_out_visitors_are_sent_to_sign_in_from_every_private_page() {
    let (app, _, _) = world().await;
    for path in [
        "/me",
        "/company",
        "/agency",
        "/agency/claims",
        "/agency/candidates/1",
        "/admin",
    ] {
        let page = app.browser().get(path).await;
        assert_eq!(page.status, StatusCode::FOUND, "{path}");
        assert!(
            page.location.unwrap_or_default().starts_with("/signin"),
            "{path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_sees_only_their_own_page() {
    let (app, claimed, _) = world().await;
    let me = app.signed_in("free@example.jp").await;
    let page = me.get("/me").await;
    assert!(page.body.contains("free@example.jp") && !page.body.contains("claimed@example.jp"));
    for path in ["/company", "/agency", "/agency/claims", "/admin"] {
        assert_eq!(me.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    me.post("/agency", "/api/release_claim", &[("claim_id", "1")])
        .await;
    me.post(
        "/agency",
        "/api/claim_candidate",
        &[("candidate_id", &claimed.to_string())],
    )
    .await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM claims WHERE ended_at IS NULL")
            .await,
        1,
        "nothing changed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_claimed_candidate_sees_which_agency_holds_the_data_and_the_provision_record() {
    let (app, _, _) = world().await;
    let me = app.signed_in("claimed@example.jp").await;
    let page = me.get("/me").await;
    assert!(page.body.contains("第一紹介"));
    assert!(page.body.contains(r#"class="provision""#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_company_member_sees_only_anonymised_outcomes_of_their_own_company() {
    let (app, _, _) = world().await;
    let a = app.signed_in("hr@a.example").await;
    let page = a.get("/company").await;
    assert!(page.body.contains("甲株式会社") && !page.body.contains("乙株式会社"));
    assert!(page.body.contains("第一紹介"), "the claim is listed");
    assert!(
        !page.body.contains("claimed@example.jp") && !page.body.contains("山田"),
        "without personal data"
    );
    let b = app.signed_in("hr@b.example").await;
    let page = b.get("/company").await;
    assert!(
        page.body.contains("乙株式会社") && !page.body.contains("第一紹介"),
        "no other company's data"
    );
    for path in ["/me", "/agency", "/agency/claims", "/admin"] {
        assert_eq!(a.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agency_staff_never_see_another_agencys_claim_or_contact_details() {
    let (app, claimed, free) = world().await;
    let two = app.signed_in("two@two.example").await;
    let pool = two.get("/agency").await;
    assert!(pool.body.contains(&format!("data-candidate=\"{free}\"")));
    assert!(
        !pool.body.contains(&format!("data-candidate=\"{claimed}\"")),
        "a claimed candidate is not offered"
    );
    let detail = two.get(&format!("/agency/candidates/{claimed}")).await;
    assert!(detail.body.contains("claimed-by-other"));
    assert!(!detail.body.contains("claimed@example.jp"));
    assert!(
        two.get("/agency/claims").await.body.contains("no-claims"),
        "no other agency's claims"
    );
    let claim_id = app.count("SELECT id FROM claims").await.to_string();
    two.post(
        "/agency/claims",
        "/api/release_claim",
        &[("claim_id", &claim_id)],
    )
    .await;
    two.post(
        "/agency/claims",
        "/api/add_note",
        &[("claim_id", &claim_id), ("body", "横取り")],
    )
    .await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM claims WHERE ended_at IS NULL")
            .await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM claim_notes").await, 0);
    for path in ["/me", "/company", "/admin"] {
        assert_eq!(two.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agencies_see_nothing_of_a_candidate_who_withdrew() {
    let (app, _, free) = world().await;
    let candidate = app.signed_in("free@example.jp").await;
    candidate
        .post(
            "/me",
            "/api/set_consent",
            &[("kind", "handoff"), ("granted", "false")],
        )
        .await;
    let two = app.signed_in("two@two.example").await;
    assert_eq!(
        two.get(&format!("/agency/candidates/{free}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!two
        .get("/agency")
        .await
        .body
        .contains(&format!("data-candidate=\"{free}\"")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_platform_admin_sees_the_admin_page_and_others_do_not() {
    let (app, _, _) = world().await;
    let admin = app.signed_in("root@relay.example").await;
    let page = admin.get("/admin").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("第一紹介") && page.body.contains("第二紹介"));
    let one = app.signed_in("one@one.example").await;
    one.post(
        "/admin",
        "/api/save_settings",
        &crate::common::pairs(&crate::common::settings_form(&[
            ("relays_per_credit", "1"),
            ("placement_bonus", "9"),
        ])),
    )
    .await;
    assert_eq!(
        career_relay::settings::load(&app.pool)
            .await
            .unwrap()
            .relays_per_credit,
        10,
        "agency staff cannot change rules"
    );
}
