//! The benchmark's data: a portal after years of use (100,000 consenting candidates with Japanese
//! profiles across every prefecture and job type, thousands of live claims, a million ledger rows
//! over fifty companies), built through the same rules as real use, so that the benchmark
//! measures the pages people will see.

use crate::{
    candidate, claim, credit,
    db::{self, Pool},
    email::Email,
    error::Result,
    org::{self, MemberRole, Membership},
    profile::{JobType, Profile, ProfileInput},
    relay::RelayCode,
};

/// How much to make.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub companies: usize,
    pub agencies: usize,
    pub candidates: usize,
    pub claims: usize,
    /// Ledger rows in all (the relays' own credits count towards it).
    pub ledger_rows: usize,
}

impl Default for Sizes {
    fn default() -> Self {
        Self {
            companies: 50,
            agencies: 20,
            candidates: 100_000,
            claims: 5_000,
            ledger_rows: 1_000_000,
        }
    }
}

/// What the benchmark signs in as and opens.
#[derive(Debug, Clone)]
pub struct Seeded {
    /// The admin of the first company.
    pub company_member: String,
    /// The admin of the first agency.
    pub agency_member: String,
    /// A candidate of the first company, in the pool.
    pub candidate: String,
    /// The first company's relay code.
    pub relay_code: RelayCode,
    /// Every agency, with its admin.
    pub agencies: Vec<(i64, i64)>,
}

/// The address of company `n`'s admin.
pub fn company_member(n: usize) -> String {
    format!("hr@company{n:02}.bench.example")
}

/// The address of agency `n`'s admin.
pub fn agency_member(n: usize) -> String {
    format!("staff@agency{n:02}.bench.example")
}

/// The address of candidate `n`.
pub fn candidate_email(n: usize) -> String {
    format!("candidate{n:06}@bench.example.jp")
}

const SURNAMES: [(&str, &str); 12] = [
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
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
];
const GIVEN: [(&str, &str); 8] = [
    ("花子", "ハナコ"),
    ("健太", "ケンタ"),
    ("美咲", "ミサキ"),
    ("翔", "ショウ"),
    ("陽菜", "ヒナ"),
    ("大輔", "ダイスケ"),
    ("結衣", "ユイ"),
    ("拓海", "タクミ"),
];

/// Skills and a line of summary per job type, as candidates write them.
fn work(job: JobType) -> (&'static [&'static str], &'static str) {
    match job {
        JobType::Sales => (
            &["法人営業", "提案営業", "新規開拓", "Excel", "Salesforce"],
            "法人向けの提案営業で新規開拓を担当してきました。",
        ),
        JobType::Accounting => (
            &["経理", "簿記2級", "月次決算", "連結決算", "税務"],
            "経理として月次・年次決算を担当しました。",
        ),
        JobType::Engineering => (
            &["Rust", "TypeScript", "PostgreSQL", "AWS", "設計"],
            "Webサービスの設計と開発に携わってきました。",
        ),
        JobType::Marketing => (
            &["デジタルマーケティング", "SEO", "広告運用", "分析"],
            "広告運用とデータ分析で集客を改善しました。",
        ),
        JobType::HumanResources => (
            &["人事", "採用", "労務", "研修"],
            "中途採用と労務管理を担当しました。",
        ),
        JobType::Office => (
            &["一般事務", "Excel", "Word", "データ入力"],
            "営業事務として受発注と請求を担当しました。",
        ),
        JobType::Design => (
            &["Figma", "UIデザイン", "Illustrator"],
            "アプリのUIデザインを担当してきました。",
        ),
        JobType::CustomerSupport => (
            &["カスタマーサポート", "English", "Zendesk"],
            "問い合わせ対応の品質改善に取り組みました。",
        ),
        JobType::Consulting => (
            &["業務改善", "プロジェクト管理", "資料作成"],
            "業務改善のコンサルティングに従事しました。",
        ),
        JobType::Manufacturing => (
            &["生産管理", "品質管理", "改善活動"],
            "工場の生産管理と品質改善を担当しました。",
        ),
        JobType::Medical => (
            &["医療事務", "レセプト", "受付"],
            "クリニックで医療事務を担当しました。",
        ),
        JobType::Other => (
            &["接客", "販売", "シフト管理"],
            "店舗で接客と販売を担当しました。",
        ),
    }
}

