//! CSV import in the company portal: upload (UTF-8 or Shift_JIS), mapping with a preview, the run
//! with its progress, the report, and all-or-nothing on failure.

use crate::common::{wait_until, Browser, TestApp};
use career_relay::db::{backend, Backend};
use reqwest::StatusCode;

/// Uploads a file as the browser's form does and returns the import's page path.
async fn upload(b: &Browser, name: &str, bytes: Vec<u8>) -> String {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    );
    let res = b
        .client
        .post(format!("{}/company/import/upload", b.base))
        .header("origin", b.base.clone())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    res.headers()["location"].to_str().unwrap().to_owned()
}

/// Starts an import with the columns given and waits until it ends; returns its status.
async fn run(app: &TestApp, b: &Browser, page: &str, columns: &[(&str, &str)]) -> String {
    let id = page.rsplit('/').next().unwrap().to_owned();
    let mut form = vec![("import_id", id.as_str())];
    form.extend_from_slice(columns);
    let res = b.post(page, "/api/start_import", &form).await;
    assert_eq!(res.location.as_deref(), Some(page), "{}", res.body);
    let running = b.get(page).await.body;
    if !running.contains("import-done") {
        assert!(
            running.contains("import-progress"),
            "a progress bar while it runs"
        );
    }
    let sql = format!("SELECT status FROM imports WHERE id = {id}");
    let pool = app.pool.clone();
    wait_until("the import ends", || {
        let (pool, sql) = (pool.clone(), sql.clone());
        async move {
            let s: String = sqlx::query_scalar(&sql).fetch_one(&pool).await.unwrap();
            s == "done" || s == "failed"
        }
    })
    .await;
    sqlx::query_scalar(&sql).fetch_one(&app.pool).await.unwrap()
}

/// A trigger on either backend: for each row of `event` (`AFTER INSERT ON t`) for which `when`
/// holds (over `NEW`), runs `body`: statements, each ending in `;`, where `{now}` is the time
/// and `{fail}` fails the statement that fired it.
async fn trigger(app: &TestApp, event: &str, when: &str, body: &str) {
    let statements = match backend(&app.pool) {
        Backend::Sqlite => {
            let body = body
                .replace("{now}", "CAST(strftime('%s', 'now') AS INTEGER)")
                .replace("{fail}", "SELECT RAISE(ABORT, 'boom')");
            vec![format!(
                "CREATE TRIGGER test_trigger {event} FOR EACH ROW WHEN {when} BEGIN {body} END"
            )]
        }
        Backend::Postgres => {
            let body = body
                .replace("{now}", "CAST(extract(epoch FROM now()) AS BIGINT)")
                .replace("{fail}", "RAISE EXCEPTION 'boom'");
            vec![
                format!("CREATE FUNCTION test_trigger() RETURNS trigger AS $$ BEGIN {body} RETURN NEW; END $$ LANGUAGE plpgsql"),
                format!("CREATE TRIGGER test_trigger {event} FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION test_trigger()"),
            ]
        }
    };
    for sql in statements {
        sqlx::query(&sql).execute(&app.pool).await.unwrap();
    }
}

/// Waits until no import holds rows: those of a live import released, of a failed one deleted.
async fn holds_nothing(app: &TestApp) {
    let pool = app.pool.clone();
    wait_until("no import holds rows", || {
        let pool = pool.clone();
        async move {
            let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM imports WHERE held = 1")
                .fetch_one(&pool)
                .await
                .unwrap();
            held == 0
        }
    })
    .await;
}

