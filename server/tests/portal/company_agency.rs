//! Company and agency pages: the link, credits, the pool, claims and placements.

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
            &[("relays_per_credit", "0"), ("placement_bonus", "x")],
        )
        .await;
    assert_eq!(bad.location.as_deref(), Some("/admin"));
    let page = admin.get("/admin").await;
    assert!(page.body.contains("入力できる範囲を超えています"));
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
            &[("relays_per_credit", "5"), ("placement_bonus", "2")],
        )
        .await;
    let s = career_relay::settings::load(&app.pool).await.unwrap();
    assert_eq!((s.relays_per_credit, s.placement_bonus), (5, 2));
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
            &[("relays_per_credit", "8"), ("placement_bonus", "1")],
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn company_admins_invite_change_and_remove_members() {
    let app = TestApp::spawn().await;
    app.company("メンバー株式会社", "boss@members.example")
        .await;
    let boss = app.signed_in("boss@members.example").await;
    let page = boss.get("/members").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("boss@members.example"));

    let bad = boss
        .post(
            "/members",
            "/api/invite_member",
            &[("email", "not-an-address"), ("role", "member")],
        )
        .await;
    assert_eq!(bad.location.as_deref(), Some("/members"));
    assert!(boss
        .get("/members")
        .await
        .body
        .contains("メールアドレスの形式が正しくありません"));
    let invited = boss
        .post(
            "/members",
            "/api/invite_member",
            &[("email", "new@members.example"), ("role", "member")],
        )
        .await;
    assert_eq!(invited.location.as_deref(), Some("/members?saved=invited"));
    let link = app.mailed_link("new@members.example").await;
    let newcomer = app.browser();
    assert_eq!(
        newcomer.use_link(&link).await.location.as_deref(),
        Some("/company")
    );
    assert_eq!(newcomer.get("/company").await.status, StatusCode::OK);
    assert_eq!(
        newcomer.get("/members").await.status,
        StatusCode::FORBIDDEN,
        "members are not admins"
    );

    let id = app
        .count("SELECT id FROM users WHERE email = 'new@members.example'")
        .await
        .to_string();
    let made = boss
        .post(
            "/members",
            "/api/set_member_role",
            &[("user_id", &id), ("role", "admin")],
        )
        .await;
    assert_eq!(made.location.as_deref(), Some("/members?saved=role"));
    assert_eq!(
        newcomer.get("/company").await.status,
        StatusCode::FOUND,
        "a role change ends the member's sessions"
    );
    let boss_id = app
        .count("SELECT id FROM users WHERE email = 'boss@members.example'")
        .await
        .to_string();
    // The newcomer, now an admin, demotes the boss; then the last admin cannot step down.
    let newcomer = app.signed_in("new@members.example").await;
    newcomer
        .post(
            "/members",
            "/api/set_member_role",
            &[("user_id", &boss_id), ("role", "member")],
        )
        .await;
    let last = newcomer
        .post("/members", "/api/remove_member", &[("user_id", &id)])
        .await;
    assert_eq!(last.location.as_deref(), Some("/members"));
    assert!(newcomer
        .get("/members")
        .await
        .body
        .contains("管理者が1人以上必要です"));
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM users WHERE company_id IS NOT NULL AND member_role = 'admin'"
        )
        .await,
        1
    );
    let removed = newcomer
        .post("/members", "/api/remove_member", &[("user_id", &boss_id)])
        .await;
    assert_eq!(removed.location.as_deref(), Some("/members?saved=removed"));
    assert_eq!(
        boss.get("/company").await.status,
        StatusCode::FOUND,
        "removed: signed out"
    );
    let again = app.browser();
    again
        .post(
            "/signin",
            "/api/request_sign_in",
            &[("email", "boss@members.example")],
        )
        .await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE to_addr = 'boss@members.example'")
            .await,
        0,
        "a removed member gets no sign-in link"
    );
}
