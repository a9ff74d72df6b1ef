//! An agency through the API (`server/src/api/pool.rs`, `server/src/api/claims.rs`): the pool,
//! claims and a placement report, as the company then sees them.

use super::{world, Api};
use reqwest::StatusCode;
use serde_json::json;

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
