//! Free referral requests through the portal's forms, without JavaScript
//! (`app/src/api/{company,agency,candidate}.rs`, `app/src/pages/requests.rs`): a company spends a
//! credit, an agency works the request with a candidate it holds, the candidate agrees, the
//! company screens and hires; a cancelled request gives the credit back.

use crate::common::{Browser, TestApp};

/// Gives a company `n` credits, as relays would.
async fn grant(app: &TestApp, company: i64, n: usize) {
    let mut conn = app.pool.acquire().await.unwrap();
    for i in 0..n {
        career_relay::credit::append(
            &mut conn,
            company,
            "earned",
            1,
            &format!("test:{company}:{i}"),
        )
        .await
        .unwrap();
    }
}

/// A page's text as a person reads it: without the markers the renderer leaves between the
/// pieces of a translated sentence.
fn readable(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(i) = rest.find("<!") {
        out.push_str(&rest[..i]);
        rest = rest[i..].split_once('>').map_or("", |(_, after)| after);
    }
    out.push_str(rest);
    out
}

fn request_form<'a>(salary_min: &'a str, salary_max: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", "法人営業"),
        ("job_type", "sales"),
        ("prefecture", "13"),
        ("employment_type", "full_time"),
        ("salary_min", salary_min),
        ("salary_max", salary_max),
        ("min_years", "3"),
        ("must_have", "法人営業"),
        ("nice_to_have", "Excel"),
        ("agency_notes", "面接は2回"),
        ("deadline", ""),
    ]
}

