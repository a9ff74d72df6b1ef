//! `/company/returns`: a company sees its own rejected candidates who agreed that it may contact
//! them again, each view is a provision they see, and withdrawing the consent ends it at once.

use crate::common::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_company_sees_only_its_candidates_who_agreed_to_be_contacted_again() {
    let app = TestApp::spawn().await;
    let company = app.company("再会株式会社", "hr@return.example").await;
    app.company("他社株式会社", "hr@other.example").await;
    let code = app.relay_code(company).await;
    let returning = app
        .qualified_candidate_with(&code, "again@example.jp", true)
        .await;
    app.qualified_candidate(&code, "never@example.jp").await;
    let again = app
        .count("SELECT id FROM candidates WHERE email = 'again@example.jp'")
        .await;
    let never = app
        .count("SELECT id FROM candidates WHERE email = 'never@example.jp'")
        .await;

    let hr = app.signed_in("hr@return.example").await;
    let page = hr.get("/company/returns").await;
    assert_eq!(page.status.as_u16(), 200);
    assert!(page.body.contains(&format!("data-candidate=\"{again}\"")));
    assert!(
        page.body.contains("again@example.jp"),
        "with contact details"
    );
    assert!(!page.body.contains(&format!("data-candidate=\"{never}\"")));
    assert!(!page.body.contains("never@example.jp"));
    // The view is a provision to the company, recorded for the one candidate shown, and audited.
    let provisions = format!(
        "SELECT COUNT(*) FROM provision_records WHERE candidate_id = {again} AND company_id = {company} AND agency_id IS NULL"
    );
    assert_eq!(app.count(&provisions).await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM provision_records").await,
        1,
        "nothing of anyone else"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'returns_listed' AND target = 'candidates:{again}'"
        ))
        .await,
        1
    );
    let me = returning.get("/me").await;
    assert!(me
        .body
        .contains("再会株式会社（直接：再連絡に同意されたため）"));

    // Filters: the candidate's prefecture (Tokyo), with and without their job type, lists them
    // (each view a provision again); a filter that does not match lists nobody and records
    // nothing more.
    for filter in [
        "prefecture=13",
        "prefecture=13&job_type=sales",
        "job_type=sales",
    ] {
        let page = hr.get(&format!("/company/returns?{filter}")).await;
        assert!(
            page.body.contains(&format!("data-candidate=\"{again}\"")),
            "{filter}"
        );
        assert!(!page.body.contains(&format!("data-candidate=\"{never}\"")));
    }
    assert_eq!(app.count(&provisions).await, 4);
    for filter in [
        "job_type=engineering",
        "prefecture=27",
        "prefecture=27&job_type=sales",
    ] {
        let none = hr.get(&format!("/company/returns?{filter}")).await;
        assert!(
            none.body.contains("data-testid=\"returns-empty\""),
            "{filter}"
        );
    }
    assert_eq!(app.count(&provisions).await, 4);
    let bad = hr.get("/company/returns?prefecture=99").await;
    assert_eq!(bad.status.as_u16(), 400);

    // Mark contacted, with a note the list shows.
    let marked = hr
        .post(
            "/company/returns",
            "/api/mark_contacted",
            &[
                ("candidate_id", &again.to_string()),
                ("note", "秋の求人を案内"),
            ],
        )
        .await;
    assert_eq!(
        marked.location.as_deref(),
        Some("/company/returns?saved=contacted")
    );
    assert!(hr
        .get("/company/returns")
        .await
        .body
        .contains("秋の求人を案内"));
    // Someone without that consent cannot be marked: nothing is written.
    hr.post(
        "/company/returns",
        "/api/mark_contacted",
        &[("candidate_id", &never.to_string()), ("note", "")],
    )
    .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM return_contacts").await, 1);

    // Another company sees nobody.
    let other = app.signed_in("hr@other.example").await;
    assert!(other
        .get("/company/returns")
        .await
        .body
        .contains("data-testid=\"returns-empty\""));

    // Withdrawing the consent takes the candidate off the list at once.
    returning
        .post(
            "/me",
            "/api/set_consent",
            &[("kind", "recontact"), ("granted", "false")],
        )
        .await;
    assert!(hr
        .get("/company/returns")
        .await
        .body
        .contains("data-testid=\"returns-empty\""));
}
