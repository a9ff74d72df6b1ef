//! Qualification (`src/qualify.rs`): only a confirmed, complete candidate counts; every tenth
//! qualified relay earns one credit; one person (however their address or phone is written)
//! counts once, for the first company, within the attribution window.

use crate::common::{candidate_with, count, profile, qualified_candidate, world};
use career_relay::{candidate, credit, email::Email, org};

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
        candidate_with(&w, &format!("twin{n}@example.jp"), &profile("09099998888")).await;
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
    let plain = career_relay::token::hash("email:taro@example.jp");
    assert!(
        keys.iter().all(|k| k != &plain),
        "the stored key is keyed with the installation's secret, not a bare hash"
    );
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

/// The first candidate (`person1@example.jp`) opts in again through another company's link.
async fn opt_in_again(
    w: &crate::common::World,
    code: &career_relay::relay::RelayCode,
) -> candidate::OptIn {
    candidate::opt_in(
        &w.pool,
        code,
        &Email::parse("person1@example.jp").unwrap(),
        false,
    )
    .await
    .unwrap()
}

/// Moves every qualifying relay back `days` days, as if time passed.
async fn relays_days_ago(w: &crate::common::World, days: i64) {
    sqlx::query("UPDATE relays SET qualified_at = qualified_at - $1")
        .bind(days * career_relay::time::DAY)
        .execute(&w.pool)
        .await
        .unwrap();
}

/// The company's numbers: (opt-ins, qualified relays).
async fn numbers(w: &crate::common::World, company: i64) -> (i64, i64) {
    (
        count(
            w,
            &format!("SELECT opt_ins FROM companies WHERE id = {company}"),
        )
        .await,
        count(
            w,
            &format!("SELECT qualified FROM companies WHERE id = {company}"),
        )
        .await,
    )
}

#[tokio::test]
async fn a_person_relayed_again_within_the_window_stays_with_the_first_company() {
    let w = world(0).await;
    let (second, second_code) = org::create_company(&w.pool, "後発株式会社").await.unwrap();
    let c = qualified_candidate(&w, 1).await;
    let again = opt_in_again(&w, &second_code).await;
    assert_eq!((again.candidate_id, again.existing), (c, true));
    assert_eq!(
        numbers(&w, second).await,
        (1, 0),
        "an opt-in it sees, not a relay"
    );
    assert_eq!(numbers(&w, w.company).await, (1, 1));
    // The same link again is not another opt-in.
    opt_in_again(&w, &second_code).await;
    assert_eq!(numbers(&w, second).await, (1, 0));
}

#[tokio::test]
async fn after_the_window_another_companys_relay_qualifies_and_its_placement_credits_it() {
    let w = world(1).await;
    let (agency, staff) = w.agencies[0];
    let (second, second_code) = org::create_company(&w.pool, "後発株式会社").await.unwrap();
    let c = qualified_candidate(&w, 1).await;
    relays_days_ago(&w, 181).await;
    opt_in_again(&w, &second_code).await;
    assert_eq!(
        numbers(&w, second).await,
        (1, 1),
        "the window passed: it counts"
    );
    assert_eq!(
        numbers(&w, w.company).await,
        (1, 1),
        "the first relay stays counted"
    );
    // The placement's bonus goes to the company the newest qualifying relay belongs to.
    let k = career_relay::claim::claim(&w.pool, agency, staff, c)
        .await
        .unwrap();
    career_relay::placement::report(&w.pool, agency, k, &crate::common::a_report(""))
        .await
        .unwrap();
    let bonus = |company: i64| {
        let w = &w;
        async move {
            count(w, &format!("SELECT COUNT(*) FROM credit_ledger WHERE company_id = {company} AND kind = 'placement_bonus'")).await
        }
    };
    assert_eq!(bonus(second).await, 1);
    assert_eq!(bonus(w.company).await, 0);
}

#[tokio::test]
async fn within_the_window_the_placement_credits_the_first_company_only() {
    let w = world(1).await;
    let (agency, staff) = w.agencies[0];
    let (second, second_code) = org::create_company(&w.pool, "後発株式会社").await.unwrap();
    let c = qualified_candidate(&w, 1).await;
    opt_in_again(&w, &second_code).await;
    let k = career_relay::claim::claim(&w.pool, agency, staff, c)
        .await
        .unwrap();
    career_relay::placement::report(&w.pool, agency, k, &crate::common::a_report(""))
        .await
        .unwrap();
    assert_eq!(
        count(&w, &format!("SELECT COUNT(*) FROM credit_ledger WHERE kind = 'placement_bonus' AND company_id = {}", w.company)).await,
        1
    );
    assert_eq!(
        count(
            &w,
            &format!("SELECT COUNT(*) FROM credit_ledger WHERE company_id = {second}")
        )
        .await,
        0
    );
}
