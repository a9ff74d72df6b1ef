//! The candidate's journey: landing, consent, confirmation, profile, withdrawal.

use crate::common::{profile_form, TestApp};
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_landing_page_names_the_company_and_shows_the_versioned_notice() {
    let app = TestApp::spawn().await;
    let company = app.company("さくら食品株式会社", "hr@sakura.example").await;
    let code = app.relay_code(company).await;
    let page = app.browser().get(&format!("/r/{code}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("さくら食品株式会社"));
    assert!(page.body.contains(career_relay::consent::NOTICE_VERSION));
    assert!(page.body.contains("人材紹介会社"), "Japanese by default");
    assert_eq!(
        app.count("SELECT visits FROM relay_links").await,
        1,
        "the visit is counted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_and_malformed_relay_codes_get_a_friendly_404() {
    let app = TestApp::spawn().await;
    for code in ["AAAAAAAAAAAAAAAAAAAAAA", "nope"] {
        let page = app.browser().get(&format!("/r/{code}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(page.body.contains("このリンクは見つかりませんでした"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_link_explains_what_happened_and_keeps_nothing() {
    let app = TestApp::spawn().await;
    let company = app.company("旧リンク株式会社", "hr@old.example").await;
    let old = app.relay_code(company).await;
    career_relay::relay::reissue(&app.pool, company)
        .await
        .unwrap();
    let b = app.browser();
    let page = b.get(&format!("/r/{old}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("このリンクは現在使われていません"));
    let post = b
        .post(
            &format!("/r/{old}"),
            "/api/opt_in",
            &[("code", &old), ("email", "a@example.jp"), ("handoff", "on")],
        )
        .await;
    assert_eq!(post.status, StatusCode::FOUND);
    assert_eq!(app.count("SELECT COUNT(*) FROM candidates").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opting_in_without_consent_or_with_a_bad_address_keeps_nothing_and_says_why() {
    let app = TestApp::spawn().await;
    let company = app.company("同意株式会社", "hr@consent.example").await;
    let code = app.relay_code(company).await;
    let b = app.browser();
    let from = format!("/r/{code}");
    let page = b
        .post(
            &from,
            "/api/opt_in",
            &[("code", &code), ("email", "taro@example.jp")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FOUND);
    assert_eq!(
        page.location.as_deref(),
        Some(from.as_str()),
        "back to the form"
    );
    let form = b.get(&from).await;
    assert!(
        form.body.contains("提供への同意が必要です"),
        "the consent error is shown next to the form"
    );
    assert!(
        form.body.contains("taro@example.jp"),
        "the typed address is kept"
    );
    assert!(
        !b.get(&from).await.body.contains("提供への同意が必要です"),
        "the error is shown once"
    );

    b.post(
        &from,
        "/api/opt_in",
        &[
            ("code", &code),
            ("email", "not-an-address"),
            ("handoff", "on"),
        ],
    )
    .await;
    assert!(b
        .get(&from)
        .await
        .body
        .contains("メールアドレスの形式が正しくありません"));
    assert_eq!(app.count("SELECT COUNT(*) FROM candidates").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_confirms_by_link_fills_the_profile_and_enters_the_pool() {
    let app = TestApp::spawn().await;
    let company = app.company("流れ株式会社", "hr@flow.example").await;
    let code = app.relay_code(company).await;
    let b = app.qualified_candidate(&code, "hanako@example.jp").await;
    let me = b.get("/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert!(me.body.contains("山田 太郎"));
    assert!(me
        .body
        .contains("人材紹介会社からのご紹介を受け付けています"));
    assert_eq!(app.count("SELECT COUNT(*) FROM relays").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM consents WHERE kind = 'handoff'")
            .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_link_used_twice_offers_a_new_one() {
    let app = TestApp::spawn().await;
    let company = app.company("二度株式会社", "hr@twice.example").await;
    let code = app.relay_code(company).await;
    let b = app.browser();
    b.post(
        &format!("/r/{code}"),
        "/api/opt_in",
        &[
            ("code", &code),
            ("email", "twice@example.jp"),
            ("handoff", "on"),
        ],
    )
    .await;
    let link = app.mailed_link("twice@example.jp").await;
    assert_eq!(b.use_link(&link).await.location.as_deref(), Some("/me"));
    let again = app.browser().use_link(&link).await;
    assert_eq!(
        again.location.as_deref(),
        Some("/signin?error=sign_in_link_invalid")
    );
    let page = app
        .browser()
        .get("/signin?error=sign_in_link_invalid")
        .await;
    assert!(page.body.contains("使用済みか、有効期限が切れています"));
    assert!(
        page.body.contains("ログインリンクを送る"),
        "the page offers a new link"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_profile_is_not_saved_in_part() {
    let app = TestApp::spawn().await;
    let company = app.company("検証株式会社", "hr@check.example").await;
    let code = app.relay_code(company).await;
    let b = app.qualified_candidate(&code, "check@example.jp").await;
    let mut form = profile_form();
    form[0] = ("name", "別の名前");
    form[1] = ("name_kana", "Bad Kana");
    form[8] = ("years_experience", "たくさん");
    let page = b.post("/me", "/api/save_profile", &form).await;
    assert_eq!(page.location.as_deref(), Some("/me"));
    let me = b.get("/me").await;
    assert!(me.body.contains("カタカナまたはひらがなで入力してください"));
    assert!(me.body.contains("半角数字で入力してください"));
    let name: String = sqlx::query_scalar("SELECT name FROM candidates")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(name, "山田 太郎", "nothing was half-saved");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn withdrawing_consent_takes_effect_at_once() {
    let app = TestApp::spawn().await;
    let company = app.company("撤回株式会社", "hr@withdraw.example").await;
    let code = app.relay_code(company).await;
    let b = app.qualified_candidate(&code, "w@example.jp").await;
    let page = b
        .post(
            "/me",
            "/api/set_consent",
            &[("kind", "handoff"), ("granted", "false")],
        )
        .await;
    assert_eq!(page.location.as_deref(), Some("/me?saved=consent"));
    assert_eq!(app.count("SELECT in_pool FROM candidates").await, 0);
    assert!(b
        .get("/me?saved=consent")
        .await
        .body
        .contains("同意を撤回しています"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_erases_their_data_from_their_page_and_is_never_invited_again() {
    let app = TestApp::spawn().await;
    let company = app.company("削除株式会社", "hr@erase.example").await;
    app.agency("削除紹介", "staff@erase-agency.example", true)
        .await;
    let code = app.relay_code(company).await;
    let candidate = app.qualified_candidate(&code, "erase@example.jp").await;
    let id = app.count("SELECT id FROM candidates").await.to_string();
    let staff = app.signed_in("staff@erase-agency.example").await;
    staff
        .post("/agency", "/api/claim_candidate", &[("candidate_id", &id)])
        .await;

    // Without the confirmation nothing happens, and the page says why.
    let unconfirmed = candidate.post("/me", "/api/erase_me", &[]).await;
    assert_eq!(unconfirmed.location.as_deref(), Some("/me"));
    assert!(candidate
        .get("/me")
        .await
        .body
        .contains("確認のチェックを入れてください"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM candidates WHERE erased_at IS NULL")
            .await,
        1
    );

    let erased = candidate
        .post("/me", "/api/erase_me", &[("confirm", "on")])
        .await;
    assert_eq!(erased.location.as_deref(), Some("/?saved=erased"));
    // Signed out, and the agency that held the claim sees nothing.
    assert_eq!(candidate.get("/me").await.status.as_u16(), 302);
    let detail = staff.get(&format!("/agency/candidates/{id}")).await;
    assert_eq!(detail.status.as_u16(), 404);
    assert!(!staff.get("/agency/claims").await.body.contains("山田"));
    // The company's ATS sends the address again: suppressed, not invited.
    let (_, key) = career_relay::apikey::create(
        &app.pool,
        career_relay::org::Membership::Company(company),
        None,
        "ATS",
    )
    .await
    .unwrap();
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/applicants", app.base))
        .bearer_auth(key)
        .json(&serde_json::json!({ "name": "山田 太郎", "email": "erase@example.jp" }))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["results"][0]["result"], "suppressed", "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_changes_their_address_through_a_link_mailed_to_the_new_one() {
    let app = TestApp::spawn().await;
    let company = app.company("変更株式会社", "hr@change.example").await;
    let code = app.relay_code(company).await;
    let candidate = app
        .qualified_candidate(&code, "old-address@example.jp")
        .await;
    let bad = candidate
        .post(
            "/me",
            "/api/request_email_change",
            &[("email", "not an address")],
        )
        .await;
    assert_eq!(bad.location.as_deref(), Some("/me"));
    let sent = candidate
        .post(
            "/me",
            "/api/request_email_change",
            &[("email", "new-address@example.jp")],
        )
        .await;
    assert_eq!(sent.location.as_deref(), Some("/me?saved=email_sent"));
    // The old address is told, with the new one masked; the new one gets the link.
    let told: String = sqlx::query_scalar(
        "SELECT body_text FROM outbox WHERE to_addr = 'old-address@example.jp' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(told.contains("n***@example.jp") && !told.contains("new-address"));
    let link: String =
        sqlx::query_scalar("SELECT body_text FROM outbox WHERE to_addr = 'new-address@example.jp'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let start = link.find("/me/email/").unwrap();
    let path: String = link[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    // Opening the link changes nothing; the button does.
    let page = app.browser().get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("confirm-email"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM candidates WHERE email = 'new-address@example.jp'")
            .await,
        0
    );
    let done = app
        .browser()
        .post(&path, &format!("{path}/confirm"), &[])
        .await;
    assert_eq!(done.location.as_deref(), Some("/me?saved=email"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM candidates WHERE email = 'new-address@example.jp'")
            .await,
        1
    );
    // Used twice: a clear page, nothing changed.
    let again = app
        .browser()
        .post(&path, &format!("{path}/confirm"), &[])
        .await;
    assert!(again
        .location
        .unwrap()
        .contains("error=sign_in_link_invalid"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_material_change_of_the_notice_is_published_by_the_admin_and_agreed_to_on_the_candidates_page(
) {
    let app = crate::common::TestApp::spawn().await;
    let company = app.company("改定株式会社", "hr@notice.example").await;
    let code = app.relay_code(company).await;
    let candidate = app.qualified_candidate(&code, "notice@example.jp").await;
    app.admin("root@relay.example").await;
    let admin = app.signed_in("root@relay.example").await;
    // A text missing in one language is refused, and nothing is published.
    let shipped = app.count("SELECT COUNT(*) FROM consent_notices").await;
    let refused = admin
        .post(
            "/admin",
            "/api/publish_notice",
            &[
                ("version", "2027-02"),
                ("text_ja", "提供先を追加します。"),
                ("text_en", ""),
            ],
        )
        .await;
    assert_eq!(refused.location.as_deref(), Some("/admin"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM consent_notices").await,
        shipped
    );
    let published = admin
        .post(
            "/admin",
            "/api/publish_notice",
            &[
                ("version", "2027-02"),
                ("text_ja", "提供先に求人広告会社を加えます。"),
                ("text_en", "Job advertisers become recipients too."),
                ("material", "on"),
            ],
        )
        .await;
    assert_eq!(
        published.location.as_deref(),
        Some("/admin?saved=notice_published")
    );
    assert_eq!(app.count("SELECT in_pool FROM candidates").await, 0);
    // The relay page states the new version and what changed.
    let relay = app.browser().get(&format!("/r/{code}")).await;
    assert!(relay.body.contains("2027-02"));
    assert!(relay.body.contains("提供先に求人広告会社を加えます。"));
    // The candidate's page asks; agreeing brings them back into the pool.
    let me = candidate.get("/me").await;
    assert!(me.body.contains("data-testid=\"notice-change\""));
    assert!(me.body.contains("data-testid=\"accept-notice\""));
    let agreed = candidate.post("/me", "/api/accept_notice", &[]).await;
    assert_eq!(
        agreed.location.as_deref(),
        Some("/me?saved=notice_accepted")
    );
    assert_eq!(app.count("SELECT in_pool FROM candidates").await, 1);
    assert!(!candidate
        .get("/me")
        .await
        .body
        .contains("data-testid=\"notice-change\""));
}
