//! Erasure (`src/erasure.rs`): what is gone at once, what survives without personal data, and
//! the suppression list that keeps the person from being invited again.

use crate::common::{company_with_member, count, grant, qualified_candidate, world, Words};
use career_relay::{
    candidate, claim, credit, erasure, person,
    request::{self, IntroductionStatus, NewRequest, Recommendation, RequestInput},
    Email, UserError,
};

#[tokio::test]
async fn erasing_removes_the_person_at_once_and_keeps_the_counts_and_the_legal_records() {
    let w = world(1).await;
    let c = qualified_candidate(&w, 1).await;
    let (a, u) = w.agencies[0];
    claim::claim(&w.pool, a, u, c).await.unwrap();
    let (company, member) = company_with_member(&w, "依頼株式会社", "hr@buyer.example").await;
    grant(&w, company, 1).await;
    let wanted = NewRequest::try_from(&RequestInput {
        title: "営業".into(),
        job_type: "sales".into(),
        prefecture: "13".into(),
        employment_type: "full_time".into(),
        salary_min: "300".into(),
        salary_max: "600".into(),
        ..Default::default()
    })
    .unwrap();
    let id = request::open(&w.pool, company, member, &wanted)
        .await
        .unwrap();
    let rec = Recommendation::parse("推薦します").unwrap();
    let intro = request::introduce(&w.pool, &Words, a, u, id, c, &rec)
        .await
        .unwrap();
    let relays = count(&w, "SELECT COUNT(*) FROM relays").await;
    let provisions = count(&w, "SELECT COUNT(*) FROM provision_records").await;
    let balance = credit::balance(&w.pool, w.company).await.unwrap();

    assert!(erasure::erase(&w.pool, c, &format!("candidate:{c}"))
        .await
        .unwrap());

    // Gone: every personal field, the search index, the agency's access, the open introduction.
    let left: (Option<String>, Option<String>, Option<String>, String, Option<i64>) = sqlx::query_as(
        "SELECT email, name, phone, summary || skills || languages, erased_at FROM candidates WHERE id = $1",
    )
    .bind(c)
    .fetch_one(&w.pool)
    .await
    .unwrap();
    assert_eq!(
        (left.0, left.1, left.2, left.3.as_str()),
        (None, None, None, "")
    );
    assert!(left.4.is_some());
    assert_eq!(count(&w, "SELECT COUNT(*) FROM candidate_grams").await, 0);
    assert_eq!(
        candidate::detail_for_agency(&w.pool, a, c)
            .await
            .unwrap_err()
            .user_error(),
        UserError::NotFound
    );
    assert!(claim::for_agency(&w.pool, a).await.unwrap().is_empty());
    let seen = request::for_company_one(&w.pool, company, id)
        .await
        .unwrap();
    assert!(seen.introductions.is_empty());
    let status: String = sqlx::query_scalar("SELECT status FROM introductions WHERE id = $1")
        .bind(intro)
        .fetch_one(&w.pool)
        .await
        .unwrap();
    assert_eq!(status, IntroductionStatus::Withdrawn.code());
    assert_eq!(
        count(
            &w,
            "SELECT COUNT(*) FROM outbox WHERE to_addr = 'person1@example.jp'"
        )
        .await,
        0,
        "no mail to the address is kept"
    );
    // Kept: the counts, the ledger, and the provision records the law requires.
    assert_eq!(count(&w, "SELECT COUNT(*) FROM relays").await, relays);
    assert_eq!(
        count(&w, "SELECT COUNT(*) FROM provision_records").await,
        provisions
    );
    assert_eq!(credit::balance(&w.pool, w.company).await.unwrap(), balance);
    // Suppressed: the address and the phone number, as keyed hashes.
    let mut conn = w.pool.acquire().await.unwrap();
    let pepper = person::pepper(&mut conn).await.unwrap();
    drop(conn);
    let email_key = person::email_key(&pepper, &Email::parse("person1@example.jp").unwrap());
    let phone_key = person::phone_key(&pepper, "09000000001").unwrap();
    for key in [email_key, phone_key] {
        let found: Option<String> =
            sqlx::query_scalar("SELECT reason FROM email_suppressions WHERE person_key = $1")
                .bind(&key)
                .fetch_optional(&w.pool)
                .await
                .unwrap();
        assert_eq!(found.as_deref(), Some("erased"));
    }
    // Audited by id only; erasing again changes nothing.
    let audit: String =
        sqlx::query_scalar("SELECT target FROM audit_log WHERE action = 'candidate_erased'")
            .fetch_one(&w.pool)
            .await
            .unwrap();
    assert_eq!(audit, format!("candidate:{c}"));
    assert!(!erasure::erase(&w.pool, c, "user:1").await.unwrap());
    assert_eq!(
        count(
            &w,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'candidate_erased'"
        )
        .await,
        1
    );
}

#[test]
fn an_erasure_must_be_confirmed() {
    assert!(erasure::Confirmed::check(&Some("on".into())).is_ok());
    let errs = erasure::Confirmed::check(&None).unwrap_err();
    assert_eq!(
        (errs[0].field.as_str(), errs[0].error),
        ("confirm", UserError::ConfirmationRequired)
    );
}
