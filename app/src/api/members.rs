//! An organisation's admins manage its members: invite, change the role, remove.

use crate::error::AppError;
use career_relay::org::MemberRow;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The members page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembersPage {
    pub members: Vec<MemberRow>,
    /// The admin looking at the page.
    pub me: i64,
    /// How the organisation's staff sign in.
    pub sso: career_relay::sso::OrgSso,
    /// The name of the bound identity provider.
    pub provider_name: Option<String>,
    /// The organisation's API keys (never the keys themselves).
    pub api_keys: Vec<career_relay::apikey::ApiKeyRow>,
    /// For companies: the language of invitation mails (`ja` or `en`).
    pub invite_language: Option<String>,
}

#[server(endpoint = "members_page")]
pub async fn get_members_page() -> Result<MembersPage, AppError> {
    let admin = crate::guard::OrgAdmin::require().await?;
    let state = crate::state::AppState::get();
    let sso = career_relay::sso::org_sso(&state.pool, admin.org).await?;
    let provider_name = sso.provider.as_ref().map(|p| {
        state
            .sso_providers
            .iter()
            .find(|(id, _)| id == p)
            .map_or_else(|| p.clone(), |(_, name)| name.clone())
    });
    let invite_language = match admin.org {
        career_relay::org::Membership::Company(id) => Some(
            career_relay::invitation::company_mail_settings(&state.pool, id)
                .await?
                .1,
        ),
        career_relay::org::Membership::Agency(_) => None,
    };
    Ok(MembersPage {
        members: career_relay::org::members(&state.pool, admin.org).await?,
        me: admin.user.id,
        sso,
        provider_name,
        api_keys: career_relay::apikey::list(&state.pool, admin.org).await?,
        invite_language,
    })
}

/// Invites someone as a member or admin and mails them a sign-in link.
#[server(endpoint = "invite_member")]
pub async fn invite_member(email: String, role: String) -> Result<(), AppError> {
    let result = async {
        let admin = crate::guard::OrgAdmin::require().await?;
        let address = career_relay::Email::parse(&email)
            .map_err(|e| vec![career_relay::FieldError::new("email", e)])?;
        let state = crate::state::AppState::get();
        let id =
            career_relay::org::invite_member(&state.pool, admin.org, &address, role == "admin")
                .await
                .map_err(|e| match e {
                    career_relay::Error::User(u @ career_relay::UserError::AlreadyExists) => {
                        AppError::Fields(vec![career_relay::FieldError::new("email", u)])
                    }
                    other => other.into(),
                })?;
        let subject = career_relay::auth::Subject::User(id);
        if career_relay::sso::links_allowed(&state.pool, subject).await? {
            super::session::send_sign_in_mail(&state, &address, subject).await?;
        } else {
            send_sso_invitation(&state, &address).await?;
        }
        super::ssr::audit(admin.user.id, "member_invited", &format!("user:{id}")).await
    }
    .await;
    let v = super::ssr::values([("email", &email), ("role", &role)]);
    super::ssr::finish("invite", result, "/members?saved=invited", v).await
}

/// Makes a member an admin (`role=admin`) or a plain member; their sessions end.
#[server(endpoint = "set_member_role")]
pub async fn set_member_role(user_id: i64, role: String) -> Result<(), AppError> {
    let result = async {
        let admin = crate::guard::OrgAdmin::require().await?;
        let pool = crate::state::AppState::get().pool;
        career_relay::org::set_member_role(&pool, admin.org, user_id, role == "admin").await?;
        super::ssr::audit(
            admin.user.id,
            "member_role_changed",
            &format!("user:{user_id}"),
        )
        .await
    }
    .await;
    super::ssr::finish("member", result, "/members?saved=role", Default::default()).await
}

/// Removes a member from the organisation; their sessions end at once.
#[server(endpoint = "remove_member")]
pub async fn remove_member(user_id: i64) -> Result<(), AppError> {
    let result = async {
        let admin = crate::guard::OrgAdmin::require().await?;
        let pool = crate::state::AppState::get().pool;
        career_relay::org::remove_member(&pool, admin.org, user_id).await?;
        super::ssr::audit(admin.user.id, "member_removed", &format!("user:{user_id}")).await
    }
    .await;
    super::ssr::finish(
        "member",
        result,
        "/members?saved=removed",
        Default::default(),
    )
    .await
}

