//! Single sign-on for staff against a real OpenID provider: `oidc-provider` (a certified
//! implementation, installed in `end2end/` by scripts/setup.sh), started here on loopback with two
//! registered clients: the portal's, and another application's.

use crate::common::{free_port, wait_until, Browser, Page, Process, TestApp};
use career_relay::{email::Email, org::Membership, sso};
use career_relay_server::sso::{read_providers, Sso};
use reqwest::{redirect::Policy, Client, StatusCode};
use std::process::{Command, Stdio};

const PROVIDER: &str = "test-idp";

/// The provider process and its issuer URL.
struct Idp {
    issuer: String,
    _process: Process,
}

impl Idp {
    /// Starts the provider on `port`, with the portal's client and another one, both allowed to
    /// return to `redirect`.
    async fn start(port: u16, redirect: &str) -> Idp {
        let clients = serde_json::json!([
            { "client_id": "portal", "client_secret": "portal-secret", "redirect_uris": [redirect] },
            { "client_id": "other", "client_secret": "other-secret", "redirect_uris": [redirect] },
        ]);
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end/oidc/provider.mjs");
        let child = Command::new("node")
            .arg(script)
            .env("OIDC_PORT", port.to_string())
            .env("OIDC_CLIENTS", clients.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("node with end2end/node_modules (scripts/setup.sh --e2e installs them)");
        let issuer = format!("http://127.0.0.1:{port}");
        let idp = Idp {
            issuer: issuer.clone(),
            _process: Process(child),
        };
        let discovery = format!("{issuer}/.well-known/openid-configuration");
        wait_until("the OpenID provider answers", || {
            let discovery = discovery.clone();
            async move { matches!(reqwest::get(&discovery).await, Ok(r) if r.status().is_success()) }
        })
        .await;
        idp
    }

    /// Signs in at the provider's login form as `login` (in a browser with no session at the
    /// provider yet) and returns where the provider sends the browser back to (the portal's
    /// callback with `code` and `state`), without going there.
    async fn log_in(&self, authorize_url: &str, login: &str) -> String {
        let http = Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap();
        let to_login = http.get(authorize_url).send().await.unwrap();
        assert_eq!(
            to_login.status(),
            StatusCode::SEE_OTHER,
            "to the login form"
        );
        let interaction = location(&to_login);
        let form = http
            .post(format!("{}{}", self.issuer, interaction))
            .form(&[("prompt", "login"), ("login", login), ("password", "x")])
            .send()
            .await
            .unwrap();
        let mut next = location(&form);
        // Back to the authorization endpoint, which now answers with the redirect to the portal.
        for _ in 0..3 {
            if !next.starts_with(&format!("{}/", self.issuer)) && !next.starts_with('/') {
                break;
            }
            let url = if next.starts_with('/') {
                format!("{}{}", self.issuer, next)
            } else {
                next.clone()
            };
            let res = http.get(url).send().await.unwrap();
            assert!(res.status().is_redirection(), "provider redirects");
            next = location(&res);
        }
        next
    }

    /// An ID token issued by the provider to `client` (through the whole code flow, with PKCE)
    /// for `login`, with `nonce`.
    async fn id_token(
        &self,
        client: &str,
        secret: &str,
        redirect: &str,
        login: &str,
        nonce: &str,
    ) -> String {
        let (challenge, verifier) = openidconnect::PkceCodeChallenge::new_random_sha256();
        let mut url = url::Url::parse(&format!("{}/auth", self.issuer)).unwrap();
        url.query_pairs_mut()
            .append_pair("client_id", client)
            .append_pair("response_type", "code")
            .append_pair("scope", "openid email")
            .append_pair("redirect_uri", redirect)
            .append_pair("state", "test-state")
            .append_pair("nonce", nonce)
            .append_pair("code_challenge", challenge.as_str())
            .append_pair("code_challenge_method", "S256");
        let back = self.log_in(url.as_str(), login).await;
        let code = query_param(&back, "code").expect("a code");
        let tokens: serde_json::Value = Client::new()
            .post(format!("{}/token", self.issuer))
            .basic_auth(client, Some(secret))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", redirect),
                ("code_verifier", verifier.secret().as_str()),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        tokens["id_token"].as_str().expect("an ID token").to_owned()
    }
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .expect("a redirect")
        .to_owned()
}

fn query_param(url: &str, name: &str) -> Option<String> {
    let url = url::Url::parse(url)
        .or_else(|_| url::Url::parse(&format!("http://x{url}")))
        .ok()?;
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The portal's provider setting for an issuer.
fn providers(issuer: &str, client: &str, secret: &str) -> String {
    serde_json::json!([{
        "id": PROVIDER, "name": "Test IdP", "issuer": issuer,
        "client_id": client, "client_secret": secret,
    }])
    .to_string()
}

/// A portal configured with the provider, the provider itself, and a company bound to it with
/// the domain `sso.example` and one invited admin, hanako@sso.example.
async fn world() -> (TestApp, Idp, i64) {
    let port = free_port();
    let issuer = format!("http://127.0.0.1:{port}");
    let app = TestApp::spawn_with(|c| {
        c.sso_providers = Some(providers(&issuer, "portal", "portal-secret"));
    })
    .await;
    let idp = Idp::start(port, &format!("{}/sso/callback", app.base)).await;
    let company = app.company("SSO株式会社", "hanako@sso.example").await;
    sso::bind(
        &app.pool,
        Membership::Company(company),
        Some(PROVIDER),
        "sso.example",
    )
    .await
    .unwrap();
    (app, idp, company)
}

/// Starts a sign-in as a person does: the address on the sign-in page, which sends a staff
/// member of a bound domain to the provider. Returns the provider's authorization URL.
async fn start(b: &Browser, email: &str) -> String {
    let page = b
        .post("/signin", "/api/request_sign_in", &[("email", email)])
        .await;
    let to_sso = page.location.expect("sent on");
    assert_eq!(to_sso, format!("/sso/{PROVIDER}/start"));
    let page = b.get(&to_sso).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "to the provider");
    page.location.expect("the provider's URL")
}

/// Comes back from the provider to the portal's callback.
async fn come_back(b: &Browser, callback: &str) -> Page {
    let path = callback
        .strip_prefix(&b.base)
        .expect("the provider returns to the portal");
    b.get(path).await
}

async fn signed_in_to_company(b: &Browser) -> bool {
    b.get("/company").await.status == StatusCode::OK
}

fn refusal(page: &Page) -> String {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let to = page.location.clone().unwrap_or_default();
    assert!(to.starts_with("/sso/refused?reason="), "refused: {to}");
    to["/sso/refused?reason=".len()..].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invited_member_signs_in_through_the_provider_with_pkce_state_and_nonce() {
    let (app, idp, _) = world().await;
    let b = app.browser();
    // The sign-in form's redirects may lead to the provider (a browser enforces form-action on them).
    let signin = b
        .client
        .get(format!("{}/signin", app.base))
        .send()
        .await
        .unwrap();
    let csp = signin.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains(&format!("form-action 'self' {};", idp.issuer)),
        "{csp}"
    );
    let authorize = start(&b, "hanako@sso.example").await;
    assert!(authorize.starts_with(&idp.issuer));
    for p in ["state", "nonce", "code_challenge"] {
        assert!(
            query_param(&authorize, p).is_some_and(|v| v.len() >= 22),
            "{p}"
        );
    }
    assert_eq!(
        query_param(&authorize, "code_challenge_method").as_deref(),
        Some("S256")
    );
    let back = idp.log_in(&authorize, "hanako@sso.example").await;
    let page = come_back(&b, &back).await;
    assert_eq!(page.location.as_deref(), Some("/company"), "{}", page.body);
    assert!(signed_in_to_company(&b).await);
    assert_eq!(app.count("SELECT COUNT(*) FROM sso_identities").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in_sso'")
            .await,
        1
    );
    // The refusal page reads in the person's language.
    let page = b.get("/sso/refused?reason=sso_not_invited").await;
    assert!(page.body.contains("招待されていません"), "{}", page.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uninvited_address_joins_only_where_the_organisation_allows_its_domain() {
    let (app, idp, company) = world().await;
    let b = app.browser();
    let authorize = start(&b, "jiro@sso.example").await;
    let back = idp.log_in(&authorize, "jiro@sso.example").await;
    assert_eq!(refusal(&come_back(&b, &back).await), "sso_not_invited");
    assert!(!signed_in_to_company(&b).await);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'jiro@sso.example'")
            .await,
        0
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM sso_identities").await, 0);

    sso::set_policy(&app.pool, Membership::Company(company), true, true)
        .await
        .unwrap();
    // An address the provider has not verified does not join.
    let authorize = start(&b, "unverified-saburo@sso.example").await;
    let back = idp
        .log_in(&authorize, "unverified-saburo@sso.example")
        .await;
    assert_eq!(refusal(&come_back(&b, &back).await), "sso_email_unverified");

    let authorize = start(&b, "jiro@sso.example").await;
    let back = idp.log_in(&authorize, "jiro@sso.example").await;
    assert_eq!(
        come_back(&b, &back).await.location.as_deref(),
        Some("/company")
    );
    assert!(signed_in_to_company(&b).await);
    let role: String =
        sqlx::query_scalar("SELECT member_role FROM users WHERE email = 'jiro@sso.example'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(role, "member");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_of_no_bound_organisation_is_refused() {
    let (app, idp, _) = world().await;
    // Another company, not bound to the provider, with a member whose address is at the bound
    // domain's provider: the provider vouches for them, but their organisation does not use it.
    let other = app.company("別会社", "taro@other.example").await;
    sso::bind(&app.pool, Membership::Company(other), None, "other.example")
        .await
        .unwrap();
    let b = app.browser();
    let authorize = start(&b, "hanako@sso.example").await;
    let back = idp.log_in(&authorize, "taro@other.example").await;
    assert_eq!(refusal(&come_back(&b, &back).await), "sso_no_organisation");
    assert!(!signed_in_to_company(&b).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_of_an_sso_only_organisation_cannot_use_mailed_links() {
    let (app, _idp, company) = world().await;
    app.signed_in("hanako@sso.example").await; // links still work while allowed
                                               // Turning links off needs a provider: an unbound company cannot.
    let plain = app.company("メール株式会社", "mail@plain.example").await;
    let e = sso::set_policy(&app.pool, Membership::Company(plain), false, false)
        .await
        .unwrap_err();
    assert_eq!(e.user_error(), career_relay::UserError::SsoNotBound);

    sso::set_policy(&app.pool, Membership::Company(company), false, false)
        .await
        .unwrap();
    career_relay::org::add_member(
        &app.pool,
        Membership::Company(company),
        &Email::parse("gmail-user@gmail.example").unwrap(),
        career_relay::org::MemberRole::Member,
    )
    .await
    .unwrap();
    let b = app.browser();
    // Even an address outside the bound domains goes to the provider, and no mail is sent.
    let page = b
        .post(
            "/signin",
            "/api/request_sign_in",
            &[("email", "gmail-user@gmail.example")],
        )
        .await;
    assert_eq!(page.location.as_deref(), Some("/sso/test-idp/start"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE to_addr = 'gmail-user@gmail.example'")
            .await,
        0
    );
    // A link issued earlier no longer signs them in.
    let subject =
        career_relay::auth::find_by_email(&app.pool, &Email::parse("hanako@sso.example").unwrap())
            .await
            .unwrap()
            .unwrap();
    let token = career_relay::auth::issue_link(&app.pool, subject)
        .await
        .unwrap();
    let page = b.use_link(&format!("/auth/{token}")).await;
    assert_eq!(page.location.as_deref(), Some("/signin?error=sso_required"));
    assert!(!signed_in_to_company(&b).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_state_is_refused_and_the_sign_in_cannot_be_resumed() {
    let (app, idp, _) = world().await;
    let b = app.browser();
    let authorize = start(&b, "hanako@sso.example").await;
    let back = idp.log_in(&authorize, "hanako@sso.example").await;
    let state = query_param(&back, "state").unwrap();
    let tampered = back.replace(&format!("state={state}"), "state=forged-state-value-00000");
    assert_ne!(tampered, back);
    assert_eq!(refusal(&come_back(&b, &tampered).await), "sso_failed");
    assert!(!signed_in_to_company(&b).await);
    // The sign-in in progress was used up by the attempt: the genuine answer no longer works.
    assert_eq!(refusal(&come_back(&b, &back).await), "sso_failed");
    assert!(!signed_in_to_company(&b).await);
    assert_eq!(app.count("SELECT COUNT(*) FROM sso_identities").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_code_is_refused() {
    let (app, idp, _) = world().await;
    let first = app.browser();
    let authorize = start(&first, "hanako@sso.example").await;
    let back = idp.log_in(&authorize, "hanako@sso.example").await;
    assert_eq!(
        come_back(&first, &back).await.location.as_deref(),
        Some("/company")
    );
    let code = query_param(&back, "code").unwrap();

    // Someone holding the used code starts their own sign-in and presents it with their state.
    let thief = app.browser();
    let authorize = start(&thief, "hanako@sso.example").await;
    let state = query_param(&authorize, "state").unwrap();
    let replay = format!("{}/sso/callback?code={code}&state={state}", app.base);
    assert_eq!(refusal(&come_back(&thief, &replay).await), "sso_failed");
    assert!(!signed_in_to_company(&thief).await);
    // And the same answer twice in the first browser signs nobody in again.
    first.post("/company", "/api/sign_out", &[]).await;
    assert_eq!(refusal(&come_back(&first, &back).await), "sso_failed");
    assert!(!signed_in_to_company(&first).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_token_with_another_nonce_is_refused() {
    let (app, idp, _) = world().await;
    let b = app.browser();
    let authorize = start(&b, "hanako@sso.example").await;
    let nonce = query_param(&authorize, "nonce").unwrap();
    // The provider is asked for a token with a nonce this session never made.
    let forged = authorize.replace(
        &format!("nonce={nonce}"),
        "nonce=a-nonce-from-somewhere-else",
    );
    assert_ne!(forged, authorize);
    let back = idp.log_in(&forged, "hanako@sso.example").await;
    assert_eq!(refusal(&come_back(&b, &back).await), "sso_failed");
    assert!(!signed_in_to_company(&b).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn id_tokens_for_another_audience_expired_or_altered_are_refused() {
    let port = free_port();
    let issuer = format!("http://127.0.0.1:{port}");
    let redirect = "http://127.0.0.1:9/sso/callback";
    let idp = Idp::start(port, redirect).await;
    let verifier = |client: &str, secret: &str| {
        Sso::new(
            read_providers(&providers(&issuer, client, secret)).unwrap(),
            "http://127.0.0.1:9",
        )
        .unwrap()
        .unwrap()
    };
    let portal = verifier("portal", "portal-secret");
    let other = verifier("other", "other-secret");
    let now = chrono::Utc::now();

    // A genuine token of the portal's client passes, and names the account.
    let mine = idp
        .id_token(
            "portal",
            "portal-secret",
            redirect,
            "hanako@sso.example",
            "n-1",
        )
        .await;
    let v = portal
        .verify_raw_id_token(PROVIDER, &mine, "n-1", now)
        .await
        .unwrap();
    assert_eq!(v.email.as_deref(), Some("hanako@sso.example"));
    assert!(v.email_verified);
    // Wrong nonce.
    assert!(portal
        .verify_raw_id_token(PROVIDER, &mine, "n-2", now)
        .await
        .is_err());
    // Expired: the same token an hour after its ten minutes.
    let later = now + chrono::Duration::minutes(70);
    assert!(portal
        .verify_raw_id_token(PROVIDER, &mine, "n-1", later)
        .await
        .is_err());
    // Altered: one character of the payload changed, so the signature no longer matches.
    let mut parts: Vec<String> = mine.split('.').map(str::to_owned).collect();
    let flipped = if parts[1].ends_with('A') { 'B' } else { 'A' };
    parts[1].pop();
    parts[1].push(flipped);
    assert!(portal
        .verify_raw_id_token(PROVIDER, &parts.join("."), "n-1", now)
        .await
        .is_err());

    // A genuine token issued to another application is refused by the portal (audience),
    // though that application accepts it.
    let theirs = idp
        .id_token(
            "other",
            "other-secret",
            redirect,
            "hanako@sso.example",
            "n-3",
        )
        .await;
    assert!(other
        .verify_raw_id_token(PROVIDER, &theirs, "n-3", now)
        .await
        .is_ok());
    assert!(portal
        .verify_raw_id_token(PROVIDER, &theirs, "n-3", now)
        .await
        .is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_bind_organisations_and_set_the_sign_in_policy_in_the_portal() {
    let (app, _idp, company) = world().await;
    app.admin("root@example.jp").await;
    let admin = app.signed_in("root@example.jp").await;
    let agency = app
        .agency("SSOエージェント", "staff@agency.example", true)
        .await;
    let page = admin
        .post(
            "/admin",
            "/api/bind_sso",
            &[
                ("org", "agency"),
                ("org_id", &agency.to_string()),
                ("provider", PROVIDER),
                ("domains", "Agency.example\n＠agency2.example"),
            ],
        )
        .await;
    assert_eq!(page.location.as_deref(), Some("/admin?saved=sso"));
    let got = sso::org_sso(&app.pool, Membership::Agency(agency))
        .await
        .unwrap();
    assert_eq!(got.provider.as_deref(), Some(PROVIDER));
    assert_eq!(got.domains, vec!["agency.example", "agency2.example"]);
    // A domain of another organisation, an unknown provider, a bad domain: refused, nothing changes.
    for (provider, domains) in [
        (PROVIDER, "sso.example"),
        ("nope", "agency.example"),
        (PROVIDER, "not a domain"),
    ] {
        let page = admin
            .post(
                "/admin",
                "/api/bind_sso",
                &[
                    ("org", "agency"),
                    ("org_id", &agency.to_string()),
                    ("provider", provider),
                    ("domains", domains),
                ],
            )
            .await;
        assert_eq!(
            page.location.as_deref(),
            Some("/admin"),
            "{provider} {domains}"
        );
        assert_eq!(
            sso::org_sso(&app.pool, Membership::Agency(agency))
                .await
                .unwrap(),
            got
        );
    }
    let page = admin.get("/admin").await;
    assert!(page.body.contains("agency2.example"));

    // The company's admin turns on domain joining and turns off mailed links.
    let hanako = app.signed_in("hanako@sso.example").await;
    let page = hanako
        .post("/members", "/api/save_sso_policy", &[("domain_join", "on")])
        .await;
    assert_eq!(page.location.as_deref(), Some("/members?saved=sso_policy"));
    let policy = sso::org_sso(&app.pool, Membership::Company(company))
        .await
        .unwrap();
    assert!(policy.domain_join && !policy.email_links);
    assert!(hanako.get("/members").await.body.contains("Test IdP"));
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('sso_bound', 'sso_policy_changed')"
        )
        .await,
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_of_another_organisation_at_a_bound_domain_keep_their_links() {
    let (app, _idp, _) = world().await;
    app.company("別会社", "contractor@sso.example").await;
    app.admin("root@sso.example").await;
    let b = app.browser();
    for email in ["contractor@sso.example", "root@sso.example"] {
        let page = b
            .post("/signin", "/api/request_sign_in", &[("email", email)])
            .await;
        assert_eq!(page.location.as_deref(), Some("/signin?sent=1"), "{email}");
    }
    // An unknown address at the domain goes to the provider, where it may join.
    let page = b
        .post(
            "/signin",
            "/api/request_sign_in",
            &[("email", "new@sso.example")],
        )
        .await;
    assert_eq!(page.location.as_deref(), Some("/sso/test-idp/start"));
}