/// Candidate `n`'s profile: every prefecture and job type, realistic Japanese text.
fn profile(n: usize) -> Profile {
    let job = JobType::ALL[n % JobType::ALL.len()];
    let second = JobType::ALL[(n / 7) % JobType::ALL.len()];
    let (skills, summary) = work(job);
    let (surname, surname_kana) = SURNAMES[n % SURNAMES.len()];
    let (given, given_kana) = GIVEN[(n / 3) % GIVEN.len()];
    let chosen: Vec<&str> = skills
        .iter()
        .cycle()
        .skip(n % skills.len())
        .take(3)
        .copied()
        .collect();
    let input = ProfileInput {
        name: format!("{surname} {given}"),
        name_kana: format!("{surname_kana} {given_kana}"),
        phone: format!("090{:08}", n),
        prefecture: (1 + n % 47).to_string(),
        job_type_1: job.code().into(),
        job_type_2: if n.is_multiple_of(3) {
            second.code().into()
        } else {
            String::new()
        },
        skills: chosen.join(", "),
        years_experience: (n % 25).to_string(),
        desired_salary: (300 + (n % 60) * 10).to_string(),
        languages: if n.is_multiple_of(5) {
            "日本語, English".into()
        } else {
            "日本語".into()
        },
        summary: format!("{summary}経験{}年。", n % 25),
        ..Default::default()
    };
    // The inputs above are valid by construction; a mistake here is a bug of the seed.
    Profile::try_from(&input).expect("bench profiles are valid")
}

fn email(s: &str) -> Result<Email> {
    Ok(Email::parse(s)?)
}

/// Fills an empty database; `progress` hears what is done.
pub async fn seed(pool: &Pool, sizes: Sizes, progress: &(dyn Fn(&str) + Sync)) -> Result<Seeded> {
    let mut codes = Vec::new();
    let mut companies = Vec::new();
    for n in 0..sizes.companies {
        let (id, code) = org::create_company(pool, &format!("ベンチ商事{n:02}株式会社")).await?;
        org::add_member(
            pool,
            Membership::Company(id),
            &email(&company_member(n))?,
            MemberRole::Admin,
        )
        .await?;
        codes.push(code);
        companies.push(id);
    }
    let mut agencies = Vec::new();
    for n in 0..sizes.agencies {
        let id = org::create_agency(pool, &format!("ベンチ人材{n:02}"), true).await?;
        let user = org::add_member(
            pool,
            Membership::Agency(id),
            &email(&agency_member(n))?,
            MemberRole::Admin,
        )
        .await?;
        agencies.push((id, user));
    }
    progress("organisations");

    // Opt in, confirm, complete the profile: each candidate through the rules of real use. On
    // PostgreSQL four at a time, so that writers overlap; SQLite's single writer takes them one
    // by one (waiting writers would only sleep in its busy handler).
    let at_once = if db::single_writer(pool) { 1 } else { 4 };
    let mut ids = vec![0i64; sizes.candidates];
    for start in (0..sizes.candidates).step_by(at_once) {
        let batch = (start..(start + at_once).min(sizes.candidates)).map(|n| {
            let code = &codes[n % codes.len()];
            async move {
                let opt =
                    candidate::opt_in(pool, code, &email(&candidate_email(n))?, n % 4 == 0).await?;
                candidate::confirm_email(pool, opt.candidate_id).await?;
                candidate::save_profile(pool, opt.candidate_id, &profile(n)).await?;
                Ok::<_, crate::Error>((n, opt.candidate_id))
            }
        });
        for (n, id) in futures::future::try_join_all(batch).await? {
            ids[n] = id;
        }
        if (start + at_once).is_multiple_of(10_000) {
            progress(&format!("{} candidates", start + at_once));
        }
    }

    // Claims spread over every agency; the first company's first candidate stays in the pool.
    for k in 0..sizes.claims.min(sizes.candidates.saturating_sub(1)) {
        let (agency, user) = agencies[k % agencies.len()];
        claim::claim(
            pool,
            agency,
            user,
            ids[1 + k * (sizes.candidates - 1) / sizes.claims.max(1)],
        )
        .await?;
    }
    progress("claims");

    // The rest of the ledger: entries spread evenly over the companies, in large transactions.
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM credit_ledger")
        .fetch_one(pool)
        .await?;
    let missing = sizes.ledger_rows.saturating_sub(existing as usize);
    const BATCH: usize = 20_000;
    for first in (0..missing).step_by(BATCH) {
        let mut histories = vec![Vec::new(); companies.len()];
        for n in first..(first + BATCH).min(missing) {
            // Bonuses and holds: a realistic history that leaves the relays' own credits alone.
            let (kind, amount) = if n % 2 == 0 {
                ("placement_bonus", 1)
            } else {
                ("placement_held", -1)
            };
            histories[n % companies.len()].push((kind, amount, format!("bench:{n}")));
        }
        let mut tx = db::begin(pool).await?;
        for (company, history) in companies.iter().zip(&histories) {
            credit::append_history(&mut tx, *company, history).await?;
        }
        tx.commit().await?;
        if (first + BATCH).is_multiple_of(200_000) {
            progress(&format!(
                "{} ledger rows",
                existing as usize + first + BATCH
            ));
        }
    }
    progress("ledger");
    // A database in use has its statistics; one loaded in minutes has not seen them yet.
    db::analyze(pool).await?;
    progress("statistics");
    Ok(Seeded {
        company_member: company_member(0),
        agency_member: agency_member(0),
        candidate: candidate_email(0),
        relay_code: codes[0].clone(),
        agencies,
    })
}
