//! Free referral requests (`src/request.rs`): spending a credit, giving it back, the candidate's
//! agreement before the company sees anyone, screening and fulfilment.

use crate::common::{
    company_with_member, count, grant, mail_to, qualified_candidate, three_at_once, world, Words,
    World,
};
use career_relay::{
    candidate, claim,
    consent::ConsentKind,
    credit,
    request::{
        self, IntroductionStatus, NewRequest, Recommendation, RequestInput, RequestStatus,
        Screening,
    },
    UserError,
};

fn a_request() -> NewRequest {
    NewRequest::try_from(&RequestInput {
        title: "営業スタッフ".into(),
        job_type: "sales".into(),
        prefecture: "13".into(),
        employment_type: "full_time".into(),
        salary_min: "300".into(),
        salary_max: "600".into(),
        min_years: "3".into(),
        must_have: "法人営業".into(),
        nice_to_have: "Excel, 英語".into(),
        ..Default::default()
    })
    .unwrap()
}

fn user_error<T: std::fmt::Debug>(r: career_relay::error::Result<T>) -> UserError {
    match r {
        Err(career_relay::Error::User(e)) => e,
        other => panic!("expected a user error, got {other:?}"),
    }
}

fn recommendation() -> Recommendation {
    Recommendation::parse("法人営業5年、即戦力です").unwrap()
}

/// A second company with one credit and a member, and a candidate relayed by the world's company
/// that the first agency holds: (company, member, candidate).
async fn a_buyer_and_a_held_candidate(w: &World) -> (i64, i64, i64) {
    let (company, member) = company_with_member(w, "依頼株式会社", "hr@buyer.example").await;
    grant(w, company, 1).await;
    let c = qualified_candidate(w, 1).await;
    let (a, u) = w.agencies[0];
    claim::claim(&w.pool, a, u, c).await.unwrap();
    (company, member, c)
}

#[tokio::test]
async fn opening_a_request_spends_one_credit_and_with_none_left_nothing_changes() {
    let w = world(0).await;
    let (company, member) = company_with_member(&w, "依頼株式会社", "hr@buyer.example").await;
    grant(&w, company, 1).await;
    let id = request::open(&w.pool, company, member, &a_request())
        .await
        .unwrap();
    assert_eq!(credit::balance(&w.pool, company).await.unwrap(), 0);
    let ledger = credit::ledger(&w.pool, company, None, 10).await.unwrap();
    assert_eq!(
        (ledger[0].kind.as_str(), ledger[0].amount),
        ("redeemed", -1)
    );
    let r = request::for_company_one(&w.pool, company, id)
        .await
        .unwrap();
    assert_eq!(r.request.status, RequestStatus::Open);

    let refused = request::open(&w.pool, company, member, &a_request()).await;
    assert_eq!(user_error(refused), UserError::NoCredit);
    assert_eq!(count(&w, "SELECT COUNT(*) FROM referral_requests").await, 1);
    assert_eq!(credit::balance(&w.pool, company).await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_requests_opened_at_the_same_instant_on_the_last_credit_exactly_one_succeeds() {
    let w = world(0).await;
    let (company, member) = company_with_member(&w, "依頼株式会社", "hr@buyer.example").await;
    grant(&w, company, 1).await;
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(8));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (pool, start) = (w.pool.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                request::open(&pool, company, member, &a_request()).await
            })
        })
        .collect();
    let mut won = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => won += 1,
            Err(e) => assert_eq!(e.user_error(), UserError::NoCredit),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(count(&w, "SELECT COUNT(*) FROM referral_requests").await, 1);
    assert_eq!(credit::balance(&w.pool, company).await.unwrap(), 0);
}

