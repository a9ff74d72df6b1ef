//! Invitations from an ATS: one person, however the export writes their phone number, is invited
//! once.

use crate::common::world;
use career_relay::invitation::{ApplicantInput, Intake, RowResult};

fn applicant(name: &str, email: &str) -> ApplicantInput {
    ApplicantInput {
        name: name.into(),
        email: email.into(),
        position: None,
        rejected_on: None,
    }
}

#[tokio::test]
async fn one_phone_number_written_two_ways_is_one_applicant() {
    let w = world(0).await;
    let compose = |_: &str, _: &str, _: &str| ("件名".to_owned(), "本文".to_owned());
    let mut intake = Intake::begin(&w.pool, w.company, "http://relay.test", &compose)
        .await
        .unwrap();
    let first = intake
        .add(
            &applicant("山田 太郎", "taro@example.jp"),
            Some("080-1111-2222"),
        )
        .await
        .unwrap();
    assert!(matches!(first, RowResult::Invited { .. }), "{first:?}");
    for (i, written) in [
        "08011112222",
        "＋８１ ８０ １１１１ ２２２２",
        "(080) 1111-2222",
    ]
    .into_iter()
    .enumerate()
    {
        let again = intake
            .add(
                &applicant("ヤマダ タロウ", &format!("taro{i}@example.org")),
                Some(written),
            )
            .await
            .unwrap();
        assert_eq!(again, RowResult::DuplicateInRequest, "{written}");
    }
    let other = intake
        .add(
            &applicant("鈴木 花子", "hanako@example.jp"),
            Some("080-1111-2223"),
        )
        .await
        .unwrap();
    assert!(matches!(other, RowResult::Invited { .. }), "another number");
    intake.commit().await.unwrap();
}
