//! Test harness: each test gets its own database file and its own server on a free port.

use career_relay::{
    auth,
    db::Pool,
    email::Email,
    org::{self, Membership},
    scratch::ScratchDb,
};
use career_relay_server::{Application, Config};
use reqwest::{redirect::Policy, Client, StatusCode};
use std::{
    net::TcpListener,
    process::Child,
    time::{Duration, Instant},
};

/// A request that takes longer than this is a bug, not a slow machine.
const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

pub struct TestApp {
    pub base: String,
    pub pool: Pool,
    _scratch: ScratchDb,
}

/// A browser: its own cookie jar, no automatic redirects (tests look at each one).
pub struct Browser {
    pub client: Client,
    pub base: String,
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// A portal with its configuration changed by `adjust` (limits, say).
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        // `TEST_LOG=debug cargo test` shows the server's log.
        if let Ok(filter) = std::env::var("TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_test_writer()
                .try_init();
        }
        let scratch = ScratchDb::new().await.expect("scratch database");
        let mut config = Config::for_tests(&scratch.url);
        adjust(&mut config);
        let app = Application::build(&config).await.expect("portal starts");
        let base = app.state.base_url.clone();
        let pool = app.state.pool.clone();
        tokio::spawn(app.run(std::future::pending()));
        TestApp {
            base,
            pool,
            _scratch: scratch,
        }
    }

    pub fn browser(&self) -> Browser {
        let client = Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("client");
        Browser {
            client,
            base: self.base.clone(),
        }
    }

    /// A browser whose requests say, through `x-forwarded-for`, that they come from `ip` (the
    /// portal believes it when spawned with that header as its client address header).
    pub fn browser_from(&self, ip: &str) -> Browser {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", ip.parse().expect("an address"));
        let client = Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .default_headers(headers)
            .build()
            .expect("client");
        Browser {
            client,
            base: self.base.clone(),
        }
    }

    /// A browser signed in as the owner of `email`, through a real one-time link.
    pub async fn signed_in(&self, email: &str) -> Browser {
        let b = self.browser();
        let subject = auth::find_by_email(&self.pool, &Email::parse(email).unwrap())
            .await
            .unwrap()
            .expect("account exists");
        let token = auth::issue_link(&self.pool, subject).await.unwrap();
        let page = b.use_link(&format!("/auth/{token}")).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "sign-in link redirects");
        b
    }

    pub async fn company(&self, name: &str, member: &str) -> i64 {
        let (id, _) = org::create_company(&self.pool, name).await.unwrap();
        org::add_member(
            &self.pool,
            Membership::Company(id),
            &Email::parse(member).unwrap(),
            career_relay::org::MemberRole::Admin,
        )
        .await
        .unwrap();
        id
    }

    pub async fn agency(&self, name: &str, member: &str, approved: bool) -> i64 {
        let id = org::create_agency(&self.pool, name, approved)
            .await
            .unwrap();
        org::add_member(
            &self.pool,
            Membership::Agency(id),
            &Email::parse(member).unwrap(),
            career_relay::org::MemberRole::Member,
        )
        .await
        .unwrap();
        id
    }

    pub async fn admin(&self, email: &str) {
        org::create_admin(&self.pool, &Email::parse(email).unwrap())
            .await
            .unwrap();
    }

    pub async fn relay_code(&self, company: i64) -> String {
        career_relay::relay::live_code(&self.pool, company)
            .await
            .unwrap()
            .unwrap()
            .as_str()
            .to_owned()
    }

    /// The newest sign-in link mailed to an address.
    pub async fn mailed_link(&self, to: &str) -> String {
        let body: String = sqlx::query_scalar(
            "SELECT body_text FROM outbox WHERE to_addr = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(to)
        .fetch_one(&self.pool)
        .await
        .expect("a mail was sent");
        let start = body.find("/auth/").expect("mail has a sign-in link");
        let token: String = body[start + 6..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        format!("/auth/{token}")
    }

    /// A candidate who opted in through `code`, confirmed, and completed the profile; signed in.
    pub async fn qualified_candidate(&self, code: &str, email: &str) -> Browser {
        self.qualified_candidate_with(code, email, false).await
    }

    /// `qualified_candidate`, agreeing at opt-in that the company may contact them again when
    /// `recontact`.
    pub async fn qualified_candidate_with(
        &self,
        code: &str,
        email: &str,
        recontact: bool,
    ) -> Browser {
        let b = self.browser();
        let mut fields = vec![("code", code), ("email", email), ("handoff", "on")];
        if recontact {
            fields.push(("recontact", "on"));
        }
        let page = b.post(&format!("/r/{code}"), "/api/opt_in", &fields).await;
        assert_eq!(page.location.as_deref(), Some("/check-mail"));
        let link = self.mailed_link(email).await;
        assert_eq!(b.use_link(&link).await.location.as_deref(), Some("/me"));
        // Each person's own summary: the farming rules hold a burst of near-identical profiles.
        let summary = format!(
            "営業経験5年（{}）",
            email.split('@').next().unwrap_or_default()
        );
        let mut profile = profile_form();
        if let Some(field) = profile.iter_mut().find(|(k, _)| *k == "summary") {
            field.1 = &summary;
        }
        let page = b.post("/me", "/api/save_profile", &profile).await;
        assert_eq!(
            page.location.as_deref(),
            Some("/me?saved=profile"),
            "profile saved"
        );
        b
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.pool).await.unwrap()
    }
}

