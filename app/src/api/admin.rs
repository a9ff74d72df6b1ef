//! The platform admin's side: agencies and the credit rules.

use crate::error::AppError;
use career_relay::{
    audit::AuditEntry,
    org::{AgencyRow, Membership},
    placement::DisputedPlacement,
    settings::Settings,
    FieldError, UserError,
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
    /// The newest versions of the consent notice, newest first.
    pub notices: Vec<career_relay::consent::NoticeVersion>,
    /// How satisfied relayed candidates are, over every company (the follow-ups' answers).
    pub satisfaction: career_relay::ask::SatisfactionScore,
}

/// How many disputes the admin page lists at once.
pub const DISPUTES_SHOWN: i64 = 50;

#[server(endpoint = "admin_page")]
pub async fn get_admin_page(audit_before: Option<i64>) -> Result<AdminPage, AppError> {
    use crate::guard::{Admin, Guard};
    let (_, state) = Admin::require().await?;
    let pool = &state.pool;
    Ok(AdminPage {
        sso: career_relay::sso::bindings(pool).await?,
        agencies: career_relay::org::agencies(pool).await?,
        settings: career_relay::settings::load(pool).await?,
        disputes: career_relay::placement::disputed(pool, DISPUTES_SHOWN).await?,
        audit: career_relay::audit::page(pool, audit_before).await?,
        providers: state.sso_providers,
        notices: career_relay::consent::versions(pool, 10).await?,
        satisfaction: career_relay::ask::platform_satisfaction(pool).await?,
    })
}

/// An agency's approve or suspend button.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyStatusForm {
    #[serde(deserialize_with = "career_relay::field::whole_number")]
    pub agency_id: i64,
    /// `true` approves, anything else suspends.
    pub approved: String,
}

/// Approves (`approved=true`) or suspends an agency.
#[server(endpoint = "set_agency_status")]
pub async fn set_agency_status(#[server(flatten)] form: AgencyStatusForm) -> Result<(), AppError> {
    use super::ssr::{audit, submit, to};
    submit(
        "agency",
        form,
        to("/admin?saved=agency"),
        |admin: crate::guard::Admin, state, form| async move {
            let approved = form.approved == "true";
            career_relay::org::set_agency_status(&state.pool, form.agency_id, approved).await?;
            let action = if approved {
                "agency_approved"
            } else {
                "agency_suspended"
            };
            let target = format!("agency:{}", form.agency_id);
            audit(&state.pool, admin.user.id, action, &target).await
        },
    )
    .await
}

/// Changes the platform's settings: every one checked against its range, all or nothing.
#[server(endpoint = "save_settings")]
pub async fn save_settings(
    #[server(flatten)] form: career_relay::settings::SettingsInput,
) -> Result<(), AppError> {
    use super::ssr::{audit, submit, to};
    submit(
        "settings",
        form,
        to("/admin?saved=settings"),
        |admin: crate::guard::Admin, state, form| async move {
            let settings = Settings::try_from(&form)?;
            career_relay::settings::save(&state.pool, &settings).await?;
            audit(&state.pool, admin.user.id, "settings_changed", "settings").await
        },
    )
    .await
}

/// The decision buttons of a disputed placement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionForm {
    #[serde(deserialize_with = "career_relay::field::whole_number")]
    pub placement_id: i64,
    /// `true` upholds the placement, anything else withdraws it.
    pub uphold: String,
}

/// Decides a disputed placement: `uphold=true` releases the held bonus, otherwise it stays withdrawn.
#[server(endpoint = "decide_placement")]
pub async fn decide_placement(#[server(flatten)] form: DecisionForm) -> Result<(), AppError> {
    use super::ssr::{audit, submit, to};
    submit(
        "dispute",
        form,
        to("/admin?saved=dispute"),
        |admin: crate::guard::Admin, state, form| async move {
            let uphold = form.uphold == "true";
            career_relay::placement::decide(&state.pool, form.placement_id, uphold).await?;
            let action = if uphold {
                "placement_upheld"
            } else {
                "placement_withdrawn"
            };
            let target = format!("placement:{}", form.placement_id);
            audit(&state.pool, admin.user.id, action, &target).await
        },
    )
    .await
}

/// The single sign-on binding form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BindSsoForm {
    /// `company` or `agency`.
    pub org: String,
    pub org_id: String,
    /// A configured provider's id; empty for none.
    #[serde(default)]
    pub provider: String,
    /// The organisation's e-mail domains, one per line or separated by commas.
    #[serde(default)]
    pub domains: String,
}

impl TryFrom<&BindSsoForm> for Membership {
    type Error = Vec<FieldError>;

    fn try_from(f: &BindSsoForm) -> Result<Self, Self::Error> {
        let id: i64 = f
            .org_id
            .trim()
            .parse()
            .map_err(|_| vec![FieldError::new("org_id", UserError::InvalidNumber)])?;
        match f.org.as_str() {
            "company" => Ok(Membership::Company(id)),
            "agency" => Ok(Membership::Agency(id)),
            _ => Err(vec![FieldError::new("org", UserError::Required)]),
        }
    }
}

