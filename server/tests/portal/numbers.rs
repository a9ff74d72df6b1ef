//! `/company/numbers` and `/company/numbers.csv`: the funnel by month equals what the database
//! holds, for the company's members only.

use crate::common::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_months_numbers_equal_the_database_and_only_members_see_them() {
    let app = TestApp::spawn().await;
    let company = app.company("実績株式会社", "hr@numbers.example").await;
    app.agency("実績紹介", "staff@numbers-agency.example", true)
        .await;
    let code = app.relay_code(company).await;
    // One visit of the link this month.
    app.browser().get(&format!("/r/{code}")).await;
    app.qualified_candidate(&code, "one@example.jp").await;
    app.qualified_candidate(&code, "two@example.jp").await;
    // A third opts in and never confirms: an opt-in, not a qualified relay.
    app.browser()
        .post(
            &format!("/r/{code}"),
            "/api/opt_in",
            &[
                ("code", code.as_str()),
                ("email", "three@example.jp"),
                ("handoff", "on"),
            ],
        )
        .await;
    let first = app
        .count("SELECT MIN(id) FROM candidates")
        .await
        .to_string();
    let staff = app.signed_in("staff@numbers-agency.example").await;
    staff
        .post(
            "/agency",
            "/api/claim_candidate",
            &[("candidate_id", &first)],
        )
        .await;
    // An opt-in of last year stays out of the last twelve months.
    sqlx::query("UPDATE relay_events SET created_at = created_at - 400 * 86400 WHERE candidate_id = (SELECT MAX(id) FROM candidates)")
        .execute(&app.pool)
        .await
        .unwrap();

    // Credits: three earned, one spent.
    {
        let mut conn = app.pool.acquire().await.unwrap();
        for n in 0..3 {
            career_relay::credit::append(&mut conn, company, "earned", 1, &format!("numbers:{n}"))
                .await
                .unwrap();
        }
        career_relay::credit::append(&mut conn, company, "redeemed", -1, "numbers:spent")
            .await
            .unwrap();
    }
    let month = career_relay::time::date(career_relay::time::now())[..7].to_owned();
    let hr = app.signed_in("hr@numbers.example").await;
    let page = hr.get("/company/numbers").await;
    assert_eq!(page.status.as_u16(), 200);
    assert!(page.body.contains(&format!("data-month=\"{month}\"")));
    let csv = hr.get("/company/numbers.csv").await;
    assert_eq!(csv.status.as_u16(), 200);
    let mut lines = csv.body.lines();
    assert_eq!(
        lines.next(),
        Some("\u{feff}month,invitations,visits,opt_ins,qualified,claimed,introduced,placed,withdrawn,claims_ended,credits_earned,credits_spent,credits_expired")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 12, "twelve months");
    let (months, _) = career_relay::numbers::month_starts(career_relay::time::now(), 12);
    let since = months[11].1;
    let mut expected = vec![month.clone()];
    for sql in [
        "SELECT COUNT(*) FROM invitations WHERE created_at >= $1",
        "SELECT CAST(COALESCE(SUM(visits), 0) AS BIGINT) FROM link_visits WHERE month_start >= $1",
        "SELECT COUNT(*) FROM relay_events WHERE created_at >= $1",
        "SELECT COUNT(*) FROM relays WHERE qualified_at >= $1 AND status = 'counted'",
        "SELECT COUNT(*) FROM claims WHERE claimed_at >= $1",
        "SELECT COUNT(*) FROM introductions WHERE created_at >= $1",
        "SELECT COUNT(*) FROM placements WHERE created_at >= $1 AND status <> 'rejected'",
        "SELECT COUNT(*) FROM placements WHERE created_at >= $1 AND status = 'rejected'",
        "SELECT COUNT(*) FROM claims WHERE ended_at >= $1 AND end_reason <> 'placed'",
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM credit_ledger WHERE kind = 'earned' AND created_at >= $1",
        "SELECT CAST(COALESCE(SUM(-amount), 0) AS BIGINT) FROM credit_ledger WHERE kind = 'redeemed' AND created_at >= $1",
        "SELECT CAST(COALESCE(SUM(-amount), 0) AS BIGINT) FROM credit_ledger WHERE kind = 'expired' AND created_at >= $1",
    ] {
        let n: i64 = sqlx::query_scalar(sql)
            .bind(since)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        expected.push(n.to_string());
    }
    let expected = expected.join(",");
    assert_eq!(rows[11], expected);
    assert_eq!(expected, format!("{month},0,1,2,2,1,0,0,0,0,3,1,0"));
    // The charts are drawn on the server, in the page's language, beside the same numbers.
    for chart in ["funnel", "outcomes", "credits"] {
        let at = page
            .body
            .find(&format!("data-testid=\"chart-{chart}\""))
            .unwrap_or_else(|| panic!("{chart} chart missing"));
        let figure = &page.body[at..at + page.body[at..].find("</figure>").unwrap()];
        assert!(figure.contains("<svg"), "{chart} is drawn");
        if chart == "funnel" {
            assert!(figure.contains("<polyline"), "the funnel's lines");
        }
    }
    for legend in ["登録", "引き受け", "獲得した枠"] {
        assert!(page.body.contains(legend), "{legend}");
    }
    // Nobody else gets them.
    for b in [staff, app.browser()] {
        let res = b.get("/company/numbers.csv").await;
        assert!(!res.body.starts_with('\u{feff}'), "{}", res.status);
        assert!(matches!(res.status.as_u16(), 302 | 401 | 403));
    }
}

