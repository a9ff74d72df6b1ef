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

/// The members are listed oldest first, fifty to a page, and the API keys newest first, twenty to
/// a page; each list's link to its next page keeps where the other list stands.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_and_api_keys_page_through_every_row_each_on_its_own() {
    use career_relay::{apikey, org, Email};
    let app = TestApp::spawn().await;
    let company = app.company("名簿株式会社", "boss@roster.example").await;
    let team = org::Membership::Company(company);
    for i in 0..55 {
        let email = Email::parse(&format!("m{i:02}@roster.example")).unwrap();
        org::invite_member(&app.pool, team, &email, org::MemberRole::Member)
            .await
            .unwrap();
    }
    for i in 0..23 {
        apikey::create(&app.pool, team, None, &format!("key {i}"))
            .await
            .unwrap();
    }
    let ids = |sql: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .bind(company)
                .fetch_all(&pool)
                .await
                .unwrap()
        }
    };
    let members = ids("SELECT id FROM users WHERE company_id = $1 ORDER BY id").await;
    let keys = ids("SELECT id FROM api_keys WHERE company_id = $1 ORDER BY id DESC").await;
    assert_eq!((members.len(), keys.len()), (56, 23));
    let (member, key) = ("data-member=\"", "name=\"key_id\" value=\"");
    let boss = app.signed_in("boss@roster.example").await;

    let first = boss.get("/members").await;
    assert_eq!(first.ids_after(member), members[..50]);
    assert_eq!(first.ids_after(key), keys[..20]);
    let [more_members, older_keys] = first.next_links().try_into().expect("a link for each list");

    let members_on = boss.get(&more_members).await;
    assert_eq!(members_on.ids_after(member), members[50..]);
    assert_eq!(
        members_on.ids_after(key),
        keys[..20],
        "the keys stay where they were"
    );
    let [older_keys_there] = members_on
        .next_links()
        .try_into()
        .expect("only the keys go on");

    let keys_on = boss.get(&older_keys_there).await;
    assert_eq!(
        keys_on.ids_after(member),
        members[50..],
        "the members stay where they were"
    );
    assert_eq!(keys_on.ids_after(key), keys[20..]);
    assert!(
        keys_on.next_links().is_empty(),
        "both lists are at their ends"
    );

    let keys_first = boss.get(&older_keys).await;
    assert_eq!(keys_first.ids_after(member), members[..50]);
    assert_eq!(keys_first.ids_after(key), keys[20..]);
}
