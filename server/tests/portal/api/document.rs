//! The API's document and keys (`server/src/api/mod.rs`, `app/src/api/members.rs`): the OpenAPI
//! document and the readable reference are served, and a company's admins create and revoke keys
//! in the portal.

use super::{world, Api};
use career_relay::{apikey, org::Membership};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_and_the_reference_are_served_and_keys_are_managed_in_the_portal() {
    let w = world().await;
    let doc: Value = reqwest::get(format!("{}/api/v1/openapi.json", w.app.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for (_, path) in career_relay_server::api::operations() {
        assert!(doc["paths"].get(&path).is_some(), "{path}");
    }
    let page = w.app.browser().get("/api/v1").await;
    assert!(page.body.contains("/api/v1/openapi.json") && page.body.contains("/api/v1/applicants"));

    // The company's admin creates a key: shown once, usable, then revoked.
    let admin = w.app.signed_in("admin@api.example").await;
    let page = admin
        .post("/members", "/api/create_api_key", &[("name", "ATS")])
        .await;
    assert_eq!(page.location.as_deref(), Some("/members?saved=api_key"));
    let page = admin.get("/members?saved=api_key").await;
    let start = page.body.find("crk_").expect("the new key is shown");
    let key: String = page.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    assert!(
        !admin.get("/members").await.body.contains(&key),
        "shown once"
    );
    let api = Api::new(&w.app, Some(&key));
    assert_eq!(api.get("/api/v1/referral").await.0, StatusCode::OK);
    let id: i64 = sqlx::query_scalar("SELECT id FROM api_keys WHERE name = 'ATS'")
        .fetch_one(&w.app.pool)
        .await
        .unwrap();
    let page = admin
        .post(
            "/members",
            "/api/revoke_api_key",
            &[("key_id", &id.to_string())],
        )
        .await;
    assert_eq!(
        page.location.as_deref(),
        Some("/members?saved=api_key_revoked")
    );
    assert_eq!(
        api.get("/api/v1/referral").await.0,
        StatusCode::UNAUTHORIZED
    );
    // A key stops working when the member who made it leaves the organisation.
    let leaver = career_relay::org::add_member(
        &w.app.pool,
        Membership::Company(w.company),
        &career_relay::Email::parse("leaver@api.example").unwrap(),
        career_relay::org::MemberRole::Admin,
    )
    .await
    .unwrap();
    let (_, theirs) = apikey::create(
        &w.app.pool,
        Membership::Company(w.company),
        Some(leaver),
        "x",
    )
    .await
    .unwrap();
    let api = Api::new(&w.app, Some(&theirs));
    assert_eq!(api.get("/api/v1/referral").await.0, StatusCode::OK);
    career_relay::org::remove_member(&w.app.pool, Membership::Company(w.company), leaver)
        .await
        .unwrap();
    assert_eq!(
        api.get("/api/v1/referral").await.0,
        StatusCode::UNAUTHORIZED
    );
    // The invitation language is the company's setting.
    admin
        .post(
            "/members",
            "/api/set_invite_language",
            &[("language", "en")],
        )
        .await;
    let (_, lang) = career_relay::invitation::company_mail_settings(&w.app.pool, w.company)
        .await
        .unwrap();
    assert_eq!(lang, "en");
}
