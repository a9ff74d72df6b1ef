//! Site-wide behaviour: health, language, unknown pages, headers, sign-in requests.

use crate::common::TestApp;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_when_the_database_does() {
    let app = TestApp::spawn().await;
    let page = app.browser().get("/healthz").await;
    assert_eq!(page.status, StatusCode::OK);
    app.pool.close().await;
    assert_eq!(
        app.browser().get("/healthz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn japanese_by_default_and_english_when_chosen_and_remembered() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let home = b.get("/").await;
    assert!(home.body.contains("落とす採用から、つなぐ採用へ。"));
    let switch = b.get("/lang/en?next=/signin").await;
    assert_eq!(switch.location.as_deref(), Some("/signin"));
    let page = b.get("/signin").await;
    assert!(
        page.body.contains("Send me a sign-in link"),
        "English after the switch"
    );
    assert!(
        b.get("/")
            .await
            .body
            .contains("From rejecting to relaying."),
        "remembered"
    );
    let evil = b.get("/lang/ja?next=//evil.example").await;
    assert_eq!(evil.location.as_deref(), Some("/"), "no open redirect");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_pages_are_404_and_headers_keep_codes_private() {
    let app = TestApp::spawn().await;
    let res = app
        .browser()
        .client
        .get(format!("{}/no/such/page", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.headers().get("referrer-policy").unwrap(), "same-origin");
    assert_eq!(
        res.headers().get("x-content-type-options").unwrap(),
        "nosniff"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_a_strict_content_security_policy_with_the_script_nonce() {
    let app = TestApp::spawn().await;
    let client = app.browser().client;
    let res = client
        .get(format!("{}/signin", app.base))
        .send()
        .await
        .unwrap();
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(res.headers()["x-frame-options"], "DENY");
    assert!(
        res.headers().get("strict-transport-security").is_none(),
        "no HSTS over http"
    );
    let body = res.text().await.unwrap();
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(csp.contains("default-src 'self'"));
    assert!(!csp.contains("unsafe-inline"));
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy");
    assert!(nonce.len() >= 16);
    // Every inline script of the page with any content carries that nonce.
    for script in body.split("<script").skip(1) {
        let (tag, rest) = script.split_once('>').unwrap();
        let empty = rest.starts_with("</script>");
        assert!(
            empty || tag.contains(&format!("nonce=\"{nonce}\"")) || tag.contains(" src="),
            "script without the nonce: <script{tag}>"
        );
    }
    let again = client
        .get(format!("{}/signin", app.base))
        .send()
        .await
        .unwrap();
    assert_ne!(
        again.headers()["content-security-policy"].to_str().unwrap(),
        csp,
        "a new nonce per response"
    );
    let health = client
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert!(health.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .starts_with("default-src 'none'"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_posted_from_another_site_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    app.admin("root@relay.example").await;
    let admin = app.signed_in("root@relay.example").await;
    let before = app
        .count("SELECT value FROM settings WHERE key = 'relays_per_credit'")
        .await;
    let forged = |origin: Option<&'static str>, referer: Option<&'static str>| {
        let mut req = admin
            .client
            .post(format!("{}/api/save_settings", app.base))
            .header("accept", "text/html")
            .form(&[("relays_per_credit", "1"), ("placement_bonus", "9")]);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        if let Some(r) = referer {
            req = req.header("referer", r);
        }
        req.send()
    };
    for (origin, referer) in [
        (Some("https://evil.example"), None),
        (Some("null"), None),
        (None, Some("https://evil.example/form")),
        (None, None),
    ] {
        let res = forged(origin, referer).await.unwrap();
        assert_eq!(
            res.status(),
            StatusCode::FORBIDDEN,
            "{origin:?} {referer:?}"
        );
        assert!(res
            .text()
            .await
            .unwrap()
            .contains("別のサイトから送信された"));
    }
    assert_eq!(
        app.count("SELECT value FROM settings WHERE key = 'relays_per_credit'")
            .await,
        before,
        "nothing changed"
    );
    // The same post from the portal's own page goes through.
    let own = admin
        .post(
            "/admin",
            "/api/save_settings",
            &[("relays_per_credit", "12"), ("placement_bonus", "2")],
        )
        .await;
    assert_eq!(own.location.as_deref(), Some("/admin?saved=settings"));
    assert_eq!(
        app.count("SELECT value FROM settings WHERE key = 'relays_per_credit'")
            .await,
        12
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asking_for_a_sign_in_link_does_not_reveal_who_has_an_account() {
    let app = TestApp::spawn().await;
    app.company("リンク株式会社", "hr@link.example").await;
    let b = app.browser();
    let known = b
        .post(
            "/signin",
            "/api/request_sign_in",
            &[("email", "HR@link.example")],
        )
        .await;
    let unknown = b
        .post(
            "/signin",
            "/api/request_sign_in",
            &[("email", "nobody@link.example")],
        )
        .await;
    assert_eq!(known.location, unknown.location);
    assert_eq!(known.location.as_deref(), Some("/signin?sent=1"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox").await,
        1,
        "mail only to the real account"
    );
    let link = app.mailed_link("hr@link.example").await;
    assert_eq!(
        b.use_link(&link).await.location.as_deref(),
        Some("/company")
    );
    let bad = b
        .post("/signin", "/api/request_sign_in", &[("email", "???")])
        .await;
    assert_eq!(bad.location.as_deref(), Some("/signin"));
    assert!(b
        .get("/signin")
        .await
        .body
        .contains("メールアドレスの形式が正しくありません"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dev_mailbox_shows_sent_mail_in_dev_mode() {
    let app = TestApp::spawn().await;
    app.company("メール株式会社", "hr@mail.example").await;
    app.browser()
        .post(
            "/signin",
            "/api/request_sign_in",
            &[("email", "hr@mail.example")],
        )
        .await;
    let page = app.browser().get("/dev/mailbox").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("ログインリンク"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_ends_the_session() {
    let app = TestApp::spawn().await;
    app.company("退出株式会社", "hr@out.example").await;
    let b = app.signed_in("hr@out.example").await;
    assert_eq!(b.get("/company").await.status, StatusCode::OK);
    let out = b.post("/company", "/api/sign_out", &[]).await;
    assert_eq!(out.location.as_deref(), Some("/"));
    assert_eq!(b.get("/company").await.status, StatusCode::FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_portal_without_smtp_refuses_to_start() {
    let scratch = career_relay::scratch::ScratchDb::new().await.unwrap();
    let mut config = career_relay_server::Config::for_tests(&scratch.url);
    config.base_url = Some("https://relay.example.jp".into());
    let refused = career_relay_server::Application::build(&config).await;
    let message = refused.err().expect("no dev mode in public").to_string();
    assert!(message.contains("CAREER_RELAY_SMTP_URL"), "{message}");
    config.smtp_url = Some("smtp://127.0.0.1:2525".into());
    assert!(career_relay_server::Application::build(&config)
        .await
        .is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_function_errors_carry_a_4xx_status_not_500() {
    let app = TestApp::spawn().await;
    let call = |endpoint: &'static str, fields: &'static [(&'static str, &'static str)]| {
        app.browser()
            .client
            .post(format!("{}/api/{endpoint}", app.base))
            .header("origin", app.base.clone())
            .header("accept", "application/json")
            .form(fields)
            .send()
    };
    let res = call("my_page", &[]).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.text().await.unwrap(), r#"{"User":"NotSignedIn"}"#);
    let res = call("request_sign_in", &[("email", "not an address")])
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = call("relay_landing", &[("code", "nope")]).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = call("candidate_detail", &[("id", "not a number")])
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_everywhere_ends_the_sessions_on_every_device() {
    let app = TestApp::spawn().await;
    app.company("端末株式会社", "hr@devices.example").await;
    let laptop = app.signed_in("hr@devices.example").await;
    let phone = app.signed_in("hr@devices.example").await;
    let other = {
        app.company("別端末株式会社", "hr@other-devices.example")
            .await;
        app.signed_in("hr@other-devices.example").await
    };
    assert_eq!(phone.get("/company").await.status, StatusCode::OK);
    let out = laptop
        .post("/company", "/api/sign_out_everywhere", &[])
        .await;
    assert_eq!(out.location.as_deref(), Some("/"));
    for device in [&laptop, &phone] {
        let page = device.get("/company").await;
        assert_eq!(page.status, StatusCode::FOUND, "signed out");
        assert!(page.location.unwrap().starts_with("/signin"));
    }
    assert_eq!(
        other.get("/company").await.status,
        StatusCode::OK,
        "other people stay signed in"
    );
    let again = app.signed_in("hr@devices.example").await;
    assert_eq!(
        again.get("/company").await.status,
        StatusCode::OK,
        "a new sign-in works"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_over_a_rate_limit_get_429_and_change_nothing() {
    let app = TestApp::spawn_with(|c| {
        c.limits.sign_in_mail_per_address = 2;
        c.limits.sign_in_mail_per_client = 4;
        c.limits.opt_in_per_link = 2;
        c.limits.sign_in_per_client = 3;
    })
    .await;
    let company = app.company("制限株式会社", "hr@limits.example").await;
    let b = &app.browser();
    let ask = |email: &'static str| async move {
        b.post("/signin", "/api/request_sign_in", &[("email", email)])
            .await
    };
    assert_eq!(
        ask("hr@limits.example").await.location.as_deref(),
        Some("/signin?sent=1")
    );
    assert_eq!(
        ask("hr@limits.example").await.location.as_deref(),
        Some("/signin?sent=1")
    );
    let over = ask("hr@limits.example").await;
    assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS, "per address");
    assert!(over.body.contains("短時間のリクエストが多すぎます"));
    let mails = || app.count("SELECT COUNT(*) FROM outbox");
    assert_eq!(mails().await, 2, "no third mail");
    assert_eq!(ask("a@limits.example").await.status, StatusCode::FOUND);
    let over = ask("b@limits.example").await;
    assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS, "per client");

    let code = app.relay_code(company).await;
    for n in 0..2 {
        let email = format!("c{n}@example.jp");
        let page = app
            .browser()
            .post(
                &format!("/r/{code}"),
                "/api/opt_in",
                &[("code", &code), ("email", &email), ("handoff", "on")],
            )
            .await;
        assert_eq!(page.location.as_deref(), Some("/check-mail"));
    }
    let res = app
        .browser()
        .client
        .post(format!("{}/api/opt_in", app.base))
        .header("referer", format!("{}/r/{code}", app.base))
        .form(&[
            ("code", code.as_str()),
            ("email", "c9@example.jp"),
            ("handoff", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "per link");
    let retry: i64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&retry));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM candidates").await,
        2,
        "no third candidate"
    );

    let guesser = app.browser();
    for _ in 0..3 {
        let page = guesser
            .post("/auth/x", "/auth/not-a-real-token/continue", &[])
            .await;
        assert_eq!(
            page.location.as_deref(),
            Some("/signin?error=sign_in_link_invalid")
        );
    }
    assert_eq!(
        guesser
            .post("/auth/x", "/auth/not-a-real-token/continue", &[])
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS,
        "sign-in attempts per client"
    );
}
