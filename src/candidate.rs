//! Candidates: opt-in through a relay link, the profile, consent, and the agencies' pool.

use crate::profile::ProfileInput;
use serde::{Deserialize, Serialize};

/// Candidates per pool page.
pub const POOL_PAGE: i64 = 20;

/// Everything a candidate sees about themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateHome {
    pub id: i64,
    pub email: String,
    pub email_confirmed: bool,
    pub handoff_consent: bool,
    pub recontact_consent: bool,
    pub company_name: String,
    pub profile: ProfileInput,
    pub profile_complete: bool,
    pub in_pool: bool,
    /// The agency holding the data now, and since when.
    pub holder: Option<(String, i64)>,
}

/// The pool's filters, as typed in the search form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct PoolQuery {
    #[serde(default)]
    pub job_type: String,
    #[serde(default)]
    pub prefecture: String,
    #[serde(default)]
    pub skill: String,
    #[serde(default)]
    pub min_years: String,
    #[serde(default)]
    pub q: String,
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

/// What an agency sees of one candidate: the summary, and contact details only while it holds the claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateDetail {
    pub id: i64,
    pub prefecture: Option<i64>,
    pub job_types: String,
    pub skills: String,
    pub years_experience: Option<i64>,
    pub desired_salary: Option<i64>,
    pub languages: String,
    pub summary: String,
    pub contact: Option<Contact>,
    /// The open claim of the viewing agency on this candidate.
    pub my_claim_id: Option<i64>,
    /// Whether another agency holds the candidate.
    pub claimed_by_other: bool,
}

/// Contact details, given only to the agency that holds the claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub name_kana: String,
    pub email: String,
    pub phone: String,
}

