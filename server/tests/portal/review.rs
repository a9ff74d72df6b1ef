//! `/admin/review` and the company's view of held relays: a burst of opt-ins from one network is
//! held with its network as evidence (never an address), decided in bulk by the admin, and the
//! company sees only how many wait.

use crate::common::{pairs, profile_form, settings_form, TestApp};

/// A portal that takes the client's address from `x-forwarded-for`, with a company (its admin
/// `hr@held.example`) and a platform admin; returns the app and the company's relay code.
async fn portal() -> (TestApp, i64, String) {
    let app = TestApp::spawn_with(|c| c.client_ip_header = Some("x-forwarded-for".into())).await;
    let company = app.company("保留株式会社", "hr@held.example").await;
    app.admin("root@relay.example").await;
    let code = app.relay_code(company).await;
    (app, company, code)
}

/// `n` people opt in from `ip` (a burst), then each confirms and completes a profile of their own.
async fn burst(app: &TestApp, code: &str, ip: &str, n: usize) {
    let mut browsers = Vec::new();
    for i in 0..n {
        let b = app.browser_from(ip);
        let email = format!("burst{i}@example.jp");
        let page = b
            .post(
                &format!("/r/{code}"),
                "/api/opt_in",
                &[("code", code), ("email", &email), ("handoff", "on")],
            )
            .await;
        assert_eq!(page.location.as_deref(), Some("/check-mail"));
        browsers.push((b, email));
    }
    for (i, (b, email)) in browsers.into_iter().enumerate() {
        let link = app.mailed_link(&email).await;
        b.use_link(&link).await;
        let summary = format!("{i} 人目の自己紹介");
        let mut profile = profile_form();
        if let Some(f) = profile.iter_mut().find(|(k, _)| *k == "summary") {
            f.1 = &summary;
        }
        let page = b.post("/me", "/api/save_profile", &profile).await;
        assert_eq!(page.location.as_deref(), Some("/me?saved=profile"));
    }
}

async fn held_ids(app: &TestApp) -> Vec<String> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM relays WHERE status = 'held' ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    ids.iter().map(i64::to_string).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_from_one_network_is_held_shown_as_a_prefix_and_decided_in_bulk() {
    let (app, company, code) = portal().await;
    burst(&app, &code, "203.0.113.77", 5).await;
    let ids = held_ids(&app).await;
    assert_eq!(ids.len(), 5);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM relay_events WHERE network = '203.0.113.0/24'")
            .await,
        5,
        "the opt-ins keep their network's prefix"
    );

    // The admin sees the group with its evidence, and no person.
    let admin = app.signed_in("root@relay.example").await;
    let page = admin.get("/admin/review").await;
    assert_eq!(page.status.as_u16(), 200);
    assert!(page.body.contains("data-rule=\"network\""));
    assert!(page.body.contains("203.0.113.0/24"));
    for hidden in ["203.0.113.77", "burst0@example.jp", "山田"] {
        assert!(!page.body.contains(hidden), "{hidden} shown");
    }

    // The company sees how many wait, not which or why.
    let hr = app.signed_in("hr@held.example").await;
    let status = hr.get("/company").await;
    let at = status
        .body
        .find("data-testid=\"held\"")
        .expect("the held notice");
    let notice = &status.body[at..at + status.body[at..].find("</p>").unwrap()];
    assert!(
        notice.contains('5') && notice.contains("件"),
        "the count of held relays: {notice}"
    );
    assert!(!status.body.contains("203.0.113"));

    // Nothing chosen, or no decision: a translated error, and nothing changes.
    let page = admin
        .post(
            "/admin/review",
            "/api/decide_relays",
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(page.location.as_deref(), Some("/admin/review"));
    let page = admin
        .post(
            "/admin/review",
            "/api/decide_relays",
            &[("relays[]", &ids[0]), ("decision", "maybe")],
        )
        .await;
    assert_eq!(page.location.as_deref(), Some("/admin/review"));
    let back = admin.get("/admin/review").await;
    assert!(back.body.contains("表示された選択肢から選んでください"));
    assert_eq!(held_ids(&app).await.len(), 5);

    // Approve three, reject two, in two bulk decisions.
    let mut approve: Vec<(&str, &str)> = ids[..3]
        .iter()
        .map(|id| ("relays[]", id.as_str()))
        .collect();
    approve.push(("decision", "approve"));
    let page = admin
        .post("/admin/review", "/api/decide_relays", &approve)
        .await;
    assert_eq!(
        page.location.as_deref(),
        Some("/admin/review?decided=3&already=0")
    );
    let mut reject: Vec<(&str, &str)> = ids[3..]
        .iter()
        .map(|id| ("relays[]", id.as_str()))
        .collect();
    reject.push(("decision", "reject"));
    admin
        .post("/admin/review", "/api/decide_relays", &reject)
        .await;
    // Pressing approve again on decided relays decides nothing.
    let page = admin
        .post("/admin/review", "/api/decide_relays", &approve)
        .await;
    assert_eq!(
        page.location.as_deref(),
        Some("/admin/review?decided=0&already=3")
    );
    assert_eq!(
        app.count(&format!(
            "SELECT qualified FROM companies WHERE id = {company}"
        ))
        .await,
        3
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM relays WHERE status = 'rejected'")
            .await,
        2
    );
    assert!(!hr
        .get("/company")
        .await
        .body
        .contains("data-testid=\"held\""));
    assert!(admin
        .get("/admin/review")
        .await
        .body
        .contains("data-testid=\"review-empty\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn farming_thresholds_out_of_range_are_refused_and_change_nothing() {
    let (app, _, _) = portal().await;
    let admin = app.signed_in("root@relay.example").await;
    let form = settings_form(&[("hold_disposable", "2"), ("hold_network_optins", "1")]);
    let page = admin
        .post("/admin", "/api/save_settings", &pairs(&form))
        .await;
    assert_eq!(page.location.as_deref(), Some("/admin"));
    let s = career_relay::settings::load(&app.pool).await.unwrap();
    assert_eq!((s.hold_disposable, s.hold_network_optins), (1, 5));
    let back = admin.get("/admin").await;
    assert!(back.body.contains("不正検知"), "the rules are labelled");
    let form = settings_form(&[("hold_network_optins", "3")]);
    admin
        .post("/admin", "/api/save_settings", &pairs(&form))
        .await;
    let s = career_relay::settings::load(&app.pool).await.unwrap();
    assert_eq!(s.hold_network_optins, 3);
}
