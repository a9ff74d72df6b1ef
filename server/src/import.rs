//! CSV import over HTTP: the upload (streamed into the database in chunks), the report download,
//! and the runner that takes queued imports.

use crate::error::{HandlerError, OrBack};
use app::{guard::CompanyMember, state::AppState};
use axum::{
    extract::{DefaultBodyLimit, Multipart, Path, State},
    http::header,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Router,
};
use career_relay::{import, UserError};

/// Largest file accepted (100,000 rows of an ATS export are a few dozen megabytes).
pub const MAX_UPLOAD: usize = 256 * 1024 * 1024;

pub fn routes(state: AppState) -> Router {
    Router::new()
        .route(
            "/company/import/upload",
            post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD)),
        )
        .route("/company/import/{id}/report.csv", get(report_csv))
        .with_state(state)
}

/// `POST /company/import/upload` (multipart, field `file`): stores the file chunk by chunk,
/// notes its encoding, and opens its mapping page.
async fn upload(
    State(state): State<AppState>,
    member: CompanyMember,
    mut form: Multipart,
) -> Result<Redirect, HandlerError> {
    const BACK: &str = "/company/import?error=";
    let id = import::create(&state.pool, member.company_id, member.user.id)
        .await
        .or_back(BACK)?;
    let stored = store(&state, id, &mut form).await;
    if !matches!(stored, Ok(Some(_))) {
        let _ = import::discard(&state.pool, id).await;
    }
    match stored {
        Ok(Some(encoding)) => {
            tracing::info!(import.id = id, encoding, "import uploaded");
            Ok(Redirect::to(&format!("/company/import/{id}")))
        }
        Ok(None) => Err(HandlerError::back(BACK, UserError::Required)),
        // An upload the browser broke off, or a body over the limit: nothing is kept.
        Err(e) => {
            tracing::warn!(error = %e, "import upload failed");
            Err(HandlerError::back(BACK, UserError::Internal))
        }
    }
}

/// Streams the `file` field into chunks; `None` for an empty file.
async fn store(
    state: &AppState,
    id: i64,
    form: &mut Multipart,
) -> anyhow::Result<Option<&'static str>> {
    let mut buf: Vec<u8> = Vec::with_capacity(import::CHUNK);
    let (mut seq, mut total) = (0i64, 0i64);
    let mut check = import::EncodingCheck::default();
    while let Some(mut field) = form.next_field().await? {
        if field.name() != Some("file") {
            continue;
        }
        while let Some(bytes) = field.chunk().await? {
            total += bytes.len() as i64;
            check.feed(&bytes);
            buf.extend_from_slice(&bytes);
            while buf.len() >= import::CHUNK {
                let rest = buf.split_off(import::CHUNK);
                import::append(&state.pool, id, seq, &buf).await?;
                seq += 1;
                buf = rest;
            }
        }
    }
    if !buf.is_empty() {
        import::append(&state.pool, id, seq, &buf).await?;
    }
    if total == 0 {
        return Ok(None);
    }
    let encoding = check.encoding().name();
    import::uploaded(&state.pool, id, total, encoding).await?;
    Ok(Some(encoding))
}

/// `GET /company/import/{id}/report.csv`: every row that was not invited, named by its line and
/// its identifier (the file's identifier column, or the e-mail address), with the reason. UTF-8
/// with a byte order mark, so that spreadsheet programs in Japan read it as UTF-8.
async fn report_csv(
    State(state): State<AppState>,
    member: CompanyMember,
    Path(id): Path<i64>,
) -> Result<Response, HandlerError> {
    import::get(&state.pool, member.company_id, id).await?;
    let mut out = String::from("\u{feff}line,identifier,result,field\n");
    let mut after = 0;
    loop {
        let rows = import::report(&state.pool, id, after, 1000).await?;
        let Some(last) = rows.last() else { break };
        after = last.line;
        for r in &rows {
            out.push_str(&format!(
                "{},{},{},{}\n",
                r.line,
                career_relay::field::csv_cell(r.identifier.as_deref().unwrap_or("")),
                r.result,
                r.field.as_deref().unwrap_or("")
            ));
        }
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            // It may name applicants by their addresses: no copy in any cache.
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"import-{id}-report.csv\""),
            ),
        ],
        out,
    )
        .into_response())
}

/// Runs every queued import, one after the other (each in its own transaction).
pub async fn run_queued(state: &AppState) {
    loop {
        let (id, company, lease) = match import::take_next(&state.pool).await {
            Ok(Some(next)) => next,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = ?e, "import queue failed");
                return;
            }
        };
        let mail = match app::api::ssr::InvitationMail::of(&state.pool, company).await {
            Ok(mail) => mail,
            Err(e) => {
                tracing::warn!(error = ?e, "import failed");
                return;
            }
        };
        let compose =
            |person: &str, url: &str, unsubscribe: &str| mail.compose(person, url, unsubscribe);
        let (progress_map, pool) = (state.import_progress.clone(), state.pool.clone());
        let progress = move |bytes: i64| {
            if let Ok(mut m) = progress_map.lock() {
                m.insert(id, bytes);
            }
            let pool = pool.clone();
            tokio::spawn(async move {
                if let Err(e) = import::set_progress(&pool, id, bytes).await {
                    tracing::warn!(error = ?e, "import progress not stored");
                }
            });
        };
        match import::run(&state.pool, id, lease, &state.base_url, &compose, &progress).await {
            Ok(()) => tracing::info!(import.id = id, "import done"),
            Err(e) => {
                tracing::warn!(import.id = id, error = ?e, "import failed; nothing of it was kept")
            }
        }
        if let Ok(mut m) = state.import_progress.lock() {
            m.remove(&id);
        }
    }
}
