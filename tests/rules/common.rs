//! The world the rule tests share: a scratch database with one company and its relay link,
//! approved agencies with a member each, and qualified, claimed or placed candidates.

use career_relay::{
    auth::{self, Subject},
    candidate, claim, db,
    email::Email,
    org::{self, Membership},
    placement::{self, Placement, PlacementInput},
    profile::{Profile, ProfileInput},
    relay::RelayCode,
    scratch::ScratchDb,
};

pub struct World {
    pub pool: db::Pool,
    pub company: i64,
    pub code: RelayCode,
    pub agencies: Vec<(i64, i64)>,
    // Last, so the pool closes before the database is dropped.
    _scratch: ScratchDb,
}

pub async fn world(agencies: usize) -> World {
    let scratch = ScratchDb::new().await.unwrap();
    let url = scratch.url.clone();
    let pool = db::connect(&url).await.unwrap();
    career_relay::migrate(&pool, &url).await.unwrap();
    let (company, code) = org::create_company(&pool, "テスト株式会社").await.unwrap();
    let mut list = Vec::new();
    for i in 0..agencies {
        let a = org::create_agency(&pool, &format!("Agency {i}"), true)
            .await
            .unwrap();
        let u = org::add_member(
            &pool,
            Membership::Agency(a),
            &Email::parse(&format!("staff{i}@agency{i}.example")).unwrap(),
            career_relay::org::MemberRole::Member,
        )
        .await
        .unwrap();
        list.push((a, u));
    }
    World {
        pool,
        company,
        code,
        agencies: list,
        _scratch: scratch,
    }
}

pub fn profile(phone: &str) -> Profile {
    Profile::try_from(&ProfileInput {
        name: "山田 太郎".into(),
        name_kana: "ヤマダ タロウ".into(),
        phone: phone.into(),
        prefecture: "13".into(),
        job_type_1: "sales".into(),
        skills: "法人営業, Excel".into(),
        years_experience: "5".into(),
        ..Default::default()
    })
    .unwrap()
}

/// The n-th person's profile: their own words (the farming rules hold a burst of
/// near-identical profiles).
pub fn own_profile(n: usize) -> Profile {
    Profile::try_from(&ProfileInput {
        name: "山田 太郎".into(),
        name_kana: "ヤマダ タロウ".into(),
        phone: format!("090{n:08}"),
        prefecture: "13".into(),
        job_type_1: "sales".into(),
        skills: "法人営業, Excel".into(),
        years_experience: "5".into(),
        summary: format!("{n} 人目の応募者です。"),
        ..Default::default()
    })
    .unwrap()
}

/// Opts in, confirms the address through a real sign-in link, and completes the profile.
pub async fn qualify(pool: &db::Pool, code: &RelayCode, n: usize) -> i64 {
    let email = Email::parse(&format!("person{n}@example.jp")).unwrap();
    let opt = candidate::opt_in(pool, code, &email, false).await.unwrap();
    let token = auth::issue_link(pool, Subject::Candidate(opt.candidate_id))
        .await
        .unwrap();
    auth::consume_link(pool, &token).await.unwrap();
    candidate::save_profile(pool, opt.candidate_id, &own_profile(n))
        .await
        .unwrap();
    opt.candidate_id
}

/// Opts in with an address, confirms it, and saves the profile given; returns the candidate.
pub async fn candidate_with(w: &World, email: &str, p: &Profile) -> i64 {
    let email = Email::parse(email).unwrap();
    let opt = candidate::opt_in(&w.pool, &w.code, &email, false)
        .await
        .unwrap();
    candidate::confirm_email(&w.pool, opt.candidate_id)
        .await
        .unwrap();
    candidate::save_profile(&w.pool, opt.candidate_id, p)
        .await
        .unwrap();
    opt.candidate_id
}

pub async fn qualified_candidate(w: &World, n: usize) -> i64 {
    qualify(&w.pool, &w.code, n).await
}

pub async fn count(w: &World, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&w.pool).await.unwrap()
}

/// A valid placement report, with the fee as typed.
pub fn a_report(fee: &str) -> Placement {
    Placement::try_from(&PlacementInput {
        employer: "株式会社次".into(),
        position: "営業".into(),
        start_date: "2027-04-01".into(),
        fee: fee.into(),
    })
    .unwrap()
}

/// A candidate in the pool, claimed by the first agency and placed; returns (candidate, placement).
pub async fn placed_candidate(w: &World, n: usize) -> (i64, i64) {
    let c = qualified_candidate(w, n).await;
    let (a, u) = w.agencies[0];
    let k = claim::claim(&w.pool, a, u, c).await.unwrap();
    let p = a_report("");
    (c, placement::report(&w.pool, a, k, &p).await.unwrap())
}

/// The words of notices in the rule tests: the notice itself, tagged with the recipient's
/// language, so a test reads who was told what.
pub struct Words;

impl career_relay::notice::Wording for Words {
    fn mail(&self, notice: &career_relay::notice::Notice, language: &str) -> (String, String) {
        (format!("[{language}] notice"), format!("{notice:?}"))
    }
}

/// Gives the company `n` credits (as relays would), each lapsing a year on.
pub async fn grant(w: &World, company: i64, n: usize) {
    let mut conn = w.pool.acquire().await.unwrap();
    for i in 0..n {
        let key = format!(
            "test_grant:{company}:{i}:{}",
            career_relay::token::random_token(6)
        );
        career_relay::credit::append(&mut conn, company, "earned", 1, &key)
            .await
            .unwrap();
    }
}

/// A company with a member (for the notices); returns (company, member).
pub async fn company_with_member(w: &World, name: &str, member: &str) -> (i64, i64) {
    let (company, _) = org::create_company(&w.pool, name).await.unwrap();
    let user = org::add_member(
        &w.pool,
        Membership::Company(company),
        &Email::parse(member).unwrap(),
        career_relay::org::MemberRole::Admin,
    )
    .await
    .unwrap();
    (company, user)
}

/// The mail queued to an address: (subject, body), oldest first.
pub async fn mail_to(w: &World, to: &str) -> Vec<(String, String)> {
    use sqlx::Row;
    sqlx::query("SELECT subject, body_text FROM outbox WHERE to_addr = $1 ORDER BY id")
        .bind(to)
        .fetch_all(&w.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get("subject"), r.get("body_text")))
        .collect()
}

/// Runs a job on three tasks at once, as three instances would, and adds up what each returns.
pub async fn three_at_once<F, Fut>(w: &World, job: F) -> i64
where
    F: Fn(db::Pool) -> Fut,
    Fut: std::future::Future<Output = i64> + Send + 'static,
{
    let runs: Vec<_> = (0..3).map(|_| tokio::spawn(job(w.pool.clone()))).collect();
    let mut total = 0;
    for r in runs {
        total += r.await.unwrap();
    }
    total
}

/// The single-use token a notice in the rule tests' wording carries (`token: "…"`).
pub fn token_in(body: &str) -> String {
    let start = body.find("token: \"").expect("a notice with a token") + "token: \"".len();
    body[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Moves a candidate's times back by `seconds` (opting in, last activity), as if time passed.
pub async fn age(w: &World, candidate: i64, column: &str, seconds: i64) {
    sqlx::query(&format!(
        "UPDATE candidates SET {column} = {column} - $1 WHERE id = $2"
    ))
    .bind(seconds)
    .bind(candidate)
    .execute(&w.pool)
    .await
    .unwrap();
}
