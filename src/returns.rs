//! Return candidates (docs/design.md "Follow-up"): a company may re-approach its own rejected
//! candidates who gave the separate consent that it may contact them again. Nothing of anyone
//! else, and nobody once that consent is withdrawn or the data erased. Every list the company
//! sees is a provision to it, recorded for each candidate shown (they see it among their
//! provision records) and audited by ids.

use crate::{
    profile::{JobType, Prefecture},
    FieldError, UserError,
};
use serde::{Deserialize, Serialize};

/// The data items a company receives in its list of return candidates.
pub const RETURN_ITEMS: &str = "name,email,phone,prefecture,job_types";

/// How many return candidates a page lists.
pub const PAGE: i64 = 50;

/// One return candidate as their company sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnCandidate {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub prefecture: Option<i64>,
    /// Desired job type codes, comma-separated.
    pub job_types: String,
    /// When the candidate last changed their data.
    pub updated_at: i64,
    /// The company's last "contacted" mark: when, and its note.
    pub contacted: Option<(i64, String)>,
}

/// A page of the list: newest first, and where the next page starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnsPage {
    pub candidates: Vec<ReturnCandidate>,
    pub next: Option<i64>,
}

/// The list's filters as the query string has them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnsQuery {
    #[serde(default)]
    pub job_type: String,
    /// The prefecture's JIS code.
    #[serde(default)]
    pub prefecture: String,
    /// The `next` of the previous page.
    #[serde(default)]
    pub after: String,
}

/// The filters, checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReturnsFilter {
    pub job_type: Option<JobType>,
    pub prefecture: Option<Prefecture>,
    /// Only candidates listed after this one (ids below it).
    pub after: Option<i64>,
}

impl TryFrom<&ReturnsQuery> for ReturnsFilter {
    type Error = Vec<FieldError>;

    fn try_from(q: &ReturnsQuery) -> Result<Self, Self::Error> {
        let job_type = match q.job_type.trim() {
            "" => Ok(None),
            code => JobType::parse(code)
                .map(Some)
                .map_err(|e| FieldError::new("job_type", e)),
        };
        let prefecture = match q.prefecture.trim() {
            "" => Ok(None),
            code => Prefecture::parse(code)
                .map(Some)
                .map_err(|e| FieldError::new("prefecture", e)),
        };
        let after = match q.after.trim() {
            "" => Ok(None),
            n => n
                .parse::<i64>()
                .map(Some)
                .map_err(|_| FieldError::new("after", UserError::InvalidNumber)),
        };
        match (job_type, prefecture, after) {
            (Ok(job_type), Ok(prefecture), Ok(after)) => Ok(Self {
                job_type,
                prefecture,
                after,
            }),
            (a, b, c) => Err([a.err(), b.err(), c.err()].into_iter().flatten().collect()),
        }
    }
}

/// The "contacted" form: which candidate, and an optional note (up to 500 characters).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactInput {
    pub candidate_id: String,
    #[serde(default)]
    pub note: String,
}

/// A "contacted" mark, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contacted {
    pub candidate_id: i64,
    pub note: String,
}

impl TryFrom<&ContactInput> for Contacted {
    type Error = Vec<FieldError>;

    fn try_from(f: &ContactInput) -> Result<Self, Self::Error> {
        let id = f
            .candidate_id
            .trim()
            .parse::<i64>()
            .map_err(|_| FieldError::new("candidate_id", UserError::NotFound));
        let note = crate::field::text(&f.note, 500, false).map_err(|e| FieldError::new("note", e));
        match (id, note) {
            (Ok(candidate_id), Ok(note)) => Ok(Self {
                candidate_id,
                note: note.unwrap_or_default(),
            }),
            (a, b) => Err([a.err(), b.err()].into_iter().flatten().collect()),
        }
    }
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{consent::NOTICE_VERSION, db, db::Pool, error::Result, time::now};
    use sqlx::Row;

