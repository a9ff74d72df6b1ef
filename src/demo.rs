//! Demo data: two companies, three agencies (one awaiting approval), thirty candidates at every
//! stage, a member for each organisation and an admin. Built through the same rules as real use.

use crate::{
    auth, candidate, claim,
    consent::ConsentKind,
    db::Pool,
    email::Email,
    error::Result,
    org::{self, Membership},
    placement::{self, Placement, PlacementInput},
    profile::{Profile, ProfileInput},
    relay::RelayCode,
};

/// The accounts the demo creates, to print sign-in links for.
#[derive(Debug, Clone)]
pub struct DemoAccounts {
    pub admin: String,
    pub company_members: Vec<String>,
    pub agency_members: Vec<String>,
    pub relay_codes: Vec<RelayCode>,
}

const SURNAMES: [(&str, &str); 10] = [
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
];
const GIVEN: [(&str, &str); 3] = [("花子", "ハナコ"), ("健太", "ケンタ"), ("美咲", "ミサキ")];
const JOBS: [(&str, &str); 6] = [
    ("sales", "法人営業, 提案営業, Excel"),
    ("accounting", "経理, 簿記2級, 月次決算"),
    ("engineering", "Rust, TypeScript, PostgreSQL"),
    ("marketing", "デジタルマーケティング, SEO, 広告運用"),
    ("hr", "人事, 採用, 労務"),
    ("support", "カスタマーサポート, English, Zendesk"),
];
const PREFECTURES: [&str; 5] = ["13", "27", "14", "23", "40"];

fn email(s: &str) -> Email {
    Email::parse(s).expect("demo addresses are valid")
}

/// Whether the demo was loaded already (it is loaded once).
pub async fn loaded(pool: &Pool) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM companies")
        .fetch_one(pool)
        .await?;
    Ok(n > 0)
}

/// Loads the demo data into an empty database.
#[tracing::instrument(skip(pool))]
pub async fn load(pool: &Pool) -> Result<DemoAccounts> {
    let admin = "admin@career-relay.example";
    org::create_admin(pool, &email(admin)).await?;

    let mut company_members = Vec::new();
    let mut relay_codes = Vec::new();
    let mut companies = Vec::new();
    let mut company_users = Vec::new();
    for (name, member) in [
        ("株式会社さくらフーズ", "hr@sakura-foods.example"),
        ("みらいテック株式会社", "recruit@mirai-tech.example"),
    ] {
        let (id, code) = org::create_company(pool, name).await?;
        let user = org::add_member(
            pool,
            Membership::Company(id),
            &email(member),
            org::MemberRole::Admin,
        )
        .await?;
        company_users.push(user);
        company_members.push(member.to_owned());
        relay_codes.push(code);
        companies.push(id);
    }

    let mut agency_members = Vec::new();
    let mut agencies = Vec::new();
    for (name, member, approved) in [
        (
            "ネクストキャリア株式会社",
            "staff@next-career.example",
            true,
        ),
        ("ひかり人材紹介", "agent@hikari-jinzai.example", true),
        ("あおば転職エージェント", "info@aoba-agent.example", false),
    ] {
        let id = org::create_agency(pool, name, approved).await?;
        let user = org::add_member(
            pool,
            Membership::Agency(id),
            &email(member),
            org::MemberRole::Admin,
        )
        .await?;
        agency_members.push(member.to_owned());
        agencies.push((id, user));
    }

    // Thirty candidates: 22 through the first company's link, 8 through the second's.
    for i in 0..30usize {
        let code = if i < 22 {
            &relay_codes[0]
        } else {
            &relay_codes[1]
        };
        let addr = email(&format!("candidate{:02}@example.jp", i + 1));
        let opt = candidate::opt_in(pool, code, &addr, i % 3 == 0).await?;
        let id = opt.candidate_id;
        // Stage 0: opted in, address not confirmed yet.
        if i % 10 == 9 {
            continue;
        }
        candidate::confirm_email(pool, id).await?;
        // Stage 1: confirmed, profile not filled in.
        if i % 10 == 8 {
            continue;
        }
        let (surname, surname_kana) = SURNAMES[i % SURNAMES.len()];
        let (given, given_kana) = GIVEN[i % GIVEN.len()];
        let (job, skills) = JOBS[i % JOBS.len()];
        let input = ProfileInput {
            name: format!("{surname} {given}"),
            name_kana: format!("{surname_kana} {given_kana}"),
            phone: format!("090-{:04}-{:04}", 1000 + i, 5000 + i),
            prefecture: PREFECTURES[i % PREFECTURES.len()].into(),
            job_type_1: job.into(),
            skills: skills.into(),
            years_experience: (1 + i % 12).to_string(),
            desired_salary: (350 + 10 * i).to_string(),
            languages: if i % 4 == 0 {
                "日本語, English".into()
            } else {
                "日本語".into()
            },
            summary: format!(
                "{}の経験を活かせる職場を探しています。",
                skills.split(", ").next().unwrap_or_default()
            ),
            ..Default::default()
        };
        let profile = Profile::try_from(&input).expect("demo profiles are valid");
        candidate::save_profile(pool, id, &profile).await?;
        // Stage 2: in the pool. Some are claimed, some placed, one withdrew.
        match i {
            0..=2 => {
                claim::claim(pool, agencies[0].0, agencies[0].1, id).await?;
            }
            3 => {
                let claim_id = claim::claim(pool, agencies[1].0, agencies[1].1, id).await?;
                claim::add_note(
                    pool,
                    agencies[1].0,
                    agencies[1].1,
                    claim_id,
                    &claim::NoteText::parse("初回面談を実施しました。")?,
                )
                .await?;
            }
            4 | 5 => {
                let claim_id = claim::claim(pool, agencies[0].0, agencies[0].1, id).await?;
                let report = PlacementInput {
                    employer: "株式会社ひまわり商事".into(),
                    position: "営業職".into(),
                    start_date: "2027-04-01".into(),
                    fee: String::new(),
                };
                let p = Placement::try_from(&report).expect("demo placement is valid");
                placement::report(pool, agencies[0].0, claim_id, &p).await?;
            }
            6 => candidate::set_consent(pool, id, ConsentKind::Handoff, false).await?,
            _ => {}
        }
    }
    // The first company spends one of its credits on a free referral request for agencies to work.
    let wanted = crate::request::NewRequest::try_from(&crate::request::RequestInput {
        title: "経理スタッフ（月次決算）".into(),
        job_type: "accounting".into(),
        prefecture: "13".into(),
        employment_type: "full_time".into(),
        salary_min: "400".into(),
        salary_max: "600".into(),
        min_years: "2".into(),
        must_have: "経理、月次決算".into(),
        nice_to_have: "簿記2級, English".into(),
        agency_notes: "面接は2回（一次はオンライン）。".into(),
        deadline: String::new(),
    })
    .expect("the demo request is valid");
    crate::request::open(pool, companies[0], company_users[0], &wanted).await?;
    let _ = auth::purge_expired_links(pool).await?;
    Ok(DemoAccounts {
        admin: admin.to_owned(),
        company_members,
        agency_members,
        relay_codes,
    })
}
