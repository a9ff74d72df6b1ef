//! Follow-ups: asked once per round, the latest round due only, answered once through the link.

use crate::common::{
    age, count, mail_to, qualified_candidate, three_at_once, token_in, world, Words,
};
use career_relay::{
    ask::{self, Answer, SearchStatus},
    erasure::Confirmed,
    followup,
    time::DAY,
    UserError,
};

const MONTH: i64 = 31 * DAY;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn candidates_are_asked_at_six_and_twelve_months_once_whichever_instances_run_the_job() {
    let w = world(0).await;
    let fresh = qualified_candidate(&w, 1).await;
    let half_year = qualified_candidate(&w, 2).await;
    let year = qualified_candidate(&w, 3).await;
    age(&w, fresh, "opted_in_at", MONTH).await;
    age(&w, half_year, "opted_in_at", 7 * MONTH).await;
    age(&w, year, "opted_in_at", 13 * MONTH).await;
    let sent = three_at_once(&w, |pool| async move {
        followup::send_due(&pool, &Words).await.unwrap() as i64
    })
    .await;
    assert_eq!(sent, 2, "one mail each to the two candidates due");
    assert!(mail_to(&w, "person1@example.jp")
        .await
        .iter()
        .all(|(_, body)| !body.contains("FollowUp")));
    let six = mail_to(&w, "person2@example.jp").await;
    let six: Vec<_> = six.iter().filter(|(_, b)| b.contains("FollowUp")).collect();
    assert_eq!(six.len(), 1);
    assert!(six[0].1.contains("months: 6"), "{}", six[0].1);
    // A year after opting in the first round is past: only the second is sent.
    let twelve = mail_to(&w, "person3@example.jp").await;
    let twelve: Vec<_> = twelve
        .iter()
        .filter(|(_, b)| b.contains("FollowUp"))
        .collect();
    assert_eq!(twelve.len(), 1);
    assert!(twelve[0].1.contains("months: 12"), "{}", twelve[0].1);
    // Every follow-up carries its unsubscribe link.
    assert_eq!(
        count(
            &w,
            "SELECT COUNT(*) FROM outbox WHERE unsubscribe_url LIKE '/a/%/stop'"
        )
        .await,
        2
    );
    assert_eq!(followup::send_due(&w.pool, &Words).await.unwrap(), 0);
    // Six months on, the half-year candidate is due for the second round.
    age(&w, half_year, "opted_in_at", 6 * MONTH).await;
    sqlx::query("DELETE FROM job_marks WHERE name LIKE 'followup:%'")
        .execute(&w.pool)
        .await
        .unwrap();
    assert_eq!(followup::send_due(&w.pool, &Words).await.unwrap(), 1);
}

#[tokio::test]
async fn an_answer_counts_once_and_a_found_job_leaves_the_pool() {
    let w = world(0).await;
    let c = qualified_candidate(&w, 1).await;
    age(&w, c, "opted_in_at", 7 * MONTH).await;
    followup::send_due(&w.pool, &Words).await.unwrap();
    let token = token_in(&mail_to(&w, "person1@example.jp").await.last().unwrap().1);
    let view = ask::view(&w.pool, &token).await.unwrap().unwrap();
    assert!(view.open);
    assert_eq!(view.search_status, SearchStatus::Looking);
    // A renewal's answer on a follow-up's link is refused, and changes nothing.
    let wrong = ask::answer(&w.pool, &token, Answer::Delete(Confirmed)).await;
    assert_eq!(wrong.unwrap_err().user_error(), UserError::InvalidChoice);
    assert!(ask::view(&w.pool, &token).await.unwrap().unwrap().open);

    let satisfied = ask::Satisfaction::parse(Some("4")).unwrap();
    ask::answer(
        &w.pool,
        &token,
        Answer::Search(SearchStatus::Found, satisfied),
    )
    .await
    .unwrap();
    let in_pool = format!("SELECT in_pool FROM candidates WHERE id = {c}");
    assert_eq!(count(&w, &in_pool).await, 0, "found a job: out of the pool");
    assert_eq!(
        count(
            &w,
            "SELECT satisfaction_sum * 100 + satisfaction_count FROM companies"
        )
        .await,
        401
    );
    // The same link again: nothing more changes.
    let again = ask::answer(&w.pool, &token, Answer::Search(SearchStatus::Looking, None)).await;
    assert_eq!(again.unwrap_err().user_error(), UserError::AnswerLinkUsed);
    assert!(!ask::view(&w.pool, &token).await.unwrap().unwrap().open);
    assert_eq!(count(&w, &in_pool).await, 0);
    // Looking again, from the candidate's page: back in the pool.
    ask::set_search_status(&w.pool, c, SearchStatus::Looking)
        .await
        .unwrap();
    assert_eq!(count(&w, &in_pool).await, 1);
    // A link the portal never sent is unknown.
    assert_eq!(ask::view(&w.pool, "no-such-token").await.unwrap(), None);
}

