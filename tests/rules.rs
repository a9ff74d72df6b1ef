//! The core rules against a real SQLite database: ledger, qualification, claims, placements.

use career_relay::{
    auth::{self, Subject},
    candidate, claim,
    consent::ConsentKind,
    credit, db,
    email::Email,
    org::{self, Membership},
    placement::{self, Answer, Placement, PlacementInput},
    profile::{Profile, ProfileInput},
    relay::RelayCode,
    scratch::ScratchDb,
    UserError,
};

struct World {
    pool: db::Pool,
    company: i64,
    code: RelayCode,
    agencies: Vec<(i64, i64)>,
    // Last, so the pool closes before the database is dropped.
    _scratch: ScratchDb,
}

async fn world(agencies: usize) -> World {
    let scratch = ScratchDb::new().await.unwrap();
    let url = scratch.url.clone();
    let pool = db::connect(&url).await.unwrap();
    db::migrate(&pool, &url).await.unwrap();
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
            false,
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

fn profile(phone: &str) -> Profile {
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

/// Opts in, confirms the address through a real sign-in link, and completes the profile.
async fn qualify(pool: &db::Pool, code: &RelayCode, n: usize) -> i64 {
    let email = Email::parse(&format!("person{n}@example.jp")).unwrap();
    let opt = candidate::opt_in(pool, code, &email, false).await.unwrap();
    let token = auth::issue_link(pool, Subject::Candidate(opt.candidate_id))
        .await
        .unwrap();
    auth::consume_link(pool, &token).await.unwrap();
    candidate::save_profile(pool, opt.candidate_id, &profile(&format!("090{:08}", n)))
        .await
        .unwrap();
    opt.candidate_id
}

async fn qualified_candidate(w: &World, n: usize) -> i64 {
    qualify(&w.pool, &w.code, n).await
}

async fn count(w: &World, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&w.pool).await.unwrap()
}

#[tokio::test]
async fn ten_qualified_relays_earn_exactly_one_credit() {
    let w = world(0).await;
    for n in 0..9 {
        qualified_candidate(&w, n).await;
    }
    assert_eq!(credit::balance(&w.pool, w.company).await.unwrap(), 0);
    qualified_candidate(&w, 9).await;
    assert_eq!(credit::balance(&w.pool, w.company).await.unwrap(), 1);
    // Replaying the award changes nothing: reason keys make each credit count once.
    let mut conn = w.pool.acquire().await.unwrap();
    credit::award_relay_credits(&mut conn, w.company, 10)
        .await
        .unwrap();
    credit::award_relay_credits(&mut conn, w.company, 10)
        .await
        .unwrap();
    assert_eq!(credit::balance(&w.pool, w.company).await.unwrap(), 1);
}

#[tokio::test]
async fn an_unconfirmed_or_incomplete_candidate_does_not_qualify() {
    let w = world(0).await;
    let email = Email::parse("late@example.jp").unwrap();
    let opt = candidate::opt_in(&w.pool, &w.code, &email, false)
        .await
        .unwrap();
    candidate::save_profile(&w.pool, opt.candidate_id, &profile("09011112222"))
        .await
        .unwrap();
    let home = candidate::home(&w.pool, opt.candidate_id).await.unwrap();
    assert!(
        !home.in_pool,
        "an unconfirmed address keeps the candidate out of the pool"
    );
    candidate::confirm_email(&w.pool, opt.candidate_id)
        .await
        .unwrap();
    assert!(
        candidate::home(&w.pool, opt.candidate_id)
            .await
            .unwrap()
            .in_pool
    );
}

#[tokio::test]
async fn the_same_phone_counts_once_within_the_attribution_window() {
    let w = world(0).await;
    for n in 0..2 {
        let email = Email::parse(&format!("twin{n}@example.jp")).unwrap();
        let opt = candidate::opt_in(&w.pool, &w.code, &email, false)
            .await
            .unwrap();
        candidate::confirm_email(&w.pool, opt.candidate_id)
            .await
            .unwrap();
        candidate::save_profile(&w.pool, opt.candidate_id, &profile("09099998888"))
            .await
            .unwrap();
    }
    assert_eq!(count(&w, "SELECT COUNT(*) FROM relays").await, 1);
}

#[tokio::test]
async fn a_plus_tag_address_or_the_international_phone_form_is_the_same_person() {
    let w = world(0).await;
    for (email, phone) in [
        ("taro@example.jp", "09011112222"),
        ("taro+again@example.jp", "08033334444"),
        ("jiro@example.jp", "+81 90-1111-2222"),
        ("saburo@example.jp", "07055556666"),
    ] {
        let opt = candidate::opt_in(&w.pool, &w.code, &Email::parse(email).unwrap(), false)
            .await
            .unwrap();
        candidate::confirm_email(&w.pool, opt.candidate_id)
            .await
            .unwrap();
        candidate::save_profile(&w.pool, opt.candidate_id, &profile(phone))
            .await
            .unwrap();
    }
    assert_eq!(
        count(&w, "SELECT COUNT(*) FROM relays").await,
        2,
        "taro twice and taro's phone once more are one person; saburo is another"
    );
    let keys: Vec<String> = sqlx::query_scalar("SELECT person_key FROM relays")
        .fetch_all(&w.pool)
        .await
        .unwrap();
    let plain = career_relay::auth::hash("email:taro@example.jp");
    assert!(
        keys.iter().all(|k| k != &plain),
        "the stored key is keyed with the installation's secret, not a bare hash"
    );
}

#[tokio::test]
async fn opting_in_again_with_a_known_address_stores_nothing_new() {
    let w = world(0).await;
    let email = Email::parse("again@example.jp").unwrap();
    let first = candidate::opt_in(&w.pool, &w.code, &email, false)
        .await
        .unwrap();
    let second = candidate::opt_in(
        &w.pool,
        &w.code,
        &Email::parse(" AGAIN@example.jp ").unwrap(),
        true,
    )
    .await
    .unwrap();
    assert_eq!(first.candidate_id, second.candidate_id);
    assert!(second.existing);
}

#[tokio::test]
async fn a_revoked_link_no_longer_relays() {
    let w = world(0).await;
    let new_code = career_relay::relay::reissue(&w.pool, w.company)
        .await
        .unwrap();
    let err = candidate::opt_in(
        &w.pool,
        &w.code,
        &Email::parse("x@example.jp").unwrap(),
        false,
    )
    .await
    .unwrap_err();
    assert_eq!(err.user_error(), UserError::RevokedRelayLink);
    assert!(candidate::opt_in(
        &w.pool,
        &new_code,
        &Email::parse("x@example.jp").unwrap(),
        false
    )
    .await
    .is_ok());
}

#[tokio::test]
async fn a_sign_in_link_works_once_and_not_after_it_expires() {
    let w = world(1).await;
    let (_, user) = w.agencies[0];
    let token = auth::issue_link(&w.pool, Subject::User(user))
        .await
        .unwrap();
    assert_eq!(
        auth::consume_link(&w.pool, &token).await.unwrap(),
        Subject::User(user)
    );
    assert_eq!(
        auth::consume_link(&w.pool, &token)
            .await
            .unwrap_err()
            .user_error(),
        UserError::SignInLinkInvalid
    );
    let late = auth::issue_link(&w.pool, Subject::User(user))
        .await
        .unwrap();
    sqlx::query("UPDATE sign_in_tokens SET expires_at = 0")
        .execute(&w.pool)
        .await
        .unwrap();
    assert_eq!(
        auth::consume_link(&w.pool, &late)
            .await
            .unwrap_err()
            .user_error(),
        UserError::SignInLinkInvalid
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_agencies_claim_one_candidate_at_once_and_exactly_one_wins() {
    let w = world(200).await;
    let c = qualified_candidate(&w, 1).await;
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(w.agencies.len()));
    let tasks: Vec<_> = w
        .agencies
        .iter()
        .map(|&(a, u)| {
            let (pool, start) = (w.pool.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                claim::claim(&pool, a, u, c).await
            })
        })
        .collect();
    let mut wins = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => wins += 1,
            Err(e) => assert_eq!(e.user_error(), UserError::AlreadyClaimed),
        }
    }
    assert_eq!(wins, 1);
    assert_eq!(count(&w, "SELECT COUNT(*) FROM claims").await, 1);
    assert_eq!(
        count(&w, "SELECT COUNT(*) FROM provision_records").await,
        1,
        "every claim writes exactly one provision record"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_candidates_opting_in_at_once_earn_exactly_a_hundred_credits() {
    let w = world(0).await;
    let n = 1000;
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (pool, code, start) = (w.pool.clone(), w.code.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                qualify(&pool, &code, i).await
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(count(&w, "SELECT COUNT(*) FROM relays").await, 1000);
    assert_eq!(credit::balance(&w.pool, w.company).await.unwrap(), 100);
    assert_eq!(
        count(
            &w,
            "SELECT COUNT(*) FROM credit_ledger WHERE kind = 'earned'"
        )
        .await,
        100
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_placement_reported_twice_at_once_counts_once() {
    let w = world(1).await;
    let c = qualified_candidate(&w, 1).await;
    let (a, u) = w.agencies[0];
    let k = claim::claim(&w.pool, a, u, c).await.unwrap();
    let p = a_report("800000");
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(2));
    let tasks: Vec<_> = (0..2)
        .map(|_| {
            let (pool, p, start) = (w.pool.clone(), p.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                placement::report(&pool, a, k, &p).await
            })
        })
        .collect();
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.unwrap().map_err(|e| e.user_error()));
    }
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    assert!(results.contains(&Err(UserError::AlreadyPlaced)));
    assert_eq!(count(&w, "SELECT COUNT(*) FROM placements").await, 1);
    assert_eq!(credit::balance(&w.pool, w.company).await.unwrap(), 1);
}

