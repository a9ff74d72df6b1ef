//! Free referral requests (docs/design.md, "Free referral request", "Introduction"): a company
//! spends a credit to ask the agency network for a candidate for one position; agencies accept
//! it and introduce candidates they hold; each candidate agrees before the company sees them;
//! the company's screening results go back; 入社 fulfils the request, and a request cancelled
//! before any introduction, or closed at its deadline without a hire, gives the credit back.

use crate::{
    error::{FieldError, UserError},
    time::today,
};
use serde::{Deserialize, Serialize};

crate::code_enum! {
    /// The kind of employment a request offers.
    pub enum EmploymentType {
        FullTime = "full_time",
        Contract = "contract",
        PartTime = "part_time",
        Temporary = "temporary",
    }
}

crate::code_enum! {
    /// Where a request stands.
    pub enum RequestStatus {
        /// Agencies may introduce candidates.
        Open = "open",
        /// A candidate was hired (入社).
        Fulfilled = "fulfilled",
        /// The company cancelled it before any introduction; the credit came back.
        Cancelled = "cancelled",
        /// Its deadline passed without a hire; the credit came back.
        Expired = "expired",
    }
}

crate::code_enum! {
    /// Where an introduction stands.
    pub enum IntroductionStatus {
        /// Waiting for the candidate's answer.
        Asked = "asked",
        /// The candidate declined; the company never learns who it was.
        Declined = "declined",
        /// The candidate agreed; the company sees the profile.
        Agreed = "agreed",
        /// 書類選考通過.
        Passed = "passed",
        /// 面接.
        Interview = "interview",
        /// 内定.
        Offer = "offer",
        /// 入社: the request is fulfilled.
        Hired = "hired",
        /// 見送り.
        Rejected = "rejected",
        /// The candidate erased their data while it was open.
        Withdrawn = "withdrawn",
    }
}

crate::code_enum! {
    /// A screening result the company gives an introduction it has seen.
    pub enum Screening {
        Passed = "passed",
        Interview = "interview",
        Offer = "offer",
        Hired = "hired",
        Rejected = "rejected",
    }
}

crate::code_enum! {
    /// Why the company declined (見送り): told to the agency, never to the candidate.
    pub enum RejectReason {
        Skills = "skills",
        Experience = "experience",
        Salary = "salary",
        Conditions = "conditions",
        Filled = "filled",
        Other = "other",
    }
}

impl IntroductionStatus {
    /// Whether the company may still give a result: agreed and not yet hired or declined.
    pub fn screenable(self) -> bool {
        matches!(
            self,
            Self::Agreed | Self::Passed | Self::Interview | Self::Offer
        )
    }

    /// Whether the company sees the candidate's profile.
    pub fn shared(self) -> bool {
        !matches!(self, Self::Asked | Self::Declined | Self::Withdrawn)
    }
}

/// The form value of a remote position's prefecture.
pub const REMOTE: &str = "remote";
/// Salaries are in 万円 (10,000 yen), as profiles state them.
pub const MAX_SALARY: i64 = 10_000;
/// The furthest deadline a company may set.
pub const MAX_DEADLINE_DAYS: i64 = 365;
/// What an agency receives of the candidate when they agree (APPI Art. 29 records these).
pub const INTRODUCTION_ITEMS: &str =
    "name,prefecture,job_types,skills,years_experience,desired_salary,languages,summary";

/// The request form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "title": "経理スタッフ", "job_type": "accounting", "prefecture": "13",
    "employment_type": "full_time", "salary_min": "400", "salary_max": "550", "min_years": "3",
    "must_have": "経理、月次決算", "nice_to_have": "英語", "agency_notes": "面接は2回", "deadline": ""
})))]
pub struct RequestInput {
    /// The position, 1 to 100 characters on one line.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::field::line_schema::<100>))]
    pub title: String,
    /// The job type code (as profiles use them).
    pub job_type: String,
    /// A prefecture code 1–47, or `remote`.
    pub prefecture: String,
    /// `full_time`, `contract`, `part_time` or `temporary`.
    pub employment_type: String,
    /// Lowest annual salary in 万円 (0–10000).
    pub salary_min: String,
    /// Highest annual salary in 万円 (0–10000, at least the lowest).
    pub salary_max: String,
    /// Years of experience required (0–50); empty for none.
    #[serde(default)]
    pub min_years: String,
    /// Must-have requirements, comma- or line-separated, up to 1,000 characters.
    #[serde(default)]
    pub must_have: String,
    /// Nice-to-have requirements, up to 1,000 characters.
    #[serde(default)]
    pub nice_to_have: String,
    /// For agencies only: deal-breakers, the interview flow; up to 2,000 characters.
    #[serde(default)]
    pub agency_notes: String,
    /// The last day, `YYYY-MM-DD` after today and within a year; empty for the platform's default.
    #[serde(default)]
    pub deadline: String,
}

/// A valid request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    pub title: String,
    pub job_type: crate::profile::JobType,
    /// `None` for a remote position.
    pub prefecture: Option<crate::profile::Prefecture>,
    pub employment_type: EmploymentType,
    pub salary_min: i64,
    pub salary_max: i64,
    pub min_years: i64,
    pub must_have: String,
    pub nice_to_have: String,
    pub agency_notes: String,
    /// The last day; `None` for the platform's default.
    pub deadline: Option<chrono::NaiveDate>,
}

impl TryFrom<&RequestInput> for NewRequest {
    type Error = Vec<FieldError>;

