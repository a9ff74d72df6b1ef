//! Invitations from an ATS: one person, however the export writes their address or phone number,
//! is invited once.

use career_relay::invitation::{ApplicantInput, RowResult, Screen};

fn applicant(name: &str, email: &str) -> ApplicantInput {
    ApplicantInput {
        name: name.into(),
        email: email.into(),
        position: None,
        rejected_on: None,
    }
}

#[test]
fn one_phone_number_written_two_ways_is_one_applicant() {
    let mut screen = Screen::new("pepper".into());
    let first = screen.check(
        &applicant("山田 太郎", "taro@example.jp"),
        Some("080-1111-2222"),
    );
    assert!(first.is_ok());
    for (i, written) in [
        "08011112222",
        "＋８１ ８０ １１１１ ２２２２",
        "(080) 1111-2222",
    ]
    .into_iter()
    .enumerate()
    {
        let again = screen.check(
            &applicant("ヤマダ タロウ", &format!("taro{i}@example.org")),
            Some(written),
        );
        assert_eq!(
            again.err(),
            Some(RowResult::DuplicateInRequest),
            "{written}"
        );
    }
    let other = screen.check(
        &applicant("鈴木 花子", "hanako@example.jp"),
        Some("080-1111-2223"),
    );
    assert!(other.is_ok(), "another number");
}

#[test]
fn one_address_written_two_ways_is_one_applicant_and_a_bad_one_names_its_field() {
    let mut screen = Screen::new("pepper".into());
    assert!(screen
        .check(&applicant("山田 太郎", "taro@example.jp"), None)
        .is_ok());
    assert_eq!(
        screen
            .check(&applicant("山田 太郎", "ＴＡＲＯ@EXAMPLE.JP"), None)
            .err(),
        Some(RowResult::DuplicateInRequest)
    );
    assert_eq!(
        screen
            .check(&applicant("無効", "not-an-address"), None)
            .err(),
        Some(RowResult::Invalid {
            field: "email".into(),
            error: "invalid_email".into()
        })
    );
}
