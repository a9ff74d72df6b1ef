//! The agency's side: the pool, claims, notes and placement reports.

use crate::error::AppError;
use career_relay::{
    candidate::CandidateDetail,
    claim::{ClaimView, NoteText},
    placement::PlacementInput,
    pool::{PoolPage, PoolQuery},
    request::{AgencyRequest, Recommendation, RequestPage, RequestQuery},
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
    let claims = career_relay::claim::for_agency(&state.pool, staff.agency_id).await?;
    // The list names every candidate the agency holds: a view of their data, audited.
    if !claims.is_empty() {
        let target =
            career_relay::audit::listed("candidates", claims.iter().map(|c| c.candidate_id));
        super::ssr::audit(&state.pool, staff.user.id, "claims_listed", &target).await?;
    }
    Ok(claims)
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

/// Open free referral requests, newest first, filtered like the pool.
#[server(endpoint = "agency_requests")]
pub async fn get_agency_requests(query: RequestQuery) -> Result<RequestPage, AppError> {
    use crate::guard::{AgencyStaff, Guard};
    let (staff, state) = AgencyStaff::require().await?;
    Ok(career_relay::request::open_requests(&state.pool, staff.agency_id, &query).await?)
}

/// One request as this agency sees it, with the candidates ranked for it.
#[server(endpoint = "agency_request")]
pub async fn get_agency_request(id: i64) -> Result<AgencyRequest, AppError> {
    use crate::guard::{AgencyStaff, Guard};
    let (staff, state) = AgencyStaff::require().await?;
    let r = career_relay::request::for_agency_one(&state.pool, staff.agency_id, id).await?;
    // The ranking names the candidates the agency holds: audited like its claims list.
    if !r.held.is_empty() {
        let target =
            career_relay::audit::listed("candidates", r.held.iter().map(|c| c.candidate_id));
        super::ssr::audit(&state.pool, staff.user.id, "claims_listed", &target).await?;
    }
    Ok(r)
}

/// The accept button of a request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptForm {
    #[serde(deserialize_with = "career_relay::field::whole_number")]
    pub request_id: i64,
}

/// This agency starts working on a request; the company is told.
#[server(endpoint = "accept_request")]
pub async fn accept_request(#[server(flatten)] form: AcceptForm) -> Result<(), AppError> {
    use super::ssr::{submit, MailWording};
    let next = format!("/agency/requests/{}?saved=accepted", form.request_id);
    submit(
        "accept",
        form,
        move |_| next,
        |staff: crate::guard::AgencyStaff, state, form| async move {
            let wording = MailWording::of(&state);
            Ok(career_relay::request::accept(
                &state.pool,
                &wording,
                staff.agency_id,
                staff.user.id,
                form.request_id,
            )
            .await?)
        },
    )
    .await
}

/// An introduction of a held candidate to a request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntroduceForm {
    #[serde(deserialize_with = "career_relay::field::whole_number")]
    pub request_id: i64,
    #[serde(deserialize_with = "career_relay::field::whole_number")]
    pub candidate_id: i64,
    pub recommendation: String,
}

impl TryFrom<&IntroduceForm> for Recommendation {
    type Error = Vec<FieldError>;

    fn try_from(f: &IntroduceForm) -> Result<Self, Self::Error> {
        Recommendation::parse(&f.recommendation)
            .map_err(|e| vec![FieldError::new("recommendation", e)])
    }
}

/// Introduces a candidate this agency holds; the candidate is asked before the company sees them.
#[server(endpoint = "introduce_candidate")]
pub async fn introduce_candidate(#[server(flatten)] form: IntroduceForm) -> Result<i64, AppError> {
    use super::ssr::{submit, MailWording};
    let next = format!("/agency/requests/{}?saved=introduced", form.request_id);
    submit(
        &format!("introduce:{}", form.candidate_id),
        form,
        move |_| next,
        |staff: crate::guard::AgencyStaff, state, form| async move {
            let recommendation = Recommendation::try_from(&form)?;
            let wording = MailWording::of(&state);
            Ok(career_relay::request::introduce(
                &state.pool,
                &wording,
                staff.agency_id,
                staff.user.id,
                form.request_id,
                form.candidate_id,
                &recommendation,
            )
            .await?)
        },
    )
    .await
}