#[tokio::test]
async fn an_expired_claim_returns_the_candidate_to_the_pool() {
    let w = world(2).await;
    let c = qualified_candidate(&w, 1).await;
    claim::claim(&w.pool, w.agencies[0].0, w.agencies[0].1, c)
        .await
        .unwrap();
    let page = candidate::pool_page(&w.pool, &Default::default())
        .await
        .unwrap();
    assert!(
        page.entries.iter().all(|e| e.id != c),
        "a claimed candidate is not in the pool"
    );
    sqlx::query("UPDATE claims SET expires_at = 1")
        .execute(&w.pool)
        .await
        .unwrap();
    let page = candidate::pool_page(&w.pool, &Default::default())
        .await
        .unwrap();
    assert!(page.entries.iter().any(|e| e.id == c));
    claim::claim(&w.pool, w.agencies[1].0, w.agencies[1].1, c)
        .await
        .unwrap();
}

#[tokio::test]
async fn progress_notes_extend_the_claim() {
    let w = world(1).await;
    let c = qualified_candidate(&w, 1).await;
    let (a, u) = w.agencies[0];
    let k = claim::claim(&w.pool, a, u, c).await.unwrap();
    sqlx::query("UPDATE claims SET expires_at = expires_at - 86400 * 20")
        .execute(&w.pool)
        .await
        .unwrap();
    let before: i64 = sqlx::query_scalar("SELECT expires_at FROM claims WHERE id = $1")
        .bind(k)
        .fetch_one(&w.pool)
        .await
        .unwrap();
    claim::add_note(&w.pool, a, u, k, "面談しました")
        .await
        .unwrap();
    let after: i64 = sqlx::query_scalar("SELECT expires_at FROM claims WHERE id = $1")
        .bind(k)
        .fetch_one(&w.pool)
        .await
        .unwrap();
    assert!(after > before + 86400 * 19);
}

