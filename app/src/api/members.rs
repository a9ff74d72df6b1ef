//! An organisation's admins manage its members: invite, change the role, remove.

use crate::error::AppError;
use career_relay::{
    org::{MemberList, MemberRole},
    Email, FieldError,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The members page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembersPage {
    /// A page of the members, oldest first.
    pub members: MemberList,
    /// The admin looking at the page.
    pub me: i64,
    /// How the organisation's staff sign in.
    pub sso: career_relay::sso::OrgSso,
    /// The name of the bound identity provider.
    pub provider_name: Option<String>,
    /// A page of the organisation's API keys, newest first (never the keys themselves).
    pub api_keys: career_relay::apikey::KeyList,
    /// For companies: the language of invitation mails (`ja` or `en`).
    pub invite_language: Option<String>,
    /// For agencies: whether staff get the daily digest of new free referral requests.
    pub request_digest: Option<bool>,
}

/// Where the members page's two lists stand (`?members_after=`, `?keys_before=`: an id each, or
/// empty for the first page).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MembersQuery {
    pub members_after: String,
    pub keys_before: String,
}

#[server(endpoint = "members_page")]
pub async fn get_members_page(query: MembersQuery) -> Result<MembersPage, AppError> {
    use crate::guard::{Guard, OrgAdmin};
    use career_relay::keyset::cursor;
    let (admin, state) = OrgAdmin::require().await?;
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
    let request_digest = match admin.org {
        career_relay::org::Membership::Agency(id) => {
            Some(career_relay::request::digest_enabled(&state.pool, id).await?)
        }
        career_relay::org::Membership::Company(_) => None,
    };
    Ok(MembersPage {
        members: career_relay::org::members(&state.pool, admin.org, cursor(&query.members_after))
            .await?,
        me: admin.user.id,
        sso,
        provider_name,
        api_keys: career_relay::apikey::list(&state.pool, admin.org, cursor(&query.keys_before))
            .await?,
        invite_language,
        request_digest,
    })
}

/// A role as the members page sends it: `admin`, anything else is a plain member.
fn role(code: &str) -> MemberRole {
    MemberRole::from_code(code).unwrap_or(MemberRole::Member)
}

/// The invitation form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteForm {
    pub email: String,
    /// `admin` or `member`.
    pub role: String,
}

impl TryFrom<&InviteForm> for career_relay::org::NewMember {
    type Error = Vec<FieldError>;

    fn try_from(f: &InviteForm) -> Result<Self, Self::Error> {
        Ok(Self {
            email: Email::parse(&f.email).map_err(|e| vec![FieldError::new("email", e)])?,
            role: role(&f.role),
        })
    }
}

/// Invites someone as a member or admin and mails them a sign-in link.
#[server(endpoint = "invite_member")]
pub async fn invite_member(#[server(flatten)] form: InviteForm) -> Result<(), AppError> {
    use super::ssr::{audit, submit, to};
    use career_relay::org::NewMember;
    let locale = super::ssr::locale();
    submit(
        "invite",
        form,
        to("/members?saved=invited"),
        |admin: crate::guard::OrgAdmin, state, form| async move {
            let new = NewMember::try_from(&form)?;
            let id = career_relay::org::invite_member(&state.pool, admin.org, &new.email, new.role)
                .await
                .map_err(|e| match e {
                    career_relay::Error::User(u @ career_relay::UserError::AlreadyExists) => {
                        AppError::Fields(vec![FieldError::new("email", u)])
                    }
                    other => other.into(),
                })?;
            let subject = career_relay::auth::Subject::User(id);
            if career_relay::sso::links_allowed(&state.pool, subject).await? {
                super::session::send_sign_in_mail(&state, locale, &new.email, subject).await?;
            } else {
                send_sso_invitation(&state, locale, &new.email).await?;
            }
            audit(
                &state.pool,
                admin.user.id,
                "member_invited",
                &format!("user:{id}"),
            )
            .await
        },
    )
    .await
}

/// A member's role button.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleForm {
    #[serde(deserialize_with = "career_relay::field::whole_number")]
    pub user_id: i64,
    /// `admin` or `member`.
    pub role: String,
}

impl From<&RoleForm> for MemberRole {
    fn from(f: &RoleForm) -> Self {
        role(&f.role)
    }
}

/// Makes a member an admin (`role=admin`) or a plain member; their sessions end.
#[server(endpoint = "set_member_role")]
pub async fn set_member_role(#[server(flatten)] form: RoleForm) -> Result<(), AppError> {
    use super::ssr::{audit, submit, to};
    submit(
        "member",
        form,
        to("/members?saved=role"),
        |admin: crate::guard::OrgAdmin, state, form| async move {
            let role = MemberRole::from(&form);
            career_relay::org::set_member_role(&state.pool, admin.org, form.user_id, role).await?;
            let target = format!("user:{}", form.user_id);
            audit(&state.pool, admin.user.id, "member_role_changed", &target).await
        },
    )
    .await
}

/// A member's remove button.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberForm {
    #[serde(deserialize_with = "career_relay::field::whole_number")]
    pub user_id: i64,
}

/// Removes a member from the organisation; their sessions end at once.
#[server(endpoint = "remove_member")]
pub async fn remove_member(#[server(flatten)] form: MemberForm) -> Result<(), AppError> {
    use super::ssr::{audit, submit, to};
    submit(
        "member",
        form,
        to("/members?saved=removed"),
        |admin: crate::guard::OrgAdmin, state, form| async move {
            career_relay::org::remove_member(&state.pool, admin.org, form.user_id).await?;
            let target = format!("user:{}", form.user_id);
            audit(&state.pool, admin.user.id, "member_removed", &target).await
        },
    )
    .await
}

