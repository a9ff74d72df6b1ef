//! The agency's side: the pool, claims, notes and placement reports.

use crate::error::AppError;
use career_relay::{
    candidate::{CandidateDetail, PoolPage, PoolQuery},
    claim::ClaimView,
};
use leptos::prelude::*;

/// A page of the pool with the given filters.
#[server(endpoint = "pool")]
pub async fn get_pool(query: PoolQuery) -> Result<PoolPage, AppError> {
    crate::guard::AgencyStaff::require().await?;
    Ok(career_relay::candidate::pool_page(&crate::state::AppState::get().pool, &query).await?)
}

/// One candidate as this agency may see them.
#[server(endpoint = "candidate_detail")]
pub async fn get_candidate_detail(id: i64) -> Result<CandidateDetail, AppError> {
    let staff = crate::guard::AgencyStaff::require().await?;
    let detail = career_relay::candidate::detail_for_agency(
        &crate::state::AppState::get().pool,
        staff.agency_id,
        id,
    )
    .await?;
    if detail.contact.is_some() {
        super::ssr::audit(staff.user.id, "profile_viewed", &format!("candidate:{id}")).await?;
    }
    Ok(detail)
}

/// Claims a candidate for this agency; exactly one of simultaneous claims wins.
#[server(endpoint = "claim_candidate")]
pub async fn claim_candidate(candidate_id: i64) -> Result<(), AppError> {
    let result = async {
        let staff = crate::guard::AgencyStaff::require().await?;
        career_relay::claim::claim(
            &crate::state::AppState::get().pool,
            staff.agency_id,
            staff.user.id,
            candidate_id,
        )
        .await?;
        Ok(())
    }
    .await;
    super::ssr::finish(
        "claim",
        result,
        "/agency/claims?saved=claimed",
        Default::default(),
    )
    .await
}

/// This agency's live claims.
#[server(endpoint = "my_claims")]
pub async fn get_my_claims() -> Result<Vec<ClaimView>, AppError> {
    let staff = crate::guard::AgencyStaff::require().await?;
    Ok(
        career_relay::claim::for_agency(&crate::state::AppState::get().pool, staff.agency_id)
            .await?,
    )
}

/// Records progress on a claim, which extends it.
#[server(endpoint = "add_note")]
pub async fn add_note(claim_id: i64, body: String) -> Result<(), AppError> {
    let result = async {
        let staff = crate::guard::AgencyStaff::require().await?;
        let pool = crate::state::AppState::get().pool;
        career_relay::claim::add_note(&pool, staff.agency_id, staff.user.id, claim_id, &body)
            .await
            .map_err(|e| match e {
                career_relay::Error::User(
                    u @ (career_relay::UserError::Required | career_relay::UserError::TooLong),
                ) => AppError::Fields(vec![career_relay::FieldError::new("body", u)]),
                other => other.into(),
            })
    }
    .await;
    let v = super::ssr::values([("body", &body)]);
    super::ssr::finish(
        &format!("note:{claim_id}"),
        result,
        "/agency/claims?saved=note",
        v,
    )
    .await
}

/// Releases a claim; the candidate returns to the pool.
#[server(endpoint = "release_claim")]
pub async fn release_claim(claim_id: i64) -> Result<(), AppError> {
    let result = async {
        let staff = crate::guard::AgencyStaff::require().await?;
        Ok(career_relay::claim::release(
            &crate::state::AppState::get().pool,
            staff.agency_id,
            claim_id,
        )
        .await?)
    }
    .await;
    super::ssr::finish(
        &format!("release:{claim_id}"),
        result,
        "/agency/claims?saved=released",
        Default::default(),
    )
    .await
}

/// Reports a placement on a claim: closes it and credits the relaying company.
#[server(endpoint = "report_placement")]
pub async fn report_placement(
    claim_id: i64,
    employer: String,
    position: String,
    start_date: String,
    fee: String,
) -> Result<(), AppError> {
    use career_relay::placement::{Placement, PlacementInput};
    let input = PlacementInput {
        employer,
        position,
        start_date,
        fee,
    };
    let result = async {
        let staff = crate::guard::AgencyStaff::require().await?;
        let p = Placement::try_from(&input)?;
        career_relay::placement::report(
            &crate::state::AppState::get().pool,
            staff.agency_id,
            claim_id,
            &p,
        )
        .await?;
        Ok(())
    }
    .await;
    let v = super::ssr::values([
        ("employer", &input.employer),
        ("position", &input.position),
        ("start_date", &input.start_date),
        ("fee", &input.fee),
    ]);
    super::ssr::finish(
        &format!("placement:{claim_id}"),
        result,
        "/agency/claims?saved=placed",
        v,
    )
    .await
}
