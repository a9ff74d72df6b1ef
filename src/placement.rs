//! Placements: an agency reports that a candidate it holds was hired; the relaying company earns the bonus.

use crate::error::{FieldError, UserError};
use serde::{Deserialize, Serialize};

/// The placement form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "employer": "株式会社つぎの一歩", "position": "経理", "start_date": "2027-04-01", "fee": "1200000"
})))]
pub struct PlacementInput {
    /// The hiring employer, 1 to 200 characters on one line.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::field::line_schema::<200>))]
    pub employer: String,
    /// The position, 1 to 200 characters on one line.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::field::line_schema::<200>))]
    pub position: String,
    /// The first day of work, `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub start_date: String,
    /// The fee in yen (0 to 100,000,000), empty for none.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = fee_schema))]
    pub fee: String,
}

/// A fee as the API takes it: plain digits, 0 to 100,000,000, or nothing. (The portal's form
/// also takes full-width digits, commas and `¥`.)
pub const FEE_PATTERN: &str = r"^([0-9]{0,8}|100000000)$";

#[cfg(feature = "openapi")]
fn fee_schema() -> utoipa::openapi::Object {
    use utoipa::openapi::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(FEE_PATTERN))
        .build()
}

/// A valid placement report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub employer: String,
    pub position: String,
    pub start_date: chrono::NaiveDate,
    /// Fee in yen, when the agency shares it.
    pub fee: Option<i64>,
}

impl TryFrom<&PlacementInput> for Placement {
    type Error = Vec<FieldError>;

    fn try_from(input: &PlacementInput) -> Result<Self, Self::Error> {
        let mut errors = Vec::new();
        let mut line = |field: &str, raw: &str| {
            crate::field::line(raw, 200, true)
                .map_err(|e| errors.push(FieldError::new(field, e)))
                .ok()
                .flatten()
                .unwrap_or_default()
        };
        let employer = line("employer", &input.employer);
        let position = line("position", &input.position);
        let start_date = match input.start_date.trim() {
            "" => {
                errors.push(FieldError::new("start_date", UserError::Required));
                None
            }
            s => crate::field::date(s)
                .map_err(|e| errors.push(FieldError::new("start_date", e)))
                .ok(),
        };
        // Full-width digits from a Japanese IME count as digits.
        let fee: String =
            unicode_normalization::UnicodeNormalization::nfkc(input.fee.as_str()).collect();
        let fee = match fee.trim().replace([',', '¥', '円'], "") {
            s if s.is_empty() => None,
            s => match s.parse::<i64>() {
                Ok(n) if (0..=100_000_000).contains(&n) => Some(n),
                Ok(_) => {
                    errors.push(FieldError::new("fee", UserError::OutOfRange));
                    None
                }
                Err(_) => {
                    errors.push(FieldError::new("fee", UserError::InvalidNumber));
                    None
                }
            },
        };
        match start_date {
            Some(start_date) if errors.is_empty() => Ok(Placement {
                employer,
                position,
                start_date,
                fee,
            }),
            _ => Err(errors),
        }
    }
}

crate::code_enum! {
    /// Where a placement report stands.
    pub enum PlacementStatus {
        /// Reported by the agency; the candidate has not answered.
        Reported = "reported",
        /// The candidate confirmed it.
        Confirmed = "confirmed",
        /// The candidate disputed it; the bonus is held until an admin decides.
        Disputed = "disputed",
        /// An admin upheld it after a dispute.
        Upheld = "upheld",
        /// An admin withdrew it after a dispute.
        Rejected = "rejected",
    }
}

/// A placement as the candidate it concerns sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct PlacementView {
    pub id: i64,
    pub agency_name: String,
    pub employer: String,
    pub position: String,
    pub start_date: String,
    #[cfg_attr(feature = "db", sqlx(try_from = "String"))]
    pub status: PlacementStatus,
    pub created_at: i64,
}

/// What a candidate says about a placement reported about them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Confirm,
    Dispute,
}

