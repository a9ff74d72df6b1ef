//! The candidate's downloads (`server/src/export.rs`): the JSON export with every section, the
//! provision records as CSV, for the signed-in candidate only and never cached.

use crate::common::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_downloads_everything_held_about_them_and_nobody_else_can() {
    let app = TestApp::spawn().await;
    let company = app.company("輸出株式会社", "hr@export.example").await;
    app.agency("輸出紹介", "staff@export-agency.example", true)
        .await;
    let code = app.relay_code(company).await;
    let candidate = app.qualified_candidate(&code, "export@example.jp").await;
    let id = app.count("SELECT id FROM candidates").await.to_string();
    let staff = app.signed_in("staff@export-agency.example").await;
    staff
        .post("/agency", "/api/claim_candidate", &[("candidate_id", &id)])
        .await;

    let res = candidate
        .client
        .get(format!("{}/me/export.json", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let headers = res.headers().clone();
    assert_eq!(headers["cache-control"], "no-store");
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let export: serde_json::Value = res.json().await.unwrap();
    assert_eq!(export["format"], "career-relay-export/1");
    assert_eq!(export["profile"]["email"], "export@example.jp");
    assert_eq!(export["profile"]["name"], "山田 太郎");
    assert_eq!(export["relayed_by"], "輸出株式会社");
    assert_eq!(export["consents"][0]["kind"], "handoff");
    assert_eq!(export["claims"][0]["agency"], "輸出紹介");
    assert!(export["claims"][0]["expires_at"].is_i64());
    assert!(export["invitations"].as_array().unwrap().is_empty());
    assert!(export["notes"].as_array().unwrap().is_empty());
    assert_eq!(export["provision_records"][0]["agency"], "輸出紹介");
    assert!(export["introductions"].as_array().unwrap().is_empty());
    assert!(export["placements"].as_array().unwrap().is_empty());
    // The confirmation mail is among the mails sent to them.
    assert!(!export["mails"].as_array().unwrap().is_empty());
    assert_eq!(export["profile"]["search_status"], "looking");
    assert_eq!(export["profile"]["followups"], 1);
    assert!(export["profile"]["active_at"].is_i64());
    assert!(export["asks"].as_array().unwrap().is_empty());

    let csv = candidate.get("/me/provisions.csv").await;
    assert_eq!(csv.status.as_u16(), 200);
    let mut lines = csv.body.lines();
    assert_eq!(
        lines.next(),
        Some("\u{feff}provided_at,recipient_agency,recipient_company,data_items,consent_version")
    );
    assert!(lines.next().unwrap().contains("輸出紹介"));
    let printable = candidate.get("/me/provisions").await;
    assert!(printable.body.contains("第三者提供記録の開示") && printable.body.contains("輸出紹介"));

    // Staff and strangers get nothing.
    for b in [
        staff,
        app.signed_in("hr@export.example").await,
        app.browser(),
    ] {
        for path in ["/me/export.json", "/me/provisions.csv"] {
            let page = b.get(path).await;
            assert!(
                matches!(page.status.as_u16(), 401 | 403) || page.status.as_u16() == 302,
                "{path}: {}",
                page.status
            );
            assert!(!page.body.contains("export@example.jp"));
        }
    }
}
