//! Credits (`src/credit.rs`): the ledger stays exact when many candidates qualify at once.

use crate::common::{count, qualify, three_at_once, world};
use career_relay::credit;

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

/// The balance a company sees is the sum of its ledger, and its numbers' months hold the same
/// entries, whatever entries arrive in whatever order, replays included: checked over random
/// sequences of entries (a property test).
#[tokio::test]
async fn the_balance_is_always_the_sum_of_the_ledger() {
    use proptest::{
        strategy::{Strategy, ValueTree},
        test_runner::TestRunner,
    };
    let w = world(0).await;
    let kinds = [
        "earned",
        "placement_bonus",
        "placement_held",
        "placement_released",
    ];
    let entries = proptest::collection::vec((0..kinds.len(), -3i64..4, 0u8..12), 1..40);
    let mut runner = TestRunner::deterministic();
    for case in 0..40 {
        let (company, _) = career_relay::org::create_company(&w.pool, &format!("台帳{case}"))
            .await
            .unwrap();
        let sequence = entries.new_tree(&mut runner).unwrap().current();
        let mut tx = career_relay::db::begin(&w.pool).await.unwrap();
        for (kind, amount, key) in &sequence {
            // A repeated reason key is a replayed event: it must count once.
            let reason = format!("case{case}:{key}");
            credit::append(&mut tx, company, kinds[*kind], *amount, &reason)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        let sum: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM credit_ledger WHERE company_id = $1",
        )
        .bind(company)
        .fetch_one(&w.pool)
        .await
        .unwrap();
        assert_eq!(
            credit::balance(&w.pool, company).await.unwrap(),
            sum,
            "case {case}: {sequence:?}"
        );
        // The numbers' months hold the ledger's sums by column, each entry once.
        let months: Vec<i64> = sqlx::query_scalar(
            "SELECT CAST(SUM(earned) AS BIGINT) FROM credit_months WHERE company_id = $1
             UNION ALL SELECT CAST(SUM(spent) AS BIGINT) FROM credit_months WHERE company_id = $1
             UNION ALL SELECT CAST(SUM(expired) AS BIGINT) FROM credit_months WHERE company_id = $1",
        )
        .bind(company)
        .fetch_all(&w.pool)
        .await
        .unwrap();
        let mut by_column = [0; 3];
        for (kind, amount) in sqlx::query_as::<_, (String, i64)>(
            "SELECT kind, amount FROM credit_ledger WHERE company_id = $1",
        )
        .bind(company)
        .fetch_all(&w.pool)
        .await
        .unwrap()
        {
            let (column, sign) = career_relay::numbers::credit_column(&kind).unwrap();
            by_column[column] += sign * amount;
        }
        assert_eq!(months, by_column, "case {case}: {sequence:?}");
        // The next lapse the company's row keeps is the one its ledger gives.
        let (balance, kept) = credit::standing(&w.pool, company).await.unwrap();
        assert_eq!(balance, sum);
        assert_eq!(
            kept,
            credit::next_expiring(&w.pool, company, sum).await.unwrap(),
            "case {case}: {sequence:?}"
        );
    }
}

/// A company whose ledger was written before its row kept the next lapse: the pages work it out
/// from the ledger, and the jobs keep it on the row once.
#[tokio::test]
async fn a_next_lapse_not_kept_yet_is_worked_out_and_then_kept() {
    use crate::common::{company_with_member, grant};
    let w = world(0).await;
    let (company, _) = company_with_member(&w, "旧台帳株式会社", "hr@old-ledger.example").await;
    grant(&w, company, 3).await;
    let kept = credit::standing(&w.pool, company).await.unwrap();
    assert_eq!(kept.1.map(|e| e.count), Some(3));
    sqlx::query("UPDATE companies SET lapse_known = 0, next_lapse_at = NULL, next_lapse_count = 0")
        .execute(&w.pool)
        .await
        .unwrap();
    assert_eq!(credit::standing(&w.pool, company).await.unwrap(), kept);
    assert!(credit::keep_unknown_lapses(&w.pool).await.unwrap() >= 1);
    assert_eq!(credit::keep_unknown_lapses(&w.pool).await.unwrap(), 0);
    assert_eq!(
        count(
            &w,
            "SELECT COUNT(*) FROM companies WHERE lapse_known = 1 AND next_lapse_count = 3"
        )
        .await,
        1
    );
    assert_eq!(credit::standing(&w.pool, company).await.unwrap(), kept);
}

