//! Whole `career-relay` processes: several instances on one database, real mail over a real SMTP
//! server (aiosmtpd, started here), and shutdown on SIGTERM.

use crate::common::{free_port, wait_until, Process};
use career_relay::{db, email::Email, mail, scratch::ScratchDb};
use std::{
    path::PathBuf,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

/// A real SMTP server that stores every message it accepts in a maildir.
struct SmtpServer {
    port: u16,
    dir: tempfile::TempDir,
    _process: Process,
}

impl SmtpServer {
    async fn start() -> SmtpServer {
        let dir = tempfile::tempdir().expect("maildir");
        let port = free_port();
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("maildir"))
            .stdout(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (scripts/setup.sh installs it)");
        let server = SmtpServer {
            port,
            dir,
            _process: Process(child),
        };
        wait_until("the SMTP server listens", || async move {
            tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
        })
        .await;
        server
    }

    /// Every message received so far, as it arrived.
    fn messages(&self) -> Vec<String> {
        let new: PathBuf = self.dir.path().join("maildir").join("new");
        let Ok(entries) = std::fs::read_dir(new) else {
            return Vec::new();
        };
        entries
            .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
            .collect()
    }

    /// The subjects of every message received so far.
    fn subjects(&self) -> Vec<String> {
        self.messages()
            .into_iter()
            .filter_map(|m| {
                m.lines()
                    .find_map(|l| l.strip_prefix("Subject: ").map(str::to_owned))
            })
            .collect()
    }
}

/// Starts `career-relay serve` on the database and waits until it is healthy.
async fn instance(database_url: &str, envs: &[(&str, String)]) -> (Process, String) {
    instance_logging_to(database_url, envs, Stdio::inherit()).await
}

/// Starts `career-relay serve` with its log (standard error, where panics go too) sent to `log`.
async fn instance_logging_to(
    database_url: &str,
    envs: &[(&str, String)],
    log: Stdio,
) -> (Process, String) {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_career-relay"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("CAREER_RELAY_ADDR", format!("127.0.0.1:{port}"))
        .env(
            "RUST_LOG",
            std::env::var("INSTANCE_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .envs(envs.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("career-relay binary");
    let base = format!("http://127.0.0.1:{port}");
    let health = format!("{base}/healthz");
    wait_until("the instance is healthy", || {
        let health = health.clone();
        async move { matches!(reqwest::get(&health).await, Ok(r) if r.status().is_success()) }
    })
    .await;
    (Process(child), base)
}

fn migrate(database_url: &str) {
    let status = Command::new(env!("CARGO_BIN_EXE_career-relay"))
        .arg("migrate")
        .env("DATABASE_URL", database_url)
        .stdout(Stdio::null())
        .status()
        .expect("career-relay migrate");
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_on_one_database_send_every_mail_exactly_once() {
    let scratch = ScratchDb::new().await.unwrap();
    migrate(&scratch.url);
    let smtp = SmtpServer::start().await;
    let smtp_url = format!("smtp://127.0.0.1:{}", smtp.port);
    let mut instances = Vec::new();
    for _ in 0..3 {
        instances
            .push(instance(&scratch.url, &[("CAREER_RELAY_SMTP_URL", smtp_url.clone())]).await);
    }
    // All at once, so that every instance finds the same due messages.
    let pool = db::connect(&scratch.url).await.unwrap();
    let total = 300;
    let mut tx = pool.begin().await.unwrap();
    for n in 0..total {
        let to = Email::parse(&format!("person{n}@example.jp")).unwrap();
        let subject = format!("message {n}");
        if n == 0 {
            let body = "ご案内 https://relay.example/i/t0";
            mail::enqueue_with_unsubscribe(
                &mut *tx,
                &to,
                &subject,
                body,
                "https://relay.example/u/t0",
            )
            .await
            .unwrap();
        } else {
            mail::enqueue(&mut *tx, &to, &subject, "本文")
                .await
                .unwrap();
        }
    }
    tx.commit().await.unwrap();
    wait_until("every message is marked sent", || {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL")
                .fetch_one(&pool)
                .await
                .unwrap()
                == total
        }
    })
    .await;
    // The SMTP server stores a message before it answers, so everything marked sent is there.
    // A second delivery would need a second take: `attempts` proves there was none.
    let mut subjects = smtp.subjects();
    assert_eq!(subjects.len(), total as usize, "each message arrived once");
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), total as usize, "no message arrived twice");
    let retried: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE attempts <> 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(retried, 0, "each message was taken exactly once");
    // Each mail has a plain-text and an HTML part; a refusable one names its unsubscribe link.
    let messages = smtp.messages();
    let first = messages
        .iter()
        .find(|m| m.contains("List-Unsubscribe"))
        .expect("the invitation-like message arrived with List-Unsubscribe");
    assert!(
        first.contains("List-Unsubscribe: <https://relay.example/u/t0>"),
        "{first}"
    );
    assert!(first.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    assert!(first.contains("multipart/alternative"));
    assert!(first.contains("text/plain") && first.contains("text/html"));
    assert_eq!(
        messages
            .iter()
            .filter(|m| m.contains("List-Unsubscribe"))
            .count(),
        1
    );
    pool.close().await;
    drop(instances);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_close_each_overdue_request_and_lapse_each_credit_exactly_once() {
    use career_relay::{
        credit,
        org::{self, MemberRole, Membership},
        request::{self, NewRequest, RequestInput},
    };
    let scratch = ScratchDb::new().await.unwrap();
    migrate(&scratch.url);
    let pool = db::connect(&scratch.url).await.unwrap();
    let wanted = NewRequest::try_from(&RequestInput {
        title: "営業".into(),
        job_type: "sales".into(),
        prefecture: "13".into(),
        employment_type: "full_time".into(),
        salary_min: "300".into(),
        salary_max: "500".into(),
        ..Default::default()
    })
    .unwrap();
    // Five companies, each with seven credits, five requests (the five oldest credits spent).
    let companies = 5;
    for c in 0..companies {
        let (company, _) = org::create_company(&pool, &format!("期限{c}株式会社"))
            .await
            .unwrap();
        let member = Email::parse(&format!("hr{c}@deadline.example")).unwrap();
        let user = org::add_member(
            &pool,
            Membership::Company(company),
            &member,
            MemberRole::Admin,
        )
        .await
        .unwrap();
        let mut conn = pool.acquire().await.unwrap();
        for i in 0..7 {
            credit::append(&mut conn, company, "earned", 1, &format!("t:{c}:{i}"))
                .await
                .unwrap();
        }
        drop(conn);
        for _ in 0..5 {
            request::open(&pool, company, user, &wanted).await.unwrap();
        }
    }
    // Every deadline has passed (the five spent credits come back), and two credits reached
    // their day: those two lapse, whichever job gets there first.
    let past = career_relay::time::now() - 60;
    sqlx::query("UPDATE referral_requests SET deadline = $1")
        .bind(past)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE credit_ledger SET expires_at = $1 WHERE reason_key LIKE 't:%:5' OR reason_key LIKE 't:%:6'")
        .bind(past)
        .execute(&pool)
        .await
        .unwrap();
    // The credits were earned a while ago (notices wait until an entry is a minute old).
    sqlx::query("UPDATE credit_ledger SET created_at = created_at - 120")
        .execute(&pool)
        .await
        .unwrap();
    // Three instances start at once; each runs the jobs as it starts.
    let (a, b, c) = tokio::join!(
        instance(&scratch.url, &[]),
        instance(&scratch.url, &[]),
        instance(&scratch.url, &[])
    );
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    wait_until(
        "every request is closed and every lapse written",
        || async {
            count("SELECT COUNT(*) FROM referral_requests WHERE status = 'expired'").await == 25
                && count("SELECT COUNT(*) FROM credit_ledger WHERE kind = 'expired'").await == 10
        },
    )
    .await;
    // Let the other instances' rounds finish, then count.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        count("SELECT COUNT(*) FROM credit_ledger WHERE kind = 'refunded'").await,
        25
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM credit_ledger WHERE kind = 'expired'").await,
        10
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM companies WHERE credit_balance <> 5").await,
        0,
        "7 earned, 5 spent, 5 refunded, 2 lapsed"
    );
    // Each member was told of each refund once, and of the credits earned once.
    assert_eq!(
        count("SELECT COUNT(*) FROM outbox WHERE to_addr = 'hr0@deadline.example' AND body_text LIKE '%無料紹介依頼「営業」は期限までに%'").await,
        5
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM outbox WHERE to_addr = 'hr0@deadline.example' AND subject LIKE '%獲得しました%'").await,
        1
    );
    pool.close().await;
    drop((a, b, c));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sigterm_an_instance_drains_then_exits() {
    let scratch = ScratchDb::new().await.unwrap();
    let (mut process, base) =
        instance(&scratch.url, &[("CAREER_RELAY_DRAIN_SECONDS", "3".into())]).await;
    let pid = process.0.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let health = format!("{base}/healthz");
    wait_until("/healthz answers 503", || {
        let health = health.clone();
        async move {
            matches!(reqwest::get(&health).await, Ok(r) if r.status() == reqwest::StatusCode::SERVICE_UNAVAILABLE)
        }
    })
    .await;
    let page = reqwest::get(format!("{base}/")).await.unwrap();
    assert_eq!(
        page.status(),
        reqwest::StatusCode::OK,
        "still serving while draining"
    );
    let start = Instant::now();
    let status = loop {
        if let Some(status) = process.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the instance did not exit"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "a clean exit: {status}");
    assert!(reqwest::get(&health).await.is_err(), "no longer listening");
}

/// Sends `GET path` (with a cookie) over a raw connection and hangs up after `after`: a closed
/// tab, or a load balancer that gave up, in the middle of the page.
async fn drop_mid_page(base: &str, path: &str, cookie: &str, after: Duration) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let Ok(mut conn) = tokio::net::TcpStream::connect(addr).await else {
        return;
    };
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/html\r\nCookie: {cookie}\r\n\r\n"
    );
    let _ = conn.write_all(request.as_bytes()).await;
    let mut first = [0u8; 64];
    let _ = tokio::time::timeout(after, conn.read(&mut first)).await;
    drop(conn);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_dropped_mid_page_leave_no_panic_in_the_log() {
    let scratch = ScratchDb::new().await.unwrap();
    // The demo data: pages with something to load, as in use.
    let status = Command::new(env!("CARGO_BIN_EXE_career-relay"))
        .arg("demo")
        .env("DATABASE_URL", &scratch.url)
        .stdout(Stdio::null())
        .status()
        .expect("career-relay demo");
    assert!(status.success());
    let pool = db::connect(&scratch.url).await.unwrap();
    let member = match career_relay::auth::find_by_email(
        &pool,
        &Email::parse("hr@sakura-foods.example").unwrap(),
    )
    .await
    .unwrap()
    {
        Some(career_relay::auth::Subject::User(id)) => id,
        other => panic!("the demo company's member: {other:?}"),
    };
    let company: i64 = sqlx::query_scalar("SELECT company_id FROM users WHERE id = $1")
        .bind(member)
        .fetch_one(&pool)
        .await
        .unwrap();
    let code = career_relay::relay::live_code(&pool, company)
        .await
        .unwrap()
        .unwrap();
    let log_dir = tempfile::tempdir().unwrap();
    let log_path = log_dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let (process, base) = instance_logging_to(
        &scratch.url,
        &[("RUST_LOG", "info".into())],
        Stdio::from(log),
    )
    .await;

    // A signed-in session, through a real one-time link.
    let token = career_relay::auth::issue_link(&pool, career_relay::auth::Subject::User(member))
        .await
        .unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let signed_in = client
        .post(format!("{base}/auth/{token}/continue"))
        .header("origin", base.clone())
        .send()
        .await
        .unwrap();
    let cookie = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok()?.split(';').next().map(str::to_owned))
        .collect::<Vec<_>>()
        .join("; ");
    assert!(!cookie.is_empty(), "signed in");
    let cookie = format!("{cookie}; i18n_pref_locale=en");

    let pages = ["/company", "/members", "/company/import", "/", "/signin"];
    let relay = format!("/r/{}", code.as_str());
    // Bursts of requests, each dropped a little later than the one before: some before the
    // page's data is loaded, some while it renders.
    for _burst in 0..4 {
        let mut drops = Vec::new();
        for round in 0..50u64 {
            for path in pages.iter().copied().chain([relay.as_str()]) {
                let after = Duration::from_micros(100 + round * 400);
                let (base, path, cookie) = (base.clone(), path.to_owned(), cookie.clone());
                drops.push(tokio::spawn(async move {
                    drop_mid_page(&base, &path, &cookie, after).await
                }));
            }
        }
        for d in drops {
            d.await.unwrap();
        }
    }
    // The server still answers, and has had time to finish what the dropped pages started.
    let page = client
        .get(format!("{base}/company"))
        .header("cookie", cookie.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    tokio::time::sleep(Duration::from_secs(1)).await;
    drop(process);

    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.contains("dev mode"), "the server's log is read: {log}");
    assert!(
        !log.contains("panicked"),
        "the server log has a panic:\n{log}"
    );
    pool.close().await;
}
