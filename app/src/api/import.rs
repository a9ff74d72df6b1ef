//! A company imports an ATS export: recent imports, the mapping page with its preview, the
//! start, and the progress and report of a running or finished import.

use crate::error::AppError;
use career_relay::import::{ImportRow, Mapping, ReportRow};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One import's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPage {
    pub import: ImportRow,
    /// The header and first rows, while the columns are being mapped.
    pub preview: Vec<Vec<String>>,
    pub guess: Mapping,
    /// Bytes done, while it runs.
    pub progress: i64,
    /// The first rows that were not invited.
    pub report: Vec<ReportRow>,
}

/// How many report rows the page shows (the download has all).
pub const REPORT_SHOWN: i64 = 200;

#[server(endpoint = "imports_page")]
pub async fn get_imports_page() -> Result<Vec<ImportRow>, AppError> {
    let member = crate::guard::CompanyMember::require().await?;
    let pool = crate::state::AppState::get().pool;
    Ok(career_relay::import::recent(&pool, member.company_id).await?)
}

#[server(endpoint = "import_page")]
pub async fn get_import_page(id: i64) -> Result<ImportPage, AppError> {
    let member = crate::guard::CompanyMember::require().await?;
    let state = crate::state::AppState::get();
    let import = career_relay::import::get(&state.pool, member.company_id, id).await?;
    let preview = if import.status == "uploaded" {
        career_relay::import::preview(&state.pool, &import).await?
    } else {
        Vec::new()
    };
    let remembered = career_relay::import::remembered(&state.pool, member.company_id).await?;
    let guess = Mapping::guess(
        preview.first().map(Vec::as_slice).unwrap_or(&[]),
        &remembered,
    );
    let progress = state
        .import_progress
        .lock()
        .ok()
        .and_then(|m| m.get(&id).copied())
        .unwrap_or(import.processed_bytes);
    let report = if import.status == "done" {
        career_relay::import::report(&state.pool, id, 0, REPORT_SHOWN).await?
    } else {
        Vec::new()
    };
    Ok(ImportPage {
        import,
        preview,
        guess,
        progress,
        report,
    })
}

/// Starts an uploaded import with the chosen columns (column numbers; empty for none).
#[server(endpoint = "start_import")]
pub async fn start_import(
    import_id: i64,
    name: String,
    email: String,
    position: String,
    rejected_on: String,
    phone: String,
) -> Result<(), AppError> {
    let result = async {
        let member = crate::guard::CompanyMember::require().await?;
        let pool = crate::state::AppState::get().pool;
        let mapping = Mapping::from_form(&[
            ("name", &name),
            ("email", &email),
            ("position", &position),
            ("rejected_on", &rejected_on),
            ("phone", &phone),
        ])?;
        let import = career_relay::import::get(&pool, member.company_id, import_id).await?;
        let preview = career_relay::import::preview(&pool, &import).await?;
        let header = preview.first().cloned().unwrap_or_default();
        career_relay::import::start(&pool, member.company_id, import_id, &mapping, &header).await?;
        Ok(())
    }
    .await;
    super::ssr::finish(
        "import",
        result,
        &format!("/company/import/{import_id}"),
        Default::default(),
    )
    .await
}