    fn try_from(f: &RequestInput) -> Result<Self, Self::Error> {
        let mut errors = Vec::new();
        let mut keep = |field: &str, r: Result<Option<String>, UserError>| {
            r.map_err(|e| errors.push(FieldError::new(field, e)))
                .ok()
                .flatten()
                .unwrap_or_default()
        };
        let title = keep("title", crate::field::line(&f.title, 100, true));
        let must_have = keep("must_have", crate::field::text(&f.must_have, 1000, false));
        let nice_to_have = keep(
            "nice_to_have",
            crate::field::text(&f.nice_to_have, 1000, false),
        );
        let agency_notes = keep(
            "agency_notes",
            crate::field::text(&f.agency_notes, 2000, false),
        );
        let mut check = |field: &str, raw: &str, max: i64, required: bool| {
            let max = u32::try_from(max).unwrap_or(u32::MAX);
            crate::field::number(raw, max, required)
                .map_err(|e| errors.push(FieldError::new(field, e)))
                .ok()
                .flatten()
                .map(i64::from)
        };
        let salary_min = check("salary_min", &f.salary_min, MAX_SALARY, true);
        let salary_max = check("salary_max", &f.salary_max, MAX_SALARY, true);
        let min_years = check("min_years", &f.min_years, 50, false).unwrap_or(0);
        let job_type = crate::profile::JobType::parse(&f.job_type)
            .map_err(|e| errors.push(FieldError::new("job_type", e)))
            .ok();
        let prefecture = match f.prefecture.trim() {
            REMOTE => Some(None),
            raw => crate::profile::Prefecture::parse(raw)
                .map(Some)
                .map_err(|e| errors.push(FieldError::new("prefecture", e)))
                .ok(),
        };
        let employment_type = match f.employment_type.trim() {
            "" => {
                errors.push(FieldError::new("employment_type", UserError::Required));
                None
            }
            raw => EmploymentType::from_code(raw)
                .ok_or_else(|| errors.push(FieldError::new("employment_type", UserError::NotFound)))
                .ok(),
        };
        if let (Some(lo), Some(hi)) = (salary_min, salary_max) {
            if lo > hi {
                errors.push(FieldError::new("salary_max", UserError::InvalidRange));
            }
        }
        let deadline = match f.deadline.trim() {
            "" => Some(None),
            raw => match crate::field::date(raw) {
                Ok(d) if d <= today() => {
                    errors.push(FieldError::new("deadline", UserError::DateInPast));
                    None
                }
                Ok(d) if (d - today()).num_days() > MAX_DEADLINE_DAYS => {
                    errors.push(FieldError::new("deadline", UserError::OutOfRange));
                    None
                }
                Ok(d) => Some(Some(d)),
                Err(e) => {
                    errors.push(FieldError::new("deadline", e));
                    None
                }
            },
        };
        match (
            job_type,
            prefecture,
            employment_type,
            salary_min,
            salary_max,
            deadline,
        ) {
            (
                Some(job_type),
                Some(prefecture),
                Some(employment_type),
                Some(lo),
                Some(hi),
                Some(deadline),
            ) if errors.is_empty() => Ok(NewRequest {
                title,
                job_type,
                prefecture,
                employment_type,
                salary_min: lo,
                salary_max: hi,
                min_years,
                must_have,
                nice_to_have,
                agency_notes,
                deadline,
            }),
            _ => Err(errors),
        }
    }
}

/// The recommendation an agency sends with an introduction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recommendation(String);

impl Recommendation {
    /// 1 to 1,000 characters.
    pub fn parse(raw: &str) -> Result<Self, UserError> {
        crate::field::text(raw, 1000, true).map(|t| Self(t.unwrap_or_default()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A request as its company and the agencies see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestView {
    pub id: i64,
    pub company_name: String,
    pub title: String,
    pub job_type: String,
    /// `null` for a remote position.
    pub prefecture: Option<i64>,
    #[cfg_attr(feature = "db", sqlx(try_from = "String"))]
    pub employment_type: EmploymentType,
    pub salary_min: i64,
    pub salary_max: i64,
    pub min_years: i64,
    pub must_have: String,
    pub nice_to_have: String,
    pub agency_notes: String,
    pub hires: i64,
    /// The unix time the deadline day ends.
    pub deadline: i64,
    #[cfg_attr(feature = "db", sqlx(try_from = "String"))]
    pub status: RequestStatus,
    pub created_at: i64,
    pub closed_at: Option<i64>,
    /// Agencies working on it.
    pub agencies: i64,
    /// Introductions so far (for an agency: its own).
    pub introductions: i64,
}

/// An agency that accepted a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptedBy {
    pub agency_name: String,
    pub accepted_at: i64,
}

/// The profile of a candidate who agreed to an introduction, as the company sees it. Contact
/// goes through the introducing agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntroducedProfile {
    pub name: String,
    pub prefecture: Option<i64>,
    pub job_types: String,
    pub skills: String,
    pub years_experience: Option<i64>,
    pub desired_salary: Option<i64>,
    pub languages: String,
    pub summary: String,
}

/// An introduction as the company sees it: its state, and the profile once the candidate agreed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompanyIntroduction {
    pub id: i64,
    pub agency_name: String,
    pub recommendation: Option<String>,
    pub status: IntroductionStatus,
    pub reason: Option<RejectReason>,
    pub created_at: i64,
    pub profile: Option<IntroducedProfile>,
}

/// A request with everything its company sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompanyRequest {
    pub request: RequestView,
    pub accepted_by: Vec<AcceptedBy>,
    pub introductions: Vec<CompanyIntroduction>,
}

/// One of an agency's own introductions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyIntroduction {
    pub id: i64,
    pub request_id: i64,
    pub candidate_id: Option<i64>,
    pub candidate_name: Option<String>,
    pub recommendation: String,
    #[cfg_attr(feature = "db", sqlx(try_from = "String"))]
    pub status: IntroductionStatus,
    pub reason: Option<String>,
    pub created_at: i64,
}

/// A candidate ranked for a request, with the rules that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ranked {
    pub candidate_id: i64,
    /// The agency's open claim on the candidate: only these can be introduced.
    pub claim_id: Option<i64>,
    /// The name, for a candidate the agency holds.
    pub name: Option<String>,
    pub job_types: String,
    pub prefecture: Option<i64>,
    pub years_experience: Option<i64>,
    pub desired_salary: Option<i64>,
    pub score: i64,
    /// The codes of the rules that matched (`job_type`, `prefecture`, `years`, `salary`,
    /// `must:<term>`, `nice:<term>`).
    pub rules: Vec<String>,
    /// Already introduced to this request.
    pub introduced: bool,
}

/// A request as an agency sees it: the request, whether it works on it, its own introductions
/// and the candidates ranked for it (those it holds first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyRequest {
    pub request: RequestView,
    pub accepted: bool,
    pub introductions: Vec<AgencyIntroduction>,
    pub held: Vec<Ranked>,
    pub pool: Vec<Ranked>,
}

/// The open requests' filters, as the query string and the API take them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct RequestQuery {
    /// A job type code.
    #[serde(default)]
    pub job_type: String,
    /// A prefecture code 1–47, or `remote`.
    #[serde(default)]
    pub prefecture: String,
    /// Only requests older than this id (the next page).
    #[serde(default)]
    pub after: String,
}

/// A page of open requests, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestPage {
    pub requests: Vec<RequestView>,
    /// The id to pass as `after` for the next page.
    pub next: Option<i64>,
}

/// Open requests per page.
pub const REQUEST_PAGE: i64 = 20;

