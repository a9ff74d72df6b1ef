//! Authorization: one guard per role. A server function asks for the role it serves and cannot
//! forget to: each guard reads the session, re-reads the person from the database, and refuses
//! everyone else.

use crate::{error::AppError, state::AppState};
use career_relay::{
    auth::{self, Subject, User, UserKind},
    UserError,
};
use tower_sessions::Session;

/// The session key that holds the signed-in person.
pub const SUBJECT_KEY: &str = "subject";

async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|e| {
        tracing::error!(error = ?e, "session layer missing");
        AppError::User(UserError::Internal)
    })
}

/// What the server read from the session once, before the request reached the app: the app's
/// resources then never touch the session store concurrently within one request.
#[derive(Debug, Clone, Default)]
pub struct RequestSession {
    pub subject: Option<Subject>,
    pub flash: Option<crate::api::Flash>,
}

/// The session snapshot of the current request.
pub fn request_session() -> RequestSession {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<RequestSession>().cloned())
        .unwrap_or_default()
}

/// Who is signed in, if anyone.
pub async fn subject() -> Result<Option<Subject>, AppError> {
    Ok(request_session().subject)
}

/// Ends the session.
pub async fn sign_out() -> Result<(), AppError> {
    session().await?.flush().await.map_err(|e| {
        tracing::error!(error = ?e, "session store failed");
        AppError::User(UserError::Internal)
    })
}

async fn user() -> Result<User, AppError> {
    match subject().await? {
        Some(Subject::User(id)) => auth::load_user(&AppState::get().pool, id)
            .await?
            .ok_or(AppError::User(UserError::NotSignedIn)),
        Some(Subject::Candidate(_)) => Err(UserError::Forbidden.into()),
        None => Err(UserError::NotSignedIn.into()),
    }
}

/// A member of a company.
#[derive(Debug, Clone)]
pub struct CompanyMember {
    pub user: User,
    pub company_id: i64,
}

impl CompanyMember {
    pub async fn require() -> Result<Self, AppError> {
        let user = user().await?;
        match (user.kind, user.company_id) {
            (UserKind::Company, Some(company_id)) => Ok(Self { user, company_id }),
            _ => Err(UserError::Forbidden.into()),
        }
    }
}

/// Staff of an approved agency.
#[derive(Debug, Clone)]
pub struct AgencyStaff {
    pub user: User,
    pub agency_id: i64,
}

impl AgencyStaff {
    pub async fn require() -> Result<Self, AppError> {
        let user = user().await?;
        match (user.kind, user.agency_id) {
            (UserKind::Agency, Some(_)) if !user.agency_approved => {
                Err(UserError::AgencyNotApproved.into())
            }
            (UserKind::Agency, Some(agency_id)) => Ok(Self { user, agency_id }),
            _ => Err(UserError::Forbidden.into()),
        }
    }
}

/// A platform admin.
#[derive(Debug, Clone)]
pub struct Admin {
    pub user: User,
}

impl Admin {
    pub async fn require() -> Result<Self, AppError> {
        let user = user().await?;
        if user.kind == UserKind::Admin {
            Ok(Self { user })
        } else {
            Err(UserError::Forbidden.into())
        }
    }
}

/// An admin of a company or of an agency (approved or not): manages its members.
#[derive(Debug, Clone)]
pub struct OrgAdmin {
    pub user: User,
    pub org: career_relay::org::Membership,
}

impl OrgAdmin {
    pub async fn require() -> Result<Self, AppError> {
        use career_relay::org::Membership;
        let user = user().await?;
        let org = match (user.kind, user.company_id, user.agency_id) {
            (UserKind::Company, Some(id), _) => Membership::Company(id),
            (UserKind::Agency, _, Some(id)) => Membership::Agency(id),
            _ => return Err(UserError::Forbidden.into()),
        };
        if user.member_role != "admin" {
            return Err(UserError::Forbidden.into());
        }
        Ok(Self { user, org })
    }
}

/// A signed-in candidate.
#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    pub id: i64,
}

impl Candidate {
    pub async fn require() -> Result<Self, AppError> {
        match subject().await? {
            Some(Subject::Candidate(id)) => Ok(Self { id }),
            Some(Subject::User(_)) => Err(UserError::Forbidden.into()),
            None => Err(UserError::NotSignedIn.into()),
        }
    }
}
