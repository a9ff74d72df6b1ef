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
    let member = crate::guard::CompanyMember::require().await?;
    let state = crate::state::AppState::get();
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
    let result = async {
        let member = crate::guard::CompanyMember::require().await?;
        career_relay::relay::reissue(&crate::state::AppState::get().pool, member.company_id)
            .await?;
        Ok(())
    }
    .await;
    super::ssr::finish(
        "link",
        result,
        "/company?saved=reissued",
        Default::default(),
    )
    .await
}

/// Revokes the company's link without a replacement.
#[server(endpoint = "revoke_link")]
pub async fn revoke_link() -> Result<(), AppError> {
    let result = async {
        let member = crate::guard::CompanyMember::require().await?;
        career_relay::relay::revoke(&crate::state::AppState::get().pool, member.company_id).await?;
        Ok(())
    }
    .await;
    super::ssr::finish("link", result, "/company?saved=revoked", Default::default()).await
}
