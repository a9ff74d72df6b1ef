//! The review of held relays (`src/review.rs`): approving counts a relay exactly once (and may
//! complete a credit), rejecting never counts it, every decision is audited, and two admins
//! deciding at once decide each relay once.

use crate::common::{count, own_profile, qualified_candidate, world, World};
use career_relay::{
    candidate, credit,
    email::Email,
    review::{self, Decision, Review},
};

/// `n` relays held as a burst from one network; returns their ids.
async fn held_burst(w: &World, n: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let email = Email::parse(&format!("held{i}@example.jp")).unwrap();
        let opt = candidate::opt_in_from(&w.pool, &w.code, &email, false, Some("203.0.113.0/24"))
            .await
            .unwrap();
        ids.push(opt.candidate_id);
    }
    for (i, &c) in ids.iter().enumerate() {
        candidate::confirm_email(&w.pool, c).await.unwrap();
        candidate::save_profile(&w.pool, c, &own_profile(100 + i))
            .await
            .unwrap();
    }
    sqlx::query_scalar("SELECT id FROM relays WHERE status = 'held' ORDER BY id")
        .fetch_all(&w.pool)
        .await
        .unwrap()
}

async fn qualified(w: &World) -> (i64, i64) {
    (
        count(
            w,
            &format!("SELECT qualified FROM companies WHERE id = {}", w.company),
        )
        .await,
        count(
            w,
            &format!("SELECT held FROM companies WHERE id = {}", w.company),
        )
        .await,
    )
}

#[tokio::test]
async fn approved_relays_count_once_and_complete_a_credit_rejected_ones_never() {
    let w = world(0).await;
    for n in 0..7 {
        qualified_candidate(&w, n).await;
    }
    let held = held_burst(&w, 6).await;
    assert_eq!(held.len(), 6);
    assert_eq!(qualified(&w).await, (7, 6));
    assert_eq!(credit::balance(&w.pool, w.company).await.unwrap(), 0);

    // Three approved: the tenth qualified relay earns the credit.
    let approve = Review {
        relays: held[..3].to_vec(),
        decision: Decision::Approve,
    };
    let done = review::decide(&w.pool, 1, &approve).await.unwrap();
    assert_eq!((done.decided, done.already), (3, 0));
    assert_eq!(qualified(&w).await, (10, 3));
    assert_eq!(credit::balance(&w.pool, w.company).await.unwrap(), 1);
    // Approving them again changes nothing.
    let again = review::decide(&w.pool, 1, &approve).await.unwrap();
    assert_eq!((again.decided, again.already), (0, 3));
    assert_eq!(qualified(&w).await, (10, 3));

    // The rest rejected: they never count, and nothing is left to review.
    let reject = Review {
        relays: held[3..].to_vec(),
        decision: Decision::Reject,
    };
    assert_eq!(
        review::decide(&w.pool, 1, &reject).await.unwrap().decided,
        3
    );
    assert_eq!(qualified(&w).await, (10, 0));
    assert!(review::held(&w.pool).await.unwrap().is_empty());
    assert_eq!(credit::balance(&w.pool, w.company).await.unwrap(), 1);
    // Each decision is in the audit log, as the admin's, naming the relay only.
    assert_eq!(
        count(
            &w,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'relay_approved' AND actor = 'user:1'"
        )
        .await,
        3
    );
    assert_eq!(
        count(&w, "SELECT COUNT(*) FROM audit_log WHERE action = 'relay_rejected' AND target LIKE 'relay:%'").await,
        3
    );
}

#[tokio::test]
async fn the_review_groups_held_relays_by_company_and_rule_with_evidence_but_no_person() {
    let w = world(0).await;
    let held = held_burst(&w, 5).await;
    let groups = review::held(&w.pool).await.unwrap();
    assert_eq!(groups.len(), 1);
    let g = &groups[0];
    assert_eq!(
        (g.company_id, g.rule),
        (w.company, career_relay::farming::Rule::Network)
    );
    assert_eq!(g.relays.iter().map(|r| r.id).collect::<Vec<_>>(), held);
    assert_eq!(g.evidence.len(), 1);
    assert_eq!(
        (
            g.evidence[0].detail.as_str(),
            g.evidence[0].relays,
            g.evidence[0].amount
        ),
        ("203.0.113.0/24", 5, 5)
    );
    let shown = format!("{groups:?}");
    assert!(!shown.contains("example.jp"), "no address: {shown}");
}

#[tokio::test]
async fn two_admins_approving_the_same_relays_at_once_count_them_once() {
    let w = world(0).await;
    let held = held_burst(&w, 5).await;
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(4));
    let mut tasks = Vec::new();
    for admin in 0..4 {
        let (pool, start, relays) = (w.pool.clone(), start.clone(), held.clone());
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            let r = Review {
                relays,
                decision: Decision::Approve,
            };
            review::decide(&pool, admin, &r).await.unwrap().decided
        }));
    }
    let mut decided = 0;
    for t in tasks {
        decided += t.await.unwrap();
    }
    assert_eq!(decided, 5, "each relay decided by one admin");
    assert_eq!(qualified(&w).await, (5, 0));
    assert_eq!(
        count(
            &w,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'relay_approved'"
        )
        .await,
        5
    );
}

#[tokio::test]
async fn a_relay_under_review_or_rejected_earns_no_placement_bonus() {
    let w = world(0).await;
    let email = Email::parse("someone@mailinator.com").unwrap();
    let opt = candidate::opt_in(&w.pool, &w.code, &email, false)
        .await
        .unwrap();
    candidate::confirm_email(&w.pool, opt.candidate_id)
        .await
        .unwrap();
    candidate::save_profile(&w.pool, opt.candidate_id, &own_profile(1))
        .await
        .unwrap();
    let held: Vec<i64> = sqlx::query_scalar("SELECT id FROM relays WHERE status = 'held'")
        .fetch_all(&w.pool)
        .await
        .unwrap();
    assert_eq!(held.len(), 1);
    let attributed = || async {
        let mut conn = w.pool.acquire().await.unwrap();
        career_relay::qualify::attributed_company(&mut conn, opt.candidate_id)
            .await
            .unwrap()
    };
    assert_eq!(attributed().await, None, "held: nothing yet");
    review::decide(
        &w.pool,
        1,
        &Review {
            relays: held.clone(),
            decision: Decision::Reject,
        },
    )
    .await
    .unwrap();
    assert_eq!(attributed().await, None, "rejected: never");
    // The evidence of an erased person goes with them.
    career_relay::erasure::erase(&w.pool, opt.candidate_id, "test")
        .await
        .unwrap();
    assert_eq!(
        count(&w, "SELECT COUNT(*) FROM relay_holds WHERE detail <> ''").await,
        0
    );
}
