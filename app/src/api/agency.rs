//! The agency's side: the pool, claims, notes and placement reports.

use crate::error::AppError;
use career_relay::{
    candidate::CandidateDetail,
    claim::{ClaimView, NoteText},
    placement::PlacementInput,
    pool::{PoolPage, PoolQuery},
    FieldError,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A page of the pool with the given filters.
#[server(endpoint = "pool")]
pub async fn get_pool(query: PoolQuery) -> Result<PoolPage, AppError> {
    use crate::guard::{AgencyStaff, Guard};
    let (_, state) = AgencyStaff::require().await?;
    Ok(career_relay::pool::pool_page(&state.pool, &query).await?)
}

/// One candidate as this agency may see them.
#[server(endpoint = "candidate_detail")]
pub async fn get_candidate_detail(id: i64) -> Result<CandidateDetail, AppError> {
    use crate::guard::{AgencyStaff, Guard};
    let (staff, state) = AgencyStaff::require().await?;
    let detail =
        career_relay::candidate::detail_for_agency(&state.pool, staff.agency_id, id).await?;
    if detail.contact.is_some() {
        super::ssr::audit(
            &state.pool,
            staff.user.id,
            "profile_viewed",
            &format!("candidate:{id}"),
        )
        .await?;
    }
    Ok(detail)
}

/// The claim button of a candidate's page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimForm {
    #[serde(deserialize_with = "career_relay::field::whole_number")]
    pub candidate_id: i64,
}

/// Claims a candidate for this agency; exactly one of simultaneous claims wins.
#[server(endpoint = "claim_candidate")]
pub async fn claim_candidate(#[server(flatten)] form: ClaimForm) -> Result<(), AppError> {
    use super::ssr::{submit, to};
    submit(
        "claim",
        form,
        to("/agency/claims?saved=claimed"),
        |staff: crate::guard::AgencyStaff, state, form| async move {
            career_relay::claim::claim(
                &state.pool,
                staff.agency_id,
                staff.user.id,
                form.candidate_id,
            )
            .await?;
            Ok(())
        },
    )
    .await
}

/// This agency's live claims.
#[server(endpoint = "my_claims")]
pub async fn get_my_claims() -> Result<Vec<ClaimView>, AppError> {
    use crate::guard::{AgencyStaff, Guard};
    let (staff, state) = AgencyStaff::require().await?;
    Ok(career_relay::claim::for_agency(&state.pool, staff.agency_id).await?)
}

/// A progress note on one of the agency's claims.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteForm {
    #[serde(deserialize_with = "career_relay::field::whole_number")]
    pub claim_id: i64,
    pub body: String,
}

impl TryFrom<&NoteForm> for NoteText {
    type Error = Vec<FieldError>;

    fn try_from(f: &NoteForm) -> Result<Self, Self::Error> {
        NoteText::parse(&f.body).map_err(|e| vec![FieldError::new("body", e)])
    }
}

/// Records progress on a claim, which extends it.
#[server(endpoint = "add_note")]
pub async fn add_note(#[server(flatten)] form: NoteForm) -> Result<(), AppError> {
    use super::ssr::{submit, to};
    submit(
        &format!("note:{}", form.claim_id),
        form,
        to("/agency/claims?saved=note"),
        |staff: crate::guard::AgencyStaff, state, form| async move {
            let note = NoteText::try_from(&form)?;
            let pool = &state.pool;
            career_relay::claim::add_note(
                pool,
                staff.agency_id,
                staff.user.id,
                form.claim_id,
                &note,
            )
            .await?;
            Ok(())
        },
    )
    .await
}

/// The release button of a claim.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimIdForm {
    #[serde(deserialize_with = "career_relay::field::whole_number")]
    pub claim_id: i64,
}

/// Releases a claim; the candidate returns to the pool.
#[server(endpoint = "release_claim")]
pub async fn release_claim(#[server(flatten)] form: ClaimIdForm) -> Result<(), AppError> {
    use super::ssr::{submit, to};
    submit(
        &format!("release:{}", form.claim_id),
        form,
        to("/agency/claims?saved=released"),
        |staff: crate::guard::AgencyStaff, state, form| async move {
            Ok(career_relay::claim::release(&state.pool, staff.agency_id, form.claim_id).await?)
        },
    )
    .await
}

/// The placement report of a claim.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacementForm {
    #[serde(deserialize_with = "career_relay::field::whole_number")]
    pub claim_id: i64,
    #[serde(flatten)]
    pub report: PlacementInput,
}

/// Reports a placement on a claim: closes it and credits the relaying company.
#[server(endpoint = "report_placement")]
pub async fn report_placement(#[server(flatten)] form: PlacementForm) -> Result<(), AppError> {
    use super::ssr::{submit, to};
    use career_relay::placement::Placement;
    submit(
        &format!("placement:{}", form.claim_id),
        form,
        to("/agency/claims?saved=placed"),
        |staff: crate::guard::AgencyStaff, state, form| async move {
            let p = Placement::try_from(&form.report)?;
            career_relay::placement::report(&state.pool, staff.agency_id, form.claim_id, &p)
                .await?;
            Ok(())
        },
    )
    .await
}
