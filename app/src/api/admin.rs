//! The platform admin's side: agencies and the credit rules.

use crate::error::AppError;
use career_relay::{
    audit::AuditEntry, org::AgencyRow, placement::DisputedPlacement, settings::Settings,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The admin page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminPage {
    pub agencies: Vec<AgencyRow>,
    pub settings: Settings,
    /// Disputed placements waiting for a decision, oldest first.
    pub disputes: Vec<DisputedPlacement>,
    /// The newest audit entries (before `audit_before` when paging).
    pub audit: Vec<AuditEntry>,
    /// Organisations bound to an identity provider or to e-mail domains.
    pub sso: Vec<career_relay::sso::SsoBinding>,
    /// `(id, name)` of the configured identity providers.
    pub providers: Vec<(String, String)>,
}

/// How many disputes the admin page lists at once.
pub const DISPUTES_SHOWN: i64 = 50;

#[server(endpoint = "admin_page")]
pub async fn get_admin_page(audit_before: Option<i64>) -> Result<AdminPage, AppError> {
    crate::guard::Admin::require().await?;
    let state = crate::state::AppState::get();
    let pool = state.pool;
    Ok(AdminPage {
        sso: career_relay::sso::bindings(&pool).await?,
        providers: state.sso_providers,
        agencies: career_relay::org::agencies(&pool).await?,
        settings: career_relay::settings::load(&pool).await?,
        disputes: career_relay::placement::disputed(&pool, DISPUTES_SHOWN).await?,
        audit: career_relay::audit::page(&pool, audit_before).await?,
    })
}

/// Approves (`approved=true`) or suspends an agency.
#[server(endpoint = "set_agency_status")]
pub async fn set_agency_status(agency_id: i64, approved: String) -> Result<(), AppError> {
    let result = async {
        let admin = crate::guard::Admin::require().await?;
        let approved = approved == "true";
        career_relay::org::set_agency_status(
            &crate::state::AppState::get().pool,
            agency_id,
            approved,
        )
        .await?;
        let action = if approved {
            "agency_approved"
        } else {
            "agency_suspended"
        };
        super::ssr::audit(admin.user.id, action, &format!("agency:{agency_id}")).await
    }
    .await;
    super::ssr::finish("agency", result, "/admin?saved=agency", Default::default()).await
}

/// Changes the two credit rules.
#[server(endpoint = "save_settings")]
pub async fn save_settings(
    relays_per_credit: String,
    placement_bonus: String,
) -> Result<(), AppError> {
    let result = async {
        let admin = crate::guard::Admin::require().await?;
        let pool = crate::state::AppState::get().pool;
        let current = career_relay::settings::load(&pool).await?;
        let next = current.with_credit_rules(&relays_per_credit, &placement_bonus)?;
        career_relay::settings::save(&pool, &next).await?;
        super::ssr::audit(admin.user.id, "settings_changed", "settings").await
    }
    .await;
    let v = super::ssr::values([
        ("relays_per_credit", &relays_per_credit),
        ("placement_bonus", &placement_bonus),
    ]);
    super::ssr::finish("settings", result, "/admin?saved=settings", v).await
}

/// Decides a disputed placement: `uphold=true` releases the held bonus, otherwise it stays withdrawn.
#[server(endpoint = "decide_placement")]
pub async fn decide_placement(placement_id: i64, uphold: String) -> Result<(), AppError> {
    let result = async {
        let admin = crate::guard::Admin::require().await?;
        let uphold = uphold == "true";
        career_relay::placement::decide(&crate::state::AppState::get().pool, placement_id, uphold)
            .await?;
        let action = if uphold {
            "placement_upheld"
        } else {
            "placement_withdrawn"
        };
        super::ssr::audit(admin.user.id, action, &format!("placement:{placement_id}")).await
    }
    .await;
    super::ssr::finish(
        "dispute",
        result,
        "/admin?saved=dispute",
        Default::default(),
    )
    .await
}

/// Binds a company or agency (`org` is `company` or `agency`) to an identity provider (empty for
/// none) and to its e-mail domains, once the admin has checked that the organisation owns them.
#[server(endpoint = "bind_sso")]
pub async fn bind_sso(
    org: String,
    org_id: String,
    provider: String,
    domains: String,
) -> Result<(), AppError> {
    use career_relay::{org::Membership, FieldError, UserError};
    let result = async {
        let admin = crate::guard::Admin::require().await?;
        let state = crate::state::AppState::get();
        let id: i64 = org_id
            .trim()
            .parse()
            .map_err(|_| vec![FieldError::new("org_id", UserError::InvalidNumber)])?;
        let target = match org.as_str() {
            "company" => Membership::Company(id),
            "agency" => Membership::Agency(id),
            _ => return Err(vec![FieldError::new("org", UserError::Required)].into()),
        };
        let provider = match provider.trim() {
            "" => None,
            p if state.sso_providers.iter().any(|(id, _)| id == p) => Some(p),
            _ => return Err(vec![FieldError::new("provider", UserError::NotFound)].into()),
        };
        career_relay::sso::bind(&state.pool, target, provider, &domains)
            .await
            .map_err(|e| match e {
                career_relay::Error::User(u @ UserError::NotFound) => {
                    AppError::Fields(vec![FieldError::new("org_id", u)])
                }
                other => other.into(),
            })?;
        super::ssr::audit(admin.user.id, "sso_bound", &format!("{org}:{id}")).await
    }
    .await;
    let v = super::ssr::values([
        ("org", &org),
        ("org_id", &org_id),
        ("provider", &provider),
        ("domains", &domains),
    ]);
    super::ssr::finish("sso", result, "/admin?saved=sso", v).await
}