/// A disputed placement as the admin who decides it sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct DisputedPlacement {
    pub id: i64,
    pub company_name: String,
    pub agency_name: String,
    pub employer: String,
    pub position: String,
    pub start_date: String,
    pub created_at: i64,
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{
        credit,
        db::{self, OnUnique, Pool},
        error::Result,
        settings,
        time::now,
    };
    use sqlx::Row;

    /// Reports a placement on the agency's own live claim: closes the claim and credits the
    /// relaying company with the placement bonus, all at once. Reporting twice is refused.
    #[tracing::instrument(skip(pool, p))]
    pub async fn report(pool: &Pool, agency_id: i64, claim_id: i64, p: &Placement) -> Result<i64> {
        let mut tx = db::begin(pool).await?;
        let id = report_in(&mut tx, agency_id, claim_id, p, true).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// `report`, inside the caller's transaction (a free referral's hire reports its placement
    /// with the request it fulfils); `bonus` says whether the relaying company earns its bonus.
    pub async fn report_in(
        tx: &mut sqlx::AnyConnection,
        agency_id: i64,
        claim_id: i64,
        p: &Placement,
        bonus: bool,
    ) -> Result<i64> {
        let t = now();
        let closed = sqlx::query(
            "UPDATE claims SET ended_at = $1, end_reason = 'placed', updated_at = $1 WHERE id = $2 AND agency_id = $3 AND ended_at IS NULL AND expires_at > $1
             RETURNING candidate_id",
        )
        .bind(t)
        .bind(claim_id)
        .bind(agency_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = closed else {
            let placed: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM placements WHERE claim_id = $1 AND agency_id = $2",
            )
            .bind(claim_id)
            .bind(agency_id)
            .fetch_optional(&mut *tx)
            .await?;
            return Err(if placed.is_some() {
                UserError::AlreadyPlaced
            } else {
                UserError::ClaimNotActive
            }
            .into());
        };
        let candidate_id: i64 = row.try_get("candidate_id")?;
        // The company the person's qualifying relay belongs to gets the bonus (a person relayed
        // again after the attribution window belongs to the newer company); without one, the
        // company that relayed them first is named and nobody gets a bonus.
        let attributed = crate::qualify::attributed_company(&mut *tx, candidate_id).await?;
        let company_id: i64 = match attributed {
            Some(id) => id,
            None => {
                sqlx::query_scalar("SELECT company_id FROM candidates WHERE id = $1")
                    .bind(candidate_id)
                    .fetch_one(&mut *tx)
                    .await?
            }
        };
        let bonus = bonus && attributed.is_some();
        let id = sqlx::query_scalar::<_, i64>(
            "INSERT INTO placements (claim_id, candidate_id, agency_id, company_id, employer, position, start_date, fee, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(claim_id)
        .bind(candidate_id)
        .bind(agency_id)
        .bind(company_id)
        .bind(&p.employer)
        .bind(&p.position)
        .bind(p.start_date.format("%Y-%m-%d").to_string())
        .bind(p.fee)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .on_unique(UserError::AlreadyPlaced)?;
        // Hired: out of the pool for good (unless an admin withdraws the placement).
        crate::qualify::refresh(&mut *tx, candidate_id).await?;
        let s = settings::load(&mut *tx).await?;
        if bonus && s.placement_bonus > 0 {
            credit::append(
                &mut *tx,
                company_id,
                "placement_bonus",
                s.placement_bonus,
                &credit::placement_key(id),
            )
            .await?;
        }
        Ok(id)
    }

    /// Tells each candidate a placement was reported about since the job last looked (reports at
    /// least a minute old), so that they confirm or dispute it on `/me`; returns how many.
    #[tracing::instrument(skip_all)]
    pub async fn announce(pool: &Pool, wording: &dyn crate::notice::Wording) -> Result<u64> {
        use crate::notice::{self, Notice};
        let mut tx = db::begin(pool).await?;
        let since = notice::take_mark(&mut tx, "placement_notice").await?;
        let rows = sqlx::query(
            "SELECT p.id, p.candidate_id, a.name AS agency, p.employer, p.position, p.start_date
             FROM placements p JOIN agencies a ON a.id = p.agency_id
             WHERE p.id > $1 AND p.created_at <= $2 ORDER BY p.id LIMIT 500",
        )
        .bind(since)
        .bind(now() - 60)
        .fetch_all(&mut *tx)
        .await?;
        let mut mark = since;
        for r in &rows {
            if let Some(candidate_id) = r.try_get::<Option<i64>, _>("candidate_id")? {
                let to = notice::candidate(&mut tx, candidate_id).await?;
                let n = Notice::PlacementReported {
                    agency: r.try_get("agency")?,
                    employer: r.try_get("employer")?,
                    position: r.try_get("position")?,
                    start_date: r.try_get("start_date")?,
                };
                notice::send(&mut tx, wording, &to, &n).await?;
            }
            mark = r.try_get("id")?;
        }
        notice::set_mark(&mut tx, "placement_notice", mark).await?;
        tx.commit().await?;
        Ok(rows.len() as u64)
    }

    /// The candidate's answer to a placement reported about them. Confirming settles it; disputing
    /// holds the relaying company's bonus (an entry that takes it back) until an admin decides.
    #[tracing::instrument(skip(pool))]
    pub async fn answer(
        pool: &Pool,
        candidate_id: i64,
        placement_id: i64,
        answer: Answer,
    ) -> Result<()> {
        let mut tx = db::begin(pool).await?;
        let status = match answer {
            Answer::Confirm => PlacementStatus::Confirmed,
            Answer::Dispute => PlacementStatus::Disputed,
        };
        let company_id: Option<i64> = sqlx::query_scalar(
            "UPDATE placements SET status = $1, updated_at = $2 WHERE id = $3 AND candidate_id = $4 AND status = 'reported' RETURNING company_id",
        )
        .bind(status.code())
        .bind(now())
        .bind(placement_id)
        .bind(candidate_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(company_id) = company_id else {
            return Err(closed_or_missing(&mut tx, placement_id, Some(candidate_id))
                .await?
                .into());
        };
        if answer == Answer::Dispute {
            let bonus = bonus_of(&mut tx, placement_id).await?;
            if bonus != 0 {
                credit::append(
                    &mut tx,
                    company_id,
                    "placement_held",
                    -bonus,
                    &credit::hold_key(placement_id),
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// An admin's decision on a disputed placement. Upholding it releases the held bonus;
    /// rejecting it leaves the bonus withdrawn.
    #[tracing::instrument(skip(pool))]
    pub async fn decide(pool: &Pool, placement_id: i64, uphold: bool) -> Result<()> {
        let mut tx = db::begin(pool).await?;
        let decided = sqlx::query(
            "UPDATE placements SET status = $1, updated_at = $2 WHERE id = $3 AND status = 'disputed' RETURNING company_id, candidate_id",
        )
        .bind(if uphold {
            PlacementStatus::Upheld
        } else {
            PlacementStatus::Rejected
        }
        .code())
        .bind(now())
        .bind(placement_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(decided) = decided else {
            return Err(closed_or_missing(&mut tx, placement_id, None).await?.into());
        };
        let company_id: i64 = decided.try_get("company_id")?;
        if let Some(candidate_id) = decided.try_get::<Option<i64>, _>("candidate_id")? {
            // A withdrawn placement returns the candidate to the pool, if they still qualify.
            crate::qualify::refresh(&mut tx, candidate_id).await?;
        }
        if uphold {
            let bonus = bonus_of(&mut tx, placement_id).await?;
            if bonus != 0 {
                credit::append(
                    &mut tx,
                    company_id,
                    "placement_released",
                    bonus,
                    &credit::release_key(placement_id),
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// The bonus a placement earned (0 when the bonus setting was 0 at report time).
    async fn bonus_of(conn: &mut sqlx::AnyConnection, placement_id: i64) -> Result<i64> {
        Ok(
            sqlx::query_scalar::<_, i64>("SELECT amount FROM credit_ledger WHERE reason_key = $1")
                .bind(credit::placement_key(placement_id))
                .fetch_optional(conn)
                .await?
                .unwrap_or(0),
        )
    }

    /// Why a placement could not change: it does not exist (for this candidate), or it is settled.
    async fn closed_or_missing(
        conn: &mut sqlx::AnyConnection,
        placement_id: i64,
        candidate_id: Option<i64>,
    ) -> Result<UserError> {
        let owner: Option<Option<i64>> =
            sqlx::query_scalar("SELECT candidate_id FROM placements WHERE id = $1")
                .bind(placement_id)
                .fetch_optional(conn)
                .await?;
        Ok(match (owner, candidate_id) {
            (Some(owner), Some(asked)) if owner != Some(asked) => UserError::NotFound,
            (Some(_), _) => UserError::PlacementSettled,
            (None, _) => UserError::NotFound,
        })
    }

    /// Disputed placements waiting for an admin, oldest first.
    pub async fn disputed(pool: &Pool, limit: i64) -> Result<Vec<DisputedPlacement>> {
        Ok(sqlx::query_as(
            "SELECT p.id, c.name AS company_name, a.name AS agency_name, p.employer, p.position, p.start_date, p.created_at
             FROM placements p JOIN agencies a ON a.id = p.agency_id JOIN companies c ON c.id = p.company_id
             WHERE p.status = 'disputed' ORDER BY p.id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(pool)
        .await?)
    }

    /// Placements reported about a candidate.
    pub async fn for_candidate(pool: &Pool, candidate_id: i64) -> Result<Vec<PlacementView>> {
        Ok(sqlx::query_as(
            "SELECT p.id, a.name AS agency_name, p.employer, p.position, p.start_date, p.status, p.created_at
             FROM placements p JOIN agencies a ON a.id = p.agency_id WHERE p.candidate_id = $1 ORDER BY p.id DESC",
        )
        .bind(candidate_id)
        .fetch_all(pool)
        .await?)
    }
}

#[cfg(feature = "db")]
pub use store::{announce, answer, decide, disputed, for_candidate, report, report_in};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_needs_employer_position_and_a_real_date() {
        let ok = PlacementInput {
            employer: "株式会社テスト".into(),
            position: "営業".into(),
            start_date: "2027-04-01".into(),
            fee: "１，２００，０００円".into(),
        };
        let p = Placement::try_from(&ok).unwrap();
        assert_eq!(p.fee, Some(1_200_000), "full-width digits count");
        let bad = PlacementInput {
            employer: "".into(),
            position: "x".into(),
            start_date: "2027-02-30".into(),
            fee: "abc".into(),
        };
        let errs: Vec<_> = Placement::try_from(&bad)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.error))
            .collect();
        assert_eq!(
            errs,
            vec![
                ("employer".to_owned(), UserError::Required),
                ("start_date".to_owned(), UserError::InvalidDate),
                ("fee".to_owned(), UserError::InvalidNumber)
            ]
        );
    }
}
