//! Placements (`src/placement.rs`): a placement closes the claim and earns the company one
//! bonus, even when reported twice at once; the candidate may dispute it and the admin decides.

use crate::common::{a_report, count, placed_candidate, profile, qualified_candidate, world};
use career_relay::{
    candidate, claim, credit,
    placement::{self, Answer},
    UserError,
};

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
    // The company's outcomes tell a withdrawn placement from a placement.
    let status = career_relay::referral::status(
        &w.pool,
        w.company,
        career_relay::referral::History::newest(50),
    )
    .await
    .unwrap();
    assert_eq!(status.outcomes[0].end_reason.as_deref(), Some("placed"));
    assert_eq!(
        status.outcomes[0].placement_status.as_deref(),
        Some("rejected")
    );
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
async fn a_candidate_is_told_of_a_placement_reported_about_them() {
    use crate::common::{mail_to, Words};
    let w = world(1).await;
    placed_candidate(&w, 1).await;
    sqlx::query("UPDATE placements SET created_at = created_at - 120")
        .execute(&w.pool)
        .await
        .unwrap();
    assert_eq!(placement::announce(&w.pool, &Words).await.unwrap(), 1);
    assert_eq!(placement::announce(&w.pool, &Words).await.unwrap(), 0);
    let mail = mail_to(&w, "person1@example.jp").await;
    let told: Vec<_> = mail
        .iter()
        .filter(|(_, b)| b.contains("PlacementReported"))
        .collect();
    assert_eq!(told.len(), 1);
    assert!(told[0].1.contains("株式会社次"), "{:?}", told[0]);
}