/// The text of the table row whose `data-{attr}` is `value`, tags removed and cells separated by
/// `|`.
fn row(body: &str, attr: &str, value: &str) -> String {
    let at = body
        .find(&format!("data-{attr}=\"{value}\""))
        .unwrap_or_else(|| panic!("no row for {value}"));
    // From the end of the row's own tag.
    let at = at + body[at..].find('>').unwrap() + 1;
    let end = at + body[at..].find("</tr>").unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in body[at..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push('|');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("|")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admins_analytics_rank_agencies_and_count_companies_and_held_relays_as_the_database_does(
) {
    let app = TestApp::spawn().await;
    let company = app.company("分析株式会社", "hr@analytics.example").await;
    app.agency("一番紹介", "staff@first.example", true).await;
    app.agency("二番紹介", "staff@second.example", true).await;
    app.admin("root@relay.example").await;
    let code = app.relay_code(company).await;
    for n in 0..3 {
        app.qualified_candidate(&code, &format!("a{n}@example.jp"))
            .await;
    }
    // A fourth at a disposable mail service is held.
    app.qualified_candidate(&code, "held@mailinator.com").await;
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM candidates ORDER BY id LIMIT 3")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    // The second agency claims one; the first claims two and places one.
    let second = app.signed_in("staff@second.example").await;
    let first = app.signed_in("staff@first.example").await;
    for (b, id) in [(&second, ids[0]), (&first, ids[1]), (&first, ids[2])] {
        let page = b
            .post(
                "/agency",
                "/api/claim_candidate",
                &[("candidate_id", &id.to_string())],
            )
            .await;
        assert!(page.location.is_some_and(|l| l.contains("saved=claimed")));
    }
    let claim: i64 = sqlx::query_scalar("SELECT id FROM claims WHERE candidate_id = $1")
        .bind(ids[2])
        .fetch_one(&app.pool)
        .await
        .unwrap();
    first
        .post(
            "/agency/claims",
            "/api/report_placement",
            &[
                ("claim_id", &claim.to_string()),
                ("employer", "株式会社次"),
                ("position", "経理"),
                ("start_date", "2027-04-01"),
                ("fee", ""),
            ],
        )
        .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM placements").await, 1);

    let admin = app.signed_in("root@relay.example").await;
    let page = admin.get("/admin/analytics").await;
    assert_eq!(page.status.as_u16(), 200);
    // Agencies by placements, then claims: the first (2 claims, 1 placement, 0 days) leads.
    let first_at = page.body.find("data-agency=\"一番紹介\"").unwrap();
    let second_at = page.body.find("data-agency=\"二番紹介\"").unwrap();
    assert!(first_at < second_at, "ranked by placements");
    assert_eq!(row(&page.body, "agency", "一番紹介"), "一番紹介|2|1|0");
    assert_eq!(row(&page.body, "agency", "二番紹介"), "二番紹介|1|0|—");
    // The company: 4 opt-ins, 3 qualified, 1 under review, 1 placed, and its credits.
    let balance = app
        .count("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM credit_ledger")
        .await;
    assert_eq!(
        row(&page.body, "company", "分析株式会社"),
        format!("分析株式会社|4|3|1|1|{balance}")
    );
    assert!(row(&page.body, "rule", "disposable").ends_with("|1"));
    // The platform's month: the same columns as a company's.
    let month = career_relay::time::date(career_relay::time::now())[..7].to_owned();
    let cells = row(&page.body, "month", &month);
    let counts: Vec<&str> = cells.split('|').skip(1).collect();
    // invitations, visits, opt-ins, qualified, claimed, introduced, placed, withdrawn, ended
    assert_eq!(counts[..9], ["0", "0", "4", "3", "3", "0", "1", "0", "0"]);
}
