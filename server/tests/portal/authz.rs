//! Every server function against every role (docs/design.md, "Roles and what each may see"): allowed
//! where the design allows it, refused everywhere else. A server function missing from the table
//! fails the test, so a new one cannot ship without its line.

use crate::common::{profile_form, Browser, TestApp};
use career_relay::{
    claim,
    email::Email,
    org::{self, Membership},
    placement::{self, Answer, Placement, PlacementInput},
    request,
};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    SignedOut,
    /// The candidate a placement report is about.
    Candidate,
    /// Another candidate of the same company.
    OtherCandidate,
    CompanyMember,
    CompanyAdmin,
    OtherCompany,
    AgencyStaff,
    AgencyAdmin,
    OtherAgency,
    PendingAgency,
    PlatformAdmin,
}

use Role::*;

const ALL: [Role; 11] = [
    SignedOut,
    Candidate,
    OtherCandidate,
    CompanyMember,
    CompanyAdmin,
    OtherCompany,
    AgencyStaff,
    AgencyAdmin,
    OtherAgency,
    PendingAgency,
    PlatformAdmin,
];
const EVERYONE: &[Role] = &ALL;
/// Everyone but the signed-out visitor, who comes first in `ALL`.
const SIGNED_IN: &[Role] = ALL.split_at(1).1;
const CANDIDATES: &[Role] = &[Candidate, OtherCandidate];
const COMPANIES: &[Role] = &[CompanyMember, CompanyAdmin, OtherCompany];
/// The first company, whose records the world's ids name.
const OWN_COMPANY: &[Role] = &[CompanyMember, CompanyAdmin];
const APPROVED_AGENCIES: &[Role] = &[AgencyStaff, AgencyAdmin, OtherAgency];
const OWN_AGENCY: &[Role] = &[AgencyStaff, AgencyAdmin];
const ORG_ADMINS: &[Role] = &[CompanyAdmin, OtherCompany, AgencyAdmin];

/// Errors that mean "not for you". A caller who is let through may still meet a rule
/// (`AlreadyClaimed`, a validation error): that is allowed, not refused.
const REFUSALS: [&str; 5] = [
    "NotSignedIn",
    "Forbidden",
    "AgencyNotApproved",
    "NotFound",
    "ClaimNotActive",
];

/// Functions whose first successful call ends what the next would act on.
const CONSUMING: [&str; 9] = [
    "answer_ask",
    "erase_me",
    "erase_candidate",
    "release_claim",
    "report_placement",
    "start_import",
    "cancel_request",
    "introduce_candidate",
    "answer_introduction",
];

/// A company with two candidates in play and a third in the pool, its agency, a second company and
/// agency, an agency awaiting approval, and a platform admin; every role signed in.
struct World {
    app: TestApp,
    browsers: BTreeMap<Role, Browser>,
    code: String,
    free_candidate: i64,
    open_claim: i64,
    /// The candidate of the open claim.
    open_claim_candidate: i64,
    placement: i64,
    disputed: i64,
    own_agency: i64,
    /// A plain member of the first company.
    member_user: i64,
    /// An API key of the first company.
    api_key: i64,
    /// An uploaded CSV import of the first company, waiting for its columns.
    import: i64,
    /// Free referral requests of the first company: one with an introduction its candidate
    /// agreed to, one with an introduction waiting for the answer, one with none.
    screened_request: i64,
    asking_request: i64,
    empty_request: i64,
    agreed_introduction: i64,
    asked_introduction: i64,
    /// The link of a follow-up mail to the candidate in the pool.
    ask_token: String,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let pool = app.pool.clone();
    let company = app.company("本社株式会社", "admin@a.example").await;
    let member_user = org::add_member(
        &pool,
        Membership::Company(company),
        &Email::parse("member@a.example").unwrap(),
        career_relay::org::MemberRole::Member,
    )
    .await
    .unwrap();
    app.company("別会社", "member@b.example").await;
    let agency = app.agency("本紹介", "staff@a-agency.example", true).await;
    org::add_member(
        &pool,
        Membership::Agency(agency),
        &Email::parse("boss@a-agency.example").unwrap(),
        career_relay::org::MemberRole::Admin,
    )
    .await
    .unwrap();
    app.agency("別紹介", "staff@b-agency.example", true).await;
    app.agency("審査中紹介", "staff@p-agency.example", false)
        .await;
    app.admin("root@relay.example").await;
    let code = app.relay_code(company).await;

