//! The pool (`src/pool.rs`): filters, search in short Japanese words, and keyset paging.

use crate::common::{candidate_with, own_profile, profile, qualified_candidate, world};
use career_relay::{
    candidate, db, pool,
    profile::{JobType, Prefecture},
};

#[tokio::test]
async fn the_pool_filters_search_two_character_japanese_and_pages() {
    let w = world(0).await;
    for n in 0..25 {
        qualified_candidate(&w, n).await;
    }
    let mut p = profile("09055554444");
    p.skills = vec!["経理".into(), "簿記2級".into()];
    p.prefecture = career_relay::profile::Prefecture::parse("27").unwrap();
    let keiri = candidate_with(&w, "keiri@example.jp", &p).await;

    let q = |f: fn(&mut pool::PoolQuery)| {
        let mut q = pool::PoolQuery::default();
        f(&mut q);
        q
    };
    let found = pool::pool_page(&w.pool, &q(|q| q.q = "経理".into()))
        .await
        .unwrap();
    assert_eq!(
        found.entries.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![keiri]
    );
    assert_eq!(
        pool::pool_page(&w.pool, &q(|q| q.q = "営業".into()))
            .await
            .unwrap()
            .entries
            .len(),
        20
    );
    assert_eq!(
        pool::pool_page(&w.pool, &q(|q| q.prefecture = "27".into()))
            .await
            .unwrap()
            .entries
            .len(),
        1
    );
    assert_eq!(
        pool::pool_page(&w.pool, &q(|q| q.skill = "excel".into()))
            .await
            .unwrap()
            .entries
            .len(),
        20
    );
    assert_eq!(
        pool::pool_page(&w.pool, &q(|q| q.min_years = "6".into()))
            .await
            .unwrap()
            .entries
            .len(),
        0
    );
    assert_eq!(
        pool::pool_page(&w.pool, &q(|q| q.min_years = "５".into()))
            .await
            .unwrap()
            .entries
            .len(),
        20,
        "full-width digits from a Japanese IME count"
    );
    let first = pool::pool_page(&w.pool, &Default::default()).await.unwrap();
    assert_eq!(first.entries.len(), 20);
    let mut next = pool::PoolQuery::default();
    next.after = first.next.unwrap().to_string();
    let second = pool::pool_page(&w.pool, &next).await.unwrap();
    assert_eq!(second.entries.len(), 6);
    assert!(second.next.is_none());
    assert!(
        pool::pool_page(&w.pool, &q(|q| q.job_type = "astronaut".into()))
            .await
            .is_err()
    );
}

/// The keyword index finds exactly what a scan of every candidate's text finds, for every kind of
/// keyword: one character, two, longer, with a space, ASCII, full-width, and nothing at all;
/// alone, and with a prefecture (a search that walks the prefecture's candidates instead).
#[tokio::test]
async fn a_keyword_finds_exactly_what_the_text_contains() {
    let w = world(0).await;
    let summaries = [
        "経理と財務の経験があります。",
        "法人営業 10年、営業企画も担当。",
        "Excel と VBA で業務改善。",
        "経理部長として決算を統括。",
        "カスタマーサポートの品質改善。",
        "医療事務、受付。",
    ];
    for (n, summary) in summaries.iter().enumerate() {
        let mut p = profile(&format!("0906000{n:04}"));
        p.summary = summary.to_string();
        p.prefecture = career_relay::profile::Prefecture::parse(["13", "27"][n % 2]).unwrap();
        candidate_with(&w, &format!("search{n}@example.jp"), &p).await;
    }
    for keyword in [
        "経",
        "経理",
        "経理部",
        "営業",
        "法人営業",
        "人 1",
        "excel",
        "ＥＸＣＥＬ",
        "vba",
        "改善",
        "鰻丼",
        "x",
        "。",
        "品質改善",
    ] {
        for prefecture in ["", "13"] {
            let query = pool::PoolQuery {
                q: keyword.into(),
                prefecture: prefecture.into(),
                ..Default::default()
            };
            let found: Vec<i64> = pool::pool_page(&w.pool, &query)
                .await
                .unwrap()
                .entries
                .iter()
                .map(|e| e.id)
                .collect();
            let term: String =
                unicode_normalization::UnicodeNormalization::nfkc(keyword).collect::<String>();
            let scanned: Vec<i64> = sqlx::query_as::<_, (i64, i64)>(
                "SELECT id, prefecture FROM candidates WHERE in_pool = 1 AND search_text LIKE $1 ORDER BY id DESC",
            )
            .bind(format!("%{}%", term.to_lowercase()))
            .fetch_all(&w.pool)
            .await
            .unwrap()
            .into_iter()
            .filter(|(_, p)| prefecture.is_empty() || p.to_string() == prefecture)
            .map(|(id, _)| id)
            .collect();
            assert_eq!(found, scanned, "{keyword} in {prefecture:?}");
        }
    }
}

