//! Free referral requests over the API (`server/src/api/requests.rs`) and what an agency's CRM
//! reads and writes beside them (`server/src/api/claims.rs`: notes, a held candidate's profile).

use super::{world, Api};
use career_relay::claim;
use reqwest::StatusCode;
use serde_json::json;

fn a_request() -> serde_json::Value {
    json!({
        "title": "法人営業", "job_type": "sales", "prefecture": 13, "employment_type": "full_time",
        "salary_min": 300, "salary_max": 600, "min_years": 3, "must_have": "法人営業",
        "deadline_days": 30
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_company_spends_a_credit_and_an_agency_introduces_a_held_candidate_over_the_api() {
    let w = world().await;
    let company = Api::new(&w.app, Some(&w.company_key));
    let agency = Api::new(&w.app, Some(&w.agency_key));

    // No credit: 409 and nothing written.
    let (status, p) = company.post("/api/v1/requests", &a_request()).await;
    assert_eq!(
        (status, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("no_credit"))
    );
    let mut conn = w.app.pool.acquire().await.unwrap();
    career_relay::credit::append(&mut conn, w.company, "earned", 1, "api:1")
        .await
        .unwrap();
    drop(conn);
    // A salary range upside down: 422 naming the field, nothing spent.
    let mut bad = a_request();
    bad["salary_min"] = json!(700);
    let (status, p) = company.post("/api/v1/requests", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (p["code"].as_str(), p["field"].as_str()),
        (Some("invalid_range"), Some("salary_max"))
    );
    // Text for a number is refused, as the document says.
    let mut text = a_request();
    text["salary_min"] = json!("300");
    assert_eq!(
        company.post("/api/v1/requests", &text).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        w.app.count("SELECT COUNT(*) FROM referral_requests").await,
        0
    );

    let (status, created) = company.post("/api/v1/requests", &a_request()).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let id = created["id"].as_i64().unwrap();
    let (_, list) = company.get("/api/v1/requests").await;
    assert_eq!(list[0]["status"], "open");
    assert_eq!(list[0]["employment_type"], "full_time");

    // A candidate relayed by another company, held by the agency.
    let other = w.app.company("送出株式会社", "hr@relay.example").await;
    let code = w.app.relay_code(other).await;
    w.app
        .qualified_candidate(&code, "api-cand@example.jp")
        .await;
    let candidate = w.app.count("SELECT id FROM candidates").await;
    let agency_id = w
        .app
        .count("SELECT id FROM agencies WHERE name = 'API紹介'")
        .await;
    let staff = w
        .app
        .count("SELECT id FROM users WHERE email = 'staff@api-agency.example'")
        .await;
    let claim_id = claim::claim(&w.app.pool, agency_id, staff, candidate)
        .await
        .unwrap();

    // The CRM reads the held candidate's full profile (audited) and records progress.
    let (status, detail) = agency.get(&format!("/api/v1/candidates/{candidate}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["contact"]["email"], "api-cand@example.jp");
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM audit_log WHERE action = 'profile_viewed'")
            .await,
        1
    );
    let (status, _) = agency
        .post(
            &format!("/api/v1/claims/{claim_id}/notes"),
            &json!({ "body": "面談済み" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, p) = agency
        .post(
            &format!("/api/v1/claims/{claim_id}/notes"),
            &json!({ "body": "   " }),
        )
        .await;
    assert_eq!(
        (status, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("required"))
    );

    // The open request, ranked candidates with reasons, and the introduction.
    let (_, open) = agency
        .get("/api/v1/open-requests?job_type=sales&prefecture=13")
        .await;
    assert_eq!(open["requests"][0]["id"], id);
    let (status, _) = agency.get("/api/v1/open-requests?prefecture=48").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, detail) = agency.get(&format!("/api/v1/open-requests/{id}")).await;
    assert_eq!(detail["held"][0]["candidate_id"], candidate);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM audit_log WHERE action = 'claims_listed'")
            .await,
        1,
        "the ranking names a held candidate: audited"
    );
    assert!(detail["held"][0]["rules"]
        .as_array()
        .unwrap()
        .contains(&json!("must:法人営業")));
    let intro = json!({ "candidate_id": candidate, "recommendation": "即戦力です" });
    let path = format!("/api/v1/open-requests/{id}/introductions");
    let (status, created) = agency.post(&path, &intro).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let intro_id = created["id"].as_i64().unwrap();
    let (status, p) = agency.post(&path, &intro).await;
    assert_eq!(
        (status, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_exists"))
    );
    let (_, mine) = agency.get("/api/v1/introductions").await;
    assert_eq!(mine[0]["status"], "asked");

    // The company cannot screen before the candidate agrees, nor cancel after an introduction.
    let screening = format!("/api/v1/introductions/{intro_id}/screening");
    let (status, _) = company
        .post(&screening, &json!({ "result": "passed" }))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, p) = company
        .post(&format!("/api/v1/requests/{id}/cancel"), &json!(null))
        .await;
    assert_eq!(
        (status, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("has_introductions"))
    );

    career_relay::request::answer(
        &w.app.pool,
        &app::api::ssr::MailWording {
            base_url: w.app.base.clone(),
        },
        candidate,
        intro_id,
        true,
    )
    .await
    .unwrap();
    let (_, seen) = company.get(&format!("/api/v1/requests/{id}")).await;
    assert_eq!(seen["introductions"][0]["profile"]["name"], "山田 太郎");
    let (status, _) = company
        .post(
            &screening,
            &json!({ "result": "rejected", "reason": "salary" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, mine) = agency.get("/api/v1/introductions").await;
    assert_eq!(
        (mine[0]["status"].as_str(), mine[0]["reason"].as_str()),
        (Some("rejected"), Some("salary"))
    );
    // An unknown reason is refused by the document's enum.
    let (status, _) = company
        .post(
            &screening,
            &json!({ "result": "rejected", "reason": "age" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
