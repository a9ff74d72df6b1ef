//! The company's side: its relay link and referral status.

use crate::error::AppError;
use career_relay::referral::ReferralStatus;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The company page: referral status and the full relay URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyPage {
    pub status: ReferralStatus,
    pub relay_url: Option<String>,
}

/// The signed-in company member's referral status.
#[server(endpoint = "company_page")]
pub async fn get_company_page() -> Result<CompanyPage, AppError> {
    use crate::guard::{CompanyMember, Guard};
    let (member, state) = CompanyMember::require().await?;
    let status = career_relay::referral::status(&state.pool, member.company_id).await?;
    let relay_url = status
        .relay_code
        .as_ref()
        .map(|c| format!("{}/r/{}", state.base_url, c));
    Ok(CompanyPage { status, relay_url })
}

/// Revokes the company's link and issues a new one; the old link stops counting.
#[server(endpoint = "reissue_link")]
pub async fn reissue_link() -> Result<(), AppError> {
    use super::ssr::{submit, to};
    submit(
        "link",
        (),
        to("/company?saved=reissued"),
        |member: crate::guard::CompanyMember, state, ()| async move {
            career_relay::relay::reissue(&state.pool, member.company_id).await?;
            Ok(())
        },
    )
    .await
}

/// Revokes the company's link without a replacement.
#[server(endpoint = "revoke_link")]
pub async fn revoke_link() -> Result<(), AppError> {
    use super::ssr::{submit, to};
    submit(
        "link",
        (),
        to("/company?saved=revoked"),
        |member: crate::guard::CompanyMember, state, ()| async move {
            career_relay::relay::revoke(&state.pool, member.company_id).await?;
            Ok(())
        },
    )
    .await
}