/// An introduction as the candidate sees it: who asks, for what, and where it stands (never the
/// company's reasons).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct CandidateIntroduction {
    pub id: i64,
    pub company_name: String,
    pub title: String,
    pub agency_name: String,
    #[cfg_attr(feature = "db", sqlx(try_from = "String"))]
    pub status: IntroductionStatus,
    pub created_at: i64,
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{
        credit,
        db::{self, OnUnique, Pool},
        error::Result,
        matching,
        notice::{self, Notice, Wording},
        settings,
        time::now,
    };
    use sqlx::Row;

    const VIEW: &str = "SELECT r.id, c.name AS company_name, r.title, r.job_type, r.prefecture, r.employment_type,
            r.salary_min, r.salary_max, r.min_years, r.must_have, r.nice_to_have, r.agency_notes, r.hires,
            r.deadline, r.status, r.created_at, r.closed_at,
            (SELECT COUNT(*) FROM request_agencies a WHERE a.request_id = r.id) AS agencies";

    /// Opens a request and spends one credit on it, at once: with no credit left nothing is
    /// written. Two requests opened at the same instant on the last credit: one succeeds.
    #[tracing::instrument(skip(pool, r))]
    pub async fn open(pool: &Pool, company_id: i64, user_id: i64, r: &NewRequest) -> Result<i64> {
        let mut tx = db::begin(pool).await?;
        db::lock_company(&mut tx, company_id).await?;
        let t = now();
        let s = settings::load(&mut *tx).await?;
        let deadline = match r.deadline {
            Some(day) => crate::time::end_of_day(day),
            None => {
                crate::time::end_of_day(today() + chrono::Days::new(s.request_days.max(1) as u64))
            }
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO referral_requests (company_id, user_id, title, job_type, prefecture, employment_type,
                 salary_min, salary_max, min_years, must_have, nice_to_have, agency_notes, hires, deadline, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $14, $14) RETURNING id",
        )
        .bind(company_id)
        .bind(user_id)
        .bind(&r.title)
        .bind(r.job_type.code())
        .bind(r.prefecture.map(|p| i64::from(p.code())))
        .bind(r.employment_type.code())
        .bind(r.salary_min)
        .bind(r.salary_max)
        .bind(r.min_years)
        .bind(&r.must_have)
        .bind(&r.nice_to_have)
        .bind(&r.agency_notes)
        .bind(deadline)
        .bind(t)
        .fetch_one(&mut *tx)
        .await?;
        credit::redeem(&mut tx, company_id, &credit::redeemed_key(id)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Cancels a request of the company's that has no introduction yet; its credit comes back.
    #[tracing::instrument(skip(pool))]
    pub async fn cancel(pool: &Pool, company_id: i64, request_id: i64) -> Result<()> {
        let mut tx = db::begin(pool).await?;
        db::lock_company(&mut tx, company_id).await?;
        hold(&mut tx, request_id).await?;
        let row = sqlx::query(
            "SELECT status, (SELECT COUNT(*) FROM introductions i WHERE i.request_id = r.id) AS n
             FROM referral_requests r WHERE r.id = $1 AND r.company_id = $2",
        )
        .bind(request_id)
        .bind(company_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(UserError::NotFound)?;
        if row.try_get::<String, _>("status")? != RequestStatus::Open.code() {
            return Err(UserError::RequestClosed.into());
        }
        if row.try_get::<i64, _>("n")? > 0 {
            return Err(UserError::HasIntroductions.into());
        }
        close(&mut tx, company_id, request_id, RequestStatus::Cancelled).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Closes an open request without a hire and gives its credit back (once: the refund's
    /// reason key is the request's).
    async fn close(
        conn: &mut sqlx::AnyConnection,
        company_id: i64,
        request_id: i64,
        status: RequestStatus,
    ) -> Result<bool> {
        let t = now();
        let closed = sqlx::query(
            "UPDATE referral_requests SET status = $1, closed_at = $2, updated_at = $2 WHERE id = $3 AND status = 'open'",
        )
        .bind(status.code())
        .bind(t)
        .bind(request_id)
        .execute(&mut *conn)
        .await?;
        if closed.rows_affected() == 0 {
            return Ok(false);
        }
        credit::refund(
            conn,
            company_id,
            &credit::redeemed_key(request_id),
            &credit::refunded_key(request_id),
        )
        .await
    }

    /// Closes every open request whose deadline passed without a hire and refunds its credit;
    /// returns how many. Safe on every instance at once: each request closes once.
    #[tracing::instrument(skip_all)]
    pub async fn close_due(pool: &Pool, wording: &dyn Wording) -> Result<u64> {
        let due: Vec<(i64, i64, String)> = sqlx::query(
            "SELECT id, company_id, title FROM referral_requests WHERE status = 'open' AND deadline <= $1 ORDER BY deadline LIMIT 200",
        )
        .bind(now())
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("company_id")?, r.try_get("title")?)))
        .collect::<Result<_, sqlx::Error>>()?;
        let mut n = 0;
        for (id, company_id, title) in due {
            let mut tx = db::begin(pool).await?;
            db::lock_company(&mut tx, company_id).await?;
            if close(&mut tx, company_id, id, RequestStatus::Expired).await? {
                let to = notice::company_members(&mut tx, company_id).await?;
                let notice = Notice::RequestRefunded {
                    request_id: id,
                    title,
                };
                notice::send(&mut tx, wording, &to, &notice).await?;
                n += 1;
            }
            tx.commit().await?;
        }
        Ok(n)
    }

    /// A page of `rows` of the company's requests, newest first: those before `after` (a
    /// request's id), or the latest.
    pub async fn for_company(
        pool: &Pool,
        company_id: i64,
        after: Option<i64>,
        rows: i64,
    ) -> Result<RequestPage> {
        let mut requests: Vec<RequestView> = sqlx::query_as(&format!(
            "{VIEW}, (SELECT COUNT(*) FROM introductions i WHERE i.request_id = r.id) AS introductions
             FROM referral_requests r JOIN companies c ON c.id = r.company_id
             WHERE r.company_id = $1 AND r.id < $2 ORDER BY r.id DESC LIMIT $3"
        ))
        .bind(company_id)
        .bind(after.unwrap_or(i64::MAX))
        .bind(rows + 1)
        .fetch_all(pool)
        .await?;
        let next = crate::keyset::cut(&mut requests, rows, |r| r.id);
        Ok(RequestPage { requests, next })
    }

    /// One of the company's requests with the agencies on it and every introduction; the
    /// profile of each candidate who agreed (and is still active).
    pub async fn for_company_one(
        pool: &Pool,
        company_id: i64,
        request_id: i64,
    ) -> Result<CompanyRequest> {
        let request: RequestView = sqlx::query_as(&format!(
            "{VIEW}, (SELECT COUNT(*) FROM introductions i WHERE i.request_id = r.id) AS introductions
             FROM referral_requests r JOIN companies c ON c.id = r.company_id
             WHERE r.id = $1 AND r.company_id = $2"
        ))
        .bind(request_id)
        .bind(company_id)
        .fetch_optional(pool)
        .await?
        .ok_or(UserError::NotFound)?;
        let accepted_by = sqlx::query_as(
            "SELECT a.name AS agency_name, x.accepted_at FROM request_agencies x JOIN agencies a ON a.id = x.agency_id
             WHERE x.request_id = $1 ORDER BY x.accepted_at",
        )
        .bind(request_id)
        .fetch_all(pool)
        .await?;
        let rows = sqlx::query(
            "SELECT i.id, a.name AS agency_name, i.recommendation, i.status, i.reason, i.created_at,
                 CASE WHEN c.status = 'active' AND c.handoff_consent = 1 THEN 'active' ELSE 'gone' END AS candidate_status, c.name, c.prefecture, c.job_types, c.skills, c.years_experience,
                 c.desired_salary, c.languages, c.summary
             FROM introductions i JOIN agencies a ON a.id = i.agency_id
             LEFT JOIN candidates c ON c.id = i.candidate_id
             WHERE i.request_id = $1 ORDER BY i.id",
        )
        .bind(request_id)
        .fetch_all(pool)
        .await?;
        let mut introductions = Vec::with_capacity(rows.len());
        for r in rows {
            let status = IntroductionStatus::try_from(r.try_get::<String, _>("status")?)?;
            let active = r
                .try_get::<Option<String>, _>("candidate_status")?
                .as_deref()
                == Some("active");
            // A withdrawn or erased candidate disappears from the request at once.
            if !active {
                continue;
            }
            let profile = if status.shared() {
                Some(IntroducedProfile {
                    name: r.try_get::<Option<String>, _>("name")?.unwrap_or_default(),
                    prefecture: r.try_get("prefecture")?,
                    job_types: r.try_get("job_types")?,
                    skills: r.try_get("skills")?,
                    years_experience: r.try_get("years_experience")?,
                    desired_salary: r.try_get("desired_salary")?,
                    languages: r.try_get("languages")?,
                    summary: r.try_get("summary")?,
                })
            } else {
                None
            };
            introductions.push(CompanyIntroduction {
                id: r.try_get("id")?,
                agency_name: r.try_get("agency_name")?,
                recommendation: status
                    .shared()
                    .then(|| r.try_get::<String, _>("recommendation"))
                    .transpose()?,
                status,
                reason: r
                    .try_get::<Option<String>, _>("reason")?
                    .and_then(|c| RejectReason::from_code(&c)),
                created_at: r.try_get("created_at")?,
                profile,
            });
        }
        Ok(CompanyRequest {
            request,
            accepted_by,
            introductions,
        })
    }

    /// Open requests, newest first, filtered like the pool; the agency's own introductions counted.
    pub async fn open_requests(
        pool: &Pool,
        agency_id: i64,
        q: &RequestQuery,
    ) -> Result<RequestPage> {
        let mut sql = format!(
            "{VIEW}, (SELECT COUNT(*) FROM introductions i WHERE i.request_id = r.id AND i.agency_id = $1) AS introductions
             FROM referral_requests r JOIN companies c ON c.id = r.company_id
             WHERE r.status = 'open' AND r.id < $2"
        );
        let job_type = crate::profile::JobType::from_code(q.job_type.trim());
        let prefecture = match q.prefecture.trim() {
            "" => None,
            REMOTE => Some(None),
            p => p.parse::<i64>().ok().map(Some),
        };
        if job_type.is_some() {
            sql.push_str(" AND r.job_type = $3");
        } else {
            sql.push_str(" AND $3 = $3");
        }
        match prefecture {
            Some(Some(_)) => sql.push_str(" AND r.prefecture = $4"),
            Some(None) => sql.push_str(" AND r.prefecture IS NULL AND $4 = $4"),
            None => sql.push_str(" AND $4 = $4"),
        }
        sql.push_str(" ORDER BY r.id DESC LIMIT $5");
        let mut requests: Vec<RequestView> = sqlx::query_as(&sql)
            .bind(agency_id)
            .bind(crate::keyset::cursor(&q.after).unwrap_or(i64::MAX))
            .bind(job_type.map_or("", |j| j.code()))
            .bind(prefecture.flatten().unwrap_or(0))
            .bind(REQUEST_PAGE + 1)
            .fetch_all(pool)
            .await?;
        let next = crate::keyset::cut(&mut requests, REQUEST_PAGE, |r| r.id);
        Ok(RequestPage { requests, next })
    }

    /// An agency starts working on an open request (again: nothing changes). The company is told.
    #[tracing::instrument(skip(pool, wording))]
    pub async fn accept(
        pool: &Pool,
        wording: &dyn Wording,
        agency_id: i64,
        user_id: i64,
        request_id: i64,
    ) -> Result<()> {
        let mut tx = db::begin(pool).await?;
        accept_in(&mut tx, wording, agency_id, user_id, request_id).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn accept_in(
        conn: &mut sqlx::AnyConnection,
        wording: &dyn Wording,
        agency_id: i64,
        user_id: i64,
        request_id: i64,
    ) -> Result<(i64, String)> {
        let (company_id, title) = open_request(conn, request_id).await?;
        let added = sqlx::query(
            "INSERT INTO request_agencies (request_id, agency_id, user_id, accepted_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (request_id, agency_id) DO NOTHING",
        )
        .bind(request_id)
        .bind(agency_id)
        .bind(user_id)
        .bind(now())
        .execute(&mut *conn)
        .await?;
        if added.rows_affected() == 1 {
            let agency: String = sqlx::query_scalar("SELECT name FROM agencies WHERE id = $1")
                .bind(agency_id)
                .fetch_one(&mut *conn)
                .await?;
            let to = notice::company_members(conn, company_id).await?;
            let notice = Notice::RequestAccepted {
                request_id,
                title: title.clone(),
                agency,
            };
            notice::send(conn, wording, &to, &notice).await?;
        }
        Ok((company_id, title))
    }

    /// The company and title of an open request; `NotFound` or `RequestClosed` otherwise.
    async fn open_request(
        conn: &mut sqlx::AnyConnection,
        request_id: i64,
    ) -> Result<(i64, String)> {
        let row = hold(conn, request_id).await?.ok_or(UserError::NotFound)?;
        if row.try_get::<String, _>("status")? != RequestStatus::Open.code() {
            return Err(UserError::RequestClosed.into());
        }
        Ok((row.try_get("company_id")?, row.try_get("title")?))
    }

    /// Holds a request's row until the transaction ends, and reads it: whoever introduces,
    /// answers, screens or closes waits for whoever else is changing the same request (on
    /// PostgreSQL a row lock; SQLite's writer already holds the database).
    async fn hold(
        conn: &mut sqlx::AnyConnection,
        request_id: i64,
    ) -> Result<Option<sqlx::any::AnyRow>> {
        Ok(sqlx::query(
            "UPDATE referral_requests SET updated_at = updated_at WHERE id = $1 RETURNING company_id, title, status",
        )
        .bind(request_id)
        .fetch_optional(&mut *conn)
        .await?)
    }

    /// Introduces a candidate the agency holds (an open claim) to an open request, which the
    /// agency then works on. The candidate is asked first; recording the introduction is progress
    /// on the claim, which extends it. A company never receives through a request a candidate it
    /// rejected itself, unless the candidate agreed to be contacted by it again.
    #[tracing::instrument(skip(pool, wording, recommendation))]
    pub async fn introduce(
        pool: &Pool,
        wording: &dyn Wording,
        agency_id: i64,
        user_id: i64,
        request_id: i64,
        candidate_id: i64,
        recommendation: &Recommendation,
    ) -> Result<i64> {
        let mut tx = db::begin(pool).await?;
        let (company_id, title) =
            accept_in(&mut tx, wording, agency_id, user_id, request_id).await?;
        let t = now();
        let s = settings::load(&mut *tx).await?;
        let claim = sqlx::query(
            "UPDATE claims SET expires_at = $1, updated_at = $2
             WHERE candidate_id = $3 AND agency_id = $4 AND ended_at IS NULL AND expires_at > $2
             RETURNING id, company_id",
        )
        .bind(crate::claim::expiry(t, s.claim_days))
        .bind(t)
        .bind(candidate_id)
        .bind(agency_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(UserError::ClaimNotActive)?;
        let claim_id: i64 = claim.try_get("id")?;
        let relayed_by: i64 = claim.try_get("company_id")?;
        if relayed_by == company_id {
            let recontact: i64 =
                sqlx::query_scalar("SELECT recontact_consent FROM candidates WHERE id = $1")
                    .bind(candidate_id)
                    .fetch_one(&mut *tx)
                    .await?;
            if recontact == 0 {
                return Err(UserError::OwnApplicant.into());
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO introductions (request_id, company_id, agency_id, claim_id, candidate_id, user_id, recommendation, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        )
        .bind(request_id)
        .bind(company_id)
        .bind(agency_id)
        .bind(claim_id)
        .bind(candidate_id)
        .bind(user_id)
        .bind(recommendation.as_str())
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .on_unique(UserError::AlreadyExists)?;
        let names = sqlx::query(
            "SELECT c.name AS company, a.name AS agency FROM companies c, agencies a WHERE c.id = $1 AND a.id = $2",
        )
        .bind(company_id)
        .bind(agency_id)
        .fetch_one(&mut *tx)
        .await?;
        let to = notice::candidate(&mut tx, candidate_id).await?;
        let notice = Notice::IntroductionAsked {
            company: names.try_get("company")?,
            title,
            agency: names.try_get("agency")?,
        };
        notice::send(&mut tx, wording, &to, &notice).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The candidate's answer to an introduction. Agreeing shows the profile to the company and
    /// writes that provision as a record the candidate sees; declining ends the introduction, and
    /// the company never learns who it was.
    #[tracing::instrument(skip(pool, wording))]
    pub async fn answer(
        pool: &Pool,
        wording: &dyn Wording,
        candidate_id: i64,
        introduction_id: i64,
        agree: bool,
    ) -> Result<()> {
        let mut tx = db::begin(pool).await?;
        let t = now();
        let request_id: i64 = sqlx::query_scalar(
            "SELECT request_id FROM introductions WHERE id = $1 AND candidate_id = $2",
        )
        .bind(introduction_id)
        .bind(candidate_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(UserError::NotFound)?;
        hold(&mut tx, request_id).await?;
        let row = sqlx::query(
            "SELECT i.status, i.request_id, i.company_id, i.agency_id, i.claim_id, r.status AS request_status, r.title,
                 CAST(CASE WHEN k.ended_at IS NULL AND k.expires_at > $3 THEN 1 ELSE 0 END AS BIGINT) AS held,
                 CAST(CASE WHEN c.company_id = i.company_id AND c.recontact_consent = 0 THEN 1 ELSE 0 END AS BIGINT) AS own
             FROM introductions i JOIN referral_requests r ON r.id = i.request_id JOIN claims k ON k.id = i.claim_id
             JOIN candidates c ON c.id = i.candidate_id
             WHERE i.id = $1 AND i.candidate_id = $2",
        )
        .bind(introduction_id)
        .bind(candidate_id)
        .bind(t)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(UserError::NotFound)?;
        if row.try_get::<String, _>("status")? != IntroductionStatus::Asked.code() {
            return Err(UserError::IntroductionSettled.into());
        }
        if row.try_get::<String, _>("request_status")? != RequestStatus::Open.code() {
            return Err(UserError::RequestClosed.into());
        }
        // The introducing agency no longer holds the candidate: there is nobody to share through.
        if agree && row.try_get::<i64, _>("held")? == 0 {
            return Err(UserError::ClaimNotActive.into());
        }
        // The company's own rejected applicant withdrew their consent to be contacted by it.
        if agree && row.try_get::<i64, _>("own")? == 1 {
            return Err(UserError::OwnApplicant.into());
        }
        let status = if agree {
            IntroductionStatus::Agreed
        } else {
            IntroductionStatus::Declined
        };
        let answered = sqlx::query(
            "UPDATE introductions SET status = $1, answered_at = $2, updated_at = $2 WHERE id = $3 AND status = 'asked'",
        )
        .bind(status.code())
        .bind(t)
        .bind(introduction_id)
        .execute(&mut *tx)
        .await?;
        if answered.rows_affected() != 1 {
            return Err(UserError::IntroductionSettled.into());
        }
        if agree {
            let company_id: i64 = row.try_get("company_id")?;
            let consent_version: String = sqlx::query_scalar(
                "SELECT notice_version FROM consents WHERE candidate_id = $1 AND kind = 'handoff' AND withdrawn_at IS NULL ORDER BY id DESC LIMIT 1",
            )
            .bind(candidate_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(UserError::Withdrawn)?;
            sqlx::query(
                "INSERT INTO provision_records (candidate_id, agency_id, claim_id, company_id, introduction_id, data_items, consent_version, provided_at, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $8)",
            )
            .bind(candidate_id)
            .bind(row.try_get::<i64, _>("agency_id")?)
            .bind(row.try_get::<i64, _>("claim_id")?)
            .bind(company_id)
            .bind(introduction_id)
            .bind(INTRODUCTION_ITEMS)
            .bind(consent_version)
            .bind(t)
            .execute(&mut *tx)
            .await?;
            let to = notice::company_members(&mut tx, company_id).await?;
            let notice = Notice::IntroductionAgreed {
                request_id: row.try_get("request_id")?,
                title: row.try_get("title")?,
            };
            notice::send(&mut tx, wording, &to, &notice).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The company's screening result on an introduction to one of its open requests. 入社
    /// fulfils the request and records the placement for the introducing agency (no fee). The
    /// agency learns the result with its reason, the candidate without.
    #[tracing::instrument(skip(pool, wording))]
    pub async fn screen(
        pool: &Pool,
        wording: &dyn Wording,
        company_id: i64,
        introduction_id: i64,
        result: Screening,
        reason: Option<RejectReason>,
    ) -> Result<()> {
        let mut tx = db::begin(pool).await?;
        let found = sqlx::query(
            "SELECT i.request_id, k.company_id AS relaying FROM introductions i JOIN claims k ON k.id = i.claim_id
             WHERE i.id = $1 AND i.company_id = $2",
        )
        .bind(introduction_id)
        .bind(company_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(UserError::NotFound)?;
        let relaying: i64 = found.try_get("relaying")?;
        // A hire credits the relaying company: both companies are locked, in the order of their
        // ids, so that two screenings of each other's candidates never wait on each other.
        for id in [company_id.min(relaying), company_id.max(relaying)] {
            db::lock_company(&mut tx, id).await?;
            if relaying == company_id {
                break;
            }
        }
        hold(&mut tx, found.try_get("request_id")?).await?;
        let t = now();
        let row = sqlx::query(
            "SELECT i.status, i.request_id, i.agency_id, i.claim_id, i.candidate_id, i.user_id,
                 r.status AS request_status, r.title, c.name AS company,
                 CASE WHEN cd.status = 'active' AND cd.handoff_consent = 1 THEN 'active' ELSE 'gone' END AS candidate_status
             FROM introductions i JOIN referral_requests r ON r.id = i.request_id
             JOIN companies c ON c.id = i.company_id
             LEFT JOIN candidates cd ON cd.id = i.candidate_id
             WHERE i.id = $1 AND i.company_id = $2",
        )
        .bind(introduction_id)
        .bind(company_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(UserError::NotFound)?;
        if row
            .try_get::<Option<String>, _>("candidate_status")?
            .as_deref()
            != Some("active")
        {
            return Err(UserError::NotFound.into());
        }
        let status = IntroductionStatus::try_from(row.try_get::<String, _>("status")?)?;
        if !status.screenable() {
            return Err(if status.shared() {
                UserError::IntroductionSettled
            } else {
                UserError::NotFound
            }
            .into());
        }
        if row.try_get::<String, _>("request_status")? != RequestStatus::Open.code() {
            return Err(UserError::RequestClosed.into());
        }
        let reason = (result == Screening::Rejected).then_some(reason).flatten();
        let screened = sqlx::query(
            "UPDATE introductions SET status = $1, reason = $2, updated_at = $3 WHERE id = $4 AND status = $5",
        )
        .bind(result.code())
        .bind(reason.map(|r| r.code()))
        .bind(t)
        .bind(introduction_id)
        .bind(status.code())
        .execute(&mut *tx)
        .await?;
        // Changed meanwhile (the candidate erased their data, say): nothing is screened.
        if screened.rows_affected() != 1 {
            return Err(UserError::IntroductionSettled.into());
        }
        let request_id: i64 = row.try_get("request_id")?;
        let agency_id: i64 = row.try_get("agency_id")?;
        let claim_id: i64 = row.try_get("claim_id")?;
        let title: String = row.try_get("title")?;
        let company: String = row.try_get("company")?;
        if result == Screening::Hired {
            sqlx::query(
                "UPDATE referral_requests SET status = 'fulfilled', closed_at = $1, updated_at = $1 WHERE id = $2",
            )
            .bind(t)
            .bind(request_id)
            .execute(&mut *tx)
            .await?;
            let placement = crate::placement::Placement {
                employer: company.clone(),
                position: title.clone(),
                start_date: today(),
                fee: None,
            };
            // The claim may have ended meanwhile (released, run out): the request is fulfilled
            // all the same, and the placement is recorded only on a live claim.
            // The company's own applicant, hired through its own request, earns it no bonus: a
            // credit must not buy itself back.
            let bonus = relaying != company_id;
            match crate::placement::report_in(&mut tx, agency_id, claim_id, &placement, bonus).await
            {
                Ok(_) => {}
                Err(crate::Error::User(UserError::ClaimNotActive | UserError::AlreadyPlaced)) => {}
                Err(e) => return Err(e),
            }
        } else {
            sqlx::query("UPDATE claims SET expires_at = CASE WHEN expires_at < $1 THEN $1 ELSE expires_at END, updated_at = $2 WHERE id = $3 AND ended_at IS NULL AND expires_at > $2")
                .bind(crate::claim::expiry(t, settings::load(&mut *tx).await?.claim_days))
                .bind(t)
                .bind(claim_id)
                .execute(&mut *tx)
                .await?;
        }
        let to = notice::agency_user(&mut tx, row.try_get("user_id")?, agency_id).await?;
        let for_agency = Notice::ScreeningResult {
            request_id,
            introduction_id,
            title: title.clone(),
            result: result.code().to_owned(),
            reason: reason.map(|r| r.code().to_owned()),
        };
        notice::send(&mut tx, wording, &to, &for_agency).await?;
        if let Some(candidate_id) = row.try_get::<Option<i64>, _>("candidate_id")? {
            let to = notice::candidate(&mut tx, candidate_id).await?;
            let for_candidate = Notice::IntroductionOutcome {
                company,
                title,
                result: result.code().to_owned(),
            };
            notice::send(&mut tx, wording, &to, &for_candidate).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A request as an agency sees it, with its own introductions and the candidates ranked for
    /// it: every candidate it holds, and the newest pool candidates of the request's job type
    /// that no agency holds. The company's own rejected applicants appear only with re-contact
    /// consent.
    pub async fn for_agency_one(
        pool: &Pool,
        agency_id: i64,
        request_id: i64,
    ) -> Result<AgencyRequest> {
        let request: RequestView = sqlx::query_as(&format!(
            "{VIEW}, (SELECT COUNT(*) FROM introductions i WHERE i.request_id = r.id AND i.agency_id = $2) AS introductions
             FROM referral_requests r JOIN companies c ON c.id = r.company_id WHERE r.id = $1"
        ))
        .bind(request_id)
        .bind(agency_id)
        .fetch_optional(pool)
        .await?
        .ok_or(UserError::NotFound)?;
        let accepted = sqlx::query_scalar::<_, i64>(
            "SELECT agency_id FROM request_agencies WHERE request_id = $1 AND agency_id = $2",
        )
        .bind(request_id)
        .bind(agency_id)
        .fetch_optional(pool)
        .await?
        .is_some();
        // A closed request shows only to the agencies that worked on it.
        if request.status != RequestStatus::Open && !accepted {
            return Err(UserError::NotFound.into());
        }
        let introductions: Vec<AgencyIntroduction> = sqlx::query_as(
            "SELECT i.id, i.request_id, i.candidate_id, c.name AS candidate_name, i.recommendation, i.status, i.reason, i.created_at
             FROM introductions i JOIN candidates c ON c.id = i.candidate_id
             WHERE i.request_id = $1 AND i.agency_id = $2 AND c.status = 'active' AND c.handoff_consent = 1 ORDER BY i.id",
        )
        .bind(request_id)
        .bind(agency_id)
        .fetch_all(pool)
        .await?;
        let company_id: i64 =
            sqlx::query_scalar("SELECT company_id FROM referral_requests WHERE id = $1")
                .bind(request_id)
                .fetch_one(pool)
                .await?;
        let t = now();
        const FACTS: &str = "c.id, c.name, c.job_types, c.prefecture, c.years_experience, c.desired_salary, c.skills, c.languages, c.summary";
        let held_rows = sqlx::query(&format!(
            "SELECT {FACTS}, k.id AS claim_id FROM claims k JOIN candidates c ON c.id = k.candidate_id
             WHERE k.agency_id = $1 AND k.ended_at IS NULL AND k.expires_at > $2 AND c.status = 'active' AND c.handoff_consent = 1
               AND (c.company_id <> $3 OR c.recontact_consent = 1)
             ORDER BY k.id DESC LIMIT 200"
        ))
        .bind(agency_id)
        .bind(t)
        .bind(company_id)
        .fetch_all(pool)
        .await?;
        let pool_rows = sqlx::query(&format!(
            "SELECT {FACTS} FROM candidate_job_types j JOIN candidates c ON c.id = j.candidate_id
             WHERE j.job_type = $1 AND c.in_pool = 1 AND (c.company_id <> $2 OR c.recontact_consent = 1)
               AND NOT EXISTS (SELECT 1 FROM claims k WHERE k.candidate_id = c.id AND k.ended_at IS NULL AND k.expires_at > $3)
             ORDER BY j.candidate_id DESC LIMIT 300"
        ))
        .bind(&request.job_type)
        .bind(company_id)
        .bind(t)
        .fetch_all(pool)
        .await?;
        let wanted = matching::Wanted {
            job_type: request.job_type.clone(),
            prefecture: request.prefecture,
            min_years: request.min_years,
            salary_min: request.salary_min,
            salary_max: request.salary_max,
            must_have: matching::terms(&request.must_have),
            nice_to_have: matching::terms(&request.nice_to_have),
        };
        let introduced: std::collections::HashSet<i64> = introductions
            .iter()
            .filter_map(|i| i.candidate_id)
            .collect();
        let rank = |rows: Vec<sqlx::any::AnyRow>, held: bool| -> Result<Vec<Ranked>> {
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let facts = matching::Facts {
                    job_types: r.try_get("job_types")?,
                    prefecture: r.try_get("prefecture")?,
                    years_experience: r.try_get("years_experience")?,
                    desired_salary: r.try_get("desired_salary")?,
                    text: format!(
                        "{}\n{}\n{}",
                        r.try_get::<String, _>("skills")?,
                        r.try_get::<String, _>("languages")?,
                        r.try_get::<String, _>("summary")?
                    ),
                };
                let rules = matching::rules(&wanted, &facts);
                let id: i64 = r.try_get("id")?;
                out.push(Ranked {
                    candidate_id: id,
                    claim_id: if held {
                        Some(r.try_get("claim_id")?)
                    } else {
                        None
                    },
                    name: if held {
                        r.try_get::<Option<String>, _>("name")?
                    } else {
                        None
                    },
                    job_types: facts.job_types,
                    prefecture: facts.prefecture,
                    years_experience: facts.years_experience,
                    desired_salary: facts.desired_salary,
                    score: matching::score(&rules),
                    rules: rules.iter().map(rule_code).collect(),
                    introduced: introduced.contains(&id),
                });
            }
            // Highest score first; the newest first among equals.
            out.sort_by(|a, b| {
                b.score
                    .cmp(&a.score)
                    .then(b.candidate_id.cmp(&a.candidate_id))
            });
            Ok(out)
        };
        let held = rank(held_rows, true)?;
        let mut pool_ranked = rank(pool_rows, false)?;
        pool_ranked.retain(|r| r.score > 0);
        pool_ranked.truncate(20);
        Ok(AgencyRequest {
            request,
            accepted,
            introductions,
            held,
            pool: pool_ranked,
        })
    }

    fn rule_code(r: &matching::Rule) -> String {
        match r {
            matching::Rule::JobType => "job_type".into(),
            matching::Rule::Prefecture => "prefecture".into(),
            matching::Rule::Years => "years".into(),
            matching::Rule::Salary => "salary".into(),
            matching::Rule::MustHave(t) => format!("must:{t}"),
            matching::Rule::NiceToHave(t) => format!("nice:{t}"),
        }
    }

    /// The agency's own introductions, newest first.
    pub async fn introductions_of_agency(
        pool: &Pool,
        agency_id: i64,
    ) -> Result<Vec<AgencyIntroduction>> {
        Ok(sqlx::query_as(
            "SELECT i.id, i.request_id, i.candidate_id, c.name AS candidate_name, i.recommendation, i.status, i.reason, i.created_at
             FROM introductions i JOIN candidates c ON c.id = i.candidate_id
             WHERE i.agency_id = $1 AND c.status = 'active' AND c.handoff_consent = 1 ORDER BY i.id DESC LIMIT 200",
        )
        .bind(agency_id)
        .fetch_all(pool)
        .await?)
    }

    /// Whether the agency's staff get the daily digest of new requests.
    pub async fn digest_enabled(pool: &Pool, agency_id: i64) -> Result<bool> {
        let on: i64 = sqlx::query_scalar("SELECT request_digest FROM agencies WHERE id = $1")
            .bind(agency_id)
            .fetch_optional(pool)
            .await?
            .ok_or(UserError::NotFound)?;
        Ok(on == 1)
    }

    /// Turns the agency's daily digest on or off.
    pub async fn set_digest(pool: &Pool, agency_id: i64, on: bool) -> Result<()> {
        sqlx::query("UPDATE agencies SET request_digest = $1, updated_at = $2 WHERE id = $3")
            .bind(i64::from(on))
            .bind(now())
            .bind(agency_id)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// Once a day: mails each approved agency that wants it the requests opened since the last
    /// digest that match its work (the job types of the candidates it claimed in the past year;
    /// every new request while it has claimed none). Returns how many agencies were mailed. The
    /// transaction holds the job's mark, so one instance sends each day's digest.
    #[tracing::instrument(skip_all)]
    pub async fn send_digests(pool: &Pool, wording: &dyn Wording) -> Result<u64> {
        let t = now();
        let mut tx = db::begin(pool).await?;
        let since: Option<i64> = sqlx::query_scalar(
            "UPDATE job_marks SET value = value WHERE name = 'request_digest' AND value <= $1 RETURNING value",
        )
        .bind(t - crate::time::DAY)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(since) = since else {
            return Ok(0);
        };
        let agencies: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM agencies WHERE status = 'approved' AND request_digest = 1 ORDER BY id",
        )
        .fetch_all(&mut *tx)
        .await?;
        let year_ago = t - 365 * crate::time::DAY;
        let mut mailed = 0;
        for agency_id in agencies {
            let rows = sqlx::query(
                "SELECT r.id, c.name AS company, r.title FROM referral_requests r JOIN companies c ON c.id = r.company_id
                 WHERE r.status = 'open' AND r.created_at > $2 AND r.created_at <= $3
                   AND (NOT EXISTS (SELECT 1 FROM claims k WHERE k.agency_id = $1 AND k.claimed_at > $4)
                        OR r.job_type IN (SELECT j.job_type FROM claims k JOIN candidate_job_types j ON j.candidate_id = k.candidate_id
                                          WHERE k.agency_id = $1 AND k.claimed_at > $4))
                 ORDER BY r.id DESC LIMIT 20",
            )
            .bind(agency_id)
            .bind(since)
            .bind(t)
            .bind(year_ago)
            .fetch_all(&mut *tx)
            .await?;
            if rows.is_empty() {
                continue;
            }
            let requests = rows
                .iter()
                .map(|r| Ok((r.try_get("id")?, r.try_get("company")?, r.try_get("title")?)))
                .collect::<Result<Vec<_>, sqlx::Error>>()?;
            let to = notice::agency_members(&mut tx, agency_id).await?;
            notice::send(&mut tx, wording, &to, &Notice::RequestDigest { requests }).await?;
            mailed += 1;
        }
        sqlx::query("UPDATE job_marks SET value = $1 WHERE name = 'request_digest'")
            .bind(t)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(mailed)
    }

    /// The introductions that concern a candidate, newest first.
    pub async fn for_candidate(
        pool: &Pool,
        candidate_id: i64,
    ) -> Result<Vec<CandidateIntroduction>> {
        Ok(sqlx::query_as(
            "SELECT i.id, c.name AS company_name, r.title, a.name AS agency_name, i.status, i.created_at
             FROM introductions i JOIN referral_requests r ON r.id = i.request_id
             JOIN companies c ON c.id = i.company_id JOIN agencies a ON a.id = i.agency_id
             WHERE i.candidate_id = $1 ORDER BY i.id DESC",
        )
        .bind(candidate_id)
        .fetch_all(pool)
        .await?)
    }
}

#[cfg(feature = "db")]
pub use store::{
    accept, answer, cancel, close_due, digest_enabled, for_agency_one, for_candidate, for_company,
    for_company_one, introduce, introductions_of_agency, open, open_requests, screen, send_digests,
    set_digest,
};

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> RequestInput {
        RequestInput {
            title: "経理スタッフ".into(),
            job_type: "accounting".into(),
            prefecture: "13".into(),
            employment_type: "full_time".into(),
            salary_min: "400".into(),
            salary_max: "５５０".into(),
            min_years: "3".into(),
            must_have: "経理".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_request_reads_with_full_width_digits_and_the_default_deadline() {
        let r = NewRequest::try_from(&input()).unwrap();
        assert_eq!((r.salary_min, r.salary_max, r.min_years), (400, 550, 3));
        assert_eq!(r.deadline, None);
        assert_eq!(r.prefecture.map(|p| p.code()), Some(13));
    }

    #[test]
    fn a_remote_position_has_no_prefecture() {
        let r = NewRequest::try_from(&RequestInput {
            prefecture: REMOTE.into(),
            ..input()
        })
        .unwrap();
        assert_eq!(r.prefecture, None);
    }

    #[test]
    fn every_bad_field_is_named() {
        let errs = NewRequest::try_from(&RequestInput {
            title: String::new(),
            job_type: "astronaut".into(),
            prefecture: "48".into(),
            employment_type: "slave".into(),
            salary_min: "600".into(),
            salary_max: "500".into(),
            min_years: "x".into(),
            deadline: "2020-01-01".into(),
            ..input()
        })
        .unwrap_err();
        let named: Vec<(&str, UserError)> =
            errs.iter().map(|e| (e.field.as_str(), e.error)).collect();
        assert_eq!(
            named,
            vec![
                ("title", UserError::Required),
                ("min_years", UserError::InvalidNumber),
                ("job_type", UserError::InvalidJobType),
                ("prefecture", UserError::InvalidPrefecture),
                ("employment_type", UserError::NotFound),
                ("salary_max", UserError::InvalidRange),
                ("deadline", UserError::DateInPast),
            ]
        );
    }

    #[test]
    fn a_deadline_is_after_today_and_within_a_year() {
        let tomorrow = today().succ_opt().unwrap();
        let ok = NewRequest::try_from(&RequestInput {
            deadline: tomorrow.format("%Y-%m-%d").to_string(),
            ..input()
        })
        .unwrap();
        assert_eq!(ok.deadline, Some(tomorrow));
        let far = today() + chrono::Days::new(400);
        let errs = NewRequest::try_from(&RequestInput {
            deadline: far.format("%Y-%m-%d").to_string(),
            ..input()
        })
        .unwrap_err();
        assert_eq!(errs[0].error, UserError::OutOfRange);
    }

    #[test]
    fn the_company_screens_only_what_the_candidate_agreed_to() {
        assert!(!IntroductionStatus::Asked.screenable());
        assert!(!IntroductionStatus::Declined.shared());
        assert!(IntroductionStatus::Interview.screenable());
        assert!(!IntroductionStatus::Hired.screenable());
        assert!(IntroductionStatus::Hired.shared());
    }
}
