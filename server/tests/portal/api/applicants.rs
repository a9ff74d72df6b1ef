//! A company's intake (`server/src/api/applicants.rs`): registering rejected applicants, the
//! invitation mail with its personal and unsubscribe links, and a clear problem for every bad
//! request.

use super::{applicant, world, Api};
use career_relay::{apikey, org::Membership};
use reqwest::{Client, StatusCode};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registered_applicants_are_invited_once_by_mail_and_retries_are_safe() {
    let w = world().await;
    let api = Api::new(&w.app, Some(&w.company_key));
    // A malformed row refuses the whole request: nothing is invited.
    let (status, p) = api
        .post(
            "/api/v1/applicants",
            &json!({ "applicants": [
                applicant("山田 太郎", "taro@example.jp"),
                applicant("無効", "not-an-address"),
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(
        (p["code"].as_str(), p["field"].as_str()),
        (Some("invalid_email"), Some("applicants[1].email"))
    );
    assert_eq!(w.app.count("SELECT COUNT(*) FROM invitations").await, 0);
    let body = json!({ "applicants": [
        applicant("山田 太郎", "taro@example.jp"),
        applicant("山田 太郎", "Taro+ats@Example.jp"),
        applicant("佐藤 花子", "hanako@example.jp"),
    ]});
    let raw = serde_json::to_vec(&body).unwrap();
    let (status, first) = api
        .post_raw(
            "/api/v1/applicants",
            "application/json",
            raw.clone(),
            Some("batch-1"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let results = first["results"].as_array().unwrap();
    assert_eq!(results[0]["result"], "invited");
    assert_eq!(results[1]["result"], "duplicate_in_request");
    assert_eq!(results[2]["result"], "invited");
    assert_eq!(first["invited"], 2);
    // The invitation mail, in the company's language, with a personal link and an unsubscribe link.
    let body: String =
        sqlx::query_scalar("SELECT body_text FROM outbox WHERE to_addr = 'taro@example.jp'")
            .fetch_one(&w.app.pool)
            .await
            .unwrap();
    assert!(
        body.contains("山田 太郎 様") && body.contains("API株式会社"),
        "{body}"
    );
    assert!(
        body.contains(&format!("{}/i/", w.app.base))
            && body.contains(&format!("{}/u/", w.app.base))
    );
    // A retry with the same key and body gets the same answer and sends nothing more.
    let (status, again) = api
        .post_raw(
            "/api/v1/applicants",
            "application/json",
            raw,
            Some("batch-1"),
        )
        .await;
    assert_eq!((status, &again), (StatusCode::OK, &first));
    assert_eq!(w.app.count("SELECT COUNT(*) FROM outbox").await, 2);
    // The same key with another body is refused.
    let other =
        serde_json::to_vec(&json!({ "applicants": [applicant("別人", "other@example.jp")] }))
            .unwrap();
    let (status, p) = api
        .post_raw(
            "/api/v1/applicants",
            "application/json",
            other,
            Some("batch-1"),
        )
        .await;
    assert_eq!(
        (status, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("idempotency_key_reused")
        )
    );
    // Without a key, the company's earlier invitation stands: a second registration is refused per row.
    let (_, one) = api
        .post(
            "/api/v1/applicants",
            &applicant("山田 太郎", "taro@example.jp"),
        )
        .await;
    assert_eq!(one["results"][0]["result"], "already_invited");
    assert_eq!(w.app.count("SELECT COUNT(*) FROM invitations").await, 2);

    let (status, list) = api.get("/api/v1/invitations").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["status"], "invited");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invited_applicant_opts_in_through_the_personal_link_or_unsubscribes() {
    let w = world().await;
    let api = Api::new(&w.app, Some(&w.company_key));
    api.post(
        "/api/v1/applicants",
        &json!({ "applicants": [
            applicant("山田 太郎", "taro@example.jp"),
            applicant("佐藤 花子", "hanako@example.jp"),
        ]}),
    )
    .await;
    let link = |to: &'static str, prefix: &'static str| {
        let pool = w.app.pool.clone();
        async move {
            let body: String =
                sqlx::query_scalar("SELECT body_text FROM outbox WHERE to_addr = $1")
                    .bind(to)
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            let start = body.find(prefix).unwrap();
            body[start..].split_whitespace().next().unwrap().to_owned()
        }
    };
    // The personal link leads to the company's relay link; opting in answers the invitation.
    let b = w.app.browser();
    let page = b.get(&link("taro@example.jp", "/i/").await).await;
    let code = w.app.relay_code(w.company).await;
    assert_eq!(page.location, Some(format!("/r/{code}")));
    let page = b
        .post(
            &format!("/r/{code}"),
            "/api/opt_in",
            &[
                ("code", code.as_str()),
                ("email", "taro@example.jp"),
                ("handoff", "on"),
            ],
        )
        .await;
    assert_eq!(page.location.as_deref(), Some("/check-mail"));
    let (status, name): (String, Option<String>) =
        sqlx::query_as("SELECT status, name FROM invitations WHERE candidate_id IS NOT NULL")
            .fetch_one(&w.app.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), name), ("opted_in", None));

    // The other unsubscribes with the button of the unsubscribe page, without any origin (as a
    // mail program's one-click POST) …
    let unsubscribe = link("hanako@example.jp", "/u/").await;
    let page = w.app.browser().get(&unsubscribe).await;
    assert!(page.body.contains("data-testid=\"unsubscribe\""));
    let res = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}{unsubscribe}", w.app.base))
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // … and is never invited again, by any company.
    let other = w.app.company("別会社", "admin@other.example").await;
    let (_, key) = apikey::create(&w.app.pool, Membership::Company(other), None, "x")
        .await
        .unwrap();
    let (_, r) = Api::new(&w.app, Some(&key))
        .post(
            "/api/v1/applicants",
            &applicant("佐藤 花子", "Hanako@example.jp"),
        )
        .await;
    assert_eq!(r["results"][0]["result"], "suppressed");
    // Someone already relayed is not invited either.
    let (_, r) = Api::new(&w.app, Some(&key))
        .post(
            "/api/v1/applicants",
            &applicant("山田 太郎", "taro@example.jp"),
        )
        .await;
    assert_eq!(r["results"][0]["result"], "already_relayed");

    // An invitation nobody answered loses name and address; its unsubscribe link still works.
    api.post(
        "/api/v1/applicants",
        &applicant("遅い 人", "late@example.jp"),
    )
    .await;
    let late = link("late@example.jp", "/u/").await;
    career_relay::invitation::expire_unanswered(&w.app.pool, -1)
        .await
        .unwrap();
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM invitations WHERE email IS NOT NULL OR name IS NOT NULL")
            .await,
        0
    );
    w.app.browser().post(&late, &late, &[]).await;
    let (_, r) = Api::new(&w.app, Some(&key))
        .post(
            "/api/v1/applicants",
            &applicant("遅い 人", "late@example.jp"),
        )
        .await;
    assert_eq!(r["results"][0]["result"], "suppressed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_request_is_a_clear_problem_and_changes_nothing() {
    let w = world().await;
    let api = Api::new(&w.app, Some(&w.company_key));
    let ok = serde_json::to_vec(&applicant("山田", "taro@example.jp")).unwrap();
    let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "application/json",
            b"{\"name\": ".to_vec(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "text/csv",
            ok.clone(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            "application/json",
            vec![b' '; career_relay_server::api::BODY_LIMIT + 100],
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        (
            "application/json",
            serde_json::to_vec(&json!({ "name": "山田", "email": "t@example.jp", "salary": 1 }))
                .unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_field",
        ),
        (
            "application/json",
            serde_json::to_vec(
                &json!({ "applicants": vec![applicant("多", "t@example.jp"); 1001] }),
            )
            .unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "batch_size",
        ),
        (
            "application/json",
            serde_json::to_vec(&applicant("山田", "not-an-address")).unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_email",
        ),
    ];
    // A wrong type is refused without quoting the value sent.
    let (s, p) = api
        .post(
            "/api/v1/applicants",
            &json!({ "name": "山田", "email": ["taro@example.jp"] }),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_body"))
    );
    assert!(!p.to_string().contains("taro@example.jp"), "{p}");
    for (ct, body, status, code) in cases {
        let (s, p) = api.post_raw("/api/v1/applicants", ct, body, None).await;
        assert_eq!((s, p["code"].as_str()), (status, Some(code)), "{p}");
    }
    for (key, status, code) in [
        (None, StatusCode::UNAUTHORIZED, "unauthorized"),
        (
            Some(w.revoked_key.as_str()),
            StatusCode::UNAUTHORIZED,
            "invalid_key",
        ),
        (Some("crk_made-up"), StatusCode::UNAUTHORIZED, "invalid_key"),
        (
            Some(w.agency_key.as_str()),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
    ] {
        let (s, p) = Api::new(&w.app, key)
            .post_raw("/api/v1/applicants", "application/json", ok.clone(), None)
            .await;
        assert_eq!((s, p["code"].as_str()), (status, Some(code)), "{p}");
    }
    assert_eq!(w.app.count("SELECT COUNT(*) FROM invitations").await, 0);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM outbox").await, 0);
}
