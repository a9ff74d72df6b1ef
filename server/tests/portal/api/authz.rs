//! Who may call what (`server/src/api/extract.rs`): every API operation refuses every caller it
//! is not for.

use super::{applicant, world, Api};
use serde_json::{json, Value};

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
        (
            "POST",
            "/api/v1/claims/{id}/notes",
            json!({ "body": "面談を設定" }),
            &["agency"],
        ),
        ("GET", "/api/v1/candidates/{id}", Value::Null, &["agency"]),
        ("GET", "/api/v1/requests", Value::Null, &["company"]),
        (
            "POST",
            "/api/v1/requests",
            json!({ "title": "営業", "job_type": "sales", "prefecture": 13,
                    "employment_type": "full_time", "salary_min": 300, "salary_max": 500 }),
            &["company"],
        ),
        ("GET", "/api/v1/requests/{id}", Value::Null, &["company"]),
        (
            "POST",
            "/api/v1/requests/{id}/cancel",
            Value::Null,
            &["company"],
        ),
        (
            "POST",
            "/api/v1/introductions/{id}/screening",
            json!({ "result": "passed" }),
            &["company"],
        ),
        ("GET", "/api/v1/open-requests", Value::Null, &["agency"]),
        (
            "GET",
            "/api/v1/open-requests/{id}",
            Value::Null,
            &["agency"],
        ),
        (
            "POST",
            "/api/v1/open-requests/{id}/accept",
            Value::Null,
            &["agency"],
        ),
        (
            "POST",
            "/api/v1/open-requests/{id}/introductions",
            json!({ "candidate_id": 999, "recommendation": "推薦します" }),
            &["agency"],
        ),
        ("GET", "/api/v1/introductions", Value::Null, &["agency"]),
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
