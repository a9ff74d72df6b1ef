//! The platform admin's side (`app/src/api/admin.rs`): approving agencies, the credit rules,
//! deciding disputed placements, and the audit log.

use crate::common::{pairs, settings_form, TestApp};
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_approves_agencies_and_sets_valid_credit_rules_only() {
    let app = TestApp::spawn().await;
    app.admin("root@relay.example").await;
    let agency = app.agency("承認待ち紹介", "wait@wait.example", false).await;
    let waiting = app.signed_in("wait@wait.example").await;
    assert_eq!(
        waiting.get("/agency").await.status,
        StatusCode::FORBIDDEN,
        "an unapproved agency sees no pool"
    );
    let admin = app.signed_in("root@relay.example").await;
    let r = admin
        .post(
            "/admin",
            "/api/set_agency_status",
            &[("agency_id", &agency.to_string()), ("approved", "true")],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/admin?saved=agency"));
    assert_eq!(waiting.get("/agency").await.status, StatusCode::OK);

    let bad = admin
        .post(
            "/admin",
            "/api/save_settings",
            &pairs(&settings_form(&[
                ("relays_per_credit", "0"),
                ("placement_bonus", "x"),
            ])),
        )
        .await;
    assert_eq!(bad.location.as_deref(), Some("/admin"));
    let page = admin.get("/admin").await;
    assert!(page.body.contains("入力できる範囲を超えています"));
    assert!(page.body.contains("data-field=\"placement_bonus\""));
    assert_eq!(
        career_relay::settings::load(&app.pool)
            .await
            .unwrap()
            .relays_per_credit,
        10,
        "nothing changed"
    );
    admin
        .post(
            "/admin",
            "/api/save_settings",
            &pairs(&settings_form(&[
                ("relays_per_credit", "5"),
                ("placement_bonus", "2"),
                ("request_days", "60"),
                ("credit_months", "6"),
                ("claim_days", "45"),
                ("retention_months", "36"),
            ])),
        )
        .await;
    let s = career_relay::settings::load(&app.pool).await.unwrap();
    assert_eq!((s.relays_per_credit, s.placement_bonus), (5, 2));
    assert_eq!((s.request_days, s.credit_months), (60, 6));
    assert_eq!((s.claim_days, s.retention_months), (45, 36));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_candidate_disputes_a_placement_and_the_admin_decides() {
    let app = TestApp::spawn().await;
    let company = app.company("異議株式会社", "hr@dispute.example").await;
    app.agency("ネクスト紹介", "staff@next.example", true).await;
    app.admin("root@career-relay.example").await;
    let code = app.relay_code(company).await;
    let candidate = app.qualified_candidate(&code, "d0@example.jp").await;
    let agency = app.signed_in("staff@next.example").await;
    let candidate_id = app
        .count("SELECT MIN(id) FROM candidates")
        .await
        .to_string();
    agency
        .post(
            "/agency",
            "/api/claim_candidate",
            &[("candidate_id", &candidate_id)],
        )
        .await;
    let claim_id = app.count("SELECT id FROM claims").await.to_string();
    agency
        .post(
            "/agency/claims",
            "/api/report_placement",
            &[
                ("claim_id", &claim_id),
                ("employer", "株式会社次"),
                ("position", "経理"),
                ("start_date", "2027-04-01"),
                ("fee", ""),
            ],
        )
        .await;
    let placement_id = app.count("SELECT id FROM placements").await.to_string();
    let balance =
        || app.count("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM credit_ledger");
    assert_eq!(balance().await, 1);

    let me = candidate.get("/me").await;
    assert!(me.body.contains("株式会社次"), "the candidate is told");
    assert!(me.body.contains("/api/answer_placement"));
    let bad = candidate
        .post(
            "/me",
            "/api/answer_placement",
            &[("placement_id", "999999"), ("answer", "dispute")],
        )
        .await;
    assert_eq!(bad.location.as_deref(), Some("/me"));
    assert!(candidate.get("/me").await.body.contains("見つかりません"));
    let disputed = candidate
        .post(
            "/me",
            "/api/answer_placement",
            &[("placement_id", &placement_id), ("answer", "dispute")],
        )
        .await;
    assert_eq!(disputed.location.as_deref(), Some("/me?saved=placement"));
    assert_eq!(balance().await, 0, "the bonus is held");
    assert!(!candidate
        .get("/me")
        .await
        .body
        .contains("/api/answer_placement"));

    // Only the platform admin decides.
    let refused = agency
        .post(
            "/admin",
            "/api/decide_placement",
            &[("placement_id", &placement_id), ("uphold", "true")],
        )
        .await;
    assert_ne!(refused.location.as_deref(), Some("/admin?saved=dispute"));
    assert_eq!(balance().await, 0);
    let admin = app.signed_in("root@career-relay.example").await;
    let page = admin.get("/admin").await;
    assert!(page.body.contains(r#"data-testid="disputes""#));
    let decided = admin
        .post(
            "/admin",
            "/api/decide_placement",
            &[("placement_id", &placement_id), ("uphold", "true")],
        )
        .await;
    assert_eq!(decided.location.as_deref(), Some("/admin?saved=dispute"));
    assert_eq!(balance().await, 1, "upholding releases the bonus");
    let again = admin
        .post(
            "/admin",
            "/api/decide_placement",
            &[("placement_id", &placement_id), ("uphold", "false")],
        )
        .await;
    assert_eq!(again.location.as_deref(), Some("/admin"));
    assert!(admin.get("/admin").await.body.contains("すでに回答済み"));
    assert_eq!(balance().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_records_sign_ins_approvals_settings_and_profile_views() {
    let app = TestApp::spawn().await;
    app.admin("root@relay.example").await;
    let company = app.company("監査株式会社", "hr@audit.example").await;
    let agency = app
        .agency("監査紹介", "staff@audit-agency.example", false)
        .await;
    let code = app.relay_code(company).await;
    app.qualified_candidate(&code, "audited@example.jp").await;
    let candidate_id = app.count("SELECT MIN(id) FROM candidates").await;
    let admin = app.signed_in("root@relay.example").await;
    admin
        .post(
            "/admin",
            "/api/set_agency_status",
            &[("agency_id", &agency.to_string()), ("approved", "true")],
        )
        .await;
    admin
        .post(
            "/admin",
            "/api/save_settings",
            &pairs(&settings_form(&[("relays_per_credit", "8")])),
        )
        .await;
    let staff = app.signed_in("staff@audit-agency.example").await;
    let detail = format!("/agency/candidates/{candidate_id}");
    staff.get(&detail).await;
    let views = || app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'profile_viewed'");
    assert_eq!(
        views().await,
        0,
        "the summary in the pool is not a full profile"
    );
    staff
        .post(
            &detail,
            "/api/claim_candidate",
            &[("candidate_id", &candidate_id.to_string())],
        )
        .await;
    staff.get(&detail).await;
    assert_eq!(views().await, 1, "the full profile view is recorded");

    let page = admin.get("/admin").await;
    assert!(page.body.contains(r#"data-testid="audit""#));
    for action in [
        "sign_in",
        "agency_approved",
        "settings_changed",
        "profile_viewed",
    ] {
        assert!(
            page.body.contains(&format!("audit-{action}")),
            "{action} is in the log"
        );
    }
    assert!(page.body.contains(&format!("candidate:{candidate_id}")));
    assert!(
        !page.body.contains("audited@example.jp"),
        "ids only, no personal data"
    );
    assert!(staff.get("/admin").await.status == StatusCode::FORBIDDEN);
}
