//! Retention: an inactive candidate is asked to renew once, and anonymised once without an answer.

use crate::common::{
    age, count, mail_to, qualified_candidate, three_at_once, token_in, world, Words,
};
use career_relay::{
    ask::{self, Answer},
    candidate,
    erasure::Confirmed,
    retention,
    time::DAY,
    UserError,
};

const MONTH: i64 = 31 * DAY;

/// Moves every renewal's asking back `days` days.
async fn asked_days_ago(w: &crate::common::World, days: i64) {
    sqlx::query(
        "UPDATE candidate_asks SET asked_at = asked_at - $1, deadline_at = deadline_at - $1 WHERE kind = 'renewal'",
    )
        .bind(days * DAY)
        .execute(&w.pool)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_inactive_candidate_is_asked_once_and_anonymised_once_without_an_answer() {
    let w = world(0).await;
    let silent = qualified_candidate(&w, 1).await;
    let returning = qualified_candidate(&w, 2).await;
    let active = qualified_candidate(&w, 3).await;
    for c in [silent, returning] {
        age(&w, c, "active_at", 25 * MONTH).await;
    }
    age(&w, active, "active_at", 20 * MONTH).await;
    let asked = three_at_once(&w, |pool| async move {
        retention::ask_due(&pool, &Words).await.unwrap() as i64
    })
    .await;
    assert_eq!(asked, 2);
    assert_eq!(retention::ask_due(&w.pool, &Words).await.unwrap(), 0);
    let renewal = |to: &'static str| {
        let w = &w;
        async move {
            mail_to(w, to)
                .await
                .into_iter()
                .filter(|(_, body)| body.contains("Renewal"))
                .count()
        }
    };
    assert_eq!(renewal("person1@example.jp").await, 1);
    assert_eq!(renewal("person3@example.jp").await, 0);

    // Within the renewal days nothing happens; after them, only the one who stayed silent goes.
    assert_eq!(retention::anonymise_due(&w.pool).await.unwrap(), 0);
    asked_days_ago(&w, 31).await;
    candidate::confirm_email(&w.pool, returning).await.unwrap(); // signs in: activity
    let anonymised = three_at_once(&w, |pool| async move {
        retention::anonymise_due(&pool).await.unwrap() as i64
    })
    .await;
    assert_eq!(anonymised, 1);
    assert_eq!(
        count(&w, &format!("SELECT COUNT(*) FROM candidates WHERE id = {silent} AND erased_at IS NOT NULL AND email IS NULL AND name IS NULL")).await,
        1
    );
    assert_eq!(
        count(
            &w,
            "SELECT COUNT(*) FROM candidates WHERE erased_at IS NOT NULL"
        )
        .await,
        1,
        "the candidate who signed in keeps their data"
    );
    assert_eq!(
        count(&w, "SELECT COUNT(*) FROM audit_log WHERE action = 'candidate_erased' AND actor = 'job:retention'").await,
        1
    );
    assert_eq!(
        count(
            &w,
            "SELECT COUNT(*) FROM candidate_asks WHERE closed_at IS NULL"
        )
        .await,
        0,
        "every renewal is closed: answered by activity, or acted on"
    );
    assert_eq!(retention::anonymise_due(&w.pool).await.unwrap(), 0);
}

#[tokio::test]
async fn keeping_starts_the_period_again_and_deleting_erases_at_once() {
    let w = world(0).await;
    let keeper = qualified_candidate(&w, 1).await;
    let leaver = qualified_candidate(&w, 2).await;
    for c in [keeper, leaver] {
        age(&w, c, "active_at", 25 * MONTH).await;
    }
    retention::ask_due(&w.pool, &Words).await.unwrap();
    let keep = token_in(&mail_to(&w, "person1@example.jp").await.last().unwrap().1);
    let delete = token_in(&mail_to(&w, "person2@example.jp").await.last().unwrap().1);
    ask::answer(&w.pool, &keep, Answer::Keep).await.unwrap();
    ask::answer(&w.pool, &delete, Answer::Delete(Confirmed))
        .await
        .unwrap();
    assert_eq!(
        count(
            &w,
            &format!(
                "SELECT COUNT(*) FROM candidates WHERE id = {leaver} AND erased_at IS NOT NULL"
            )
        )
        .await,
        1
    );
    // A used link, and a link whose candidate is gone, change nothing.
    for token in [&keep, &delete] {
        let again = ask::answer(&w.pool, token, Answer::Keep).await;
        assert_eq!(again.unwrap_err().user_error(), UserError::AnswerLinkUsed);
        assert!(!ask::view(&w.pool, token).await.unwrap().unwrap().open);
    }
    asked_days_ago(&w, 31).await;
    assert_eq!(retention::anonymise_due(&w.pool).await.unwrap(), 0);
    assert_eq!(
        count(&w, &format!("SELECT COUNT(*) FROM candidates WHERE id = {keeper} AND erased_at IS NULL AND email IS NOT NULL")).await,
        1
    );
    // The period starts again: not asked again until another 24 months pass.
    assert_eq!(retention::ask_due(&w.pool, &Words).await.unwrap(), 0);
}

#[tokio::test]
async fn an_address_never_confirmed_is_not_asked_and_its_data_goes_after_the_period() {
    let w = world(0).await;
    let email = career_relay::Email::parse("typo@example.jp").unwrap();
    let c = candidate::opt_in(&w.pool, &w.code, &email, false)
        .await
        .unwrap()
        .candidate_id;
    age(&w, c, "active_at", 25 * MONTH).await;
    assert_eq!(retention::ask_due(&w.pool, &Words).await.unwrap(), 0);
    assert!(mail_to(&w, "typo@example.jp")
        .await
        .iter()
        .all(|(_, body)| !body.contains("Renewal")));
    assert_eq!(retention::anonymise_due(&w.pool).await.unwrap(), 1);
    assert_eq!(
        count(&w, &format!("SELECT COUNT(*) FROM candidates WHERE id = {c} AND erased_at IS NOT NULL AND email IS NULL")).await,
        1
    );
    // The address may be someone else's: it stays invitable.
    assert_eq!(
        count(&w, "SELECT COUNT(*) FROM email_suppressions").await,
        0
    );
}