#[tokio::test]
async fn a_request_cancelled_before_any_introduction_gives_its_credit_back_once() {
    let w = world(1).await;
    let (company, member, c) = a_buyer_and_a_held_candidate(&w).await;
    let id = request::open(&w.pool, company, member, &a_request())
        .await
        .unwrap();
    request::cancel(&w.pool, company, id).await.unwrap();
    assert_eq!(credit::balance(&w.pool, company).await.unwrap(), 1);
    let r = request::for_company_one(&w.pool, company, id)
        .await
        .unwrap();
    assert_eq!(r.request.status, RequestStatus::Cancelled);
    assert_eq!(
        user_error(request::cancel(&w.pool, company, id).await),
        UserError::RequestClosed
    );
    assert_eq!(credit::balance(&w.pool, company).await.unwrap(), 1);

    // A request with an introduction cannot be cancelled: nothing changes.
    let id = request::open(&w.pool, company, member, &a_request())
        .await
        .unwrap();
    let (a, u) = w.agencies[0];
    request::introduce(&w.pool, &Words, a, u, id, c, &recommendation())
        .await
        .unwrap();
    assert_eq!(
        user_error(request::cancel(&w.pool, company, id).await),
        UserError::HasIntroductions
    );
    assert_eq!(credit::balance(&w.pool, company).await.unwrap(), 0);
    // Another company cannot cancel it at all.
    assert_eq!(
        user_error(request::cancel(&w.pool, w.company, id).await),
        UserError::NotFound
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_request_past_its_deadline_closes_and_refunds_exactly_once_whichever_instances_run_the_job(
) {
    let w = world(0).await;
    let (company, member) = company_with_member(&w, "依頼株式会社", "hr@buyer.example").await;
    grant(&w, company, 1).await;
    let id = request::open(&w.pool, company, member, &a_request())
        .await
        .unwrap();
    sqlx::query("UPDATE referral_requests SET deadline = $1 WHERE id = $2")
        .bind(career_relay::time::now() - 1)
        .bind(id)
        .execute(&w.pool)
        .await
        .unwrap();
    let closed = three_at_once(&w, |pool| async move {
        request::close_due(&pool, &Words).await.unwrap() as i64
    })
    .await;
    assert_eq!(closed, 1);
    assert_eq!(credit::balance(&w.pool, company).await.unwrap(), 1);
    assert_eq!(
        count(
            &w,
            "SELECT COUNT(*) FROM credit_ledger WHERE kind = 'refunded'"
        )
        .await,
        1
    );
    let r = request::for_company_one(&w.pool, company, id)
        .await
        .unwrap();
    assert_eq!(r.request.status, RequestStatus::Expired);
    let mail = mail_to(&w, "hr@buyer.example").await;
    assert_eq!(mail.len(), 1);
    assert!(mail[0].1.contains("RequestRefunded"), "{:?}", mail[0]);
}

#[tokio::test]
async fn the_company_sees_a_candidate_only_after_they_agree_and_a_hire_fulfils_the_request() {
    let w = world(1).await;
    let (company, member, c) = a_buyer_and_a_held_candidate(&w).await;
    let (a, u) = w.agencies[0];
    let id = request::open(&w.pool, company, member, &a_request())
        .await
        .unwrap();
    let intro = request::introduce(&w.pool, &Words, a, u, id, c, &recommendation())
        .await
        .unwrap();

    // The company learns an agency works on it, and of an introduction without anyone's identity.
    let seen = request::for_company_one(&w.pool, company, id)
        .await
        .unwrap();
    assert_eq!(seen.accepted_by.len(), 1);
    assert_eq!(seen.introductions[0].status, IntroductionStatus::Asked);
    assert_eq!(seen.introductions[0].profile, None);
    assert_eq!(seen.introductions[0].recommendation, None);
    // The candidate is asked, by mail and on their page.
    let asked = mail_to(&w, "person1@example.jp").await;
    assert!(asked
        .iter()
        .any(|(_, b)| b.contains("IntroductionAsked") && b.contains("依頼株式会社")));
    let mine = request::for_candidate(&w.pool, c).await.unwrap();
    assert_eq!(
        (mine[0].company_name.as_str(), mine[0].status),
        ("依頼株式会社", IntroductionStatus::Asked)
    );
    // The company cannot screen what it has not been shown.
    assert_eq!(
        user_error(request::screen(&w.pool, &Words, company, intro, Screening::Passed, None).await),
        UserError::NotFound
    );

    request::answer(&w.pool, &Words, c, intro, true)
        .await
        .unwrap();
    let seen = request::for_company_one(&w.pool, company, id)
        .await
        .unwrap();
    let profile = seen.introductions[0]
        .profile
        .clone()
        .expect("profile shown");
    assert_eq!(profile.name, "山田 太郎");
    // The provision to the company is on the candidate's record.
    let records = career_relay::provision::for_candidate(&w.pool, c)
        .await
        .unwrap();
    assert_eq!(records[0].company_name.as_deref(), Some("依頼株式会社"));
    assert_eq!(records[0].data_items, request::INTRODUCTION_ITEMS);
    // Answering twice is refused.
    assert_eq!(
        user_error(request::answer(&w.pool, &Words, c, intro, false).await),
        UserError::IntroductionSettled
    );

    request::screen(&w.pool, &Words, company, intro, Screening::Interview, None)
        .await
        .unwrap();
    request::screen(&w.pool, &Words, company, intro, Screening::Hired, None)
        .await
        .unwrap();
    let seen = request::for_company_one(&w.pool, company, id)
        .await
        .unwrap();
    assert_eq!(seen.request.status, RequestStatus::Fulfilled);
    assert_eq!(seen.introductions[0].status, IntroductionStatus::Hired);
    // The hire is the agency's placement, without a fee; the claim is closed.
    let placed: (i64, Option<i64>) =
        sqlx::query_as("SELECT agency_id, fee FROM placements WHERE candidate_id = $1")
            .bind(c)
            .fetch_one(&w.pool)
            .await
            .unwrap();
    assert_eq!(placed, (a, None));
    // Nothing more can be screened, and the credit stays spent.
    assert_eq!(
        user_error(
            request::screen(&w.pool, &Words, company, intro, Screening::Rejected, None).await
        ),
        UserError::IntroductionSettled
    );
    assert_eq!(credit::balance(&w.pool, company).await.unwrap(), 0);
    // The agency heard each result, the candidate each state.
    let agency_mail = mail_to(&w, "staff0@agency0.example").await;
    assert_eq!(
        agency_mail
            .iter()
            .filter(|(_, b)| b.contains("ScreeningResult"))
            .count(),
        2
    );
    let candidate_mail = mail_to(&w, "person1@example.jp").await;
    assert!(candidate_mail
        .iter()
        .any(|(_, b)| b.contains("IntroductionOutcome") && b.contains("hired")));
}

#[tokio::test]
async fn a_declined_introduction_never_tells_the_company_who_it_was_and_reasons_stay_with_the_agency(
) {
    let w = world(1).await;
    let (company, member, c) = a_buyer_and_a_held_candidate(&w).await;
    let (a, u) = w.agencies[0];
    let id = request::open(&w.pool, company, member, &a_request())
        .await
        .unwrap();
    let intro = request::introduce(&w.pool, &Words, a, u, id, c, &recommendation())
        .await
        .unwrap();
    request::answer(&w.pool, &Words, c, intro, false)
        .await
        .unwrap();
    let seen = request::for_company_one(&w.pool, company, id)
        .await
        .unwrap();
    assert_eq!(seen.introductions[0].status, IntroductionStatus::Declined);
    assert_eq!(seen.introductions[0].profile, None);
    assert!(career_relay::provision::for_candidate(&w.pool, c)
        .await
        .unwrap()
        .iter()
        .all(|r| r.company_name.is_none()));
    // No mail told the company anything about the candidate.
    assert!(mail_to(&w, "hr@buyer.example")
        .await
        .iter()
        .all(|(_, b)| !b.contains("IntroductionAgreed")));
    assert_eq!(
        user_error(
            request::screen(&w.pool, &Words, company, intro, Screening::Rejected, None).await
        ),
        UserError::NotFound
    );
}

#[tokio::test]
async fn a_rejection_reason_reaches_the_agency_but_not_the_candidate() {
    let w = world(1).await;
    let (company, member, c) = a_buyer_and_a_held_candidate(&w).await;
    let (a, u) = w.agencies[0];
    let id = request::open(&w.pool, company, member, &a_request())
        .await
        .unwrap();
    let intro = request::introduce(&w.pool, &Words, a, u, id, c, &recommendation())
        .await
        .unwrap();
    request::answer(&w.pool, &Words, c, intro, true)
        .await
        .unwrap();
    request::screen(
        &w.pool,
        &Words,
        company,
        intro,
        Screening::Rejected,
        Some(request::RejectReason::Salary),
    )
    .await
    .unwrap();
    let agency = request::for_agency_one(&w.pool, a, id).await.unwrap();
    assert_eq!(agency.introductions[0].reason.as_deref(), Some("salary"));
    let agency_mail = mail_to(&w, "staff0@agency0.example").await;
    assert!(agency_mail
        .iter()
        .any(|(_, b)| b.contains("Some(\"salary\")")));
    let candidate_mail = mail_to(&w, "person1@example.jp").await;
    assert!(candidate_mail.iter().all(|(_, b)| !b.contains("salary")));
    // The request stays open for other introductions.
    assert_eq!(agency.request.status, RequestStatus::Open);
}

#[tokio::test]
async fn an_agency_introduces_only_candidates_it_holds_and_each_once() {
    let w = world(2).await;
    let (company, member, c) = a_buyer_and_a_held_candidate(&w).await;
    let id = request::open(&w.pool, company, member, &a_request())
        .await
        .unwrap();
    let (other, other_user) = w.agencies[1];
    assert_eq!(
        user_error(
            request::introduce(&w.pool, &Words, other, other_user, id, c, &recommendation()).await
        ),
        UserError::ClaimNotActive
    );
    let (a, u) = w.agencies[0];
    request::introduce(&w.pool, &Words, a, u, id, c, &recommendation())
        .await
        .unwrap();
    assert_eq!(
        user_error(request::introduce(&w.pool, &Words, a, u, id, c, &recommendation()).await),
        UserError::AlreadyExists
    );
    assert_eq!(count(&w, "SELECT COUNT(*) FROM introductions").await, 1);
    // The other agency sees none of the first one's introductions.
    let theirs = request::for_agency_one(&w.pool, other, id).await.unwrap();
    assert!(theirs.introductions.is_empty());
}

#[tokio::test]
async fn a_company_receives_its_own_rejected_applicant_only_with_their_recontact_consent() {
    let w = world(1).await;
    // The world's company relayed the candidate; it asks for a referral itself.
    let member = career_relay::org::add_member(
        &w.pool,
        career_relay::org::Membership::Company(w.company),
        &career_relay::Email::parse("hr@test.example").unwrap(),
        career_relay::org::MemberRole::Admin,
    )
    .await
    .unwrap();
    grant(&w, w.company, 1).await;
    let c = qualified_candidate(&w, 1).await;
    let (a, u) = w.agencies[0];
    claim::claim(&w.pool, a, u, c).await.unwrap();
    let id = request::open(&w.pool, w.company, member, &a_request())
        .await
        .unwrap();
    let held = request::for_agency_one(&w.pool, a, id).await.unwrap().held;
    assert!(held.is_empty(), "not offered for its own company's request");
    assert_eq!(
        user_error(request::introduce(&w.pool, &Words, a, u, id, c, &recommendation()).await),
        UserError::OwnApplicant
    );
    candidate::set_consent(&w.pool, c, ConsentKind::Recontact, true)
        .await
        .unwrap();
    request::introduce(&w.pool, &Words, a, u, id, c, &recommendation())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_withdrawn_candidate_disappears_from_every_request_at_once() {
    let w = world(1).await;
    let (company, member, c) = a_buyer_and_a_held_candidate(&w).await;
    let (a, u) = w.agencies[0];
    let id = request::open(&w.pool, company, member, &a_request())
        .await
        .unwrap();
    let intro = request::introduce(&w.pool, &Words, a, u, id, c, &recommendation())
        .await
        .unwrap();
    request::answer(&w.pool, &Words, c, intro, true)
        .await
        .unwrap();
    candidate::set_consent(&w.pool, c, ConsentKind::Handoff, false)
        .await
        .unwrap();
    let seen = request::for_company_one(&w.pool, company, id)
        .await
        .unwrap();
    assert!(seen.introductions.is_empty());
    assert!(request::for_agency_one(&w.pool, a, id)
        .await
        .unwrap()
        .introductions
        .is_empty());
    assert_eq!(
        user_error(request::screen(&w.pool, &Words, company, intro, Screening::Passed, None).await),
        UserError::NotFound
    );
}

#[tokio::test]
async fn the_agency_sees_its_candidates_ranked_by_named_rules() {
    let w = world(1).await;
    let (company, member, held) = a_buyer_and_a_held_candidate(&w).await;
    let id = request::open(&w.pool, company, member, &a_request())
        .await
        .unwrap();
    // A second candidate in the pool, unclaimed, with the same profile.
    let free = qualified_candidate(&w, 2).await;
    let (a, _) = w.agencies[0];
    let r = request::for_agency_one(&w.pool, a, id).await.unwrap();
    assert_eq!(r.held.len(), 1);
    let mine = &r.held[0];
    assert_eq!(
        (mine.candidate_id, mine.name.as_deref()),
        (held, Some("山田 太郎"))
    );
    // Sales in Tokyo with 5 years and 法人営業 and Excel: every rule but the salary (none given).
    assert_eq!(
        mine.rules,
        vec![
            "job_type",
            "prefecture",
            "years",
            "must:法人営業",
            "nice:excel"
        ]
    );
    assert_eq!(mine.score, 3 + 2 + 2 + 2 + 1);
    // The pool candidate is ranked too, without a name, and cannot be introduced before a claim.
    assert_eq!(r.pool.len(), 1);
    assert_eq!(
        (
            r.pool[0].candidate_id,
            r.pool[0].name.clone(),
            r.pool[0].claim_id
        ),
        (free, None, None)
    );
}

#[tokio::test]
async fn agencies_get_one_daily_digest_of_new_requests_that_match_their_work_unless_turned_off() {
    let w = world(3).await;
    let (company, member) = company_with_member(&w, "依頼株式会社", "hr@buyer.example").await;
    grant(&w, company, 2).await;
    // Agency 0 works in sales (it claimed a sales candidate); agency 1 has claimed no one yet;
    // agency 2 turned the digest off.
    let c = qualified_candidate(&w, 1).await;
    let (a0, u0) = w.agencies[0];
    claim::claim(&w.pool, a0, u0, c).await.unwrap();
    request::set_digest(&w.pool, w.agencies[2].0, false)
        .await
        .unwrap();
    assert!(!request::digest_enabled(&w.pool, w.agencies[2].0)
        .await
        .unwrap());
    // A day has passed since the last digest.
    sqlx::query("UPDATE job_marks SET value = $1 WHERE name = 'request_digest'")
        .bind(career_relay::time::now() - career_relay::time::DAY - 5)
        .execute(&w.pool)
        .await
        .unwrap();
    request::open(&w.pool, company, member, &a_request())
        .await
        .unwrap();
    let accounting = NewRequest::try_from(&RequestInput {
        title: "経理".into(),
        job_type: "accounting".into(),
        prefecture: "remote".into(),
        employment_type: "contract".into(),
        salary_min: "300".into(),
        salary_max: "500".into(),
        ..Default::default()
    })
    .unwrap();
    request::open(&w.pool, company, member, &accounting)
        .await
        .unwrap();

    assert_eq!(request::send_digests(&w.pool, &Words).await.unwrap(), 2);
    // Once a day: running again sends nothing.
    assert_eq!(request::send_digests(&w.pool, &Words).await.unwrap(), 0);
    let sales = mail_to(&w, "staff0@agency0.example").await;
    let digest: Vec<_> = sales
        .iter()
        .filter(|(_, b)| b.contains("RequestDigest"))
        .collect();
    assert_eq!(digest.len(), 1);
    assert!(digest[0].1.contains("営業スタッフ") && !digest[0].1.contains("経理"));
    let everything = mail_to(&w, "staff1@agency1.example").await;
    assert!(everything[0].1.contains("営業スタッフ") && everything[0].1.contains("経理"));
    assert!(mail_to(&w, "staff2@agency2.example").await.is_empty());
}