    let placed = app.qualified_candidate(&code, "placed@example.jp").await;
    let claimed = app.qualified_candidate(&code, "claimed@example.jp").await;
    app.qualified_candidate(&code, "disputed@example.jp").await;
    app.qualified_candidate(&code, "free@example.jp").await;
    let id = |email: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT id FROM candidates WHERE email = $1")
                .bind(email)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let staff: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'staff@a-agency.example'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let report = Placement::try_from(&PlacementInput {
        employer: "株式会社次".into(),
        position: "営業".into(),
        start_date: "2027-04-01".into(),
        fee: String::new(),
    })
    .unwrap();
    let k = claim::claim(&pool, agency, staff, id("placed@example.jp").await)
        .await
        .unwrap();
    let placement = placement::report(&pool, agency, k, &report).await.unwrap();
    let disputed_candidate = id("disputed@example.jp").await;
    let k = claim::claim(&pool, agency, staff, disputed_candidate)
        .await
        .unwrap();
    let disputed = placement::report(&pool, agency, k, &report).await.unwrap();
    placement::answer(&pool, disputed_candidate, disputed, Answer::Dispute)
        .await
        .unwrap();
    let claimed_candidate = id("claimed@example.jp").await;
    let open_claim = claim::claim(&pool, agency, staff, claimed_candidate)
        .await
        .unwrap();

    // The candidate in the pool also agreed that the company may contact them again.
    sqlx::query("UPDATE candidates SET recontact_consent = 1 WHERE email = 'free@example.jp'")
        .execute(&pool)
        .await
        .unwrap();

    let mut browsers = BTreeMap::new();
    browsers.insert(SignedOut, app.browser());
    browsers.insert(Candidate, placed);
    browsers.insert(OtherCandidate, claimed);
    for (role, email) in [
        (CompanyMember, "member@a.example"),
        (CompanyAdmin, "admin@a.example"),
        (OtherCompany, "member@b.example"),
        (AgencyStaff, "staff@a-agency.example"),
        (AgencyAdmin, "boss@a-agency.example"),
        (OtherAgency, "staff@b-agency.example"),
        (PendingAgency, "staff@p-agency.example"),
        (PlatformAdmin, "root@relay.example"),
    ] {
        browsers.insert(role, app.signed_in(email).await);
    }
    let (api_key, _) =
        career_relay::apikey::create(&pool, Membership::Company(company), None, "ATS")
            .await
            .unwrap();
    let import = career_relay::import::create(&pool, company, member_user)
        .await
        .unwrap();
    career_relay::import::append(
        &pool,
        import,
        0,
        "name,email\n山田,yamada@example.jp\n".as_bytes(),
    )
    .await
    .unwrap();
    career_relay::import::uploaded(&pool, import, 30, "UTF-8")
        .await
        .unwrap();
    // Free referral requests: the first company's own applicant agreed to be contacted again, so
    // its agency may introduce them.
    let wording = app::api::ssr::MailWording {
        base_url: app.base.clone(),
    };
    let mut conn = pool.acquire().await.unwrap();
    for i in 0..3 {
        career_relay::credit::append(&mut conn, company, "earned", 1, &format!("authz:{i}"))
            .await
            .unwrap();
    }
    drop(conn);
    career_relay::candidate::set_consent(
        &pool,
        claimed_candidate,
        career_relay::consent::ConsentKind::Recontact,
        true,
    )
    .await
    .unwrap();
    let wanted = request::NewRequest::try_from(&a_request()).unwrap();
    let rec = request::Recommendation::parse("推薦します").unwrap();
    let screened_request = request::open(&pool, company, member_user, &wanted)
        .await
        .unwrap();
    let agreed_introduction = request::introduce(
        &pool,
        &wording,
        agency,
        staff,
        screened_request,
        claimed_candidate,
        &rec,
    )
    .await
    .unwrap();
    request::answer(
        &pool,
        &wording,
        claimed_candidate,
        agreed_introduction,
        true,
    )
    .await
    .unwrap();
    let asking_request = request::open(&pool, company, member_user, &wanted)
        .await
        .unwrap();
    let asked_introduction = request::introduce(
        &pool,
        &wording,
        agency,
        staff,
        asking_request,
        claimed_candidate,
        &rec,
    )
    .await
    .unwrap();
    let empty_request = request::open(&pool, company, member_user, &wanted)
        .await
        .unwrap();
    World {
        screened_request,
        asking_request,
        empty_request,
        agreed_introduction,
        asked_introduction,
        import,
        api_key,
        ask_token: {
            let mut conn = pool.acquire().await.unwrap();
            let free = id("free@example.jp").await;
            career_relay::ask::open(
                &mut conn,
                free,
                career_relay::ask::AskKind::FollowUp,
                1,
                None,
            )
            .await
            .unwrap()
            .unwrap()
        },
        free_candidate: id("free@example.jp").await,
        app,
        browsers,
        code,
        open_claim,
        open_claim_candidate: claimed_candidate,
        placement,
        disputed,
        own_agency: agency,
        member_user,
    }
}

