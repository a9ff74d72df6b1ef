//! The pool: the candidates agencies may claim, with filters and keyset paging. Nothing in it
//! identifies a person.

use serde::{Deserialize, Serialize};

/// Candidates per pool page.
pub const POOL_PAGE: i64 = 20;

/// Longest skill or keyword a search takes, in characters.
pub const MAX_TERM: usize = 100;

/// The pool's filters, as typed in the search form (every one optional; empty means none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolQuery {
    /// A job type the candidate is looking for.
    #[serde(default)]
    pub job_type: String,
    /// The prefecture's JIS code (1 Hokkaido … 13 Tokyo … 47 Okinawa).
    #[serde(default)]
    pub prefecture: String,
    /// A skill, as candidates list them (case and width do not matter).
    #[serde(default)]
    pub skill: String,
    /// Years of experience at least.
    #[serde(default)]
    pub min_years: String,
    /// A keyword in the skills, languages or summary (two-character Japanese terms work).
    #[serde(default)]
    pub q: String,
    /// The `next` of the previous page.
    #[serde(default)]
    pub after: String,
}

/// One candidate in the pool, without anything that identifies them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PoolEntry {
    pub id: i64,
    pub prefecture: Option<i64>,
    pub job_types: String,
    pub skills: String,
    pub years_experience: Option<i64>,
    pub desired_salary: Option<i64>,
    pub qualified_at: Option<i64>,
}

/// A page of the pool; `next` is the cursor for the following page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PoolPage {
    pub entries: Vec<PoolEntry>,
    pub next: Option<i64>,
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{
        db::Pool,
        error::Result,
        profile::{JobType, Prefecture},
        time::now,
        UserError,
    };

    /// Turns a LIKE pattern's wildcards into literals.
    fn like_escape(s: &str) -> String {
        s.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    }

    /// The filters of a pool query, validated.
    #[derive(Debug, Default)]
    struct Filters {
        job_type: Option<JobType>,
        prefecture: Option<Prefecture>,
        skill: Option<String>,
        min_years: Option<i64>,
        q: Option<String>,
        after: Option<i64>,
    }

    fn filters(q: &PoolQuery) -> Result<Filters> {
        let opt = |s: &str| {
            let s = s.trim();
            (!s.is_empty()).then(|| s.to_owned())
        };
        let norm = |s: String| {
            unicode_normalization::UnicodeNormalization::nfkc(s.as_str())
                .collect::<String>()
                .to_lowercase()
        };
        // The length as sent, so that what the API document allows is exactly what is taken.
        let term = |s: &str| -> Result<Option<String>> {
            if s.chars().count() > MAX_TERM {
                return Err(UserError::TooLong.into());
            }
            Ok(opt(s).map(norm))
        };
        Ok(Filters {
            job_type: opt(&q.job_type).map(|j| JobType::parse(&j)).transpose()?,
            prefecture: opt(&q.prefecture)
                .map(|p| Prefecture::parse(&p))
                .transpose()?,
            skill: term(&q.skill)?,
            min_years: opt(&q.min_years)
                .map(|y| {
                    norm(y)
                        .parse::<u8>()
                        .map(i64::from)
                        .map_err(|_| UserError::InvalidNumber)
                })
                .transpose()?,
            q: term(&q.q)?,
            after: opt(&q.after)
                .map(|a| a.parse::<i64>().map_err(|_| UserError::InvalidNumber))
                .transpose()?,
        })
    }

    /// One page of the pool, newest first, with keyset paging. Claimed candidates are not listed.
    #[tracing::instrument(skip_all)]
    pub async fn pool_page(pool: &Pool, query: &PoolQuery) -> Result<PoolPage> {
        let f = filters(query)?;
        // The statement's shape depends only on which filters are set; every value is bound.
        let mut sql = String::from(
            "SELECT c.id, c.prefecture, c.job_types, c.skills, c.years_experience, c.desired_salary, c.qualified_at FROM candidates c
             WHERE c.in_pool = 1 AND NOT EXISTS (SELECT 1 FROM claims k WHERE k.candidate_id = c.id AND k.ended_at IS NULL AND k.expires_at > $1)",
        );
        let mut n = 1;
        let mut next = |sql: &mut String, clause: &str| {
            n += 1;
            sql.push_str(&clause.replace("$?", &format!("${n}")));
        };
        if f.job_type.is_some() {
            next(&mut sql, " AND EXISTS (SELECT 1 FROM candidate_job_types j WHERE j.candidate_id = c.id AND j.job_type = $?)");
        }
        if f.prefecture.is_some() {
            next(&mut sql, " AND c.prefecture = $?");
        }
        if f.skill.is_some() {
            next(&mut sql, " AND EXISTS (SELECT 1 FROM candidate_skills s WHERE s.candidate_id = c.id AND s.skill = $?)");
        }
        if f.min_years.is_some() {
            next(&mut sql, " AND c.years_experience >= $?");
        }
        if f.q.is_some() {
            next(&mut sql, " AND c.search_text LIKE $? ESCAPE '\\'");
        }
        if f.after.is_some() {
            next(&mut sql, " AND c.id < $?");
        }
        next(&mut sql, " ORDER BY c.id DESC LIMIT $?");
        let mut query = sqlx::query_as::<_, PoolEntry>(&sql).bind(now());
        if let Some(j) = f.job_type {
            query = query.bind(j.code());
        }
        if let Some(p) = f.prefecture {
            query = query.bind(p.code() as i64);
        }
        if let Some(s) = f.skill {
            query = query.bind(s);
        }
        if let Some(y) = f.min_years {
            query = query.bind(y);
        }
        if let Some(q) = f.q {
            query = query.bind(format!("%{}%", like_escape(&q)));
        }
        if let Some(a) = f.after {
            query = query.bind(a);
        }
        let mut entries = query.bind(POOL_PAGE + 1).fetch_all(pool).await?;
        let next = if entries.len() as i64 > POOL_PAGE {
            entries.truncate(POOL_PAGE as usize);
            entries.last().map(|e| e.id)
        } else {
            None
        };
        Ok(PoolPage { entries, next })
    }
}

#[cfg(feature = "db")]
pub use store::pool_page;
