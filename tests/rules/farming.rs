//! Farming signals (`src/farming.rs`): a relay that trips a rule is held instead of counting;
//! one that does not, counts. Each rule is tried both ways.

use crate::common::{count, own_profile, world, World};
use career_relay::{candidate, email::Email, org, settings};

/// Opts a person in through `code` from `network`, confirms the address and saves `profile`;
/// returns the candidate.
async fn relay_from(
    w: &World,
    code: &career_relay::relay::RelayCode,
    email: &str,
    network: Option<&str>,
    n: usize,
) -> i64 {
    let opt = opt_in_from(w, code, email, network).await;
    complete(w, opt, n).await;
    opt
}

async fn opt_in_from(
    w: &World,
    code: &career_relay::relay::RelayCode,
    email: &str,
    network: Option<&str>,
) -> i64 {
    candidate::opt_in_from(&w.pool, code, &Email::parse(email).unwrap(), false, network)
        .await
        .unwrap()
        .candidate_id
}

async fn complete(w: &World, candidate_id: i64, n: usize) {
    candidate::confirm_email(&w.pool, candidate_id)
        .await
        .unwrap();
    candidate::save_profile(&w.pool, candidate_id, &own_profile(n))
        .await
        .unwrap();
}

/// (counted, held) relays of the company, and its counters, which must agree.
async fn relays(w: &World, company: i64) -> (i64, i64) {
    let counted = count(
        w,
        &format!("SELECT COUNT(*) FROM relays WHERE company_id = {company} AND status = 'counted'"),
    )
    .await;
    let held = count(
        w,
        &format!("SELECT COUNT(*) FROM relays WHERE company_id = {company} AND status = 'held'"),
    )
    .await;
    let kept = (
        count(
            w,
            &format!("SELECT qualified FROM companies WHERE id = {company}"),
        )
        .await,
        count(
            w,
            &format!("SELECT held FROM companies WHERE id = {company}"),
        )
        .await,
    );
    assert_eq!((counted, held), kept, "the company's counters");
    (counted, held)
}

