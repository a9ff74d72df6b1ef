//! Candidates: opt-in through a relay link, the profile, consent, and what an agency sees of one.

use crate::profile::ProfileInput;
use serde::{Deserialize, Serialize};

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
    /// Whether they are looking for a job (only those looking are in the pool).
    pub search_status: crate::ask::SearchStatus,
    /// The agency holding the data now, and since when.
    pub holder: Option<(String, i64)>,
    /// Which of the candidate's other records exist: the page reads only those.
    pub on_file: OnFile,
}

/// What the candidate's page has to show besides the profile, read with it in one statement so
/// that a page with nothing more to show asks nothing more.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnFile {
    /// Provision records (someone was given their data).
    pub provisions: bool,
    /// Placements reported for them.
    pub placements: bool,
    /// Introductions to a company's referral request.
    pub introductions: bool,
    /// A consent notice published after the one their hand-off consent was given under.
    pub newer_notice: bool,
}

/// What an agency sees of one candidate: the summary, and contact details only while it holds the claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// Days a claim lasts without recorded progress (the platform's setting).
    pub claim_days: i64,
}

/// Contact details, given only to the agency that holds the claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    pub name: String,
    pub name_kana: String,
    pub email: String,
    pub phone: String,
}

/// An opt-in as the candidate asked for it, checked: the link, the address, and whether the
/// rejecting company may contact them again (hand-off consent is given, or there is no opt-in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptInRequest {
    pub code: crate::relay::RelayCode,
    pub email: crate::Email,
    pub recontact: bool,
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
        consent::ConsentKind,
        db::{self, OnUnique, Pool},
        email::Email,
        error::Result,
        profile::Profile,
        qualify,
        relay::{self, RelayCode},
        time::now,
        UserError,
    };
    use sqlx::Row;

    /// Opts a candidate in through a relay link, recording hand-off (and optional re-contact) consent.
    /// An address that is already known keeps what it has: its owner is sent a sign-in link, and
    /// the opt-in is a relay event of this company (see `relayed_again`).
    #[tracing::instrument(skip_all)]
    pub async fn opt_in(
        pool: &Pool,
        code: &RelayCode,
        email: &Email,
        recontact: bool,
    ) -> Result<OptIn> {
        opt_in_from(pool, code, email, recontact, None).await
    }

    /// `opt_in` from a network (its prefix, see `farming::network`), which the farming rules
    /// read.
    #[tracing::instrument(skip_all)]
    pub async fn opt_in_from(
        pool: &Pool,
        code: &RelayCode,
        email: &Email,
        recontact: bool,
        network: Option<&str>,
    ) -> Result<OptIn> {
        let mut tx = db::begin(pool).await?;
        let (link_id, company_id) = relay::resolve_live(&mut *tx, code).await?;
        if let Some(id) = sqlx::query_scalar::<_, i64>("SELECT id FROM candidates WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(&mut *tx)
            .await?
        {
            // A person known already, relayed by this company (perhaps another one's link
            // brought them first): the relay event is recorded once per company, and may
            // qualify for it (see `qualify::relay_again`).
            relayed_again(&mut tx, id, company_id, link_id, network).await?;
            tx.commit().await?;
            return Ok(OptIn {
                candidate_id: id,
                existing: true,
            });
        }
        let t = now();
        let inserted = sqlx::query_scalar::<_, i64>(
            "INSERT INTO candidates (company_id, relay_link_id, email, handoff_consent, recontact_consent, active_at, opted_in_at, created_at, updated_at)
             VALUES ($1, $2, $3, 1, $4, $5, $5, $5, $5) RETURNING id",
        )
        .bind(company_id)
        .bind(link_id)
        .bind(email.as_str())
        .bind(recontact as i64)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .none_on_unique()?;
        let id = match inserted {
            Some(id) => {
                sqlx::query("UPDATE companies SET opt_ins = opt_ins + 1 WHERE id = $1")
                    .bind(company_id)
                    .execute(&mut *tx)
                    .await?;
                id
            }
            // The same address opted in at the same moment elsewhere: that one stands.
            None => {
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
        };
        sqlx::query(
            "INSERT INTO relay_events (candidate_id, company_id, relay_link_id, network, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(company_id)
        .bind(link_id)
        .bind(network)
        .bind(t)
        .execute(&mut *tx)
        .await?;
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

    /// A known person opted in through `company_id`'s link: the first time for this company it
    /// is an opt-in the company sees, and a relay that qualifies for it when the person's last
    /// qualifying relay is older than the attribution window.
    async fn relayed_again(
        conn: &mut sqlx::AnyConnection,
        candidate_id: i64,
        company_id: i64,
        link_id: i64,
        network: Option<&str>,
    ) -> Result<()> {
        let new = sqlx::query(
            "INSERT INTO relay_events (candidate_id, company_id, relay_link_id, network, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (candidate_id, company_id) DO NOTHING",
        )
        .bind(candidate_id)
        .bind(company_id)
        .bind(link_id)
        .bind(network)
        .bind(now())
        .execute(&mut *conn)
        .await?;
        if new.rows_affected() == 1 {
            sqlx::query("UPDATE companies SET opt_ins = opt_ins + 1 WHERE id = $1")
                .bind(company_id)
                .execute(&mut *conn)
                .await?;
            qualify::relay_again(conn, candidate_id, company_id).await?;
        }
        Ok(())
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
        let version = crate::consent::current(&mut *conn).await?.version;
        sqlx::query(
            "INSERT INTO consents (candidate_id, kind, notice_version, scope, granted_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5, $5)",
        )
        .bind(candidate_id)
        .bind(kind.code())
        .bind(version)
        .bind(scope)
        .bind(now())
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Marks the address confirmed (a sign-in link reached it) and re-checks qualification.
    pub async fn confirm_email(pool: &Pool, candidate_id: i64) -> Result<()> {
        let mut tx = db::begin(pool).await?;
        // Using a sign-in link is activity: the retention period starts again.
        sqlx::query("UPDATE candidates SET email_confirmed_at = COALESCE(email_confirmed_at, $1), active_at = $1, updated_at = $1 WHERE id = $2")
            .bind(now())
            .bind(candidate_id)
            .execute(&mut *tx)
            .await?;
        qualify::refresh(&mut tx, candidate_id).await?;
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
             profile_completed_at = COALESCE(profile_completed_at, $12), active_at = $12, updated_at = $12
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
        crate::pool::index(&mut tx, candidate_id, &p.search_text()).await?;
        sqlx::query("DELETE FROM candidate_job_types WHERE candidate_id = $1")
            .bind(candidate_id)
            .execute(&mut *tx)
            .await?;
        // Each job type carries the prefecture: the pool walks the pair as one index.
        for j in &job_types {
            sqlx::query("INSERT INTO candidate_job_types (candidate_id, job_type, prefecture) VALUES ($1, $2, $3)")
                .bind(candidate_id)
                .bind(*j)
                .bind(p.prefecture.code() as i64)
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
        qualify::refresh(&mut tx, candidate_id).await?;
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
                "UPDATE candidates SET handoff_consent = $1, active_at = $2, updated_at = $2,
                     opted_in_at = CASE WHEN $1 = 1 THEN COALESCE(opted_in_at, $2) ELSE opted_in_at END WHERE id = $3"
            }
            ConsentKind::Recontact => {
                "UPDATE candidates SET recontact_consent = $1, active_at = $2, updated_at = $2 WHERE id = $3"
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
        qualify::refresh(&mut tx, candidate_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The candidate's own page.
    pub async fn home(pool: &Pool, candidate_id: i64) -> Result<CandidateHome> {
        let found = |table: &str| {
            format!("CASE WHEN EXISTS (SELECT 1 FROM {table} t WHERE t.candidate_id = c.id) THEN 1 ELSE 0 END")
        };
        let r = sqlx::query(&format!(
            "SELECT c.*, co.name AS company_name, a.name AS holder_name, k.claimed_at AS holder_since,
                 {} AS has_provisions, {} AS has_placements, {} AS has_introductions, {} AS newer_notice
             FROM candidates c JOIN companies co ON co.id = c.company_id
             LEFT JOIN claims k ON k.candidate_id = c.id AND k.ended_at IS NULL
             LEFT JOIN agencies a ON a.id = k.agency_id
             WHERE c.id = $1",
            found("provision_records"),
            found("placements"),
            found("introductions"),
            crate::consent::newer_notice("c"),
        ))
        .bind(candidate_id)
        .fetch_optional(pool)
        .await?
        .ok_or(UserError::NotFound)?;
        let holder = match r.try_get::<Option<String>, _>("holder_name")? {
            Some(agency) => Some((agency, r.try_get::<i64, _>("holder_since")?)),
            None => None,
        };
        let flag = |col: &str| r.try_get::<i64, _>(col).map(|v| v == 1);
        let on_file = OnFile {
            provisions: flag("has_provisions")?,
            placements: flag("has_placements")?,
            introductions: flag("has_introductions")?,
            newer_notice: flag("newer_notice")?,
        };
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
            search_status: crate::ask::SearchStatus::try_from(
                r.try_get::<String, _>("search_status")?,
            )?,
            holder,
            on_file,
        })
    }

    /// One candidate as an agency may see them: in the pool, or claimed by this agency.
    pub async fn detail_for_agency(
        pool: &Pool,
        agency_id: i64,
        candidate_id: i64,
    ) -> Result<CandidateDetail> {
        let r = sqlx::query(
            "SELECT c.*, k.id AS claim_id, k.agency_id AS claim_agency,
                 (SELECT s.value FROM settings s WHERE s.key = 'claim_days') AS claim_days
             FROM candidates c
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
            claim_days: r
                .try_get::<Option<i64>, _>("claim_days")?
                .unwrap_or(crate::settings::Settings::default().claim_days),
        })
    }
}

#[cfg(feature = "db")]
pub use store::{
    confirm_email, detail_for_agency, home, opt_in, opt_in_from, save_profile, set_consent,
};