#[tokio::test]
async fn a_longer_keyword_pages_through_every_match_once_past_rows_that_only_share_its_pairs() {
    let w = world(0).await;
    // Every candidate has the pairs of 経理部 (経理, 理部); one in four has the word itself.
    let mut matches = Vec::new();
    for n in 0..100 {
        let mut p = profile(&format!("0907000{n:04}"));
        p.summary = if n % 4 == 0 {
            "経理部で決算を担当。"
        } else {
            "経理と管理部の経験。"
        }
        .into();
        let id = candidate_with(&w, &format!("dept{n}@example.jp"), &p).await;
        if n % 4 == 0 {
            matches.push(id);
        }
    }
    matches.reverse();
    let mut found = Vec::new();
    let mut after = String::new();
    loop {
        let page = pool::pool_page(
            &w.pool,
            &pool::PoolQuery {
                q: "経理部".into(),
                after: after.clone(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(page.entries.len() as i64 <= pool::POOL_PAGE);
        found.extend(page.entries.iter().map(|e| e.id));
        match page.next {
            Some(next) => after = next.to_string(),
            None => break,
        }
    }
    assert_eq!(
        found, matches,
        "newest first, each once, none that only shares the pairs"
    );
}

/// A skill alone walks the skill's own holders, newest first (not the whole pool candidate by
/// candidate): every holder once over the pages, nobody else, and nothing for a skill nobody has.
#[tokio::test]
async fn a_skill_alone_pages_through_its_holders_each_once() {
    let w = world(0).await;
    let mut boki = Vec::new();
    for n in 0..24 {
        qualified_candidate(&w, n).await;
        if n % 8 == 0 {
            let mut p = profile(&format!("0906666{n:04}"));
            p.skills = vec!["簿記2級".into()];
            if n == 16 {
                p.prefecture = career_relay::profile::Prefecture::parse("27").unwrap();
            }
            boki.push(candidate_with(&w, &format!("boki{n}@example.jp"), &p).await);
        }
    }
    boki.reverse();
    let skill = |skill: &str, prefecture: &str, after: &str| pool::PoolQuery {
        skill: skill.into(),
        prefecture: prefecture.into(),
        after: after.into(),
        ..Default::default()
    };
    let ids = |page: &pool::PoolPage| page.entries.iter().map(|e| e.id).collect::<Vec<_>>();

    let found = pool::pool_page(&w.pool, &skill("簿記２級", "", ""))
        .await
        .unwrap();
    assert_eq!(ids(&found), boki, "full-width digits name the same skill");
    assert!(found.next.is_none());

    let mut excel = Vec::new();
    let mut after = String::new();
    loop {
        let page = pool::pool_page(&w.pool, &skill("excel", "", &after))
            .await
            .unwrap();
        excel.extend(ids(&page));
        match page.next {
            Some(next) => after = next.to_string(),
            None => break,
        }
    }
    let mut expected: Vec<i64> = sqlx::query_scalar(
        "SELECT s.candidate_id FROM candidate_skills s JOIN candidates c ON c.id = s.candidate_id
         WHERE s.skill = 'excel' AND c.in_pool = 1",
    )
    .fetch_all(&w.pool)
    .await
    .unwrap();
    expected.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(expected.len(), 24);
    assert_eq!(excel, expected, "every holder once, newest first");

    let osaka = pool::pool_page(&w.pool, &skill("簿記2級", "27", ""))
        .await
        .unwrap();
    assert_eq!(ids(&osaka), vec![boki[0]]);
    let nobody = pool::pool_page(&w.pool, &skill("cobol", "", ""))
        .await
        .unwrap();
    assert!(nobody.entries.is_empty() && nobody.next.is_none());
}

/// Whichever index a search walks (`Walk`: a job type and a prefecture together, a keyword's
/// gram, a skill's, a job type's, or the pool's), it pages through exactly the candidates a check
/// of each one finds, newest first and each once; a candidate who moves to another prefecture is
/// found there and no longer where they were.
#[tokio::test]
async fn every_combination_of_filters_pages_through_exactly_its_matches() {
    let w = world(0).await;
    // Three job types, two prefectures, two skills, two lengths of experience, over 24 people.
    let mut people = Vec::new();
    for n in 0..24 {
        let mut p = own_profile(n);
        p.job_types = vec![JobType::parse(["sales", "accounting", "engineering"][n % 3]).unwrap()];
        if n % 4 == 0 && n % 3 != 1 {
            p.job_types.push(JobType::parse("accounting").unwrap());
        }
        p.prefecture = Prefecture::parse(["13", "27"][n % 2]).unwrap();
        if n % 5 == 0 {
            p.skills = vec!["経理".into(), "簿記2級".into()];
        }
        p.years_experience = [3, 8][(n / 2) % 2];
        people.push(candidate_with(&w, &format!("walk{n}@example.jp"), &p).await);
    }
    // One moves from Osaka to Tokyo.
    let mover = people[1];
    let mut moved = own_profile(1);
    moved.job_types = vec![JobType::parse("accounting").unwrap()];
    moved.prefecture = Prefecture::parse("13").unwrap();
    candidate::save_profile(&w.pool, mover, &moved)
        .await
        .unwrap();

    let job_types = ["", "sales", "accounting"];
    let prefectures = ["", "13", "27"];
    let skills = ["", "経理"];
    let keywords = ["", "応募", "経理"];
    let years = ["", "6"];
    let mut searches = 0;
    for job_type in job_types {
        for prefecture in prefectures {
            for skill in skills {
                for q in keywords {
                    for min_years in years {
                        let query = |after: String| pool::PoolQuery {
                            job_type: job_type.into(),
                            prefecture: prefecture.into(),
                            skill: skill.into(),
                            q: q.into(),
                            min_years: min_years.into(),
                            after,
                        };
                        let mut found = Vec::new();
                        let mut after = String::new();
                        loop {
                            let page = pool::pool_page(&w.pool, &query(after)).await.unwrap();
                            found.extend(page.entries.iter().map(|e| e.id));
                            match page.next {
                                Some(next) => after = next.to_string(),
                                None => break,
                            }
                        }
                        let mut checks = vec!["c.in_pool = 1".to_owned()];
                        if !job_type.is_empty() {
                            checks.push(format!("EXISTS (SELECT 1 FROM candidate_job_types j WHERE j.candidate_id = c.id AND j.job_type = '{job_type}')"));
                        }
                        if !prefecture.is_empty() {
                            checks.push(format!("c.prefecture = {prefecture}"));
                        }
                        if !skill.is_empty() {
                            checks.push(format!("EXISTS (SELECT 1 FROM candidate_skills s WHERE s.candidate_id = c.id AND s.skill = '{skill}')"));
                        }
                        if !q.is_empty() {
                            checks.push(format!("c.search_text LIKE '%{q}%'"));
                        }
                        if !min_years.is_empty() {
                            checks.push(format!("c.years_experience >= {min_years}"));
                        }
                        let expected: Vec<i64> = sqlx::query_scalar(&format!(
                            "SELECT c.id FROM candidates c WHERE {} ORDER BY c.id DESC",
                            checks.join(" AND ")
                        ))
                        .fetch_all(&w.pool)
                        .await
                        .unwrap();
                        assert_eq!(
                            found, expected,
                            "job type {job_type:?}, prefecture {prefecture:?}, skill {skill:?}, keyword {q:?}, years {min_years:?}"
                        );
                        searches += usize::from(!expected.is_empty());
                    }
                }
            }
        }
    }
    assert!(searches > 50, "most searches find someone: {searches}");
    let osaka_accounting = pool::PoolQuery {
        job_type: "accounting".into(),
        prefecture: "27".into(),
        ..Default::default()
    };
    let osaka = pool::pool_page(&w.pool, &osaka_accounting).await.unwrap();
    assert!(!osaka.entries.iter().any(|e| e.id == mover));
    let tokyo = pool::pool_page(
        &w.pool,
        &pool::PoolQuery {
            prefecture: "13".into(),
            ..osaka_accounting
        },
    )
    .await
    .unwrap();
    assert!(tokyo.entries.iter().any(|e| e.id == mover));
}

/// On PostgreSQL a search that walks a job type, a pair or a keyword's gram keeps one plan for
/// any value: it cuts its page from the walked index first and checks the rest after. Planned
/// for each value instead, as PostgreSQL did with the search written as one join, planning took
/// three times as long as the run.
#[tokio::test]
async fn on_postgresql_a_search_keeps_one_plan_for_any_value() {
    let w = world(0).await;
    if db::backend(&w.pool) != db::Backend::Postgres {
        return;
    }
    let mut p = own_profile(0);
    p.job_types = vec![JobType::parse("accounting").unwrap()];
    p.prefecture = Prefecture::parse("13").unwrap();
    p.skills = vec!["経理".into()];
    let keiri = candidate_with(&w, "kept@example.jp", &p).await;
    // One connection, so that every run meets the statements it kept before.
    let one = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect_with((*w.pool.connect_options()).clone())
        .await
        .unwrap();
    let searches = [
        ("accounting", "13", "経理"),
        ("accounting", "", ""),
        ("", "", "経理"),
        ("sales", "27", ""),
    ];
    for _ in 0..8 {
        for (job_type, prefecture, q) in searches {
            let search = pool::PoolQuery {
                job_type: job_type.into(),
                prefecture: prefecture.into(),
                q: q.into(),
                ..Default::default()
            };
            let page = pool::pool_page(&one, &search).await.unwrap();
            let expected = if job_type == "sales" {
                vec![]
            } else {
                vec![keiri]
            };
            assert_eq!(
                page.entries.iter().map(|e| e.id).collect::<Vec<_>>(),
                expected
            );
        }
    }
    let kept: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements
         WHERE statement LIKE '%AS left_out%' AND statement NOT LIKE '%pg_prepared_statements%'",
    )
    .fetch_all(&one)
    .await
    .unwrap();
    assert_eq!(
        kept.len(),
        4,
        "two pairs (one with a keyword), a job type, a gram: {kept:?}"
    );
    for (statement, generic, custom) in &kept {
        assert!(
            *generic > 0 && *custom <= 5,
            "{statement}: {generic} generic plans, {custom} for their values"
        );
    }
}