/// What opting in did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptIn {
    pub candidate_id: i64,
    /// The address already belonged to a candidate: nothing new was stored.
    pub existing: bool,
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{
        auth::keyed_hash,
        consent::{ConsentKind, NOTICE_VERSION},
        credit,
        db::{self, Pool},
        email::Email,
        error::Result,
        profile::{JobType, Prefecture, Profile},
        relay::{self, RelayCode},
        settings,
        time::{now, DAY},
        UserError,
    };
    use sqlx::Row;

    /// Opts a candidate in through a relay link, recording hand-off (and optional re-contact) consent.
    /// An address that is already known changes nothing: its owner is simply sent a sign-in link.
    #[tracing::instrument(skip_all)]
    pub async fn opt_in(
        pool: &Pool,
        code: &RelayCode,
        email: &Email,
        recontact: bool,
    ) -> Result<OptIn> {
        let mut tx = db::begin(pool).await?;
        let (link_id, company_id) = relay::resolve_live(&mut *tx, code).await?;
        if let Some(id) = sqlx::query_scalar::<_, i64>("SELECT id FROM candidates WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(&mut *tx)
            .await?
        {
            return Ok(OptIn {
                candidate_id: id,
                existing: true,
            });
        }
        let t = now();
        let inserted = sqlx::query_scalar::<_, i64>(
            "INSERT INTO candidates (company_id, relay_link_id, email, handoff_consent, recontact_consent, created_at, updated_at)
             VALUES ($1, $2, $3, 1, $4, $5, $5) RETURNING id",
        )
        .bind(company_id)
        .bind(link_id)
        .bind(email.as_str())
        .bind(recontact as i64)
        .bind(t)
        .fetch_one(&mut *tx)
        .await;
        let id = match inserted {
            Ok(id) => id,
            // The same address opted in at the same moment elsewhere: that one stands.
            Err(e) if db::is_unique_violation(&e) => {
                tx.rollback().await?;
                let id = sqlx::query_scalar("SELECT id FROM candidates WHERE email = $1")
                    .bind(email.as_str())
                    .fetch_one(pool)
                    .await?;
                return Ok(OptIn {
                    candidate_id: id,
                    existing: true,
                });
            }
            Err(e) => return Err(e.into()),
        };
        record_consent(&mut tx, id, ConsentKind::Handoff).await?;
        if recontact {
            record_consent(&mut tx, id, ConsentKind::Recontact).await?;
        }
        // An applicant the company invited answers the invitation by opting in.
        crate::invitation::opted_in(&mut tx, company_id, email, id).await?;
        tx.commit().await?;
        Ok(OptIn {
            candidate_id: id,
            existing: false,
        })
    }

    async fn record_consent(
        conn: &mut sqlx::AnyConnection,
        candidate_id: i64,
        kind: ConsentKind,
    ) -> Result<()> {
        let scope = match kind {
            ConsentKind::Handoff => crate::consent::HANDOFF_ITEMS,
            ConsentKind::Recontact => "recontact_by_relaying_company",
        };
        sqlx::query(
            "INSERT INTO consents (candidate_id, kind, notice_version, scope, granted_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5, $5)",
        )
        .bind(candidate_id)
        .bind(kind.code())
        .bind(NOTICE_VERSION)
        .bind(scope)
        .bind(now())
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Marks the address confirmed (a sign-in link reached it) and re-checks qualification.
    pub async fn confirm_email(pool: &Pool, candidate_id: i64) -> Result<()> {
        let mut tx = db::begin(pool).await?;
        sqlx::query("UPDATE candidates SET email_confirmed_at = $1, updated_at = $1 WHERE id = $2 AND email_confirmed_at IS NULL")
            .bind(now())
            .bind(candidate_id)
            .execute(&mut *tx)
            .await?;
        refresh(&mut tx, candidate_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Saves a validated profile and re-checks qualification, all or nothing.
    #[tracing::instrument(skip(pool, p))]
    pub async fn save_profile(pool: &Pool, candidate_id: i64, p: &Profile) -> Result<()> {
        let mut tx = db::begin(pool).await?;
        let t = now();
        let job_types: Vec<&str> = p.job_types.iter().map(|j| j.code()).collect();
        let r = sqlx::query(
            "UPDATE candidates SET name = $1, name_kana = $2, phone = $3, prefecture = $4, job_types = $5, skills = $6,
             years_experience = $7, desired_salary = $8, languages = $9, summary = $10, search_text = $11,
             profile_completed_at = COALESCE(profile_completed_at, $12), updated_at = $12
             WHERE id = $13 AND status = 'active'",
        )
        .bind(&p.name)
        .bind(&p.name_kana)
        .bind(p.phone.as_deref())
        .bind(p.prefecture.code() as i64)
        .bind(job_types.join(","))
        .bind(p.skills.join(", "))
        .bind(p.years_experience as i64)
        .bind(p.desired_salary.map(i64::from))
        .bind(&p.languages)
        .bind(&p.summary)
        .bind(p.search_text())
        .bind(t)
        .bind(candidate_id)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Err(UserError::NotFound.into());
        }
        sqlx::query("DELETE FROM candidate_job_types WHERE candidate_id = $1")
            .bind(candidate_id)
            .execute(&mut *tx)
            .await?;
        for j in &job_types {
            sqlx::query("INSERT INTO candidate_job_types (candidate_id, job_type) VALUES ($1, $2)")
                .bind(candidate_id)
                .bind(*j)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("DELETE FROM candidate_skills WHERE candidate_id = $1")
            .bind(candidate_id)
            .execute(&mut *tx)
            .await?;
        let mut skills: Vec<String> = p.skills.iter().map(|s| s.to_lowercase()).collect();
        skills.sort();
        skills.dedup();
        for s in &skills {
            sqlx::query("INSERT INTO candidate_skills (candidate_id, skill) VALUES ($1, $2)")
                .bind(candidate_id)
                .bind(s)
                .execute(&mut *tx)
                .await?;
        }
        refresh(&mut tx, candidate_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Gives or withdraws a consent. Withdrawing hand-off takes the candidate out of the pool and
    /// ends any claim at once.
    #[tracing::instrument(skip(pool))]
    pub async fn set_consent(
        pool: &Pool,
        candidate_id: i64,
        kind: ConsentKind,
        granted: bool,
    ) -> Result<()> {
        let mut tx = db::begin(pool).await?;
        let t = now();
        let column = match kind {
            ConsentKind::Handoff => {
                "UPDATE candidates SET handoff_consent = $1, updated_at = $2 WHERE id = $3"
            }
            ConsentKind::Recontact => {
                "UPDATE candidates SET recontact_consent = $1, updated_at = $2 WHERE id = $3"
            }
        };
        sqlx::query(column)
            .bind(granted as i64)
            .bind(t)
            .bind(candidate_id)
            .execute(&mut *tx)
            .await?;
        if granted {
            let open: Option<i64> = sqlx::query_scalar("SELECT id FROM consents WHERE candidate_id = $1 AND kind = $2 AND withdrawn_at IS NULL")
                .bind(candidate_id)
                .bind(kind.code())
                .fetch_optional(&mut *tx)
                .await?;
            if open.is_none() {
                record_consent(&mut tx, candidate_id, kind).await?;
            }
        } else {
            sqlx::query("UPDATE consents SET withdrawn_at = $1, updated_at = $1 WHERE candidate_id = $2 AND kind = $3 AND withdrawn_at IS NULL")
                .bind(t)
                .bind(candidate_id)
                .bind(kind.code())
                .execute(&mut *tx)
                .await?;
            if kind == ConsentKind::Handoff {
                sqlx::query("UPDATE claims SET ended_at = $1, end_reason = 'withdrawn', updated_at = $1 WHERE candidate_id = $2 AND ended_at IS NULL")
                    .bind(t)
                    .bind(candidate_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        refresh(&mut tx, candidate_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Recomputes whether the candidate is in the pool and, the first time they qualify,
    /// counts the relay for their company and awards any credit it completes.
    pub(crate) async fn refresh(conn: &mut sqlx::AnyConnection, candidate_id: i64) -> Result<()> {
        let row = sqlx::query(
            "SELECT company_id, email, phone, email_confirmed_at, handoff_consent, profile_completed_at, qualified_at, status FROM candidates WHERE id = $1",
        )
        .bind(candidate_id)
        .fetch_one(&mut *conn)
        .await?;
        let eligible = row
            .try_get::<Option<i64>, _>("email_confirmed_at")?
            .is_some()
            && row.try_get::<i64, _>("handoff_consent")? == 1
            && row
                .try_get::<Option<i64>, _>("profile_completed_at")?
                .is_some()
            && row.try_get::<String, _>("status")? == "active"
            && !placed(&mut *conn, candidate_id).await?;
        let t = now();
        sqlx::query("UPDATE candidates SET in_pool = $1 WHERE id = $2")
            .bind(eligible as i64)
            .bind(candidate_id)
            .execute(&mut *conn)
            .await?;
        if !eligible || row.try_get::<Option<i64>, _>("qualified_at")?.is_some() {
            return Ok(());
        }
        sqlx::query("UPDATE candidates SET qualified_at = $1 WHERE id = $2")
            .bind(t)
            .bind(candidate_id)
            .execute(&mut *conn)
            .await?;
        let company_id: i64 = row.try_get("company_id")?;
        let email: Option<String> = row.try_get("email")?;
        let phone: Option<String> = row.try_get("phone")?;
        // Keyed hashes of the canonical address and phone: they outlive erasure, so without the
        // secret key they must not lead back to the person.
        let pepper = db::secret(conn, "person_key").await?;
        let email = email
            .and_then(|e| crate::Email::parse(&e).ok())
            .map(|e| e.canonical())
            .unwrap_or_default();
        let person_key = keyed_hash(&pepper, &format!("email:{email}"));
        let phone_key = phone.map(|p| {
            keyed_hash(
                &pepper,
                &format!("phone:{}", crate::profile::canonical_phone(&p)),
            )
        });
        let mut persons: Vec<&String> = std::iter::once(&person_key).chain(&phone_key).collect();
        persons.sort();
        for key in persons {
            db::lock_person(conn, key).await?;
        }
        db::lock_company(conn, company_id).await?;
        let s = settings::load(&mut *conn).await?;
        // The first company that relayed this person within the window keeps the relay.
        let earlier: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM relays WHERE qualified_at > $1 AND (person_key = $2 OR phone_key = $3) LIMIT 1",
        )
        .bind(t - s.attribution_days * DAY)
        .bind(&person_key)
        .bind(phone_key.clone().unwrap_or_else(|| person_key.clone()))
        .fetch_optional(&mut *conn)
        .await?;
        if earlier.is_some() {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO relays (company_id, candidate_id, person_key, phone_key, qualified_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5, $5)
             ON CONFLICT (company_id, person_key) DO NOTHING",
        )
        .bind(company_id)
        .bind(candidate_id)
        .bind(&person_key)
        .bind(phone_key)
        .bind(t)
        .execute(&mut *conn)
        .await?;
        credit::award_relay_credits(conn, company_id, s.relays_per_credit).await
    }

    /// Whether the candidate was placed (a placement that was not withdrawn): they are hired and
    /// leave the pool for good.
    async fn placed(conn: &mut sqlx::AnyConnection, candidate_id: i64) -> Result<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM placements WHERE candidate_id = $1 AND status <> 'rejected' LIMIT 1",
        )
        .bind(candidate_id)
        .fetch_optional(conn)
        .await?;
        Ok(found.is_some())
    }

    /// The candidate's own page.
    pub async fn home(pool: &Pool, candidate_id: i64) -> Result<CandidateHome> {
        let r = sqlx::query(
            "SELECT c.*, co.name AS company_name FROM candidates c JOIN companies co ON co.id = c.company_id WHERE c.id = $1",
        )
        .bind(candidate_id)
        .fetch_optional(pool)
        .await?
        .ok_or(UserError::NotFound)?;
        let holder = sqlx::query(
            "SELECT a.name, k.claimed_at FROM claims k JOIN agencies a ON a.id = k.agency_id WHERE k.candidate_id = $1 AND k.ended_at IS NULL",
        )
        .bind(candidate_id)
        .fetch_optional(pool)
        .await?
        .map(|h| (h.get::<String, _>("name"), h.get::<i64, _>("claimed_at")));
        let s = |col: &str| {
            r.try_get::<Option<String>, _>(col)
                .ok()
                .flatten()
                .unwrap_or_default()
        };
        let n = |col: &str| {
            r.try_get::<Option<i64>, _>(col)
                .ok()
                .flatten()
                .map(|v| v.to_string())
                .unwrap_or_default()
        };
        let job_types = s("job_types");
        let mut jt = job_types
            .split(',')
            .filter(|j| !j.is_empty())
            .map(str::to_owned);
        Ok(CandidateHome {
            id: candidate_id,
            email: s("email"),
            email_confirmed: r.try_get::<Option<i64>, _>("email_confirmed_at")?.is_some(),
            handoff_consent: r.try_get::<i64, _>("handoff_consent")? == 1,
            recontact_consent: r.try_get::<i64, _>("recontact_consent")? == 1,
            company_name: r.try_get("company_name")?,
            profile: ProfileInput {
                name: s("name"),
                name_kana: s("name_kana"),
                phone: s("phone"),
                prefecture: n("prefecture"),
                job_type_1: jt.next().unwrap_or_default(),
                job_type_2: jt.next().unwrap_or_default(),
                job_type_3: jt.next().unwrap_or_default(),
                skills: s("skills"),
                years_experience: n("years_experience"),
                desired_salary: n("desired_salary"),
                languages: s("languages"),
                summary: s("summary"),
            },
            profile_complete: r
                .try_get::<Option<i64>, _>("profile_completed_at")?
                .is_some(),
            in_pool: r.try_get::<i64, _>("in_pool")? == 1,
            holder,
        })
    }

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
        Ok(Filters {
            job_type: opt(&q.job_type).map(|j| JobType::parse(&j)).transpose()?,
            prefecture: opt(&q.prefecture)
                .map(|p| Prefecture::parse(&p))
                .transpose()?,
            skill: opt(&q.skill).map(norm),
            min_years: opt(&q.min_years)
                .map(|y| {
                    norm(y)
                        .parse::<u8>()
                        .map(i64::from)
                        .map_err(|_| UserError::InvalidNumber)
                })
                .transpose()?,
            q: opt(&q.q).map(norm),
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

    /// One candidate as an agency may see them: in the pool, or claimed by this agency.
    pub async fn detail_for_agency(
        pool: &Pool,
        agency_id: i64,
        candidate_id: i64,
    ) -> Result<CandidateDetail> {
        let r = sqlx::query(
            "SELECT c.*, k.id AS claim_id, k.agency_id AS claim_agency FROM candidates c
             LEFT JOIN claims k ON k.candidate_id = c.id AND k.ended_at IS NULL AND k.expires_at > $1
             WHERE c.id = $2",
        )
        .bind(now())
        .bind(candidate_id)
        .fetch_optional(pool)
        .await?
        .ok_or(UserError::NotFound)?;
        let claim_agency: Option<i64> = r.try_get("claim_agency")?;
        let mine = claim_agency == Some(agency_id);
        let in_pool = r.try_get::<i64, _>("in_pool")? == 1;
        if !in_pool && !mine {
            return Err(UserError::NotFound.into());
        }
        let s = |col: &str| {
            r.try_get::<Option<String>, _>(col)
                .ok()
                .flatten()
                .unwrap_or_default()
        };
        Ok(CandidateDetail {
            id: candidate_id,
            prefecture: r.try_get("prefecture")?,
            job_types: s("job_types"),
            skills: s("skills"),
            years_experience: r.try_get("years_experience")?,
            desired_salary: r.try_get("desired_salary")?,
            languages: s("languages"),
            summary: s("summary"),
            contact: mine.then(|| Contact {
                name: s("name"),
                name_kana: s("name_kana"),
                email: s("email"),
                phone: s("phone"),
            }),
            my_claim_id: if mine { r.try_get("claim_id")? } else { None },
            claimed_by_other: claim_agency.is_some() && !mine,
        })
    }
}

#[cfg(feature = "db")]
pub(crate) use store::refresh;
#[cfg(feature = "db")]
pub use store::{
    confirm_email, detail_for_agency, home, opt_in, pool_page, save_profile, set_consent,
};
