//! Signing in and out (`app/src/api/session.rs`): sign-in requests that reveal no accounts, where
//! the mailed links go (the dev mailbox, or SMTP on a public portal), and signing out on one
//! device or on all of them.

use crate::common::TestApp;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asking_for_a_sign_in_link_does_not_reveal_who_has_an_account() {
    let app = TestApp::spawn().await;
    app.company("リンク株式会社", "hr@link.example").await;
    let b = app.browser();
    let known = b
        .post(
            "/signin",
            "/api/request_sign_in",
            &[("email", "HR@link.example")],
        )
        .await;
    let unknown = b
        .post(
            "/signin",
            "/api/request_sign_in",
            &[("email", "nobody@link.example")],
        )
        .await;
    assert_eq!(known.location, unknown.location);
    assert_eq!(known.location.as_deref(), Some("/signin?sent=1"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox").await,
        1,
        "mail only to the real account"
    );
    let link = app.mailed_link("hr@link.example").await;
    assert_eq!(
        b.use_link(&link).await.location.as_deref(),
        Some("/company")
    );
    let bad = b
        .post("/signin", "/api/request_sign_in", &[("email", "???")])
        .await;
    assert_eq!(bad.location.as_deref(), Some("/signin"));
    assert!(b
        .get("/signin")
        .await
        .body
        .contains("メールアドレスの形式が正しくありません"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dev_mailbox_shows_sent_mail_in_dev_mode() {
    let app = TestApp::spawn().await;
    app.company("メール株式会社", "hr@mail.example").await;
    app.browser()
        .post(
            "/signin",
            "/api/request_sign_in",
            &[("email", "hr@mail.example")],
        )
        .await;
    let page = app.browser().get("/dev/mailbox").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("ログインリンク"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_portal_without_smtp_refuses_to_start() {
    let scratch = career_relay::scratch::ScratchDb::new().await.unwrap();
    let mut config = career_relay_server::Config::for_tests(&scratch.url);
    config.base_url = Some("https://relay.example.jp".into());
    let refused = career_relay_server::Application::build(&config).await;
    let message = refused.err().expect("no dev mode in public").to_string();
    assert!(message.contains("CAREER_RELAY_SMTP_URL"), "{message}");
    config.smtp_url = Some("smtp://127.0.0.1:2525".into());
    assert!(career_relay_server::Application::build(&config)
        .await
        .is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_ends_the_session() {
    let app = TestApp::spawn().await;
    app.company("退出株式会社", "hr@out.example").await;
    let b = app.signed_in("hr@out.example").await;
    assert_eq!(b.get("/company").await.status, StatusCode::OK);
    let out = b.post("/company", "/api/sign_out", &[]).await;
    assert_eq!(out.location.as_deref(), Some("/"));
    assert_eq!(b.get("/company").await.status, StatusCode::FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_everywhere_ends_the_sessions_on_every_device() {
    let app = TestApp::spawn().await;
    app.company("端末株式会社", "hr@devices.example").await;
    let laptop = app.signed_in("hr@devices.example").await;
    let phone = app.signed_in("hr@devices.example").await;
    let other = {
        app.company("別端末株式会社", "hr@other-devices.example")
            .await;
        app.signed_in("hr@other-devices.example").await
    };
    assert_eq!(phone.get("/company").await.status, StatusCode::OK);
    let out = laptop
        .post("/company", "/api/sign_out_everywhere", &[])
        .await;
    assert_eq!(out.location.as_deref(), Some("/"));
    for device in [&laptop, &phone] {
        let page = device.get("/company").await;
        assert_eq!(page.status, StatusCode::FOUND, "signed out");
        assert!(page.location.unwrap().starts_with("/signin"));
    }
    assert_eq!(
        other.get("/company").await.status,
        StatusCode::OK,
        "other people stay signed in"
    );
    let again = app.signed_in("hr@devices.example").await;
    assert_eq!(
        again.get("/company").await.status,
        StatusCode::OK,
        "a new sign-in works"
    );
}
