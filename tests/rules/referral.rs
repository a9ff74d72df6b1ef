//! The company's referral status: its history, newest first, paged back list by list.

use crate::common::*;
use career_relay::{
    claim,
    referral::{self, History},
};

#[tokio::test]
async fn the_status_lists_the_newest_entries_and_outcomes_each_with_its_own_cursor() {
    let w = world(1).await;
    let (a, u) = w.agencies[0];
    grant(&w, w.company, 3).await;
    let mut claims = Vec::new();
    for n in 0..3 {
        let c = qualified_candidate(&w, n).await;
        claims.push(claim::claim(&w.pool, a, u, c).await.unwrap());
    }
    claims.reverse();
    let ledger: Vec<i64> = credit_ids(&w).await;
    assert_eq!(ledger.len(), 3, "three credits, no other entry");

    let newest = referral::status(&w.pool, w.company, History::newest(2))
        .await
        .unwrap();
    let ids = |s: &referral::ReferralStatus| -> (Vec<i64>, Vec<i64>) {
        (
            s.ledger.iter().map(|e| e.id).collect(),
            s.outcomes.iter().map(|o| o.claim_id).collect(),
        )
    };
    assert_eq!(ids(&newest), (ledger[..2].to_vec(), claims[..2].to_vec()));
    assert_eq!(newest.ledger_more, Some(ledger[1]));
    assert_eq!(newest.outcomes_more, Some(claims[1]));
    assert!(newest
        .ledger
        .iter()
        .all(|e| e.kind == "earned" && e.amount == 1));
    assert!(newest
        .outcomes
        .iter()
        .all(|o| o.agency_name == "Agency 0" && o.ended_at.is_none()));

    // Paging back the ledger leaves the outcomes where they were, and the other way round.
    let older_ledger = History {
        ledger_before: newest.ledger_more,
        ..History::newest(2)
    };
    let page = referral::status(&w.pool, w.company, older_ledger)
        .await
        .unwrap();
    assert_eq!(ids(&page), (ledger[2..].to_vec(), claims[..2].to_vec()));
    assert_eq!(
        (page.ledger_more, page.outcomes_more),
        (None, Some(claims[1]))
    );
    let older_outcomes = History {
        outcomes_before: newest.outcomes_more,
        ..History::newest(2)
    };
    let page = referral::status(&w.pool, w.company, older_outcomes)
        .await
        .unwrap();
    assert_eq!(ids(&page), (ledger[..2].to_vec(), claims[2..].to_vec()));
    assert_eq!(
        (page.ledger_more, page.outcomes_more),
        (Some(ledger[1]), None)
    );
}

/// The company's ledger entries, newest first.
async fn credit_ids(w: &World) -> Vec<i64> {
    career_relay::credit::ledger(&w.pool, w.company, None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect()
}
