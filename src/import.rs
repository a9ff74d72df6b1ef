//! CSV import of an ATS export: upload (kept in chunks in the database), column mapping with a
//! preview, and the import itself, which streams the file chunk by chunk through a CSV reader,
//! writes the rows in short transactions as invitations and mails held back (others keep writing
//! meanwhile), and makes them live in one short final transaction, so that a failure leaves
//! nothing half-imported. Files are UTF-8 (with or without BOM) or Shift_JIS, as Japanese ATS
//! exports often are.

use serde::{Deserialize, Serialize};

/// Size of the stored chunks.
pub const CHUNK: usize = 256 * 1024;
/// Rows shown in the preview.
pub const PREVIEW_ROWS: usize = 5;

/// The fields a column can be mapped to.
pub const FIELDS: [&str; 6] = [
    "name",
    "email",
    "position",
    "rejected_on",
    "phone",
    "identifier",
];

/// Which column (0-based) holds each field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub name: Option<usize>,
    pub email: Option<usize>,
    pub position: Option<usize>,
    pub rejected_on: Option<usize>,
    pub phone: Option<usize>,
    /// The file's own identifier of a row (an applicant number), which names it in the report.
    pub identifier: Option<usize>,
}

impl Mapping {
    pub fn get(&self, field: &str) -> Option<usize> {
        match field {
            "name" => self.name,
            "email" => self.email,
            "position" => self.position,
            "rejected_on" => self.rejected_on,
            "phone" => self.phone,
            "identifier" => self.identifier,
            _ => None,
        }
    }

    fn set(&mut self, field: &str, column: Option<usize>) {
        match field {
            "name" => self.name = column,
            "email" => self.email = column,
            "position" => self.position = column,
            "rejected_on" => self.rejected_on = column,
            "phone" => self.phone = column,
            "identifier" => self.identifier = column,
            _ => {}
        }
    }

    /// A mapping from the form (`field` → column number as text, empty for none); name and
    /// e-mail are required.
    pub fn from_form(values: &[(&str, &str)]) -> Result<Self, Vec<crate::FieldError>> {
        use crate::{FieldError, UserError};
        let mut m = Mapping::default();
        for (field, raw) in values {
            if !raw.is_empty() {
                let n = raw
                    .parse()
                    .map_err(|_| vec![FieldError::new(field, UserError::InvalidNumber)])?;
                m.set(field, Some(n));
            }
        }
        let mut errors = Vec::new();
        for f in ["name", "email"] {
            if m.get(f).is_none() {
                errors.push(FieldError::new(f, UserError::Required));
            }
        }
        if errors.is_empty() {
            Ok(m)
        } else {
            Err(errors)
        }
    }

    /// A first guess from the header: the columns mapped last time (by header text), else
    /// common Japanese and English header names.
    pub fn guess(
        header: &[String],
        remembered: &std::collections::BTreeMap<String, String>,
    ) -> Self {
        let mut m = Mapping::default();
        for field in FIELDS {
            let by_memory = remembered
                .get(field)
                .and_then(|h| header.iter().position(|c| c == h));
            let words: &[&str] = match field {
                "name" => &["氏名", "名前", "応募者名", "name"],
                "email" => &["メール", "mail"],
                "position" => &["職種", "ポジション", "応募職種", "position", "job"],
                "rejected_on" => &["不採用日", "日付", "date", "rejected"],
                "phone" => &["電話", "phone", "tel"],
                _ => &["応募id", "応募者id", "受付番号", "管理番号"],
            };
            let by_name = || {
                header.iter().position(|c| {
                    let c = c.trim().to_lowercase();
                    words.iter().any(|w| c.contains(w))
                        // `id` only as a word of its own: "Candidate Name" or "Valid" are no IDs.
                        || field == "identifier"
                            && (c == "id" || c.ends_with(" id") || c.ends_with("_id"))
                })
            };
            m.set(field, by_memory.or_else(by_name));
        }
        m
    }
}

#[cfg(feature = "db")]
/// The encoding of a whole file: UTF-8 when it starts with the BOM or is valid UTF-8 throughout,
/// Shift_JIS otherwise. Fed piece by piece as the file arrives (a character may be cut between
/// pieces), so that a Shift_JIS file whose first part is plain ASCII is still recognised.
#[derive(Debug, Default)]
pub struct EncodingCheck {
    head: Vec<u8>,
    carry: Vec<u8>,
    invalid: bool,
}

#[cfg(feature = "db")]
impl EncodingCheck {
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.head.len() < 3 {
            let take = (3 - self.head.len()).min(bytes.len());
            self.head.extend_from_slice(&bytes[..take]);
        }
        if self.invalid {
            return;
        }
        let mut buf = std::mem::take(&mut self.carry);
        buf.extend_from_slice(bytes);
        if let Err(e) = std::str::from_utf8(&buf) {
            match e.error_len() {
                None => self.carry = buf[e.valid_up_to()..].to_vec(),
                Some(_) => self.invalid = true,
            }
        }
    }

    pub fn encoding(&self) -> &'static encoding_rs::Encoding {
        if self.head.starts_with(&[0xEF, 0xBB, 0xBF]) || (!self.invalid && self.carry.is_empty()) {
            encoding_rs::UTF_8
        } else {
            encoding_rs::SHIFT_JIS
        }
    }
}