/// A request's form, complete and valid.
fn a_request() -> request::RequestInput {
    request::RequestInput {
        title: "営業".into(),
        job_type: "sales".into(),
        prefecture: "13".into(),
        employment_type: "full_time".into(),
        salary_min: "300".into(),
        salary_max: "600".into(),
        ..Default::default()
    }
}

/// A server function, the fields of a call, and the roles that may make it.
type Line = (&'static str, Vec<(String, String)>, &'static [Role]);

/// Every server function: its fields and who may call it.
fn table(w: &World) -> Vec<Line> {
    let f = |pairs: &[(&str, String)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    };
    let profile: Vec<(String, String)> = profile_form()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    vec![
        // Public.
        ("whoami", vec![], EVERYONE),
        (
            "request_sign_in",
            f(&[("email", "nobody@example.jp".into())]),
            EVERYONE,
        ),
        ("sign_out", vec![], EVERYONE),
        ("sign_out_everywhere", vec![], SIGNED_IN),
        ("relay_landing", f(&[("code", w.code.clone())]), EVERYONE),
        (
            "opt_in",
            f(&[
                ("code", w.code.clone()),
                ("email", "new@example.jp".into()),
                ("handoff", "on".into()),
            ]),
            EVERYONE,
        ),
        // Dev mode only (the tests run on loopback without SMTP); it does not exist otherwise.
        ("dev_mailbox", vec![], EVERYONE),
        // The candidate's own data.
        ("my_page", vec![], CANDIDATES),
        ("save_profile", profile, CANDIDATES),
        (
            "set_consent",
            f(&[("kind", "recontact".into()), ("granted", "true".into())]),
            CANDIDATES,
        ),
        (
            "answer_placement",
            f(&[
                ("placement_id", w.placement.to_string()),
                ("answer", "confirm".into()),
            ]),
            &[Candidate],
        ),
        ("my_provisions", vec![], CANDIDATES),
        ("erase_me", f(&[("confirm", "on".into())]), CANDIDATES),
        (
            "request_email_change",
            f(&[("email", "new-address@example.jp".into())]),
            CANDIDATES,
        ),
        ("accept_notice", vec![], CANDIDATES),
        (
            "set_search_status",
            f(&[("search_status", "paused".into())]),
            CANDIDATES,
        ),
        // The links of follow-up and renewal mails: the token is the proof, not the session.
        ("ask", f(&[("token", w.ask_token.clone())]), EVERYONE),
        (
            "answer_ask",
            f(&[
                ("token", w.ask_token.clone()),
                ("answer", "looking".into()),
                ("satisfaction", "4".into()),
            ]),
            EVERYONE,
        ),
        // The company's own link and status.
        (
            "publish_notice",
            f(&[
                ("version", "2027-01".into()),
                ("text_ja", "提供先の表記を改めました。".into()),
                ("text_en", "We reworded the recipients.".into()),
            ]),
            &[PlatformAdmin],
        ),
        (
            "company_page",
            f(&[("history[ledger_before]", String::new())]),
            COMPANIES,
        ),
        ("numbers_page", vec![], COMPANIES),
        // Return candidates: the company's own (another company's list is its own, empty).
        (
            "returns_page",
            f(&[("query[job_type]", String::new())]),
            COMPANIES,
        ),
        (
            "mark_contacted",
            f(&[
                ("candidate_id", w.free_candidate.to_string()),
                ("note", "電話しました".into()),
            ]),
            OWN_COMPANY,
        ),
        ("reissue_link", vec![], COMPANIES),
        ("imports_page", f(&[("after", String::new())]), COMPANIES),
        (
            "import_page",
            f(&[("id", w.import.to_string())]),
            OWN_COMPANY,
        ),
        (
            "start_import",
            f(&[
                ("import_id", w.import.to_string()),
                ("name", "0".into()),
                ("email", "1".into()),
                ("position", String::new()),
                ("rejected_on", String::new()),
                ("phone", String::new()),
            ]),
            OWN_COMPANY,
        ),
        ("revoke_link", vec![], COMPANIES),
        // Free referral requests: the company's own, the open ones for approved agencies, the
        // introduction for the candidate it concerns.
        ("requests_page", f(&[("after", String::new())]), COMPANIES),
        (
            "open_request",
            f(&[
                ("title", "営業".into()),
                ("job_type", "sales".into()),
                ("prefecture", "13".into()),
                ("employment_type", "full_time".into()),
                ("salary_min", "300".into()),
                ("salary_max", "600".into()),
            ]),
            COMPANIES,
        ),
        (
            "request_page",
            f(&[("id", w.screened_request.to_string())]),
            OWN_COMPANY,
        ),
        (
            "cancel_request",
            f(&[("request_id", w.empty_request.to_string())]),
            OWN_COMPANY,
        ),
        (
            "screen_introduction",
            f(&[
                ("request_id", w.screened_request.to_string()),
                ("introduction_id", w.agreed_introduction.to_string()),
                ("result", "interview".into()),
                ("reason", String::new()),
            ]),
            OWN_COMPANY,
        ),
        (
            "agency_requests",
            f(&[("query[after]", String::new())]),
            APPROVED_AGENCIES,
        ),
        (
            "agency_request",
            f(&[("id", w.screened_request.to_string())]),
            APPROVED_AGENCIES,
        ),
        (
            "accept_request",
            f(&[("request_id", w.asking_request.to_string())]),
            APPROVED_AGENCIES,
        ),
        (
            "introduce_candidate",
            f(&[
                ("request_id", w.empty_request.to_string()),
                ("candidate_id", w.open_claim_candidate.to_string()),
                ("recommendation", "推薦します".into()),
            ]),
            OWN_AGENCY,
        ),
        (
            "answer_introduction",
            f(&[
                ("introduction_id", w.asked_introduction.to_string()),
                ("answer", "agree".into()),
            ]),
            &[OtherCandidate],
        ),
        // The pool, for approved agencies; claims, for the agency that holds them.
        ("pool", f(&[("query[q]", String::new())]), APPROVED_AGENCIES),
        (
            "candidate_detail",
            f(&[("id", w.free_candidate.to_string())]),
            APPROVED_AGENCIES,
        ),
        (
            "claim_candidate",
            f(&[("candidate_id", w.free_candidate.to_string())]),
            APPROVED_AGENCIES,
        ),
        ("my_claims", vec![], APPROVED_AGENCIES),
        (
            "add_note",
            f(&[
                ("claim_id", w.open_claim.to_string()),
                ("body", "面談を設定".into()),
            ]),
            OWN_AGENCY,
        ),
        (
            "release_claim",
            f(&[("claim_id", w.open_claim.to_string())]),
            OWN_AGENCY,
        ),
        (
            "report_placement",
            f(&[
                ("claim_id", w.open_claim.to_string()),
                ("employer", "株式会社次".into()),
                ("position", "経理".into()),
                ("start_date", "2027-04-01".into()),
                ("fee", String::new()),
            ]),
            OWN_AGENCY,
        ),
        // Members, for the admins of each company and agency (the second company's member is
        // its admin; the agencies' first staff are plain members).
        (
            "members_page",
            f(&[("query[members_after]", String::new())]),
            ORG_ADMINS,
        ),
        (
            "invite_member",
            f(&[
                ("email", "invited@example.jp".into()),
                ("role", "member".into()),
            ]),
            ORG_ADMINS,
        ),
        (
            "set_member_role",
            f(&[
                ("user_id", w.member_user.to_string()),
                ("role", "admin".into()),
            ]),
            &[CompanyAdmin],
        ),
        (
            "remove_member",
            f(&[("user_id", w.member_user.to_string())]),
            &[CompanyAdmin],
        ),
        (
            "save_sso_policy",
            f(&[("domain_join", "on".into()), ("email_links", "on".into())]),
            ORG_ADMINS,
        ),
        ("create_api_key", f(&[("name", "ATS".into())]), ORG_ADMINS),
        (
            "set_request_digest",
            f(&[("digest", "on".into())]),
            &[AgencyAdmin],
        ),
        (
            "revoke_api_key",
            f(&[("key_id", w.api_key.to_string())]),
            &[CompanyAdmin],
        ),
        (
            "set_invite_language",
            f(&[("language", "en".into())]),
            &[CompanyAdmin, OtherCompany],
        ),
        // The platform.
        ("admin_page", vec![], &[PlatformAdmin]),
        ("review_page", vec![], &[PlatformAdmin]),
        ("analytics_page", vec![], &[PlatformAdmin]),
        (
            "decide_relays",
            f(&[("relays[]", "1".into()), ("decision", "approve".into())]),
            &[PlatformAdmin],
        ),
        (
            "bind_sso",
            f(&[
                ("org", "agency".into()),
                ("org_id", w.own_agency.to_string()),
                ("provider", String::new()),
                ("domains", "a-agency.example".into()),
            ]),
            &[PlatformAdmin],
        ),
        (
            "set_agency_status",
            f(&[
                ("agency_id", w.own_agency.to_string()),
                ("approved", "true".into()),
            ]),
            &[PlatformAdmin],
        ),
        (
            "save_settings",
            crate::common::settings_form(&[])
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            &[PlatformAdmin],
        ),
        (
            "erase_candidate",
            f(&[
                ("candidate_id", w.free_candidate.to_string()),
                ("confirm", "on".into()),
            ]),
            &[PlatformAdmin],
        ),
        (
            "decide_placement",
            f(&[
                ("placement_id", w.disputed.to_string()),
                ("uphold", "true".into()),
            ]),
            &[PlatformAdmin],
        ),
    ]
}

