//! The JSON API under `/api/v1` (`server/src/api/`): the client, the world and the applicants the
//! tests of each part share. Every error must be `application/problem+json`.

mod applicants;
mod authz;
mod claims;
mod document;
mod requests;

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