/// The invitation for an organisation that signs in only through its identity provider: a link
/// to the sign-in page, which sends the person on to the provider.
#[cfg(feature = "ssr")]
async fn send_sso_invitation(
    state: &crate::state::AppState,
    email: &career_relay::Email,
) -> Result<(), AppError> {
    use crate::i18n::td_string;
    let locale = super::ssr::locale();
    let url = format!("{}/signin", state.base_url);
    let title = td_string!(locale, mail.invite_sso_subject).to_string();
    let body = td_string!(locale, mail.invite_sso_body, url = url.as_str()).to_string();
    career_relay::mail::enqueue(&state.pool, email, &title, &body).await?;
    Ok(())
}

/// The organisation's admins decide whether their verified domains may join through SSO and
/// whether staff may still sign in with mailed links (checkboxes: present means on).
#[server(endpoint = "save_sso_policy")]
pub async fn save_sso_policy(
    domain_join: Option<String>,
    email_links: Option<String>,
) -> Result<(), AppError> {
    let result = async {
        let admin = crate::guard::OrgAdmin::require().await?;
        let pool = crate::state::AppState::get().pool;
        career_relay::sso::set_policy(
            &pool,
            admin.org,
            domain_join.is_some(),
            email_links.is_some(),
        )
        .await?;
        let target = match admin.org {
            career_relay::org::Membership::Company(id) => format!("company:{id}"),
            career_relay::org::Membership::Agency(id) => format!("agency:{id}"),
        };
        super::ssr::audit(admin.user.id, "sso_policy_changed", &target).await
    }
    .await;
    super::ssr::finish(
        "sso_policy",
        result,
        "/members?saved=sso_policy",
        Default::default(),
    )
    .await
}

/// Creates an API key for the organisation; the next page shows it once.
#[server(endpoint = "create_api_key")]
pub async fn create_api_key(name: String) -> Result<(), AppError> {
    let result = async {
        let admin = crate::guard::OrgAdmin::require().await?;
        let pool = crate::state::AppState::get().pool;
        let (id, key) =
            career_relay::apikey::create(&pool, admin.org, Some(admin.user.id), &name).await?;
        super::ssr::audit(admin.user.id, "api_key_created", &format!("api_key:{id}")).await?;
        super::ssr::flash_success("api_key_created", super::ssr::values([("key", &key)])).await;
        Ok(())
    }
    .await;
    let v = super::ssr::values([("name", &name)]);
    super::ssr::finish("api_key", result, "/members?saved=api_key", v).await
}

/// Revokes one of the organisation's API keys; requests with it are refused from then on.
#[server(endpoint = "revoke_api_key")]
pub async fn revoke_api_key(key_id: i64) -> Result<(), AppError> {
    let result = async {
        let admin = crate::guard::OrgAdmin::require().await?;
        let pool = crate::state::AppState::get().pool;
        career_relay::apikey::revoke(&pool, admin.org, key_id).await?;
        super::ssr::audit(
            admin.user.id,
            "api_key_revoked",
            &format!("api_key:{key_id}"),
        )
        .await
    }
    .await;
    super::ssr::finish(
        "api_key",
        result,
        "/members?saved=api_key_revoked",
        Default::default(),
    )
    .await
}

/// The language of the company's invitation mails (`ja` or `en`).
#[server(endpoint = "set_invite_language")]
pub async fn set_invite_language(language: String) -> Result<(), AppError> {
    let result = async {
        let admin = crate::guard::OrgAdmin::require().await?;
        let career_relay::org::Membership::Company(company) = admin.org else {
            return Err(career_relay::UserError::Forbidden.into());
        };
        let pool = crate::state::AppState::get().pool;
        career_relay::invitation::set_language(&pool, company, &language).await?;
        super::ssr::audit(
            admin.user.id,
            "settings_changed",
            &format!("company:{company}"),
        )
        .await
    }
    .await;
    super::ssr::finish(
        "invite_language",
        result,
        "/members?saved=settings",
        Default::default(),
    )
    .await
}