/// Binds a company or agency to an identity provider (empty for none) and to its e-mail
/// domains, once the admin has checked that the organisation owns them.
#[server(endpoint = "bind_sso")]
pub async fn bind_sso(#[server(flatten)] form: BindSsoForm) -> Result<(), AppError> {
    use super::ssr::{audit, submit, to};
    submit(
        "sso",
        form,
        to("/admin?saved=sso"),
        |admin: crate::guard::Admin, state, form| async move {
            let target = Membership::try_from(&form)?;
            let provider = match form.provider.trim() {
                "" => None,
                p if state.sso_providers.iter().any(|(id, _)| id == p) => Some(p),
                _ => return Err(vec![FieldError::new("provider", UserError::NotFound)].into()),
            };
            career_relay::sso::bind(&state.pool, target, provider, &form.domains)
                .await
                .map_err(|e| match e {
                    career_relay::Error::User(u @ UserError::NotFound) => {
                        AppError::Fields(vec![FieldError::new("org_id", u)])
                    }
                    other => other.into(),
                })?;
            audit(
                &state.pool,
                admin.user.id,
                "sso_bound",
                &target.audit_target(),
            )
            .await
        },
    )
    .await
}

/// An admin's erasure of a candidate, at the candidate's request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminEraseForm {
    #[serde(deserialize_with = "career_relay::field::whole_number")]
    pub candidate_id: i64,
    #[serde(default)]
    pub confirm: Option<String>,
}

impl TryFrom<&AdminEraseForm> for career_relay::erasure::Confirmed {
    type Error = Vec<FieldError>;

    fn try_from(f: &AdminEraseForm) -> Result<Self, Self::Error> {
        Self::check(&f.confirm)
    }
}

/// Erases a candidate's data on their request (audited with the admin's id).
#[server(endpoint = "erase_candidate")]
pub async fn erase_candidate(#[server(flatten)] form: AdminEraseForm) -> Result<(), AppError> {
    use super::ssr::{submit, to};
    submit(
        "erase_candidate",
        form,
        to("/admin?saved=erased_by_admin"),
        |admin: crate::guard::Admin, state, form| async move {
            career_relay::erasure::Confirmed::try_from(&form)?;
            let actor = format!("user:{}", admin.user.id);
            career_relay::erasure::erase(&state.pool, form.candidate_id, &actor).await?;
            Ok(())
        },
    )
    .await
}

/// Publishes a new version of the consent notice (what changed, in both languages; a material
/// change takes every candidate out of the pool until they agree to it). Audited.
#[server(endpoint = "publish_notice")]
pub async fn publish_notice(
    #[server(flatten)] form: career_relay::consent::NoticeInput,
) -> Result<(), AppError> {
    use super::ssr::{submit, to};
    use career_relay::consent::NewNotice;
    submit(
        "notice",
        form,
        to("/admin?saved=notice_published"),
        |admin: crate::guard::Admin, state, form| async move {
            let notice = NewNotice::try_from(&form)?;
            career_relay::consent::publish(&state.pool, admin.user.id, &notice).await?;
            Ok(())
        },
    )
    .await
}

/// The review of held relays, and what the last decision did (from its redirect).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewPage {
    pub groups: Vec<career_relay::review::HeldGroup>,
    /// `(decided, already decided by someone else)` after a decision.
    pub last: Option<(i64, i64)>,
}

#[server(endpoint = "review_page")]
pub async fn get_review_page(
    decided: Option<i64>,
    already: Option<i64>,
) -> Result<ReviewPage, AppError> {
    use crate::guard::{Admin, Guard};
    let (_, state) = Admin::require().await?;
    Ok(ReviewPage {
        groups: career_relay::review::held(&state.pool).await?,
        last: decided.map(|d| (d, already.unwrap_or(0))),
    })
}

/// Approves or rejects the checked held relays: approved ones count now (once, however many
/// admins press at once), rejected ones never. Each decision is audited.
#[server(endpoint = "decide_relays")]
pub async fn decide_relays(
    #[server(flatten)] form: career_relay::review::ReviewInput,
) -> Result<career_relay::review::Decided, AppError> {
    use super::ssr::submit;
    use career_relay::review::{Decided, Review};
    submit(
        "review",
        form,
        |d: &Decided| format!("/admin/review?decided={}&already={}", d.decided, d.already),
        |admin: crate::guard::Admin, state, form| async move {
            let review = Review::try_from(&form)?;
            Ok(career_relay::review::decide(&state.pool, admin.user.id, &review).await?)
        },
    )
    .await
}

/// The platform's analytics: its numbers and charts, the companies' and agencies' figures, and
/// held relays by rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalyticsPage {
    pub platform: super::company::NumbersPage,
    pub companies: Vec<career_relay::numbers::CompanyFigures>,
    pub agencies: Vec<career_relay::numbers::AgencyFigures>,
    pub held_by_rule: Vec<(career_relay::farming::Rule, i64)>,
}

/// How old the platform's numbers on the analytics may be.
#[cfg(feature = "ssr")]
const PLATFORM_NUMBERS_AGE: std::time::Duration = std::time::Duration::from_secs(60);

#[server(endpoint = "analytics_page")]
pub async fn get_analytics_page() -> Result<AnalyticsPage, AppError> {
    use crate::guard::{Admin, Guard};
    use career_relay::numbers::{self, Scope};
    let (_, state) = Admin::require().await?;
    let pool = &state.pool;
    // Read at most once a minute by each instance (see `AppState::platform_numbers`).
    let platform = state
        .platform_numbers
        .get_or_read(PLATFORM_NUMBERS_AGE, || {
            numbers::numbers(pool, Scope::Platform)
        })
        .await?;
    let charts = crate::chart::numbers_charts(super::ssr::locale(), &platform);
    Ok(AnalyticsPage {
        platform: super::company::NumbersPage {
            numbers: platform,
            charts,
        },
        companies: numbers::companies(pool).await?,
        agencies: numbers::agencies(pool).await?,
        held_by_rule: career_relay::review::held_by_rule(pool).await?,
    })
}