    /// The statement of a page of returns: `$1` the company, `$2` the cursor, then the
    /// prefecture and the job type when the filter has them, and the page's length last.
    pub fn page_statement(pool: &Pool, filter: &ReturnsFilter) -> String {
        // The company's own index, walked from the cursor (`db::indexed_by` says why); with a
        // prefecture, the index of the company's candidates in that prefecture.
        let (index, owner): (_, &[(&str, &str)]) = match filter.prefecture {
            Some(_) => (
                "candidates_returns_prefecture",
                &[("c.company_id", "$1"), ("c.prefecture", "$3")],
            ),
            None => ("candidates_returns", &[("c.company_id", "$1")]),
        };
        let (condition, order) = db::owner_keyset(owner, "c.id", "$2");
        let mut sql = format!(
            "SELECT c.id, c.name, c.email, c.phone, c.prefecture, c.job_types, c.updated_at,
                 (SELECT r.created_at FROM return_contacts r WHERE r.company_id = c.company_id AND r.candidate_id = c.id ORDER BY r.id DESC LIMIT 1) AS contacted_at,
                 (SELECT r.note FROM return_contacts r WHERE r.company_id = c.company_id AND r.candidate_id = c.id ORDER BY r.id DESC LIMIT 1) AS contacted_note
             FROM {}
             WHERE c.recontact_consent = 1 AND c.erased_at IS NULL AND {condition}",
            db::indexed_by(pool, "candidates c", index),
        );
        let mut n = if filter.prefecture.is_some() { 3 } else { 2 };
        if filter.job_type.is_some() {
            n += 1;
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM candidate_job_types j WHERE j.candidate_id = c.id AND j.job_type = ${n})"
            ));
        }
        sql.push_str(&format!(" {order} LIMIT ${}", n + 1));
        sql
    }

    /// A page of the company's return candidates, recorded as a provision to the company for
    /// each one shown and audited with their ids (`user_id` viewed them), in one transaction.
    #[tracing::instrument(skip(pool))]
    pub async fn list(
        pool: &Pool,
        company_id: i64,
        user_id: i64,
        filter: &ReturnsFilter,
    ) -> Result<ReturnsPage> {
        let sql = page_statement(pool, filter);
        let mut query = sqlx::query(&sql)
            .bind(company_id)
            .bind(filter.after.unwrap_or(i64::MAX));
        if let Some(p) = filter.prefecture {
            query = query.bind(p.code() as i64);
        }
        if let Some(j) = filter.job_type {
            query = query.bind(j.code());
        }
        let mut tx = db::begin(pool).await?;
        let rows = query.bind(PAGE + 1).fetch_all(&mut *tx).await?;
        let text = |r: &sqlx::any::AnyRow, col: &str| -> Result<String> {
            Ok(r.try_get::<Option<String>, _>(col)?.unwrap_or_default())
        };
        let mut candidates = Vec::with_capacity(rows.len());
        for r in rows.iter().take(PAGE as usize) {
            let contacted_at: Option<i64> = r.try_get("contacted_at")?;
            candidates.push(ReturnCandidate {
                id: r.try_get("id")?,
                name: text(r, "name")?,
                email: text(r, "email")?,
                phone: text(r, "phone")?,
                prefecture: r.try_get("prefecture")?,
                job_types: text(r, "job_types")?,
                updated_at: r.try_get("updated_at")?,
                contacted: contacted_at
                    .map(|at| Ok::<_, crate::Error>((at, text(r, "contacted_note")?)))
                    .transpose()?,
            });
        }
        let next = (rows.len() as i64 > PAGE)
            .then(|| candidates.last().map(|c| c.id))
            .flatten();
        if !candidates.is_empty() {
            record_provisions(&mut tx, company_id, &candidates).await?;
            crate::audit::record(
                &mut *tx,
                &format!("user:{user_id}"),
                "returns_listed",
                &crate::audit::listed("candidates", candidates.iter().map(|c| c.id)),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(ReturnsPage { candidates, next })
    }

    /// One provision record to the company per candidate shown, under the version of the
    /// notice their re-contact consent was given with, in one statement.
    async fn record_provisions(
        conn: &mut sqlx::AnyConnection,
        company_id: i64,
        shown: &[ReturnCandidate],
    ) -> Result<()> {
        let placeholders: Vec<String> = (0..shown.len()).map(|i| format!("${}", i + 5)).collect();
        let sql = format!(
            "INSERT INTO provision_records (candidate_id, company_id, data_items, consent_version, provided_at, created_at, updated_at)
             SELECT c.id, $1, $2,
                 COALESCE((SELECT k.notice_version FROM consents k WHERE k.candidate_id = c.id AND k.kind = 'recontact' AND k.withdrawn_at IS NULL ORDER BY k.id DESC LIMIT 1), $3),
                 $4, $4, $4
             FROM candidates c WHERE c.id IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql)
            .bind(company_id)
            .bind(RETURN_ITEMS)
            .bind(NOTICE_VERSION)
            .bind(now());
        for c in shown {
            query = query.bind(c.id);
        }
        query.execute(conn).await?;
        Ok(())
    }

    /// Marks a return candidate contacted, with the member's note. Only the company's own
    /// return candidates: anyone else is `NotFound`.
    #[tracing::instrument(skip(pool, mark))]
    pub async fn mark_contacted(
        pool: &Pool,
        company_id: i64,
        user_id: i64,
        mark: &Contacted,
    ) -> Result<()> {
        let t = now();
        let r = sqlx::query(
            "INSERT INTO return_contacts (company_id, candidate_id, user_id, note, created_at, updated_at)
             SELECT $1, c.id, $2, $3, $4, $4 FROM candidates c
             WHERE c.id = $5 AND c.company_id = $1 AND c.recontact_consent = 1 AND c.erased_at IS NULL",
        )
        .bind(company_id)
        .bind(user_id)
        .bind(&mark.note)
        .bind(t)
        .bind(mark.candidate_id)
        .execute(pool)
        .await?;
        if r.rows_affected() == 0 {
            return Err(UserError::NotFound.into());
        }
        Ok(())
    }
}

#[cfg(feature = "db")]
pub use store::{list, mark_contacted, page_statement};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_checked_and_an_empty_one_means_all() {
        let all = ReturnsFilter::try_from(&ReturnsQuery::default()).unwrap();
        assert_eq!(all, ReturnsFilter::default());
        let errs = ReturnsFilter::try_from(&ReturnsQuery {
            job_type: "astronaut".into(),
            prefecture: "48".into(),
            after: "x".into(),
        })
        .unwrap_err();
        assert_eq!(errs.len(), 3);
        assert_eq!(errs[0].field, "job_type");
        assert_eq!(errs[1].field, "prefecture");
    }

    #[test]
    fn a_contact_note_is_optional_and_at_most_500_characters() {
        let ok = Contacted::try_from(&ContactInput {
            candidate_id: "7".into(),
            note: String::new(),
        })
        .unwrap();
        assert_eq!(
            ok,
            Contacted {
                candidate_id: 7,
                note: String::new()
            }
        );
        let errs = Contacted::try_from(&ContactInput {
            candidate_id: "x".into(),
            note: "あ".repeat(501),
        })
        .unwrap_err();
        assert_eq!(errs[0].field, "candidate_id");
        assert_eq!(
            (errs[1].field.as_str(), errs[1].error),
            ("note", UserError::TooLong)
        );
    }
}