const MAPPING: [(&str, &str); 6] = [
    ("name", "1"),
    ("email", "2"),
    ("position", "3"),
    ("rejected_on", "4"),
    ("phone", "5"),
    ("identifier", "0"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shift_jis_export_is_mapped_previewed_imported_and_reported() {
    let app = TestApp::spawn().await;
    let company = app.company("取込株式会社", "hr@import.example").await;
    let code = app.relay_code(company).await;
    app.qualified_candidate(&code, "relayed@example.jp").await;
    let b = app.signed_in("hr@import.example").await;
    let csv = "応募ID,氏名,メールアドレス,応募職種,不採用日,電話番号\r\n\
               1,山田 太郎,taro@example.jp,営業,2026/11/01,090-1111-2222\r\n\
               2,山田 太郎,ＴＡＲＯ@EXAMPLE.JP ,営業,2026/11/01,\r\n\
               3,別名,other@example.jp,営業,,090-1111-2222\r\n\
               4,無効,not-an-address,営業,,\r\n\
               5,既存,relayed@example.jp,経理,,\r\n\
               6,\"佐藤, 花子\",hanako@example.jp,\"事務\r\n(一般)\",2026-11-02,\r\n";
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(csv);
    let page = upload(&b, "応募者.csv", sjis.into_owned()).await;
    let html = b.get(&page).await.body;
    assert!(
        html.contains("Shift_JIS") && html.contains("メールアドレス") && html.contains("山田 太郎"),
        "{html}"
    );
    // The columns are guessed from the header.
    assert!(
        html.contains(r#"<option value="2" selected"#),
        "e-mail column guessed"
    );

    // Without an e-mail column nothing starts.
    let id = page.rsplit('/').next().unwrap();
    let res = b
        .post(
            &page,
            "/api/start_import",
            &[
                ("import_id", id),
                ("name", "1"),
                ("email", ""),
                ("position", ""),
                ("rejected_on", ""),
                ("phone", ""),
            ],
        )
        .await;
    assert_eq!(res.location.as_deref(), Some(page.as_str()));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM imports WHERE status = 'uploaded'")
            .await,
        1
    );

    assert_eq!(run(&app, &b, &page, &MAPPING).await, "done");
    let done = b.get(&page).await.body;
    assert!(done.contains("data-testid=\"import-invited\">2<"), "{done}");
    assert!(done.contains("data-testid=\"import-skipped\">4<"));
    let reasons: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT line, identifier, result FROM import_report ORDER BY line")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        reasons,
        vec![
            (3, "2".into(), "duplicate_in_request".into()),
            (4, "3".into(), "duplicate_in_request".into()),
            (5, "4".into(), "invalid_email".into()),
            (6, "5".into(), "already_relayed".into()),
        ]
    );
    let report = b
        .client
        .get(format!("{}{page}/report.csv", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), StatusCode::OK);
    let report = report.text().await.unwrap();
    assert!(
        report.starts_with("\u{feff}line,identifier,result,field\n3,2,duplicate_in_request,"),
        "{report}"
    );
    assert!(report.contains("\n5,4,invalid_email,email\n"));
    // Another company's member cannot read the report; nobody signed out can upload.
    app.company("別会社", "hr@other.example").await;
    let other = app.signed_in("hr@other.example").await;
    let res = other
        .client
        .get(format!("{}{page}/report.csv", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"a,b\n".to_vec()).file_name("x.csv"),
    );
    let res = app
        .browser()
        .client
        .post(format!("{}/company/import/upload", app.base))
        .header("origin", app.base.clone())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Each invited applicant got a mail; the file itself is not kept.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM outbox WHERE to_addr IN ('taro@example.jp', 'hanako@example.jp')"
        )
        .await,
        2
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM import_chunks").await, 0);
    let position: String =
        sqlx::query_scalar("SELECT position FROM invitations WHERE email = 'hanako@example.jp'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(position, "事務\r\n(一般)");

    // The next file of the same ATS is mapped the same way, even with columns moved.
    let moved = "メールアドレス,応募ID,氏名\nnew@example.jp,7,新人\n\"NEW@example.jp\",,新人\n";
    let page = upload(&b, "next.csv", moved.as_bytes().to_vec()).await;
    let html = b.get(&page).await.body;
    assert!(html.contains("UTF-8"));
    assert!(html.contains(r#"<option value="0" selected"#), "{html}");
    // A row without an identifier is named by its address in the report.
    let columns = [("name", "2"), ("email", "0"), ("identifier", "1")];
    assert_eq!(run(&app, &b, &page, &columns).await, "done");
    let id = page.rsplit('/').next().unwrap();
    let named: Vec<(i64, String)> = sqlx::query_as(&format!(
        "SELECT line, identifier FROM import_report WHERE import_id = {id}"
    ))
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(named, vec![(3, "NEW@example.jp".to_owned())]);
    assert!(b.get(&page).await.body.contains("NEW@example.jp"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_part_way_leaves_nothing_imported() {
    let app = TestApp::spawn().await;
    app.company("取込株式会社", "hr@import.example").await;
    let b = app.signed_in("hr@import.example").await;
    // The database refuses the mail of one row in the middle of the file.
    trigger(
        &app,
        "BEFORE INSERT ON outbox",
        "NEW.to_addr = 'boom@example.jp'",
        "{fail};",
    )
    .await;
    let mut csv = String::from("id,name,email,position,date,phone\n");
    for n in 0..6000 {
        let email = if n == 4000 {
            "boom@example.jp".to_owned()
        } else {
            format!("person{n}@example.jp")
        };
        csv.push_str(&format!("{n},応募者{n},{email},営業,2026-11-01,\n"));
    }
    assert!(
        csv.len() > career_relay::import::CHUNK,
        "the file spans several chunks"
    );
    let page = upload(&b, "big.csv", csv.into_bytes()).await;
    assert_eq!(run(&app, &b, &page, &MAPPING).await, "failed");
    // Hidden from the moment it failed, the rows written so far are then deleted.
    holds_nothing(&app).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM import_report").await, 0);
    assert!(b.get(&page).await.body.contains("form-error"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_changes_while_the_file_is_read_is_checked_when_the_import_goes_live() {
    let app = TestApp::spawn().await;
    let company = app.company("取込株式会社", "hr@import.example").await;
    let code = app.relay_code(company).await;
    app.qualified_candidate(&code, "mover@example.jp").await;
    sqlx::query("UPDATE candidates SET created_at = created_at - 3600")
        .execute(&app.pool)
        .await
        .unwrap();
    let b = app.signed_in("hr@import.example").await;
    // When line 5,000 is written, the applicant of line 10 (written in an earlier batch, so
    // already checked) asks never to be contacted, as an unsubscribe or an erasure would, and a
    // candidate changes their address to that of line 20.
    trigger(
        &app,
        "AFTER INSERT ON import_staged",
        "NEW.line = 5000",
        "INSERT INTO email_suppressions (person_key, reason, created_at)
         SELECT person_key, 'unsubscribed', {now} FROM import_staged WHERE import_id = NEW.import_id AND line = 10;
         UPDATE candidates SET email = 'person18@example.jp' WHERE email = 'mover@example.jp';
         INSERT INTO email_changes (token_hash, candidate_id, new_email, expires_at, used_at, created_at)
         SELECT 'moved', id, email, {now}, {now}, {now} FROM candidates WHERE email = 'person18@example.jp';",
    )
    .await;
    let mut csv = String::from("id,name,email,position,date,phone\n");
    for n in 0..6000 {
        csv.push_str(&format!(
            "{n},応募者{n},person{n}@example.jp,営業,2026-11-01,\n"
        ));
    }
    let page = upload(&b, "big.csv", csv.into_bytes()).await;
    assert_eq!(run(&app, &b, &page, &MAPPING).await, "done");
    let report: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT line, identifier, result FROM import_report")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        report,
        vec![
            (10, "8".to_owned(), "suppressed".to_owned()),
            (20, "18".to_owned(), "already_relayed".to_owned())
        ]
    );
    let done = b.get(&page).await.body;
    assert!(
        done.contains("data-testid=\"import-invited\">5998<"),
        "{done}"
    );
    let refused = "WHERE email IN ('person8@example.jp', 'person18@example.jp')";
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM invitations {refused}"))
            .await,
        0
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 5998);
    // Then the mails are released (and the staged rows go), a short step at a time.
    holds_nothing(&app).await;
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM outbox {}",
            refused.replace("email", "to_addr")
        ))
        .await,
        0
    );
    let far = "SELECT COUNT(*) FROM outbox WHERE next_attempt_at > 4102444800";
    assert_eq!(app.count(far).await, 0, "no mail is held any longer");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE import_id IS NOT NULL")
            .await,
        5998
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM import_staged").await, 0);
}

/// The company's imports are listed newest first, twenty to a page, and every older one is a
/// link away; another company's imports are never listed, and a cursor that is not an id shows
/// the newest page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_imports_list_pages_back_through_every_import_of_the_company() {
    let app = TestApp::spawn().await;
    let company = app.company("取込株式会社", "hr@pages.example").await;
    let other = app.company("別会社", "hr@elsewhere.example").await;
    for _ in 0..45 {
        for c in [company, other] {
            sqlx::query(
                "INSERT INTO imports (company_id, status, created_at, updated_at) VALUES ($1, 'done', 1, 1)",
            )
            .bind(c)
            .execute(&app.pool)
            .await
            .unwrap();
        }
    }
    let newest_first: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM imports WHERE company_id = $1 ORDER BY id DESC")
            .bind(company)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let hr = app.signed_in("hr@pages.example").await;

    let (mut seen, mut sizes) = (Vec::new(), Vec::new());
    let mut path = "/company/import".to_owned();
    loop {
        let page = hr.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let ids = page.ids_after("href=\"/company/import/");
        sizes.push(ids.len());
        seen.extend(ids);
        match page.next_links().as_slice() {
            [] => break,
            [next] => path = next.clone(),
            more => panic!("one list, one link: {more:?}"),
        }
    }
    assert_eq!(sizes, [20, 20, 5]);
    assert_eq!(
        seen, newest_first,
        "each of the company's imports once, newest first"
    );

    let bad = hr.get("/company/import?after=yesterday").await;
    assert_eq!(bad.status, StatusCode::OK);
    assert_eq!(bad.ids_after("href=\"/company/import/"), newest_first[..20]);
}