#[cfg(feature = "db")]
/// Decodes a file piece by piece and cuts it into CSV records (quoted fields may hold commas,
/// quotes and line breaks).
pub struct Records {
    decoder: encoding_rs::Decoder,
    reader: csv_core::Reader,
    text: String,
    out: Vec<u8>,
    outlen: usize,
    ends: Vec<usize>,
    endlen: usize,
}

#[cfg(feature = "db")]
impl Records {
    pub fn new(encoding: &'static encoding_rs::Encoding) -> Self {
        Self {
            // Removes a BOM of the encoding, and decodes what is not valid as U+FFFD.
            decoder: encoding.new_decoder_with_bom_removal(),
            reader: csv_core::Reader::new(),
            text: String::new(),
            out: vec![0; 4096],
            outlen: 0,
            ends: vec![0; 64],
            endlen: 0,
        }
    }

    /// Feeds the next piece of the file (`last` for the end) and hands every complete record to `f`.
    pub fn feed<E>(
        &mut self,
        bytes: &[u8],
        last: bool,
        f: &mut impl FnMut(Vec<String>) -> Result<(), E>,
    ) -> Result<(), E> {
        self.text.clear();
        let need = self
            .decoder
            .max_utf8_buffer_length(bytes.len())
            .unwrap_or(bytes.len() * 3 + 16);
        self.text.reserve(need);
        let _ = self.decoder.decode_to_string(bytes, &mut self.text, last);
        let text = std::mem::take(&mut self.text);
        // Empty input tells the CSV reader the file ended: only at the end.
        if !text.is_empty() {
            self.parse(text.as_bytes(), f)?;
        }
        if last {
            self.parse(&[], f)?;
        }
        self.text = text;
        Ok(())
    }

    fn parse<E>(
        &mut self,
        mut input: &[u8],
        f: &mut impl FnMut(Vec<String>) -> Result<(), E>,
    ) -> Result<(), E> {
        use csv_core::ReadRecordResult::*;
        loop {
            let (result, nin, nout, nend) = self.reader.read_record(
                input,
                &mut self.out[self.outlen..],
                &mut self.ends[self.endlen..],
            );
            input = &input[nin..];
            self.outlen += nout;
            self.endlen += nend;
            match result {
                InputEmpty => return Ok(()),
                OutputFull => self.out.resize(self.out.len() * 2, 0),
                OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                Record => {
                    let mut fields = Vec::with_capacity(self.endlen);
                    let mut start = 0;
                    for &end in &self.ends[..self.endlen] {
                        fields.push(String::from_utf8_lossy(&self.out[start..end]).into_owned());
                        start = end;
                    }
                    self.outlen = 0;
                    self.endlen = 0;
                    // A blank line is no record.
                    if !(fields.len() == 1 && fields[0].trim().is_empty()) {
                        f(fields)?;
                    }
                }
                End => return Ok(()),
            }
        }
    }
}

/// An import as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct ImportRow {
    pub id: i64,
    pub status: String,
    pub encoding: String,
    pub bytes: i64,
    pub processed_bytes: i64,
    pub rows_read: i64,
    pub invited: i64,
    pub skipped: i64,
    pub created_at: i64,
}

/// A page of a company's imports, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportList {
    pub imports: Vec<ImportRow>,
    /// The id to pass as `after` for the older page.
    pub next: Option<i64>,
}

/// Imports on a page of the list.
pub const IMPORT_PAGE: i64 = 20;