/// Calls a server function as the role's browser would (from the portal's own origin) and
/// returns the status and body.
async fn call(w: &World, role: Role, endpoint: &str, fields: &[(String, String)]) -> (u16, String) {
    let res = w.browsers[&role]
        .client
        .post(format!("{}/api/{endpoint}", w.app.base))
        .header("origin", w.app.base.clone())
        .header("accept", "application/json")
        .form(fields)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

fn refused(body: &str) -> bool {
    REFUSALS
        .iter()
        .any(|r| body == format!(r#"{{"User":"{r}"}}"#))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_function_refuses_every_role_the_design_does_not_allow() {
    // The table lists exactly the server functions the portal registers.
    let probe = world().await;
    let listed: BTreeSet<String> = table(&probe)
        .iter()
        .map(|(e, _, _)| format!("/api/{e}"))
        .collect();
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    assert_eq!(
        registered, listed,
        "every server function needs its line in this table"
    );
    let lines = table(&probe).len();
    drop(probe);

    for i in 0..lines {
        // A fresh world per function: refused calls must change nothing, and allowed ones may.
        let w = world().await;
        let (endpoint, fields, allowed) = table(&w).swap_remove(i);
        // Refused roles first, so that an allowed call cannot hide a refusal's effect.
        for role in ALL.iter().copied().filter(|r| !allowed.contains(r)) {
            let (status, body) = call(&w, role, endpoint, &fields).await;
            assert!(
                refused(&body) && (400..500).contains(&status),
                "{endpoint}: {role:?} should be refused, got {status} {body}"
            );
        }
        let mut w = w;
        for (n, &role) in allowed.iter().enumerate() {
            if n > 0 && CONSUMING.contains(&endpoint) {
                // The first allowed call used the claim up: the next role gets a world of its own.
                w = world().await;
            }
            let fields = table(&w).swap_remove(i).1;
            let (status, body) = call(&w, role, endpoint, &fields).await;
            assert!(
                !refused(&body) && status != 500,
                "{endpoint}: {role:?} should be allowed, got {status} {body}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_refuses_every_role_the_design_does_not_allow() {
    let w = world().await;
    let public: &[Role] = EVERYONE;
    let pages: Vec<(String, &[Role])> = vec![
        ("/".into(), public),
        ("/signin".into(), public),
        ("/check-mail".into(), public),
        ("/auth/{token}".into(), public),
        ("/sso/refused".into(), public),
        ("/u/{token}".into(), public),
        ("/a/{token}".into(), public),
        ("/a/{token}/stop".into(), public),
        ("/answered".into(), public),
        ("/r/{code}".into(), public),
        ("/dev/mailbox".into(), public),
        ("/me".into(), CANDIDATES),
        ("/me/provisions".into(), CANDIDATES),
        ("/me/email/{token}".into(), public),
        ("/company".into(), COMPANIES),
        ("/company/import".into(), COMPANIES),
        ("/company/import/{import}".into(), OWN_COMPANY),
        ("/company/requests".into(), COMPANIES),
        ("/company/returns".into(), COMPANIES),
        ("/company/numbers".into(), COMPANIES),
        ("/company/requests/{request}".into(), OWN_COMPANY),
        ("/agency".into(), APPROVED_AGENCIES),
        ("/agency/requests".into(), APPROVED_AGENCIES),
        ("/agency/requests/{request}".into(), APPROVED_AGENCIES),
        ("/agency/claims".into(), APPROVED_AGENCIES),
        ("/agency/candidates/{id}".into(), APPROVED_AGENCIES),
        ("/members".into(), ORG_ADMINS),
        ("/admin".into(), &[PlatformAdmin]),
        ("/admin/review".into(), &[PlatformAdmin]),
        ("/admin/analytics".into(), &[PlatformAdmin]),
    ];
    let listed: BTreeSet<String> = pages.iter().map(|(p, _)| p.clone()).collect();
    let registered: BTreeSet<String> = career_relay_server::routes::page_paths()
        .into_iter()
        .collect();
    assert_eq!(
        registered, listed,
        "every page needs its line in this table"
    );
    for (pattern, allowed) in &pages {
        let path = pattern
            .replace("/a/{token}", &format!("/a/{}", w.ask_token))
            .replace("{token}", "some-token")
            .replace("{code}", &w.code)
            .replace("{id}", &w.free_candidate.to_string())
            .replace("{import}", &w.import.to_string())
            .replace("{request}", &w.screened_request.to_string());
        for role in ALL {
            let page = w.browsers[&role].get(&path).await;
            let status = page.status.as_u16();
            if allowed.contains(&role) {
                assert_eq!(status, 200, "{path}: {role:?} should see the page");
            } else {
                let to_sign_in = status == 302
                    && page
                        .location
                        .as_deref()
                        .is_some_and(|l| l.starts_with("/signin"));
                // Another company's record is "not found": a refusal that reveals nothing.
                assert!(
                    status == 403 || status == 404 || (role == SignedOut && to_sign_in),
                    "{path}: {role:?} should be refused, got {status}"
                );
            }
        }
    }
}
