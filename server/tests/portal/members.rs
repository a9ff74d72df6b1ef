//! An organisation's members (`app/src/api/members.rs`): company admins invite members, change
//! their roles and remove them.

use crate::common::TestApp;
use reqwest::StatusCode;

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