#[tokio::test]
async fn a_placement_closes_the_claim_credits_the_company_once() {
    let w = world(2).await;
    let c = qualified_candidate(&w, 1).await;
    let (a, u) = w.agencies[0];
    let k = claim::claim(&w.pool, a, u, c).await.unwrap();
    let p = a_report("");
    let other = placement::report(&w.pool, w.agencies[1].0, k, &p)
        .await
        .unwrap_err();
    assert_eq!(
        other.user_error(),
        UserError::ClaimNotActive,
        "another agency cannot report on this claim"
    );
    placement::report(&w.pool, a, k, &p).await.unwrap();
    assert_eq!(
        placement::report(&w.pool, a, k, &p)
            .await
            .unwrap_err()
            .user_error(),
        UserError::AlreadyPlaced
    );
    assert_eq!(
        credit::balance(&w.pool, w.company).await.unwrap(),
        1,
        "one placement bonus"
    );
    assert_eq!(placement::for_candidate(&w.pool, c).await.unwrap().len(), 1);
    let again = claim::claim(&w.pool, w.agencies[1].0, w.agencies[1].1, c)
        .await
        .unwrap_err();
    assert_eq!(
        again.user_error(),
        UserError::NotInPool,
        "a hired candidate leaves the pool and cannot earn a second bonus"
    );
    // Saving the profile again does not bring them back.
    candidate::save_profile(&w.pool, c, &profile("09000000001"))
        .await
        .unwrap();
    assert_eq!(
        count(
            &w,
            &format!("SELECT in_pool FROM candidates WHERE id = {c}")
        )
        .await,
        0
    );
}

