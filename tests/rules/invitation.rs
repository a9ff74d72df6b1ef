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

/// An import running for the company.
async fn running_import(w: &crate::common::World) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO imports (company_id, status, created_at, updated_at) VALUES ($1, 'running', $2, $2) RETURNING id",
    )
    .bind(w.company)
    .bind(career_relay::time::now())
    .fetch_one(&w.pool)
    .await
    .unwrap()
}

/// An invitation of the company to person `n`: held by `import`, or a plain one.
async fn invitation(w: &crate::common::World, n: i64, import: Option<i64>) {
    sqlx::query(
        "INSERT INTO invitations (company_id, token_hash, name, email, person_key, unsubscribe_key, created_at, updated_at, import_id, import_line)
         VALUES ($1, $2, '応募者', $3, $2, $2, $4, $4, $5, $6)",
    )
    .bind(w.company)
    .bind(format!("key{n}"))
    .bind(format!("person{n}@example.jp"))
    .bind(career_relay::time::now())
    .bind(import)
    .bind(import.map(|_| n))
    .execute(&w.pool)
    .await
    .unwrap();
}

/// The company's invitations: those its list shows, and this month's count in its numbers.
async fn shown(w: &crate::common::World) -> (Vec<String>, i64) {
    use career_relay::numbers::{numbers, Scope, STEPS};
    let listed = career_relay::invitation::list(&w.pool, w.company, None, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.email.unwrap_or_default())
        .collect();
    let step = STEPS.iter().position(|s| *s == "invitations").unwrap();
    let months = numbers(&w.pool, Scope::Company(w.company))
        .await
        .unwrap()
        .months;
    (listed, months.last().unwrap().counts[step])
}

#[tokio::test]
async fn an_invitation_an_import_holds_shows_in_neither_list_nor_numbers_until_the_import_is_done()
{
    let w = crate::common::world(0).await;
    let import = running_import(&w).await;
    invitation(&w, 1, None).await;
    invitation(&w, 2, Some(import)).await;
    assert_eq!(
        shown(&w).await,
        (vec!["person1@example.jp".to_owned()], 1),
        "while the import runs"
    );
    for (status, both) in [("done", true), ("failed", false)] {
        sqlx::query("UPDATE imports SET status = $1 WHERE id = $2")
            .bind(status)
            .bind(import)
            .execute(&w.pool)
            .await
            .unwrap();
        let (listed, counted) = shown(&w).await;
        assert_eq!(
            (listed.len(), counted),
            if both { (2, 2) } else { (1, 1) },
            "{status}"
        );
    }
}