pub fn profile_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("name", "山田 太郎"),
        ("name_kana", "ヤマダ タロウ"),
        ("phone", ""),
        ("prefecture", "13"),
        ("job_type_1", "sales"),
        ("job_type_2", ""),
        ("job_type_3", ""),
        ("skills", "法人営業, Excel"),
        ("years_experience", "5"),
        ("desired_salary", "450"),
        ("languages", "日本語"),
        ("summary", "営業経験5年"),
    ]
}

impl Browser {
    pub async fn get(&self, path: &str) -> Page {
        let res = self
            .client
            .get(format!("{}{}", self.base, path))
            .header("accept", "text/html")
            .timeout(REQUEST_TIMEOUT)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        Page::read(res).await
    }

    /// Follows a mailed sign-in link as a person does: opens the page, presses the button.
    pub async fn use_link(&self, link: &str) -> Page {
        let page = self.get(link).await;
        assert_eq!(page.status, StatusCode::OK, "the link opens a page");
        assert!(
            page.body.contains("continue-sign-in"),
            "with the sign-in button"
        );
        self.post(link, &format!("{link}/continue"), &[]).await
    }

    /// Posts a form as a browser without JavaScript would, from the page at `from`.
    pub async fn post(&self, from: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let res = self
            .client
            .post(format!("{}{}", self.base, action))
            .header("accept", "text/html,application/xhtml+xml")
            .header("referer", format!("{}{}", self.base, from))
            .form(fields)
            .timeout(REQUEST_TIMEOUT)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {action}: {e}"));
        Page::read(res).await
    }
}

impl Page {
    /// The links to the next pages of the page's lists (`rel="next"`), in the page's order.
    pub fn next_links(&self) -> Vec<String> {
        let mut links = Vec::new();
        let mut rest = self.body.as_str();
        while let Some(at) = rest.find("rel=\"next\"") {
            let tag = &rest[rest[..at].rfind("<a ").expect("a link")..at];
            let href = tag
                .split("href=\"")
                .nth(1)
                .and_then(|h| h.split('"').next());
            links.push(href.expect("with an address").replace("&amp;", "&"));
            rest = &rest[at + 1..];
        }
        links
    }

    /// The whole numbers that follow `prefix` in the page (`data-member="` …), in its order.
    pub fn ids_after(&self, prefix: &str) -> Vec<i64> {
        self.body
            .split(prefix)
            .skip(1)
            .filter_map(|rest| {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                rest[digits.len()..]
                    .starts_with('"')
                    .then(|| digits.parse().ok())?
            })
            .collect()
    }

    async fn read(res: reqwest::Response) -> Page {
        let status = res.status();
        let location = res
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_owned);
        let body = res.text().await.unwrap_or_default();
        Page {
            status,
            location,
            body,
        }
    }
}

/// A free port on loopback (bound and released at once).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// A child process that is killed when the test ends, whatever happens.
pub struct Process(pub Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Polls `check` every 100 ms until it holds; fails the test after 60 s.
pub async fn wait_until<F, Fut>(what: &str, check: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !check().await {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The admin's settings form: every setting at its default but those in `changes`.
pub fn settings_form(changes: &[(&str, &str)]) -> Vec<(&'static str, String)> {
    let defaults = career_relay::settings::Settings::default();
    career_relay::settings::RANGES
        .iter()
        .map(|&(key, _, _)| {
            let value = changes
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v).to_owned())
                .unwrap_or_else(|| defaults.get(key).to_string());
            (key, value)
        })
        .collect()
}

/// Pairs to post, borrowed from owned ones.
pub fn pairs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}