/// A row of the report: its line in the file and why it was not invited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct ReportRow {
    pub line: i64,
    /// The row's value in the file's identifier column, or its e-mail address.
    pub identifier: Option<String>,
    pub result: String,
    pub field: Option<String>,
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{
        db::{self, Pool},
        error::Result,
        invitation::{ApplicantInput, Letter, RowResult, Screen, Screened, REFUSAL, REFUSAL_SINCE},
        mail, person,
        time::now,
        UserError,
    };
    use sqlx::Row;

    /// Starts an upload for a company.
    pub async fn create(pool: &Pool, company_id: i64, user_id: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO imports (company_id, created_by, status, created_at, updated_at) VALUES ($1, $2, 'uploading', $3, $3) RETURNING id",
        )
        .bind(company_id)
        .bind(user_id)
        .bind(now())
        .fetch_one(pool)
        .await?)
    }

    /// Stores the next chunk of an upload.
    pub async fn append(pool: &Pool, import_id: i64, seq: i64, data: &[u8]) -> Result<()> {
        sqlx::query("INSERT INTO import_chunks (import_id, seq, data) VALUES ($1, $2, $3)")
            .bind(import_id)
            .bind(seq)
            .bind(data.to_vec())
            .execute(pool)
            .await?;
        Ok(())
    }

    /// Ends an upload: its size and encoding are known.
    pub async fn uploaded(pool: &Pool, import_id: i64, bytes: i64, encoding: &str) -> Result<()> {
        sqlx::query("UPDATE imports SET status = 'uploaded', bytes = $1, encoding = $2, updated_at = $3 WHERE id = $4")
            .bind(bytes)
            .bind(encoding)
            .bind(now())
            .bind(import_id)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// Deletes the stored file of an import.
    async fn delete_chunks<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
        db: E,
        import_id: i64,
    ) -> Result<()> {
        sqlx::query("DELETE FROM import_chunks WHERE import_id = $1")
            .bind(import_id)
            .execute(db)
            .await?;
        Ok(())
    }

    /// Drops an upload that failed (e.g. an empty file).
    pub async fn discard(pool: &Pool, import_id: i64) -> Result<()> {
        delete_chunks(pool, import_id).await?;
        sqlx::query("DELETE FROM imports WHERE id = $1")
            .bind(import_id)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// Deletes uploads nobody started within a day (the file with them), what a runner that died
    /// after its import went live or failed left (file or staged rows), and the reports' identifiers (which may be
    /// addresses) once the invitation period of `days` has passed, as unanswered invitations are.
    pub async fn purge_stale(pool: &Pool, days: i64) -> Result<u64> {
        let before = now() - 86_400;
        sqlx::query(
            "DELETE FROM import_chunks WHERE import_id IN (SELECT id FROM imports WHERE status IN ('done', 'failed') AND updated_at < $1)",
        )
        .bind(before)
        .execute(pool)
        .await?;
        sqlx::query(
            "DELETE FROM import_staged WHERE import_id IN (SELECT id FROM imports WHERE status IN ('done', 'failed') AND updated_at < $1)",
        )
        .bind(before)
        .execute(pool)
        .await?;
        sqlx::query(
            "UPDATE import_report SET identifier = NULL WHERE identifier IS NOT NULL AND import_id IN (SELECT id FROM imports WHERE created_at < $1)",
        )
        .bind(now() - days * 86_400)
        .execute(pool)
        .await?;
        sqlx::query(
            "DELETE FROM import_chunks WHERE import_id IN (SELECT id FROM imports WHERE status IN ('uploading', 'uploaded') AND created_at < $1)",
        )
        .bind(before)
        .execute(pool)
        .await?;
        let r = sqlx::query(
            "DELETE FROM imports WHERE status IN ('uploading', 'uploaded') AND created_at < $1",
        )
        .bind(before)
        .execute(pool)
        .await?;
        Ok(r.rows_affected())
    }

    /// One of the company's imports.
    pub async fn get(pool: &Pool, company_id: i64, import_id: i64) -> Result<ImportRow> {
        Ok(sqlx::query_as(
            "SELECT id, status, encoding, bytes, processed_bytes, rows_read, invited, skipped, created_at
             FROM imports WHERE id = $1 AND company_id = $2",
        )
        .bind(import_id)
        .bind(company_id)
        .fetch_optional(pool)
        .await?
        .ok_or(UserError::NotFound)?)
    }

    /// A page of the company's imports, newest first: those before `after` (an import's id),
    /// or the latest.
    pub async fn recent(pool: &Pool, company_id: i64, after: Option<i64>) -> Result<ImportList> {
        let mut imports: Vec<ImportRow> = sqlx::query_as(
            "SELECT id, status, encoding, bytes, processed_bytes, rows_read, invited, skipped, created_at
             FROM imports WHERE company_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(company_id)
        .bind(after.unwrap_or(i64::MAX))
        .bind(IMPORT_PAGE + 1)
        .fetch_all(pool)
        .await?;
        let next = crate::keyset::cut(&mut imports, IMPORT_PAGE, |i| i.id);
        Ok(ImportList { imports, next })
    }

    fn encoding_of(name: &str) -> &'static encoding_rs::Encoding {
        encoding_rs::Encoding::for_label(name.as_bytes()).unwrap_or(encoding_rs::UTF_8)
    }

    /// The header and the first rows of an uploaded file, read from its first chunk.
    pub async fn preview(pool: &Pool, import: &ImportRow) -> Result<Vec<Vec<String>>> {
        let first: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT data FROM import_chunks WHERE import_id = $1 AND seq = 0")
                .bind(import.id)
                .fetch_optional(pool)
                .await?;
        let mut rows = Vec::new();
        let mut records = Records::new(encoding_of(&import.encoding));
        let _ = records.feed(&first.unwrap_or_default(), false, &mut |r| {
            if rows.len() <= PREVIEW_ROWS {
                rows.push(r);
                Ok(())
            } else {
                Err(())
            }
        });
        Ok(rows)
    }

    /// The header texts the company mapped last time, per field.
    pub async fn remembered(
        pool: &Pool,
        company_id: i64,
    ) -> Result<std::collections::BTreeMap<String, String>> {
        let raw: Option<String> =
            sqlx::query_scalar("SELECT import_mapping FROM companies WHERE id = $1")
                .bind(company_id)
                .fetch_optional(pool)
                .await?
                .flatten();
        Ok(raw
            .and_then(|r| serde_json::from_str(&r).ok())
            .unwrap_or_default())
    }

    /// Queues an uploaded import with its mapping, and remembers the mapping by header text.
    pub async fn start(
        pool: &Pool,
        company_id: i64,
        import_id: i64,
        mapping: &Mapping,
        header: &[String],
    ) -> Result<()> {
        let by_header: std::collections::BTreeMap<&str, &str> = FIELDS
            .iter()
            .filter_map(|f| Some((*f, header.get(mapping.get(f)?)?.as_str())))
            .collect();
        let mut tx = db::begin(pool).await?;
        let r = sqlx::query(
            "UPDATE imports SET status = 'queued', mapping = $1, updated_at = $2 WHERE id = $3 AND company_id = $4 AND status = 'uploaded'",
        )
        .bind(serde_json::to_string(mapping).unwrap_or_default())
        .bind(now())
        .bind(import_id)
        .bind(company_id)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Err(UserError::NotFound.into());
        }
        sqlx::query("UPDATE companies SET import_mapping = $1 WHERE id = $2")
            .bind(serde_json::to_string(&by_header).unwrap_or_default())
            .bind(company_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes the next queued import (or one whose runner died), leasing it for six hours, of a
    /// company none of whose imports is running (its held rows count as invited while it runs);
    /// returns it with its company and the lease (the runner's proof that it still owns it).
    pub async fn take_next(pool: &Pool) -> Result<Option<(i64, i64, i64)>> {
        let t = now();
        Ok(sqlx::query_as(
            "UPDATE imports SET status = 'running', lease_until = $1, updated_at = $2
             WHERE id = (SELECT i.id FROM imports i WHERE (i.status = 'queued' OR (i.status = 'running' AND i.lease_until < $2))
                 AND NOT EXISTS (SELECT 1 FROM imports o WHERE o.company_id = i.company_id AND o.id <> i.id AND o.status = 'running' AND o.lease_until >= $2)
                 ORDER BY i.id LIMIT 1)
             AND (status = 'queued' OR (status = 'running' AND lease_until < $2))
             RETURNING id, company_id, lease_until",
        )
        .bind(t + 6 * 3600)
        .bind(t)
        .fetch_optional(pool)
        .await?)
    }

    /// Runs a taken import: streams its chunks through the CSV reader and writes every row in
    /// short transactions as it goes (an invitation with its mail, both held, or a line of the
    /// report), then makes the import live in one short final step; `progress(bytes done)` is
    /// told as it goes. On any failure nothing of it stays and the import is marked failed.
    #[tracing::instrument(skip(pool, compose, progress))]
    pub async fn run(
        pool: &Pool,
        import_id: i64,
        lease: i64,
        base_url: &str,
        compose: &(dyn Fn(&str, &str, &str) -> (String, String) + Sync),
        progress: &(dyn Fn(i64) + Sync),
    ) -> Result<()> {
        let result = process(pool, import_id, lease, base_url, compose, progress).await;
        match &result {
            // Live: the mails go out, and what was staged is no longer needed (if this fails,
            // the jobs finish it).
            Ok(()) => {
                if let Err(e) = release(pool, import_id).await {
                    tracing::warn!(error = ?e, "held mails of a live import not released yet");
                }
            }
            // Only the runner that still holds the lease gives up the import: another that took
            // it over meanwhile goes on with its own run.
            Err(_) => {
                let gave_up = sqlx::query(
                    "UPDATE imports SET status = 'failed', updated_at = $1 WHERE id = $2 AND status = 'running' AND lease_until = $3",
                )
                .bind(now())
                .bind(import_id)
                .bind(lease)
                .execute(pool)
                .await?
                .rows_affected()
                    == 1;
                if gave_up {
                    delete_chunks(pool, import_id).await?;
                    forget(pool, import_id).await?;
                }
            }
        }
        result
    }

    /// Finishes what runners left of imports that ended (a runner that died after its import
    /// went live or failed): a live import's held mails are released, a failed one's held rows
    /// deleted. Returns how many imports it finished.
    pub async fn finish_held(pool: &Pool) -> Result<usize> {
        let ended: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, status FROM imports WHERE held = 1 AND status IN ('done', 'failed') ORDER BY id",
        )
        .fetch_all(pool)
        .await?;
        for (import_id, status) in &ended {
            if status == "done" {
                release(pool, *import_id).await?;
            } else {
                forget(pool, *import_id).await?;
            }
        }
        Ok(ended.len())
    }

    /// Rows written (or refused) per transaction while the file is read.
    const BATCH: usize = 5000;

    /// Rows per statement of a batch (PostgreSQL takes at most 65,535 values in one).
    const STATEMENT_ROWS: usize = 1000;

    /// The page cache of the connection that writes an import's batches (SQLite), in MB.
    const CACHE_MB: i64 = 16;

    /// How long a write that began before the import may take to commit: the final step re-checks
    /// against what appeared since the import began, less this.
    const IN_FLIGHT: i64 = 60;

    /// A row that is to be invited, with its mail.
    struct Staged {
        line: i64,
        identifier: Option<String>,
        screened: Screened,
        letter: Letter,
    }

    /// A row that is not invited, for the report: its line, its identifier, why, and the field.
    type Refused = (i64, Option<String>, String, Option<String>);

    async fn process(
        pool: &Pool,
        import_id: i64,
        lease: i64,
        base_url: &str,
        compose: &(dyn Fn(&str, &str, &str) -> (String, String) + Sync),
        progress: &(dyn Fn(i64) + Sync),
    ) -> Result<()> {
        let began = now();
        let row = sqlx::query("SELECT company_id, encoding, mapping FROM imports WHERE id = $1")
            .bind(import_id)
            .fetch_one(pool)
            .await?;
        let company_id: i64 = row.try_get("company_id")?;
        let mapping: Mapping = row
            .try_get::<Option<String>, _>("mapping")?
            .and_then(|m| serde_json::from_str(&m).ok())
            .ok_or(UserError::Required)?;
        // A runner that takes over an import whose runner died starts again from the first line
        // (if it still holds the lease: one that lost it must not delete what another wrote).
        let mut tx = db::begin(pool).await?;
        still_owned(&mut tx, import_id, lease).await?;
        sqlx::query("UPDATE imports SET held = 1 WHERE id = $1")
            .bind(import_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        forget_rows(pool, import_id).await?;
        // The batches go through one connection with a larger page cache: each touches pages
        // of the same indexes.
        let mut conn = db::own_connection(pool, CACHE_MB).await?;
        let mut records = Records::new(encoding_of(&row.try_get::<String, _>("encoding")?));
        let mut screen = Screen::new(person::pepper(&mut conn).await?);
        let (mut staged, mut refused) = (Vec::new(), Vec::new());
        let (mut line, mut done_bytes, mut seq, mut held) = (0i64, 0i64, 0i64, 0i64);
        let started = std::time::Instant::now();
        loop {
            // Chunks are read one at a time: the file is never whole in memory.
            let chunk: Option<Vec<u8>> = sqlx::query_scalar(
                "SELECT data FROM import_chunks WHERE import_id = $1 AND seq = $2",
            )
            .bind(import_id)
            .bind(seq)
            .fetch_optional(pool)
            .await?;
            let last = chunk.is_none();
            let bytes = chunk.unwrap_or_default();
            done_bytes += bytes.len() as i64;
            let mut rows: Vec<Vec<String>> = Vec::new();
            records
                .feed(&bytes, last, &mut |r| {
                    rows.push(r);
                    Ok::<(), ()>(())
                })
                .ok();
            for r in rows {
                line += 1;
                if line == 1 {
                    continue; // the header
                }
                let cell = |f: &str| {
                    mapping
                        .get(f)
                        .and_then(|i| r.get(i))
                        .map(|c| c.trim().to_owned())
                        .filter(|c| !c.is_empty())
                };
                let input = ApplicantInput {
                    name: cell("name").unwrap_or_default(),
                    email: cell("email").unwrap_or_default(),
                    position: cell("position"),
                    rejected_on: cell("rejected_on").map(|d| export_date(&d)),
                };
                let identifier = cell("identifier")
                    .or_else(|| cell("email"))
                    .map(|id| identifier_of(&id));
                match screen.check(&input, cell("phone").as_deref()) {
                    Ok(screened) => {
                        let letter = Letter::new(base_url, &screened.applicant.name, compose);
                        staged.push(Staged {
                            line,
                            identifier,
                            screened,
                            letter,
                        });
                    }
                    Err(result) => {
                        let (code, field) = report_code(&result);
                        refused.push((line, identifier, code, field));
                    }
                }
                if staged.len() >= BATCH {
                    held += hold(&mut conn, (import_id, lease), company_id, &mut staged).await?;
                }
                if refused.len() >= BATCH {
                    report_refused(&mut conn, (import_id, lease), &mut refused).await?;
                }
            }
            progress(done_bytes);
            if last {
                break;
            }
            seq += 1;
        }
        held += hold(&mut conn, (import_id, lease), company_id, &mut staged).await?;
        report_refused(&mut conn, (import_id, lease), &mut refused).await?;
        let read = started.elapsed();
        go_live(pool, import_id, lease, company_id, line, held, began).await?;
        tracing::info!(
            import.id = import_id,
            import.lines = line,
            read_ms = read.as_millis() as u64,
            live_ms = (started.elapsed() - read).as_millis() as u64,
            "import read and made live"
        );
        Ok(())
    }

    /// A row's name in the report: one line of at most 100 characters.
    fn identifier_of(cell: &str) -> String {
        cell.chars().filter(|c| !c.is_control()).take(100).collect()
    }

    /// The report's code and field for a row that was not invited.
    fn report_code(result: &RowResult) -> (String, Option<String>) {
        match result {
            RowResult::Invalid { field, error } => (error.clone(), Some(field.clone())),
            other => (
                serde_json::to_value(other)
                    .ok()
                    .and_then(|v| v["result"].as_str().map(str::to_owned))
                    .unwrap_or_default(),
                None,
            ),
        }
    }

    /// Writes a batch of rows to be invited in one short transaction: each row the rules refuse
    /// as they stand goes into the report, the others become invitations with their mails, held
    /// until the import is done. The row stays staged (without its mail) for the final re-check.
    /// Returns how many were held.
    async fn hold(
        conn: &mut sqlx::AnyConnection,
        (import_id, lease): (i64, i64),
        company_id: i64,
        rows: &mut Vec<Staged>,
    ) -> Result<i64> {
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            return Ok(0);
        };
        let (first, last) = (first.line, last.line);
        let mut tx = db::begin_on(conn).await?;
        still_owned(&mut tx, import_id, lease).await?;
        db::lock_company(&mut tx, company_id).await?;
        const STAGED: [&str; 14] = [
            "import_id",
            "line",
            "company_id",
            "identifier",
            "name",
            "email",
            "person_key",
            "phone_key",
            "position",
            "rejected_on",
            "token_hash",
            "subject",
            "body_text",
            "unsubscribe_url",
        ];
        for part in rows.chunks(STATEMENT_ROWS) {
            let sql = db::insert_rows(&tx, "import_staged", &STAGED, part.len());
            let mut query = sqlx::query(&sql);
            for r in part {
                let a = &r.screened.applicant;
                query = query
                    .bind(import_id)
                    .bind(r.line)
                    .bind(company_id)
                    .bind(r.identifier.clone())
                    .bind(a.name.clone())
                    .bind(a.email.as_str().to_owned())
                    .bind(r.screened.key.clone())
                    .bind(r.screened.phone_key.clone())
                    .bind(a.position.clone())
                    .bind(a.rejected_on.map(|d| d.to_string()))
                    .bind(r.letter.token_hash.clone())
                    .bind("")
                    .bind("")
                    .bind("");
            }
            query.execute(&mut *tx).await?;
        }
        let batch = "FROM import_staged s WHERE s.import_id = $1 AND s.line >= $2 AND s.line <= $3";
        let refused: Vec<(i64, Option<String>, String)> = sqlx::query_as(&format!(
            "SELECT line, identifier, result FROM (SELECT s.line, s.identifier, {REFUSAL} AS result {batch}) t
             WHERE result IS NOT NULL"
        ))
        .bind(import_id)
        .bind(first)
        .bind(last)
        .fetch_all(&mut *tx)
        .await?;
        refuse_staged(&mut tx, import_id, refused.clone()).await?;
        let t = now();
        let held = sqlx::query(&format!(
            "INSERT INTO invitations (company_id, token_hash, name, email, person_key, unsubscribe_key, position, rejected_on, created_at, updated_at, import_id, import_line)
             SELECT s.company_id, s.token_hash, s.name, s.email, s.person_key, s.person_key, s.position, s.rejected_on, $4, $4, s.import_id, s.line {batch}"
        ))
        .bind(import_id)
        .bind(first)
        .bind(last)
        .bind(t)
        .execute(&mut *tx)
        .await?
        .rows_affected() as i64;
        let refused: std::collections::HashSet<i64> = refused.iter().map(|r| r.0).collect();
        let mails: Vec<Staged> = rows
            .drain(..)
            .filter(|r| !refused.contains(&r.line))
            .collect();
        let mut mails = mails.into_iter().peekable();
        while mails.peek().is_some() {
            let part: Vec<Staged> = mails.by_ref().take(STATEMENT_ROWS).collect();
            const MAIL: [&str; 9] = [
                "to_addr",
                "subject",
                "body_text",
                "unsubscribe_url",
                "next_attempt_at",
                "import_id",
                "import_line",
                "created_at",
                "updated_at",
            ];
            let sql = db::insert_rows(&tx, "outbox", &MAIL, part.len());
            let mut query = sqlx::query(&sql);
            for r in part {
                query = query
                    .bind(r.screened.applicant.email.as_str().to_owned())
                    .bind(r.letter.subject)
                    .bind(r.letter.body)
                    .bind(r.letter.unsubscribe_url)
                    .bind(mail::HELD)
                    .bind(import_id)
                    .bind(r.line)
                    .bind(t)
                    .bind(t);
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(held)
    }

    /// Writes the report's rows of a batch, if this runner still holds the import.
    async fn report_refused(
        conn: &mut sqlx::AnyConnection,
        (import_id, lease): (i64, i64),
        rows: &mut Vec<Refused>,
    ) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = db::begin_on(conn).await?;
        still_owned(&mut tx, import_id, lease).await?;
        refuse(&mut tx, import_id, rows).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Writes report rows, in one short statement.
    async fn refuse(
        conn: &mut sqlx::AnyConnection,
        import_id: i64,
        rows: &mut Vec<Refused>,
    ) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let columns = ["import_id", "line", "identifier", "result", "field"];
        let sql = db::insert_rows(conn, "import_report", &columns, rows.len());
        let mut query = sqlx::query(&sql);
        for (line, identifier, result, field) in rows.drain(..) {
            query = query
                .bind(import_id)
                .bind(line)
                .bind(identifier)
                .bind(result)
                .bind(field);
        }
        query.execute(&mut *conn).await?;
        Ok(())
    }

    /// Staged rows the rules refuse: into the report, and out of the staged rows and whatever of
    /// them is held (nothing yet when a batch is written; their invitations and mails in the final
    /// step).
    async fn refuse_staged(
        conn: &mut sqlx::AnyConnection,
        import_id: i64,
        refused: Vec<(i64, Option<String>, String)>,
    ) -> Result<()> {
        for part in refused.chunks(STATEMENT_ROWS) {
            let lines = part
                .iter()
                .map(|r| r.0.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let mut rows: Vec<Refused> = part
                .iter()
                .map(|(line, identifier, result)| (*line, identifier.clone(), result.clone(), None))
                .collect();
            refuse(conn, import_id, &mut rows).await?;
            for (table, column) in [
                ("import_staged", "line"),
                ("invitations", "import_line"),
                ("outbox", "import_line"),
            ] {
                sqlx::query(&format!(
                    "DELETE FROM {table} WHERE import_id = $1 AND {column} IN ({lines})"
                ))
                .bind(import_id)
                .execute(&mut *conn)
                .await?;
            }
        }
        Ok(())
    }

    /// The one short final step: in one transaction, the held rows are re-checked against the
    /// suppressions, relays, candidates and address changes that appeared since the import began (each batch was
    /// checked against everything as it was written), those now refused go into the report, the
    /// file is deleted and the import is done, which shows its invitations — if this runner still
    /// holds its lease (else nothing changes).
    async fn go_live(
        pool: &Pool,
        import_id: i64,
        lease: i64,
        company_id: i64,
        lines: i64,
        held: i64,
        began: i64,
    ) -> Result<()> {
        let mut tx = db::begin(pool).await?;
        still_owned(&mut tx, import_id, lease).await?;
        db::lock_company(&mut tx, company_id).await?;
        let late: Vec<(i64, Option<String>, String)> = sqlx::query_as(&format!(
            "SELECT line, identifier, result FROM (
                 SELECT s.line, s.identifier, {REFUSAL_SINCE} AS result
                 FROM import_staged s WHERE s.import_id = $1
             ) t WHERE result IS NOT NULL"
        ))
        .bind(import_id)
        .bind(began - IN_FLIGHT)
        .fetch_all(&mut *tx)
        .await?;
        let invited = held - late.len() as i64;
        refuse_staged(&mut tx, import_id, late).await?;
        // The outcome is part of the same transaction: a runner that dies before the commit
        // leaves the import to be run again from the start.
        let rows = (lines - 1).max(0);
        sqlx::query(
            "UPDATE imports SET status = 'done', rows_read = $1, invited = $2, skipped = $3, processed_bytes = bytes, updated_at = $4 WHERE id = $5",
        )
        .bind(rows)
        .bind(invited)
        .bind(rows - invited)
        .bind(now())
        .bind(import_id)
        .execute(&mut *tx)
        .await?;
        delete_chunks(&mut *tx, import_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Goes on only if this runner still holds the import's lease: first in each of its
    /// transactions, so that a runner that takes the import over waits for the transaction's end,
    /// and one that lost it writes nothing more.
    async fn still_owned(conn: &mut sqlx::AnyConnection, import_id: i64, lease: i64) -> Result<()> {
        let owned = sqlx::query(
            "UPDATE imports SET updated_at = $1 WHERE id = $2 AND status = 'running' AND lease_until = $3",
        )
        .bind(now())
        .bind(import_id)
        .bind(lease)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if owned == 0 {
            return Err(UserError::NotFound.into());
        }
        Ok(())
    }

    /// A live import's last steps, each short: its held mails become due, its staged rows go,
    /// and then it holds nothing.
    async fn release(pool: &Pool, import_id: i64) -> Result<()> {
        in_steps(
            pool,
            import_id,
            "outbox",
            "import_line",
            &format!(
                "UPDATE outbox SET next_attempt_at = 0 WHERE next_attempt_at = {} AND",
                mail::HELD
            ),
        )
        .await?;
        in_steps(
            pool,
            import_id,
            "import_staged",
            "line",
            "DELETE FROM import_staged WHERE",
        )
        .await?;
        not_held(pool, import_id).await
    }

    /// Deletes all an import wrote (a run that starts again, or one that failed): its staged
    /// rows, held invitations and mails, and its report.
    async fn forget_rows(pool: &Pool, import_id: i64) -> Result<()> {
        for (table, line) in [
            ("import_staged", "line"),
            ("invitations", "import_line"),
            ("outbox", "import_line"),
            ("import_report", "line"),
        ] {
            in_steps(
                pool,
                import_id,
                table,
                line,
                &format!("DELETE FROM {table} WHERE"),
            )
            .await?;
        }
        Ok(())
    }

    /// A failed import's rows are deleted, and then it holds nothing.
    async fn forget(pool: &Pool, import_id: i64) -> Result<()> {
        forget_rows(pool, import_id).await?;
        not_held(pool, import_id).await
    }

    async fn not_held(pool: &Pool, import_id: i64) -> Result<()> {
        sqlx::query("UPDATE imports SET held = 0 WHERE id = $1")
            .bind(import_id)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// Runs `action` (a statement up to its `WHERE`) on an import's rows of `table`, a few
    /// thousand lines at a time: short statements, others write between them.
    async fn in_steps(
        pool: &Pool,
        import_id: i64,
        table: &str,
        line: &str,
        action: &str,
    ) -> Result<()> {
        let mut from = 0i64;
        loop {
            let last: Option<i64> = sqlx::query_scalar(&format!(
                "SELECT MAX({line}) FROM (SELECT {line} FROM {table} WHERE import_id = $1 AND {line} > $2 ORDER BY {line} LIMIT 5000) t"
            ))
            .bind(import_id)
            .bind(from)
            .fetch_one(pool)
            .await?;
            let Some(last) = last else { return Ok(()) };
            sqlx::query(&format!(
                "{action} import_id = $1 AND {line} > $2 AND {line} <= $3"
            ))
            .bind(import_id)
            .bind(from)
            .bind(last)
            .execute(pool)
            .await?;
            from = last;
        }
    }

    /// A date as ATS exports write it (`2026/11/01`, `2026-11-1`), in the form applicants are
    /// checked in (`2026-11-01`); anything else is left for the check to refuse.
    fn export_date(raw: &str) -> String {
        let dashed = raw.replace('/', "-");
        chrono::NaiveDate::parse_from_str(&dashed, "%Y-%m-%d")
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or(dashed)
    }

    /// Notes how far a running import got, for the pages other instances serve (PostgreSQL only:
    /// on SQLite the single instance keeps the progress in memory, and a write per chunk would
    /// only queue for the one writer).
    pub async fn set_progress(pool: &Pool, import_id: i64, bytes: i64) -> Result<()> {
        if !db::single_writer(pool) {
            sqlx::query(
                "UPDATE imports SET processed_bytes = $1 WHERE id = $2 AND status = 'running'",
            )
            .bind(bytes)
            .bind(import_id)
            .execute(pool)
            .await?;
        }
        Ok(())
    }

    /// The report of an import, `limit` rows after line `after`.
    pub async fn report(
        pool: &Pool,
        import_id: i64,
        after: i64,
        limit: i64,
    ) -> Result<Vec<ReportRow>> {
        Ok(sqlx::query_as(
            "SELECT line, identifier, result, field FROM import_report WHERE import_id = $1 AND line > $2 ORDER BY line LIMIT $3",
        )
        .bind(import_id)
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?)
    }
}

#[cfg(feature = "db")]
pub use store::{
    append, create, discard, finish_held, get, preview, purge_stale, recent, remembered, report,
    run, set_progress, start, take_next, uploaded,
};

#[cfg(all(test, feature = "db"))]
mod tests {
    use super::*;

    fn detect_encoding(bytes: &[u8]) -> &'static encoding_rs::Encoding {
        let mut check = EncodingCheck::default();
        check.feed(bytes);
        check.encoding()
    }

    fn all(bytes: &[u8], piece: usize) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        let mut r = Records::new(detect_encoding(bytes));
        let mut f = |rec| {
            out.push(rec);
            Ok::<(), ()>(())
        };
        for c in bytes.chunks(piece) {
            r.feed(c, false, &mut f).unwrap();
        }
        r.feed(&[], true, &mut f).unwrap();
        out
    }

    #[test]
    fn records_are_read_across_pieces_in_utf8_with_bom_and_shift_jis() {
        let text = "氏名,メール\r\n\"山田, 太郎\",taro@example.jp\n\"改行\nあり\",\"引用\"\"符\"\n\n佐藤,hanako@example.jp";
        let expected = vec![
            vec!["氏名", "メール"],
            vec!["山田, 太郎", "taro@example.jp"],
            vec!["改行\nあり", "引用\"符"],
            vec!["佐藤", "hanako@example.jp"],
        ];
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        let (sjis, _, bad) = encoding_rs::SHIFT_JIS.encode(text);
        assert!(!bad);
        assert_eq!(detect_encoding(&sjis), encoding_rs::SHIFT_JIS);
        for bytes in [text.as_bytes().to_vec(), bom, sjis.into_owned()] {
            for piece in [1, 3, 7, 1000] {
                assert_eq!(all(&bytes, piece), expected, "piece {piece}");
            }
        }
    }

    #[test]
    fn a_shift_jis_file_that_starts_in_ascii_is_recognised_across_pieces() {
        let mut text = "id,name,email\n".repeat(1000);
        text.push_str("1,山田,taro@example.jp\n");
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        let mut check = EncodingCheck::default();
        for piece in sjis.chunks(4096) {
            check.feed(piece);
        }
        assert_eq!(check.encoding(), encoding_rs::SHIFT_JIS);
        let mut check = EncodingCheck::default();
        for piece in text.as_bytes().chunks(7) {
            check.feed(piece);
        }
        assert_eq!(check.encoding(), encoding_rs::UTF_8);
    }

    #[test]
    fn the_mapping_is_guessed_from_headers_and_memory() {
        let header: Vec<String> = ["応募ID", "氏名", "メールアドレス", "応募職種", "電話番号"]
            .map(String::from)
            .to_vec();
        let m = Mapping::guess(&header, &Default::default());
        assert_eq!(
            (
                m.name,
                m.email,
                m.position,
                m.phone,
                m.rejected_on,
                m.identifier
            ),
            (Some(1), Some(2), Some(3), Some(4), None, Some(0))
        );
        let memory = [("name".to_owned(), "応募ID".to_owned())]
            .into_iter()
            .collect();
        assert_eq!(Mapping::guess(&header, &memory).name, Some(0));
        assert!(Mapping::from_form(&[("name", "1"), ("email", "")]).is_err());
    }
}
