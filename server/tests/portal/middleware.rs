//! What every request passes through (`server/src/middleware.rs`): the content security policy,
//! the cross-site check, rate limits, real statuses for failed server functions, compression and
//! the static files' cache lifetimes.

use crate::common::TestApp;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_name_the_content_hashed_files_which_go_out_compressed_and_cached_for_good() {
    // A site as `scripts/build.sh` writes it, with an older build's stylesheet beside the new one.
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("career-relay.0000000000000000.css"), "old").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let css = "main { color: #123456; }\n".repeat(100);
    std::fs::write(pkg.join("career-relay.1111111111111111.css"), &css).unwrap();
    std::fs::write(
        pkg.join("career-relay.2222222222222222.js"),
        "export default 1;\n".repeat(100),
    )
    .unwrap();
    let wasm: Vec<u8> = b"\0asm\x01\0\0\0"
        .iter()
        .copied()
        .cycle()
        .take(64 * 1024)
        .collect();
    std::fs::write(pkg.join("career-relay.2222222222222222_bg.wasm"), &wasm).unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../public/favicon.svg"),
        site.path().join("favicon.svg"),
    )
    .unwrap();
    let root = site.path().to_str().unwrap().to_owned();
    let app = TestApp::spawn_with(|c| c.site_root = root).await;
    let client = reqwest::Client::new();

    let page = client
        .get(format!("{}/signin", app.base))
        .send()
        .await
        .unwrap();
    assert!(page
        .headers()
        .get("cache-control")
        .is_none_or(|v| !v.to_str().unwrap().contains("immutable")));
    let html = page.text().await.unwrap();
    assert!(
        html.contains(r#"<link rel="stylesheet" href="/pkg/career-relay.1111111111111111.css">"#),
        "{html}"
    );
    assert!(!html.contains("career-relay.0000000000000000.css"));
    assert!(html.contains("/pkg/career-relay.2222222222222222.js"));
    assert!(html.contains("/pkg/career-relay.2222222222222222_bg.wasm"));

    for (path, encoding) in [
        ("/pkg/career-relay.2222222222222222_bg.wasm", "br"),
        ("/pkg/career-relay.2222222222222222_bg.wasm", "gzip"),
        ("/pkg/career-relay.1111111111111111.css", "br"),
        ("/pkg/career-relay.2222222222222222.js", "gzip"),
    ] {
        let res = client
            .get(format!("{}{path}", app.base))
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(res.headers()["content-encoding"], encoding, "{path}");
        assert_eq!(
            res.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let sent = res.bytes().await.unwrap().len();
        assert!(
            sent < css.len().min(wasm.len()) / 4,
            "{path}: {sent} bytes sent"
        );
    }
    let icon = client
        .get(format!("{}/favicon.ico", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(icon.status(), StatusCode::OK);
    assert_eq!(icon.headers()["cache-control"], "public, max-age=86400");
    let missing = client
        .get(format!("{}/pkg/career-relay.3333333333333333.js", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing
        .headers()
        .get("cache-control")
        .is_none_or(|v| !v.to_str().unwrap().contains("immutable")));
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
            .form(&crate::common::settings_form(&[
                ("relays_per_credit", "1"),
                ("placement_bonus", "9"),
            ]));
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
            &crate::common::pairs(&crate::common::settings_form(&[
                ("relays_per_credit", "12"),
                ("placement_bonus", "2"),
            ])),
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_page_view_writes_no_session() {
    let app = TestApp::spawn().await;
    app.company("閲覧株式会社", "hr@views.example").await;
    let b = app.signed_in("hr@views.example").await;
    // The session is saved only when it changes: a save would send the cookie again.
    for _ in 0..3 {
        let res = b
            .client
            .get(format!("{}/company", app.base))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(
            res.headers().get("set-cookie").is_none(),
            "a page view neither renews nor rewrites the session cookie"
        );
    }
}