/// A valid placement report, with the fee as typed.
fn a_report(fee: &str) -> Placement {
    Placement::try_from(&PlacementInput {
        employer: "株式会社次".into(),
        position: "営業".into(),
        start_date: "2027-04-01".into(),
        fee: fee.into(),
    })
    .unwrap()
}

/// A candidate in the pool, claimed by the first agency and placed; returns (candidate, placement).
async fn placed_candidate(w: &World, n: usize) -> (i64, i64) {
    let c = qualified_candidate(w, n).await;
    let (a, u) = w.agencies[0];
    let k = claim::claim(&w.pool, a, u, c).await.unwrap();
    let p = a_report("");
    (c, placement::report(&w.pool, a, k, &p).await.unwrap())
}

#[tokio::test]
async fn a_disputed_placement_holds_the_bonus_until_an_admin_decides() {
    let w = world(1).await;
    let balance = || credit::balance(&w.pool, w.company);
    let (c1, p1) = placed_candidate(&w, 1).await;
    let (c2, p2) = placed_candidate(&w, 2).await;
    assert_eq!(balance().await.unwrap(), 2, "two placement bonuses");

    // Only the candidate the placement is about can answer it, and only once.
    let err = placement::answer(&w.pool, c2, p1, Answer::Dispute)
        .await
        .unwrap_err();
    assert_eq!(err.user_error(), UserError::NotFound);
    placement::answer(&w.pool, c1, p1, Answer::Confirm)
        .await
        .unwrap();
    let err = placement::answer(&w.pool, c1, p1, Answer::Dispute)
        .await
        .unwrap_err();
    assert_eq!(err.user_error(), UserError::PlacementSettled);
    assert_eq!(balance().await.unwrap(), 2, "confirming changes nothing");

    placement::answer(&w.pool, c2, p2, Answer::Dispute)
        .await
        .unwrap();
    assert_eq!(balance().await.unwrap(), 1, "the disputed bonus is held");
    let open: Vec<i64> = placement::disputed(&w.pool, 10)
        .await
        .unwrap()
        .iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(open, vec![p2]);

    // A confirmed placement cannot be decided; the disputed one once.
    let err = placement::decide(&w.pool, p1, true).await.unwrap_err();
    assert_eq!(err.user_error(), UserError::PlacementSettled);
    placement::decide(&w.pool, p2, true).await.unwrap();
    assert_eq!(balance().await.unwrap(), 2, "upholding releases the bonus");
    let err = placement::decide(&w.pool, p2, false).await.unwrap_err();
    assert_eq!(err.user_error(), UserError::PlacementSettled);
    assert_eq!(balance().await.unwrap(), 2);
    assert!(placement::disputed(&w.pool, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_rejected_dispute_leaves_the_bonus_withdrawn() {
    let w = world(1).await;
    let (c, p) = placed_candidate(&w, 1).await;
    placement::answer(&w.pool, c, p, Answer::Dispute)
        .await
        .unwrap();
    placement::decide(&w.pool, p, false).await.unwrap();
    assert_eq!(credit::balance(&w.pool, w.company).await.unwrap(), 0);
    assert_eq!(
        count(
            &w,
            &format!("SELECT in_pool FROM candidates WHERE id = {c}")
        )
        .await,
        1,
        "a withdrawn placement returns the candidate to the pool"
    );
    let kinds: Vec<String> = credit::ledger(&w.pool, w.company, None, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        vec!["placement_held", "placement_bonus"],
        "append-only: nothing is deleted"
    );
}

#[tokio::test]
async fn withdrawing_consent_ends_the_claim_and_leaves_the_pool_at_once() {
    let w = world(1).await;
    let c = qualified_candidate(&w, 1).await;
    let (a, u) = w.agencies[0];
    claim::claim(&w.pool, a, u, c).await.unwrap();
    candidate::set_consent(&w.pool, c, ConsentKind::Handoff, false)
        .await
        .unwrap();
    let home = candidate::home(&w.pool, c).await.unwrap();
    assert!(!home.in_pool && home.holder.is_none());
    assert_eq!(
        candidate::detail_for_agency(&w.pool, a, c)
            .await
            .unwrap_err()
            .user_error(),
        UserError::NotFound
    );
    assert!(claim::for_agency(&w.pool, a).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_pool_filters_search_two_character_japanese_and_pages() {
    let w = world(0).await;
    for n in 0..25 {
        qualified_candidate(&w, n).await;
    }
    let other = Email::parse("keiri@example.jp").unwrap();
    let opt = candidate::opt_in(&w.pool, &w.code, &other, false)
        .await
        .unwrap();
    candidate::confirm_email(&w.pool, opt.candidate_id)
        .await
        .unwrap();
    let mut p = profile("09055554444");
    p.skills = vec!["経理".into(), "簿記2級".into()];
    p.prefecture = career_relay::profile::Prefecture::parse("27").unwrap();
    candidate::save_profile(&w.pool, opt.candidate_id, &p)
        .await
        .unwrap();

    let q = |f: fn(&mut candidate::PoolQuery)| {
        let mut q = candidate::PoolQuery::default();
        f(&mut q);
        q
    };
    let found = candidate::pool_page(&w.pool, &q(|q| q.q = "経理".into()))
        .await
        .unwrap();
    assert_eq!(
        found.entries.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![opt.candidate_id]
    );
    assert_eq!(
        candidate::pool_page(&w.pool, &q(|q| q.q = "営業".into()))
            .await
            .unwrap()
            .entries
            .len(),
        20
    );
    assert_eq!(
        candidate::pool_page(&w.pool, &q(|q| q.prefecture = "27".into()))
            .await
            .unwrap()
            .entries
            .len(),
        1
    );
    assert_eq!(
        candidate::pool_page(&w.pool, &q(|q| q.skill = "excel".into()))
            .await
            .unwrap()
            .entries
            .len(),
        20
    );
    assert_eq!(
        candidate::pool_page(&w.pool, &q(|q| q.min_years = "6".into()))
            .await
            .unwrap()
            .entries
            .len(),
        0
    );
    assert_eq!(
        candidate::pool_page(&w.pool, &q(|q| q.min_years = "５".into()))
            .await
            .unwrap()
            .entries
            .len(),
        20,
        "full-width digits from a Japanese IME count"
    );
    let first = candidate::pool_page(&w.pool, &Default::default())
        .await
        .unwrap();
    assert_eq!(first.entries.len(), 20);
    let mut next = candidate::PoolQuery::default();
    next.after = first.next.unwrap().to_string();
    let second = candidate::pool_page(&w.pool, &next).await.unwrap();
    assert_eq!(second.entries.len(), 6);
    assert!(second.next.is_none());
    assert!(
        candidate::pool_page(&w.pool, &q(|q| q.job_type = "astronaut".into()))
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn workers_taking_mail_at_once_never_take_the_same_message() {
    let w = world(0).await;
    for n in 0..200 {
        let to = Email::parse(&format!("m{n}@example.jp")).unwrap();
        career_relay::mail::enqueue(&w.pool, &to, &format!("s{n}"), "body")
            .await
            .unwrap();
    }
    let workers = 20;
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(workers));
    let tasks: Vec<_> = (0..workers)
        .map(|_| {
            let (pool, start) = (w.pool.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                let mut mine = Vec::new();
                loop {
                    let batch = career_relay::mail::take_due(&pool, 7).await.unwrap();
                    if batch.is_empty() {
                        return mine;
                    }
                    mine.extend(batch.into_iter().map(|m| m.id));
                }
            })
        })
        .collect();
    let mut taken = Vec::new();
    for t in tasks {
        taken.extend(t.await.unwrap());
    }
    let all = taken.len();
    taken.sort();
    taken.dedup();
    assert_eq!(all, taken.len(), "no message was taken twice");
    assert_eq!(taken.len(), 200, "every message was taken");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_person_qualifying_at_two_companies_at_once_counts_for_one() {
    let w = world(0).await;
    let (_, other_code) = org::create_company(&w.pool, "別会社").await.unwrap();
    // The same phone at both companies, under different addresses, many times over.
    let pairs = 20;
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(pairs * 2));
    let mut tasks = Vec::new();
    for n in 0..pairs {
        for (side, code) in [(0, w.code.clone()), (1, other_code.clone())] {
            let (pool, start) = (w.pool.clone(), start.clone());
            tasks.push(tokio::spawn(async move {
                let email = Email::parse(&format!("p{n}-{side}@example.jp")).unwrap();
                let opt = candidate::opt_in(&pool, &code, &email, false)
                    .await
                    .unwrap();
                candidate::confirm_email(&pool, opt.candidate_id)
                    .await
                    .unwrap();
                start.wait().await;
                candidate::save_profile(&pool, opt.candidate_id, &profile(&format!("090{n:08}")))
                    .await
                    .unwrap();
            }));
        }
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(
        count(&w, "SELECT COUNT(*) FROM relays").await,
        pairs as i64,
        "each phone counts once, for whichever company was first"
    );
}
