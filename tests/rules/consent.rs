//! Versions of the consent notice: a material change takes everyone out of the pool until they
//! agree to it; another change is shown, not asked; each is announced once.

use crate::common::{count, mail_to, qualified_candidate, three_at_once, world, Words};
use career_relay::{
    claim,
    consent::{self, NewNotice, NoticeInput},
    UserError,
};

fn notice(version: &str, material: bool) -> NewNotice {
    NewNotice::try_from(&NoticeInput {
        version: version.into(),
        text_ja: "提供先に求人広告会社を加えます。".into(),
        text_en: "Job advertisers become recipients too.".into(),
        material: material.then(|| "on".into()),
    })
    .unwrap()
}

async fn admin(w: &crate::common::World) -> i64 {
    career_relay::org::create_admin(
        &w.pool,
        &career_relay::Email::parse("root@relay.example").unwrap(),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_material_change_takes_everyone_out_of_the_pool_until_they_agree() {
    let w = world(1).await;
    let (agency, staff) = w.agencies[0];
    let c = qualified_candidate(&w, 1).await;
    let in_pool = format!("SELECT in_pool FROM candidates WHERE id = {c}");
    assert_eq!(count(&w, &in_pool).await, 1);
    assert_eq!(consent::change_for(&w.pool, c).await.unwrap(), None);
    assert!(
        !career_relay::candidate::home(&w.pool, c)
            .await
            .unwrap()
            .on_file
            .newer_notice
    );
    let admin = admin(&w).await;

    // Not material: shown, not asked; the candidate stays in the pool.
    consent::publish(&w.pool, admin, &notice("2027-01", false))
        .await
        .unwrap();
    let shown = consent::change_for(&w.pool, c).await.unwrap().unwrap();
    assert!(!shown.must_agree);
    // The candidate's home row says so too, so that their page reads the notices only then.
    assert!(
        career_relay::candidate::home(&w.pool, c)
            .await
            .unwrap()
            .on_file
            .newer_notice
    );
    assert_eq!(shown.notices.len(), 1);
    assert_eq!(shown.notices[0].version, "2027-01");
    assert_eq!(count(&w, &in_pool).await, 1);

    // Material: out of the pool at once; no agency can claim them.
    consent::publish(&w.pool, admin, &notice("2027-02", true))
        .await
        .unwrap();
    assert_eq!(count(&w, &in_pool).await, 0);
    let asked = consent::change_for(&w.pool, c).await.unwrap().unwrap();
    assert!(asked.must_agree);
    let versions: Vec<_> = asked.notices.iter().map(|n| n.version.as_str()).collect();
    assert_eq!(
        versions,
        ["2027-01", "2027-02"],
        "every change since their consent"
    );
    let refused = claim::claim(&w.pool, agency, staff, c).await;
    assert_eq!(refused.unwrap_err().user_error(), UserError::NotInPool);
    // Saving the profile does not bring them back: only agreeing does.
    career_relay::candidate::save_profile(&w.pool, c, &crate::common::profile("09012345678"))
        .await
        .unwrap();
    assert_eq!(count(&w, &in_pool).await, 0);
    consent::agree(&w.pool, c).await.unwrap();
    assert_eq!(count(&w, &in_pool).await, 1);
    assert_eq!(consent::change_for(&w.pool, c).await.unwrap(), None);
    assert_eq!(
        count(&w, &format!("SELECT COUNT(*) FROM consents WHERE candidate_id = {c} AND kind = 'handoff' AND withdrawn_at IS NULL AND notice_version = '2027-02'")).await,
        1,
        "the hand-off consent is given again under the new version"
    );
    // Someone who opts in now consents under it and goes straight to the pool.
    let newcomer = qualified_candidate(&w, 2).await;
    assert_eq!(
        count(
            &w,
            &format!("SELECT in_pool FROM candidates WHERE id = {newcomer}")
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &w,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'notice_published'"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn a_version_needs_both_languages_and_a_label_of_its_own() {
    let w = world(0).await;
    let admin = admin(&w).await;
    let errs = NewNotice::try_from(&NoticeInput {
        version: "2027 01".into(),
        text_ja: "変更点".into(),
        text_en: "  ".into(),
        material: None,
    })
    .unwrap_err();
    let fields: Vec<_> = errs.iter().map(|e| (e.field.as_str(), e.error)).collect();
    assert_eq!(
        fields,
        [
            ("version", UserError::InvalidCharacters),
            ("text_en", UserError::Required)
        ]
    );
    let shipped = count(&w, "SELECT COUNT(*) FROM consent_notices").await;
    consent::publish(&w.pool, admin, &notice("2027-01", false))
        .await
        .unwrap();
    let again = consent::publish(&w.pool, admin, &notice("2027-01", true)).await;
    assert!(
        matches!(again, Err(career_relay::Error::Fields(f)) if f[0].error == UserError::AlreadyExists)
    );
    assert_eq!(
        count(&w, "SELECT COUNT(*) FROM consent_notices").await,
        shipped + 1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_new_version_is_announced_once_to_those_who_agreed_to_an_older_one() {
    let w = world(0).await;
    qualified_candidate(&w, 1).await;
    qualified_candidate(&w, 2).await;
    // Nothing was published yet: the versions the portal shipped with are not announced.
    assert_eq!(consent::announce(&w.pool, &Words).await.unwrap(), 0);
    let admin = admin(&w).await;
    consent::publish(&w.pool, admin, &notice("2027-02", true))
        .await
        .unwrap();
    // A minor version on top, before anyone agreed: they must still be told to agree.
    consent::publish(&w.pool, admin, &notice("2027-03", false))
        .await
        .unwrap();
    let told = three_at_once(&w, |pool| async move {
        consent::announce(&pool, &Words).await.unwrap() as i64
    })
    .await;
    assert_eq!(told, 2);
    assert!(mail_to(&w, "person1@example.jp")
        .await
        .iter()
        .any(|(_, body)| body.contains("NoticeChanged") && body.contains("material: true")));
    assert_eq!(consent::announce(&w.pool, &Words).await.unwrap(), 0);
}