async fn rules_of(w: &World, candidate: i64) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT h.rule FROM relay_holds h JOIN relays r ON r.id = h.relay_id WHERE r.candidate_id = $1 ORDER BY h.rule",
    )
    .bind(candidate)
    .fetch_all(&w.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_burst_of_opt_ins_from_one_network_is_held_and_others_count() {
    let w = world(0).await;
    // Five opt-ins from one /24 within the hour (the default threshold), then they complete.
    let mut burst = Vec::new();
    for n in 0..5 {
        burst.push(
            opt_in_from(
                &w,
                &w.code,
                &format!("burst{n}@example.jp"),
                Some("203.0.113.0/24"),
            )
            .await,
        );
    }
    for (n, &c) in burst.iter().enumerate() {
        complete(&w, c, n).await;
    }
    // Four from another network, and some from none at all (a proxy, the machine itself).
    for n in 0..4 {
        relay_from(
            &w,
            &w.code,
            &format!("calm{n}@example.jp"),
            Some("198.51.100.0/24"),
            10 + n,
        )
        .await;
    }
    for n in 0..6 {
        relay_from(&w, &w.code, &format!("local{n}@example.jp"), None, 20 + n).await;
    }
    assert_eq!(relays(&w, w.company).await, (10, 5));
    assert_eq!(rules_of(&w, burst[0]).await, ["network"]);
    let evidence: (String, i64, i64) = sqlx::query_as(
        "SELECT detail, amount, baseline FROM relay_holds WHERE rule = 'network' LIMIT 1",
    )
    .fetch_one(&w.pool)
    .await
    .unwrap();
    assert_eq!(evidence, ("203.0.113.0/24".to_owned(), 5, 5));
    // Opt-ins more than an hour apart are no burst.
    let (other, code) = org::create_company(&w.pool, "別会社").await.unwrap();
    for n in 0..5 {
        relay_from(
            &w,
            &code,
            &format!("slow{n}@example.jp"),
            Some("192.0.2.0/24"),
            30 + n,
        )
        .await;
        sqlx::query("UPDATE relay_events SET created_at = created_at - 7200 WHERE company_id = $1")
            .bind(other)
            .execute(&w.pool)
            .await
            .unwrap();
    }
    assert_eq!(relays(&w, other).await, (5, 0));
}

#[tokio::test]
async fn an_address_at_a_disposable_mail_service_is_held() {
    let w = world(0).await;
    let throwaway = relay_from(&w, &w.code, "someone@mailinator.com", None, 1).await;
    relay_from(&w, &w.code, "someone@example.jp", None, 2).await;
    assert_eq!(relays(&w, w.company).await, (1, 1));
    assert_eq!(rules_of(&w, throwaway).await, ["disposable"]);
    // The platform may turn the rule off.
    let mut s = settings::load(&w.pool).await.unwrap();
    s.hold_disposable = 0;
    settings::save(&w.pool, &s).await.unwrap();
    relay_from(&w, &w.code, "other@yopmail.com", None, 3).await;
    assert_eq!(relays(&w, w.company).await, (2, 1));
}

#[tokio::test]
async fn a_company_whose_opt_ins_mostly_never_confirm_is_held() {
    let w = world(0).await;
    let (honest, honest_code) = org::create_company(&w.pool, "誠実株式会社").await.unwrap();
    // Two days ago: 20 opt-ins for the company, 16 never confirmed; 20 for the other, all
    // confirmed. The platform's share is 40%, the company's 80%.
    for n in 0..20 {
        let c = opt_in_from(&w, &w.code, &format!("made{n}@example.jp"), None).await;
        if n < 4 {
            candidate::confirm_email(&w.pool, c).await.unwrap();
        }
        let h = opt_in_from(&w, &honest_code, &format!("real{n}@example.jp"), None).await;
        candidate::confirm_email(&w.pool, h).await.unwrap();
    }
    sqlx::query("UPDATE candidates SET created_at = created_at - 2 * 86400")
        .execute(&w.pool)
        .await
        .unwrap();
    let suspect = relay_from(&w, &w.code, "new@example.jp", None, 1).await;
    relay_from(&w, &honest_code, "fresh@example.jp", None, 2).await;
    assert_eq!(rules_of(&w, suspect).await, ["unconfirmed"]);
    assert_eq!(relays(&w, w.company).await, (0, 1));
    assert_eq!(relays(&w, honest).await, (1, 0));
    let shares: (i64, i64) =
        sqlx::query_as("SELECT amount, baseline FROM relay_holds WHERE rule = 'unconfirmed'")
            .fetch_one(&w.pool)
            .await
            .unwrap();
    assert_eq!(shares, (80, 40));
    // Below the minimum number of opt-ins the share is not judged.
    let mut s = settings::load(&w.pool).await.unwrap();
    s.hold_unconfirmed_min = 21;
    settings::save(&w.pool, &s).await.unwrap();
    relay_from(&w, &w.code, "later@example.jp", None, 3).await;
    assert_eq!(relays(&w, w.company).await, (1, 1));
}

#[tokio::test]
async fn a_burst_of_near_identical_profiles_is_held_from_the_threshold_on() {
    let w = world(0).await;
    // Five people whose profiles differ only in name, phone, spacing and width.
    let copies = [
        "法人営業, Excel",
        "法人営業、Excel",
        "法人営業 ,ＥＸＣＥＬ",
        "法人営業,excel",
        "法人営業・Excel",
    ];
    let mut ids = Vec::new();
    for (n, skills) in copies.iter().enumerate() {
        let mut p = own_profile(n);
        p.summary = "営業 5 年。".into();
        p.skills = skills
            .split([',', '、', '・'])
            .map(|s| s.trim().to_owned())
            .collect();
        let opt = opt_in_from(&w, &w.code, &format!("copy{n}@example.jp"), None).await;
        candidate::confirm_email(&w.pool, opt).await.unwrap();
        candidate::save_profile(&w.pool, opt, &p).await.unwrap();
        ids.push(opt);
    }
    // The fifth reaches the threshold (5): the first four counted before it.
    assert_eq!(relays(&w, w.company).await, (4, 1));
    assert_eq!(rules_of(&w, ids[4]).await, ["similar"]);
    // People with their own profiles count.
    for n in 10..20 {
        relay_from(&w, &w.code, &format!("own{n}@example.jp"), None, n).await;
    }
    assert_eq!(relays(&w, w.company).await, (14, 1));
}
