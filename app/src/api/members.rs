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
}

#[server(endpoint = "members_page")]
pub async fn get_members_page() -> Result<MembersPage, AppError> {
    let admin = crate::guard::OrgAdmin::require().await?;
    let pool = crate::state::AppState::get().pool;
    Ok(MembersPage {
        members: career_relay::org::members(&pool, admin.org).await?,
        me: admin.user.id,
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
        super::session::send_sign_in_mail(&state, &address, career_relay::auth::Subject::User(id))
            .await?;
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
