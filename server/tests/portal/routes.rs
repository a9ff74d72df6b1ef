//! The plain routes (`server/src/routes.rs`): health, the language switch, and unknown pages.

use crate::common::TestApp;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_when_the_database_does() {
    let app = TestApp::spawn().await;
    let page = app.browser().get("/healthz").await;
    assert_eq!(page.status, StatusCode::OK);
    app.pool.close().await;
    assert_eq!(
        app.browser().get("/healthz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn japanese_by_default_and_english_when_chosen_and_remembered() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let home = b.get("/").await;
    assert!(home.body.contains("落とす採用から、つなぐ採用へ。"));
    let switch = b.get("/lang/en?next=/signin").await;
    assert_eq!(switch.location.as_deref(), Some("/signin"));
    let page = b.get("/signin").await;
    assert!(
        page.body.contains("Send me a sign-in link"),
        "English after the switch"
    );
    assert!(
        b.get("/")
            .await
            .body
            .contains("From rejecting to relaying."),
        "remembered"
    );
    let evil = b.get("/lang/ja?next=//evil.example").await;
    assert_eq!(evil.location.as_deref(), Some("/"), "no open redirect");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_pages_are_404_and_headers_keep_codes_private() {
    let app = TestApp::spawn().await;
    let res = app
        .browser()
        .client
        .get(format!("{}/no/such/page", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.headers().get("referrer-policy").unwrap(), "same-origin");
    assert_eq!(
        res.headers().get("x-content-type-options").unwrap(),
        "nosniff"
    );
}
