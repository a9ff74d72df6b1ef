//! The links of follow-up and renewal mails (`/a/{token}`): answered without signing in, once,
//! with forms that work without JavaScript; and the candidate's own search status on `/me`.

use crate::common::TestApp;
use app::api::ssr::MailWording;

const DAY: i64 = 86_400;

/// The newest mail to `to`: (subject, text, unsubscribe address).
async fn last_mail(app: &TestApp, to: &str) -> (String, String, Option<String>) {
    sqlx::query_as(
        "SELECT subject, body_text, unsubscribe_url FROM outbox WHERE to_addr = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(to)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// The path of the first link in `body` that starts with `prefix` (`/a/...`).
fn link(app: &TestApp, body: &str, prefix: &str) -> String {
    let start = body
        .find(&format!("{}{prefix}", app.base))
        .expect("the link")
        + app.base.len();
    body[start..].split_whitespace().next().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follow_up_is_answered_from_its_mail_without_signing_in_and_only_once() {
    let app = TestApp::spawn().await;
    let company = app.company("追跡株式会社", "hr@follow.example").await;
    let code = app.relay_code(company).await;
    app.qualified_candidate(&code, "follow@example.jp").await;
    sqlx::query("UPDATE candidates SET opted_in_at = opted_in_at - $1")
        .bind(200 * DAY)
        .execute(&app.pool)
        .await
        .unwrap();
    // The portal's own jobs looked when it started: as if they had not looked yet.
    sqlx::query("DELETE FROM job_marks WHERE name LIKE 'followup:%'")
        .execute(&app.pool)
        .await
        .unwrap();
    let wording = MailWording {
        base_url: app.base.clone(),
    };
    career_relay::followup::send_due(&app.pool, &wording)
        .await
        .unwrap();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM candidate_asks WHERE kind = 'followup' AND round = 1")
            .await,
        1
    );
    let (subject, body, unsubscribe) = last_mail(&app, "follow@example.jp").await;
    assert_eq!(subject, "【キャリアリレー】今も仕事をお探しですか");
    let found = link(&app, &body[body.find("仕事が決まった").unwrap()..], "/a/");
    assert!(found.ends_with("?answer=found"), "{found}");
    let token = found
        .trim_start_matches("/a/")
        .trim_end_matches("?answer=found")
        .to_owned();
    let stop = format!("/a/{token}/stop");
    assert_eq!(unsubscribe, Some(format!("{}{stop}", app.base)));
    assert!(body.contains(&format!("{}{stop}", app.base)));

    // Opening the link changes nothing; the page asks, with the mail's answer chosen.
    let visitor = app.browser();
    let page = visitor.get(&found).await;
    assert_eq!(page.status.as_u16(), 200);
    assert!(page.body.contains("data-testid=\"send-answer\""));
    assert!(page.body.contains("data-testid=\"satisfaction-5\""));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM candidate_asks WHERE closed_at IS NULL")
            .await,
        1
    );
    // A satisfaction out of the scale is refused, and nothing changes.
    let refused = visitor
        .post(
            &found,
            "/api/answer_ask",
            &[
                ("token", &token),
                ("answer", "found"),
                ("satisfaction", "9"),
            ],
        )
        .await;
    assert_ne!(
        refused.location.as_deref(),
        Some("/answered?saved=answer_found")
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM candidates WHERE search_status = 'looking'")
            .await,
        1
    );
    let answered = visitor
        .post(
            &found,
            "/api/answer_ask",
            &[
                ("token", &token),
                ("answer", "found"),
                ("satisfaction", "5"),
            ],
        )
        .await;
    assert_eq!(
        answered.location.as_deref(),
        Some("/answered?saved=answer_found")
    );
    let done = visitor.get("/answered?saved=answer_found").await;
    assert!(done.body.contains("おめでとうございます"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM candidates WHERE search_status = 'found' AND in_pool = 0")
            .await,
        1,
        "found a job: out of the pool"
    );
    // The link again: the page says it was used, and a second answer changes nothing.
    assert!(visitor
        .get(&found)
        .await
        .body
        .contains("data-testid=\"ask-used\""));
    visitor
        .post(
            &found,
            "/api/answer_ask",
            &[
                ("token", &token),
                ("answer", "looking"),
                ("satisfaction", "1"),
            ],
        )
        .await;
    assert_eq!(
        app.count("SELECT satisfaction_sum * 10 + satisfaction_count FROM companies")
            .await,
        51
    );
    // The company sees how satisfied its relayed candidates are, never who answered.
    let hr = app.signed_in("hr@follow.example").await;
    let status = hr.get("/company").await;
    assert!(status.body.contains("5.0 / 5（1件）"), "satisfaction shown");

    // The mail's unsubscribe link: a page with a button (also the one-click POST).
    let page = visitor.get(&stop).await;
    assert!(page.body.contains("data-testid=\"stop\""));
    assert_eq!(
        app.count("SELECT followups FROM candidates").await,
        1,
        "opening the page stops nothing"
    );
    let stopped = visitor.post(&stop, &stop, &[]).await;
    assert_eq!(stopped.location, Some(format!("{stop}?done=1")));
    // Mail programs post the one-click unsubscribe with neither Origin nor Referer (RFC 8058).
    let one_click = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}{stop}", app.base))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert!(
        one_click.status().is_redirection(),
        "{}",
        one_click.status()
    );
    assert_eq!(app.count("SELECT followups FROM candidates").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewal_keeps_or_deletes_and_deleting_is_asked_once_more() {
    let app = TestApp::spawn().await;
    let company = app.company("保存株式会社", "hr@keep.example").await;
    let code = app.relay_code(company).await;
    let candidate = app.qualified_candidate(&code, "renew@example.jp").await;
    sqlx::query("UPDATE candidates SET active_at = active_at - $1")
        .bind(800 * DAY)
        .execute(&app.pool)
        .await
        .unwrap();
    let wording = MailWording {
        base_url: app.base.clone(),
    };
    career_relay::retention::ask_due(&app.pool, &wording)
        .await
        .unwrap();
    let (subject, body, unsubscribe) = last_mail(&app, "renew@example.jp").await;
    assert_eq!(subject, "【キャリアリレー】プロフィールの保存を続けますか");
    assert_eq!(
        unsubscribe, None,
        "a renewal is not a mail one unsubscribes from"
    );
    let path = link(&app, &body, "/a/");
    let token = path.trim_start_matches("/a/").to_owned();
    let visitor = app.browser();
    let page = visitor.get(&path).await;
    assert!(page.body.contains("data-testid=\"keep\""));
    assert!(page.body.contains("data-testid=\"delete\""));
    // Deleting without the confirmation deletes nothing.
    let refused = visitor
        .post(
            &path,
            "/api/answer_ask",
            &[("token", &token), ("answer", "delete")],
        )
        .await;
    assert_eq!(refused.location.as_deref(), Some(path.as_str()));
    assert!(visitor
        .get(&path)
        .await
        .body
        .contains("確認のチェックを入れてください"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM candidates WHERE erased_at IS NULL")
            .await,
        1
    );
    let erased = visitor
        .post(
            &path,
            "/api/answer_ask",
            &[("token", &token), ("answer", "delete"), ("confirm", "on")],
        )
        .await;
    assert_eq!(erased.location.as_deref(), Some("/answered?saved=erased"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM candidates WHERE erased_at IS NOT NULL AND email IS NULL")
            .await,
        1
    );
    // The candidate's own session ended with their data.
    let me = candidate.get("/me").await;
    assert_ne!(me.status.as_u16(), 200);
    assert!(visitor
        .get(&path)
        .await
        .body
        .contains("data-testid=\"ask-used\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_says_on_their_page_whether_they_are_looking() {
    let app = TestApp::spawn().await;
    let company = app.company("求職株式会社", "hr@search.example").await;
    let code = app.relay_code(company).await;
    let candidate = app.qualified_candidate(&code, "search@example.jp").await;
    let in_pool = "SELECT in_pool FROM candidates";
    assert_eq!(app.count(in_pool).await, 1);
    let bad = candidate
        .post(
            "/me",
            "/api/set_search_status",
            &[("search_status", "retired")],
        )
        .await;
    assert_eq!(bad.location.as_deref(), Some("/me"));
    assert!(candidate
        .get("/me")
        .await
        .body
        .contains("表示された選択肢から選んでください"));
    assert_eq!(app.count(in_pool).await, 1);
    let paused = candidate
        .post(
            "/me",
            "/api/set_search_status",
            &[("search_status", "paused")],
        )
        .await;
    assert_eq!(paused.location.as_deref(), Some("/me?saved=search_status"));
    assert_eq!(app.count(in_pool).await, 0);
    let page = candidate.get("/me").await;
    assert!(page.body.contains("現在は求職中ではないため"));
    candidate
        .post(
            "/me",
            "/api/set_search_status",
            &[("search_status", "looking")],
        )
        .await;
    assert_eq!(app.count(in_pool).await, 1);
}