/// Moves the expiry of the company's credits that are still to lapse, oldest first: the first
/// `n` to `at` (and the next lapse the company's row keeps with them, as a ledger write would).
async fn lapse_at(w: &crate::common::World, company: i64, n: i64, at: i64) {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM credit_ledger WHERE company_id = $1 AND expires_at IS NOT NULL ORDER BY expires_at, id LIMIT $2",
    )
    .bind(company)
    .bind(n)
    .fetch_all(&w.pool)
    .await
    .unwrap();
    for id in ids {
        sqlx::query("UPDATE credit_ledger SET expires_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(&w.pool)
            .await
            .unwrap();
    }
    let mut conn = w.pool.acquire().await.unwrap();
    credit::keep_next_lapse(&mut conn, company).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn lapsed_credits_are_written_off_once_each_whichever_instances_run_the_job() {
    use crate::common::{company_with_member, grant};
    let w = world(0).await;
    let (company, _) = company_with_member(&w, "失効株式会社", "hr@lapse.example").await;
    grant(&w, company, 3).await;
    lapse_at(&w, company, 2, career_relay::time::now() - 10).await;
    let lapsed = three_at_once(&w, |pool| async move {
        credit::expire_due(&pool).await.unwrap()
    })
    .await;
    assert_eq!(lapsed, 2);
    assert_eq!(credit::balance(&w.pool, company).await.unwrap(), 1);
    assert_eq!(
        count(
            &w,
            "SELECT COUNT(*) FROM credit_ledger WHERE kind = 'expired'"
        )
        .await,
        2
    );
    assert_eq!(credit::expire_due(&w.pool).await.unwrap(), 0);
}

#[tokio::test]
async fn the_oldest_credit_is_spent_first_so_a_spent_credit_never_lapses_again() {
    use crate::common::{company_with_member, grant};
    use career_relay::request::{self, NewRequest, RequestInput};
    let w = world(0).await;
    let (company, member) = company_with_member(&w, "先入先出株式会社", "hr@fifo.example").await;
    grant(&w, company, 2).await;
    let input = RequestInput {
        title: "経理".into(),
        job_type: "accounting".into(),
        prefecture: "remote".into(),
        employment_type: "contract".into(),
        salary_min: "300".into(),
        salary_max: "400".into(),
        ..Default::default()
    };
    let r = NewRequest::try_from(&input).unwrap();
    let id = request::open(&w.pool, company, member, &r).await.unwrap();
    // When the oldest credit's day comes, nothing lapses: it is the one that was spent.
    lapse_at(&w, company, 1, career_relay::time::now() - 10).await;
    assert_eq!(credit::expire_due(&w.pool).await.unwrap(), 0);
    assert_eq!(credit::balance(&w.pool, company).await.unwrap(), 1);
    let next = credit::next_expiring(&w.pool, company, 1)
        .await
        .unwrap()
        .unwrap();
    assert!(
        next.at > career_relay::time::now(),
        "the credit left is the newer one"
    );
    // Cancelling undoes the spending: the credit comes back with its own day, which has passed,
    // so it lapses at once; the newer credit stays.
    request::cancel(&w.pool, company, id).await.unwrap();
    assert_eq!(credit::balance(&w.pool, company).await.unwrap(), 1);
    assert_eq!(
        credit::standing(&w.pool, company).await.unwrap(),
        (1, Some(next)),
        "spending, lapsing and refunding keep the next lapse on the row"
    );
    assert_eq!(
        count(
            &w,
            "SELECT COUNT(*) FROM credit_ledger WHERE kind = 'expired'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_credit_past_its_expiry_is_never_spent() {
    use crate::common::{company_with_member, grant};
    use career_relay::request::{self, NewRequest, RequestInput};
    let w = world(0).await;
    let (company, member) = company_with_member(&w, "期限切れ株式会社", "hr@late.example").await;
    grant(&w, company, 1).await;
    lapse_at(&w, company, 1, career_relay::time::now() - 10).await;
    // The job has not run yet: the balance still shows the credit, but opening writes it off.
    assert_eq!(credit::balance(&w.pool, company).await.unwrap(), 1);
    let input = RequestInput {
        title: "経理".into(),
        job_type: "accounting".into(),
        prefecture: "13".into(),
        employment_type: "full_time".into(),
        salary_min: "300".into(),
        salary_max: "400".into(),
        ..Default::default()
    };
    let refused = request::open(
        &w.pool,
        company,
        member,
        &NewRequest::try_from(&input).unwrap(),
    )
    .await;
    assert_eq!(
        refused.unwrap_err().user_error(),
        career_relay::UserError::NoCredit
    );
    // The refusal changed nothing: not even the write-off (it waits for the job).
    assert_eq!(count(&w, "SELECT COUNT(*) FROM referral_requests").await, 0);
    assert_eq!(credit::balance(&w.pool, company).await.unwrap(), 1);
    assert_eq!(credit::expire_due(&w.pool).await.unwrap(), 1);
    assert_eq!(credit::balance(&w.pool, company).await.unwrap(), 0);
}

#[tokio::test]
async fn members_are_told_once_when_credits_lapse_within_thirty_days() {
    use crate::common::{company_with_member, grant, mail_to};
    let w = world(0).await;
    let (company, _) = company_with_member(&w, "予告株式会社", "hr@soon.example").await;
    grant(&w, company, 2).await;
    let soon = career_relay::time::now() + 10 * career_relay::time::DAY;
    lapse_at(&w, company, 2, soon).await;
    let status = career_relay::referral::status(
        &w.pool,
        company,
        career_relay::referral::History::newest(50),
    )
    .await
    .unwrap();
    assert_eq!(
        status.expiring,
        Some(credit::Expiring { at: soon, count: 2 })
    );
    assert_eq!(
        credit::warn_expiring(&w.pool, &crate::common::Words, credit::WARN_DAYS)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        credit::warn_expiring(&w.pool, &crate::common::Words, credit::WARN_DAYS)
            .await
            .unwrap(),
        0
    );
    let mail = mail_to(&w, "hr@soon.example").await;
    assert_eq!(mail.len(), 1);
    assert!(
        mail[0].1.contains("CreditsExpiring { count: 2"),
        "{:?}",
        mail[0]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn members_hear_once_of_the_credits_their_company_earned() {
    use crate::common::{company_with_member, grant, mail_to, Words};
    let w = world(0).await;
    let (company, _) = company_with_member(&w, "獲得株式会社", "hr@earn.example").await;
    grant(&w, company, 2).await;
    // A credit is told of once it is a minute old (its transaction surely committed).
    assert_eq!(credit::announce_earned(&w.pool, &Words).await.unwrap(), 0);
    let age = || async {
        sqlx::query("UPDATE credit_ledger SET created_at = created_at - 120")
            .execute(&w.pool)
            .await
            .unwrap();
    };
    age().await;
    let told = three_at_once(&w, |pool| async move {
        credit::announce_earned(&pool, &Words).await.unwrap() as i64
    })
    .await;
    assert_eq!(told, 1);
    let mail = mail_to(&w, "hr@earn.example").await;
    assert_eq!(mail.len(), 1);
    assert!(
        mail[0].1.contains("CreditsEarned { count: 2, balance: 2 }"),
        "{:?}",
        mail[0]
    );
    // The next credit is news of its own; spending is not.
    grant(&w, company, 1).await;
    age().await;
    assert_eq!(credit::announce_earned(&w.pool, &Words).await.unwrap(), 1);
    assert_eq!(credit::announce_earned(&w.pool, &Words).await.unwrap(), 0);
    assert_eq!(mail_to(&w, "hr@earn.example").await.len(), 2);
}