/// A buyer company with one credit, a relaying company with a qualified candidate, and an agency
/// holding that candidate: (buyer's browser, agency's browser, candidate's browser, candidate).
async fn scene(app: &TestApp) -> (Browser, Browser, Browser, i64) {
    let buyer = app.company("依頼株式会社", "hr@buyer.example").await;
    grant(app, buyer, 1).await;
    let relaying = app.company("送出株式会社", "hr@relay.example").await;
    app.agency("つなぐ紹介", "staff@agency.example", true).await;
    let code = app.relay_code(relaying).await;
    let candidate = app.qualified_candidate(&code, "cand@example.jp").await;
    let id = app.count("SELECT id FROM candidates").await;
    let staff = app.signed_in("staff@agency.example").await;
    let claimed = staff
        .post(
            "/agency",
            "/api/claim_candidate",
            &[("candidate_id", &id.to_string())],
        )
        .await;
    assert_eq!(
        claimed.location.as_deref(),
        Some("/agency/claims?saved=claimed")
    );
    (
        app.signed_in("hr@buyer.example").await,
        staff,
        candidate,
        id,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_goes_from_credit_to_hire_through_plain_forms() {
    let app = TestApp::spawn().await;
    let (company, staff, candidate, candidate_id) = scene(&app).await;

    // A salary range upside down: the error next to the field, the typed values kept, nothing spent.
    let bad = company
        .post(
            "/company/requests",
            "/api/open_request",
            &request_form("600", "400"),
        )
        .await;
    assert_eq!(bad.location.as_deref(), Some("/company/requests"));
    let page = company.get("/company/requests").await;
    assert!(
        page.body.contains("上限は下限以上にしてください。"),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"600\""));
    assert_eq!(app.count("SELECT COUNT(*) FROM referral_requests").await, 0);
    assert!(readable(&page.body).contains("利用できる無料紹介枠: 1"));

    let opened = company
        .post(
            "/company/requests",
            "/api/open_request",
            &request_form("400", "600"),
        )
        .await;
    let id = app.count("SELECT id FROM referral_requests").await;
    assert_eq!(
        opened.location,
        Some(format!("/company/requests/{id}?saved=request_opened"))
    );
    assert_eq!(
        app.count("SELECT credit_balance FROM companies WHERE name = '依頼株式会社'")
            .await,
        0
    );

    // The agency finds it, sees its candidate ranked with the rules that matched, and introduces.
    let list = staff.get("/agency/requests").await;
    assert!(list.body.contains("法人営業") && list.body.contains("依頼株式会社"));
    let path = format!("/agency/requests/{id}");
    let page = staff.get(&path).await;
    assert!(
        page.body.contains("面接は2回"),
        "agencies read the notes for them"
    );
    assert!(page.body.contains("data-rule=\"must:法人営業\""));
    assert!(page.body.contains("必須: 法人営業"));
    let fields = |rec: &'static str| {
        vec![
            ("request_id", id.to_string()),
            ("candidate_id", candidate_id.to_string()),
            ("recommendation", rec.to_owned()),
        ]
    };
    let post = |f: Vec<(&'static str, String)>| {
        let staff = &staff;
        let path = path.clone();
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            staff.post(&path, "/api/introduce_candidate", &f).await
        }
    };
    let empty = post(fields("")).await;
    assert_eq!(empty.location.as_deref(), Some(path.as_str()));
    assert!(staff.get(&path).await.body.contains("入力してください"));
    assert_eq!(app.count("SELECT COUNT(*) FROM introductions").await, 0);
    let done = post(fields("法人営業5年の即戦力です")).await;
    assert_eq!(done.location, Some(format!("{path}?saved=introduced")));

    // The company sees that someone was introduced, not who.
    let company_path = format!("/company/requests/{id}");
    let before = company.get(&company_path).await;
    assert!(!before.body.contains("山田 太郎"));
    assert!(before.body.contains("つなぐ紹介"));

    // The candidate agrees on their page.
    let me = candidate.get("/me").await;
    assert!(me.body.contains("依頼株式会社") && me.body.contains("data-testid=\"agree\""));
    let intro = app.count("SELECT id FROM introductions").await.to_string();
    let agreed = candidate
        .post(
            "/me",
            "/api/answer_introduction",
            &[("introduction_id", &intro), ("answer", "agree")],
        )
        .await;
    assert_eq!(agreed.location.as_deref(), Some("/me?saved=answered"));
    assert!(candidate
        .get("/me")
        .await
        .body
        .contains("依頼株式会社（つなぐ紹介 を通じて）"));

    // Now the company sees the profile (an audited view) and hires.
    let after = company.get(&company_path).await;
    assert!(after.body.contains("山田 太郎"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'introduction_viewed'")
            .await,
        1
    );
    let hired = company
        .post(
            &company_path,
            "/api/screen_introduction",
            &[
                ("request_id", &id.to_string()),
                ("introduction_id", &intro),
                ("result", "hired"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(
        hired.location,
        Some(format!("{company_path}?saved=screened"))
    );
    assert!(company
        .get(&company_path)
        .await
        .body
        .contains("充足（入社）"));
    assert_eq!(app.count("SELECT COUNT(*) FROM placements").await, 1);
    // The candidate was asked by mail, in Japanese, with a link to their page.
    let asked: String = sqlx::query_scalar(
        "SELECT body_text FROM outbox WHERE to_addr = 'cand@example.jp' AND subject LIKE '%同意をお願いします%'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(asked.contains(&format!("{}/me", app.base)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_request_gives_the_credit_back_and_a_company_without_credit_is_told() {
    let app = TestApp::spawn().await;
    let buyer = app.company("取消株式会社", "hr@cancel.example").await;
    grant(&app, buyer, 1).await;
    let company = app.signed_in("hr@cancel.example").await;
    company
        .post(
            "/company/requests",
            "/api/open_request",
            &request_form("400", "600"),
        )
        .await;
    let id = app
        .count("SELECT id FROM referral_requests")
        .await
        .to_string();
    let refused = company
        .post(
            "/company/requests",
            "/api/open_request",
            &request_form("400", "600"),
        )
        .await;
    assert_eq!(refused.location.as_deref(), Some("/company/requests"));
    assert!(company
        .get("/company/requests")
        .await
        .body
        .contains("無料紹介枠がありません。何も変更していません。"));
    assert_eq!(app.count("SELECT COUNT(*) FROM referral_requests").await, 1);

    let cancelled = company
        .post(
            &format!("/company/requests/{id}"),
            "/api/cancel_request",
            &[("request_id", &id)],
        )
        .await;
    assert_eq!(
        cancelled.location.as_deref(),
        Some("/company/requests?saved=request_cancelled")
    );
    let page = company.get("/company/requests").await;
    assert!(page.body.contains("取り消し（返還済み）"));
    assert!(readable(&page.body).contains("利用できる無料紹介枠: 1"));
    // Another company's member cannot see or cancel it.
    app.company("他社", "x@other.example").await;
    let other = app.signed_in("x@other.example").await;
    assert_eq!(
        other
            .get(&format!("/company/requests/{id}"))
            .await
            .status
            .as_u16(),
        404
    );
}

/// The company's requests are listed newest first, twenty to a page, and every older one is a
/// link away; another company's requests are never listed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_companys_requests_page_back_through_every_request() {
    let app = TestApp::spawn().await;
    let company = app.company("依頼株式会社", "hr@asks.example").await;
    let other = app.company("別会社", "hr@elsewhere.example").await;
    for _ in 0..25 {
        for (c, by) in [
            (company, "hr@asks.example"),
            (other, "hr@elsewhere.example"),
        ] {
            sqlx::query(
                "INSERT INTO referral_requests (company_id, user_id, title, job_type, prefecture, employment_type,
                     salary_min, salary_max, deadline, created_at, updated_at)
                 SELECT $1, id, '経理担当', 'accounting', 13, 'full_time', 400, 600, 4102444800, 1, 1
                 FROM users WHERE email = $2",
            )
            .bind(c)
            .bind(by)
            .execute(&app.pool)
            .await
            .unwrap();
        }
    }
    let newest_first: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM referral_requests WHERE company_id = $1 ORDER BY id DESC",
    )
    .bind(company)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let hr = app.signed_in("hr@asks.example").await;

    let first = hr.get("/company/requests").await;
    assert_eq!(first.ids_after("data-request=\""), newest_first[..20]);
    let [older] = first
        .next_links()
        .try_into()
        .expect("one link to the older page");
    let second = hr.get(&older).await;
    assert_eq!(second.ids_after("data-request=\""), newest_first[20..]);
    assert!(
        second.next_links().is_empty(),
        "the oldest page is the last"
    );
}