/// The invitation for an organisation that signs in only through its identity provider: a link
/// to the sign-in page, which sends the person on to the provider.
#[cfg(feature = "ssr")]
async fn send_sso_invitation(
    state: &crate::state::AppState,
    locale: crate::i18n::Locale,
    email: &Email,
) -> Result<(), AppError> {
    use crate::i18n::td_string;
    let url = format!("{}/signin", state.base_url);
    let title = td_string!(locale, mail.invite_sso_subject).to_string();
    let body = td_string!(locale, mail.invite_sso_body, url = url.as_str()).to_string();
    career_relay::mail::enqueue(&state.pool, email, &title, &body).await?;
    Ok(())
}

/// The sign-in policy form (checkboxes: present means on).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoPolicyForm {
    #[serde(default)]
    pub domain_join: Option<String>,
    #[serde(default)]
    pub email_links: Option<String>,
}

/// The organisation's admins decide whether their verified domains may join through SSO and
/// whether staff may still sign in with mailed links.
#[server(endpoint = "save_sso_policy")]
pub async fn save_sso_policy(#[server(flatten)] form: SsoPolicyForm) -> Result<(), AppError> {
    use super::ssr::{audit, submit, to};
    submit(
        "sso_policy",
        form,
        to("/members?saved=sso_policy"),
        |admin: crate::guard::OrgAdmin, state, form| async move {
            let (join, links) = (form.domain_join.is_some(), form.email_links.is_some());
            career_relay::sso::set_policy(&state.pool, admin.org, join, links).await?;
            let target = admin.org.audit_target();
            audit(&state.pool, admin.user.id, "sso_policy_changed", &target).await
        },
    )
    .await
}

/// The form that creates an API key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyForm {
    pub name: String,
}

/// Creates an API key for the organisation; the next page shows it once.
#[server(endpoint = "create_api_key")]
pub async fn create_api_key(#[server(flatten)] form: ApiKeyForm) -> Result<(), AppError> {
    use super::ssr::{audit, flash_success, submit, to};
    let session = crate::guard::session();
    submit(
        "api_key",
        form,
        to("/members?saved=api_key"),
        |admin: crate::guard::OrgAdmin, state, form| async move {
            let (id, key) = career_relay::apikey::create(
                &state.pool,
                admin.org,
                Some(admin.user.id),
                &form.name,
            )
            .await?;
            audit(
                &state.pool,
                admin.user.id,
                "api_key_created",
                &format!("api_key:{id}"),
            )
            .await?;
            let shown = std::collections::BTreeMap::from([("key".to_owned(), key)]);
            flash_success(session, "api_key_created", shown).await;
            Ok(())
        },
    )
    .await
}

/// An API key's revoke button.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyIdForm {
    #[serde(deserialize_with = "career_relay::field::whole_number")]
    pub key_id: i64,
}

/// Revokes one of the organisation's API keys; requests with it are refused from then on.
#[server(endpoint = "revoke_api_key")]
pub async fn revoke_api_key(#[server(flatten)] form: ApiKeyIdForm) -> Result<(), AppError> {
    use super::ssr::{audit, submit, to};
    submit(
        "api_key",
        form,
        to("/members?saved=api_key_revoked"),
        |admin: crate::guard::OrgAdmin, state, form| async move {
            career_relay::apikey::revoke(&state.pool, admin.org, form.key_id).await?;
            let target = format!("api_key:{}", form.key_id);
            audit(&state.pool, admin.user.id, "api_key_revoked", &target).await
        },
    )
    .await
}

/// The company's choice of language for invitation mails.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageForm {
    /// `ja` or `en`.
    pub language: String,
}

/// The language of the company's invitation mails (`ja` or `en`).
#[server(endpoint = "set_invite_language")]
pub async fn set_invite_language(#[server(flatten)] form: LanguageForm) -> Result<(), AppError> {
    use super::ssr::{audit, submit, to};
    submit(
        "invite_language",
        form,
        to("/members?saved=settings"),
        |admin: crate::guard::CompanyAdmin, state, form| async move {
            let company = admin.company_id;
            career_relay::invitation::set_language(&state.pool, company, &form.language).await?;
            let target = career_relay::org::Membership::Company(company).audit_target();
            audit(&state.pool, admin.user.id, "settings_changed", &target).await
        },
    )
    .await
}

/// The agency's choice of the daily digest of new requests (a checkbox).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestForm {
    #[serde(default)]
    pub digest: Option<String>,
}

/// Turns the agency's daily digest of new free referral requests on or off.
#[server(endpoint = "set_request_digest")]
pub async fn set_request_digest(#[server(flatten)] form: DigestForm) -> Result<(), AppError> {
    use super::ssr::{audit, submit, to};
    submit(
        "request_digest",
        form,
        to("/members?saved=settings"),
        |admin: crate::guard::OrgAdmin, state, form| async move {
            let career_relay::org::Membership::Agency(agency) = admin.org else {
                return Err(career_relay::UserError::Forbidden.into());
            };
            let on = career_relay::consent::checkbox(&form.digest);
            career_relay::request::set_digest(&state.pool, agency, on).await?;
            let target = admin.org.audit_target();
            audit(&state.pool, admin.user.id, "settings_changed", &target).await
        },
    )
    .await
}
