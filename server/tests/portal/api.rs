//! The JSON API under `/api/v1`: keys, company intake with invitations, agency endpoints,
//! problems for every bad request, the OpenAPI document, and every operation against every caller.

use crate::common::TestApp;
use career_relay::{apikey, org::Membership};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

struct Api {
    client: Client,
    base: String,
    key: Option<String>,
}

impl Api {
    fn new(app: &TestApp, key: Option<&str>) -> Api {
        Api {
            client: Client::new(),
            base: app.base.clone(),
            key: key.map(str::to_owned),
        }
    }

    fn auth(&self, r: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.key {
            Some(k) => r.bearer_auth(k),
            None => r,
        }
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let res = self
            .auth(self.client.get(format!("{}{path}", self.base)))
            .send()
            .await
            .unwrap();
        read(res).await
    }

    async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let res = self
            .auth(self.client.post(format!("{}{path}", self.base)))
            .json(body)
            .send()
            .await
            .unwrap();
        read(res).await
    }

    async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        idem: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut r = self
            .auth(self.client.post(format!("{}{path}", self.base)))
            .header("content-type", content_type)
            .body(body);
        if let Some(k) = idem {
            r = r.header("idempotency-key", k);
        }
        read(r.send().await.unwrap()).await
    }
}

async fn read(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let problem = res
        .headers()
        .get("content-type")
        .is_some_and(|c| c.to_str().unwrap_or_default() == "application/problem+json");
    let body: Value = res.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        assert!(
            problem,
            "an error is application/problem+json: {status} {body}"
        );
        assert_eq!(body["status"], status.as_u16(), "{body}");
    }
    (status, body)
}

/// A company with an admin and an API key; an approved agency with a key; a pending agency with
/// a key; and a revoked key.
struct World {
    app: TestApp,
    company: i64,
    company_key: String,
    agency_key: String,
    pending_key: String,
    revoked_key: String,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let company = app.company("API株式会社", "admin@api.example").await;
    let agency = app
        .agency("API紹介", "staff@api-agency.example", true)
        .await;
    let pending = app.agency("審査中", "staff@pending.example", false).await;
    let key = |org| {
        let pool = app.pool.clone();
        async move { apikey::create(&pool, org, None, "test").await.unwrap() }
    };
    let (_, company_key) = key(Membership::Company(company)).await;
    let (_, agency_key) = key(Membership::Agency(agency)).await;
    let (_, pending_key) = key(Membership::Agency(pending)).await;
    let (revoked_id, revoked_key) = key(Membership::Company(company)).await;
    apikey::revoke(&app.pool, Membership::Company(company), revoked_id)
        .await
        .unwrap();
    World {
        app,
        company,
        company_key,
        agency_key,
        pending_key,
        revoked_key,
    }
}

fn applicant(name: &str, email: &str) -> Value {
    json!({ "name": name, "email": email, "position": "営業", "rejected_on": "2026-11-01" })
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agency_works_the_pool_through_the_api() {
    let w = world().await;
    let code = w.app.relay_code(w.company).await;
    w.app.qualified_candidate(&code, "pool@example.jp").await;
    let api = Api::new(&w.app, Some(&w.agency_key));
    let (status, page) = api.get("/api/v1/pool?job_type=sales&prefecture=13").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let id = page["entries"][0]["id"].as_i64().expect("one candidate");
    let (_, none) = api.get("/api/v1/pool?prefecture=1").await;
    assert_eq!(none["entries"].as_array().unwrap().len(), 0);
    let (status, claimed) = api
        .post("/api/v1/claims", &json!({ "candidate_id": id }))
        .await;
    assert_eq!(status, StatusCode::OK, "{claimed}");
    let claim = claimed["id"].as_i64().unwrap();
    let (_, list) = api.get("/api/v1/claims").await;
    assert_eq!(list[0]["id"], claim);
    // A claimed candidate cannot be claimed twice.
    let (status, p) = api
        .post("/api/v1/claims", &json!({ "candidate_id": id }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{p}");
    let (status, p) = api
        .post(
            &format!("/api/v1/claims/{claim}/placement"),
            &json!({ "employer": "次の会社", "position": "営業", "start_date": "2027-13-01" }),
        )
        .await;
    assert_eq!(
        (status, p["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("start_date")),
        "{p}"
    );
    let (status, placed) = api
        .post(
            &format!("/api/v1/claims/{claim}/placement"),
            &json!({ "employer": "次の会社", "position": "営業", "start_date": "2027-04-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{placed}");
    let (_, referral) = Api::new(&w.app, Some(&w.company_key))
        .get("/api/v1/referral")
        .await;
    assert_eq!(referral["outcomes"][0]["claim_id"], claim);
    let (status, ledger) = Api::new(&w.app, Some(&w.company_key))
        .get("/api/v1/ledger")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ledger[0]["kind"], "placement_bonus");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_api_operation_refuses_every_caller_it_is_not_for() {
    let w = world().await;
    let listed: Vec<(&str, &str, Value, &[&str])> = vec![
        (
            "POST",
            "/api/v1/applicants",
            applicant("山田", "taro@example.jp"),
            &["company"],
        ),
        ("GET", "/api/v1/invitations", Value::Null, &["company"]),
        ("GET", "/api/v1/referral", Value::Null, &["company"]),
        ("GET", "/api/v1/ledger", Value::Null, &["company"]),
        ("GET", "/api/v1/pool", Value::Null, &["agency"]),
        ("GET", "/api/v1/claims", Value::Null, &["agency"]),
        (
            "POST",
            "/api/v1/claims",
            json!({ "candidate_id": 999 }),
            &["agency"],
        ),
        (
            "POST",
            "/api/v1/claims/{id}/release",
            Value::Null,
            &["agency"],
        ),
        (
            "POST",
            "/api/v1/claims/{id}/placement",
            json!({ "employer": "x", "position": "y", "start_date": "2027-04-01" }),
            &["agency"],
        ),
    ];
    let mut registered = career_relay_server::api::operations();
    registered.sort();
    let mut names: Vec<(String, String)> = listed
        .iter()
        .map(|(m, p, _, _)| (m.to_string(), p.to_string()))
        .collect();
    names.sort();
    assert_eq!(
        registered, names,
        "every API operation needs its line in this table"
    );

    let callers = [
        ("nobody", None),
        ("revoked", Some(w.revoked_key.clone())),
        ("company", Some(w.company_key.clone())),
        ("agency", Some(w.agency_key.clone())),
        ("pending", Some(w.pending_key.clone())),
    ];
    for (method, path, body, allowed) in &listed {
        let path = path.replace("{id}", "999");
        for (who, key) in &callers {
            let api = Api::new(&w.app, key.as_deref());
            let (status, p) = if *method == "GET" {
                api.get(&path).await
            } else {
                api.post(&path, body).await
            };
            let refused = matches!(status.as_u16(), 401 | 403);
            assert_eq!(
                !refused,
                allowed.contains(who),
                "{method} {path} as {who}: {status} {p}"
            );
        }
    }
}

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
        true,
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