#[tokio::test]
async fn those_who_stopped_the_mails_or_found_a_job_are_not_asked_again() {
    let w = world(0).await;
    let stopped = qualified_candidate(&w, 1).await;
    let found = qualified_candidate(&w, 2).await;
    for c in [stopped, found] {
        age(&w, c, "opted_in_at", 7 * MONTH).await;
    }
    assert_eq!(followup::send_due(&w.pool, &Words).await.unwrap(), 2);
    let stop = token_in(&mail_to(&w, "person1@example.jp").await.last().unwrap().1);
    assert!(ask::unsubscribe(&w.pool, &stop).await.unwrap());
    assert!(!ask::unsubscribe(&w.pool, "no-such-token").await.unwrap());
    let answer = token_in(&mail_to(&w, "person2@example.jp").await.last().unwrap().1);
    ask::answer(&w.pool, &answer, Answer::Search(SearchStatus::Found, None))
        .await
        .unwrap();
    for c in [stopped, found] {
        age(&w, c, "opted_in_at", 6 * MONTH).await;
    }
    sqlx::query("DELETE FROM job_marks WHERE name LIKE 'followup:%'")
        .execute(&w.pool)
        .await
        .unwrap();
    assert_eq!(followup::send_due(&w.pool, &Words).await.unwrap(), 0);
}

#[tokio::test]
async fn each_round_of_the_job_asks_only_those_who_came_due_since_it_last_looked() {
    use career_relay::time::{months_before, now};
    let w = world(0).await;
    let newly_due = qualified_candidate(&w, 1).await;
    let passed = qualified_candidate(&w, 2).await;
    // The job last looked a day ago: it asked everyone due by then.
    let looked = months_before(now(), 6) - DAY;
    sqlx::query("INSERT INTO job_marks (name, value) VALUES ('followup:1', $1)")
        .bind(looked)
        .execute(&w.pool)
        .await
        .unwrap();
    for (c, opted_in) in [(newly_due, looked + DAY / 2), (passed, looked - DAY)] {
        sqlx::query("UPDATE candidates SET opted_in_at = $1 WHERE id = $2")
            .bind(opted_in)
            .bind(c)
            .execute(&w.pool)
            .await
            .unwrap();
    }
    // Where this round looks is read from the clock while it runs: between these two.
    let earliest = months_before(now(), 6);
    assert_eq!(followup::send_due(&w.pool, &Words).await.unwrap(), 1);
    let latest = months_before(now(), 6);
    assert_eq!(
        count(
            &w,
            &format!("SELECT COUNT(*) FROM candidate_asks WHERE candidate_id = {newly_due}")
        )
        .await,
        1
    );
    let mark = count(&w, "SELECT value FROM job_marks WHERE name = 'followup:1'").await;
    assert!(
        (earliest..=latest).contains(&mark),
        "the mark moves to where this round looked: {mark} not in {earliest}..={latest}"
    );
}
