//! Authorization: one type per role. A server function asks for the role it serves, a plain
//! handler names it among its extractors, and neither can forget to: each guard reads the session
//! snapshot, re-reads the person from the database, and refuses everyone else.

use crate::{error::AppError, state::AppState};
use career_relay::{
    auth::{Subject, User, UserKind},
    org::{MemberRole, Membership},
    UserError,
};
use std::future::Future;
use tower_sessions::Session;

/// The session key that holds the signed-in person.
pub const SUBJECT_KEY: &str = "subject";

/// What the server read from the session once, before the request reached the app: the app's
/// resources then never touch the session store concurrently within one request.
#[derive(Debug, Clone, Default)]
pub struct RequestSession {
    pub subject: Option<Subject>,
    /// The staff account the session names, read with the session's check (once a request).
    pub user: Option<User>,
    pub flash: Option<crate::api::Flash>,
}

/// The session snapshot of the current request.
pub fn request_session() -> RequestSession {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<RequestSession>().cloned())
        .unwrap_or_default()
}

/// What a guard decides on: the portal's state and the request's session snapshot.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub state: AppState,
    pub session: RequestSession,
}

impl RequestContext {
    /// The context of the server function being called. Taken at once, before anything is
    /// awaited: a page whose client went away disposes of its context while its resources still
    /// run.
    pub fn current() -> Result<Self, AppError> {
        Ok(Self {
            state: AppState::get()?,
            session: request_session(),
        })
    }

    async fn user(&self) -> Result<User, AppError> {
        match self.session.subject {
            Some(Subject::User(_)) => self
                .session
                .user
                .clone()
                .ok_or(AppError::User(UserError::NotSignedIn)),
            Some(Subject::Candidate(_)) => Err(UserError::Forbidden.into()),
            None => Err(UserError::NotSignedIn.into()),
        }
    }
}

/// A role a request must have.
pub trait Guard: Sized + Send {
    /// The role of the request, or why it does not have it.
    fn check(ctx: &RequestContext) -> impl Future<Output = Result<Self, AppError>> + Send;

    /// For server functions: the role of the current request, with the portal's state.
    fn require() -> impl Future<Output = Result<(Self, AppState), AppError>> + Send {
        let ctx = RequestContext::current();
        async move {
            let ctx = ctx?;
            let role = Self::check(&ctx).await?;
            Ok((role, ctx.state))
        }
    }
}

/// Anyone, signed in or not (public forms: sign-in, opt-in).
#[derive(Debug, Clone, Copy)]
pub struct Public;

impl Guard for Public {
    async fn check(_: &RequestContext) -> Result<Self, AppError> {
        Ok(Public)
    }
}

/// Whoever is signed in: a candidate, staff or an admin.
#[derive(Debug, Clone, Copy)]
pub struct SignedIn(pub Subject);

impl Guard for SignedIn {
    async fn check(ctx: &RequestContext) -> Result<Self, AppError> {
        ctx.session
            .subject
            .map(SignedIn)
            .ok_or(UserError::NotSignedIn.into())
    }
}

/// A member of a company.
#[derive(Debug, Clone)]
pub struct CompanyMember {
    pub user: User,
    pub company_id: i64,
}

impl Guard for CompanyMember {
    async fn check(ctx: &RequestContext) -> Result<Self, AppError> {
        let user = ctx.user().await?;
        match (user.kind, user.company_id) {
            (UserKind::Company, Some(company_id)) => Ok(Self { user, company_id }),
            _ => Err(UserError::Forbidden.into()),
        }
    }
}

/// An admin of a company: its settings, members and keys.
#[derive(Debug, Clone)]
pub struct CompanyAdmin {
    pub user: User,
    pub company_id: i64,
}

impl Guard for CompanyAdmin {
    async fn check(ctx: &RequestContext) -> Result<Self, AppError> {
        let CompanyMember { user, company_id } = CompanyMember::check(ctx).await?;
        if user.member_role != MemberRole::Admin {
            return Err(UserError::Forbidden.into());
        }
        Ok(Self { user, company_id })
    }
}

/// Staff of an approved agency.
#[derive(Debug, Clone)]
pub struct AgencyStaff {
    pub user: User,
    pub agency_id: i64,
}

impl Guard for AgencyStaff {
    async fn check(ctx: &RequestContext) -> Result<Self, AppError> {
        let user = ctx.user().await?;
        match (user.kind, user.agency_id) {
            (UserKind::Agency, Some(_)) if !user.agency_approved => {
                Err(UserError::AgencyNotApproved.into())
            }
            (UserKind::Agency, Some(agency_id)) => Ok(Self { user, agency_id }),
            _ => Err(UserError::Forbidden.into()),
        }
    }
}

/// An admin of a company or of an agency (approved or not): manages its members.
#[derive(Debug, Clone)]
pub struct OrgAdmin {
    pub user: User,
    pub org: Membership,
}

impl Guard for OrgAdmin {
    async fn check(ctx: &RequestContext) -> Result<Self, AppError> {
        let user = ctx.user().await?;
        let org = match (user.kind, user.company_id, user.agency_id) {
            (UserKind::Company, Some(id), _) => Membership::Company(id),
            (UserKind::Agency, _, Some(id)) => Membership::Agency(id),
            _ => return Err(UserError::Forbidden.into()),
        };
        if user.member_role != MemberRole::Admin {
            return Err(UserError::Forbidden.into());
        }
        Ok(Self { user, org })
    }
}

/// A platform admin.
#[derive(Debug, Clone)]
pub struct Admin {
    pub user: User,
}

impl Guard for Admin {
    async fn check(ctx: &RequestContext) -> Result<Self, AppError> {
        let user = ctx.user().await?;
        if user.kind == UserKind::Admin {
            Ok(Self { user })
        } else {
            Err(UserError::Forbidden.into())
        }
    }
}

/// A signed-in candidate.
#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    pub id: i64,
}

impl Guard for Candidate {
    async fn check(ctx: &RequestContext) -> Result<Self, AppError> {
        match ctx.session.subject {
            Some(Subject::Candidate(id)) => Ok(Self { id }),
            Some(Subject::User(_)) => Err(UserError::Forbidden.into()),
            None => Err(UserError::NotSignedIn.into()),
        }
    }
}

/// Every guard is also an axum extractor, so a plain handler's signature says who may call it.
macro_rules! extractors {
    ($($role:ty),+) => {$(
        impl<S: Send + Sync> axum::extract::FromRequestParts<S> for $role
        where
            AppState: axum::extract::FromRef<S>,
        {
            type Rejection = AppError;

            async fn from_request_parts(
                parts: &mut axum::http::request::Parts,
                state: &S,
            ) -> Result<Self, AppError> {
                let ctx = RequestContext {
                    state: axum::extract::FromRef::from_ref(state),
                    session: parts
                        .extensions
                        .get::<RequestSession>()
                        .cloned()
                        .unwrap_or_default(),
                };
                <$role as Guard>::check(&ctx).await
            }
        }
    )+};
}

extractors!(
    SignedIn,
    CompanyMember,
    CompanyAdmin,
    AgencyStaff,
    OrgAdmin,
    Admin,
    Candidate
);

/// The session of the current request (tower-sessions keeps it in the request's extensions).
pub fn session() -> Option<Session> {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<Session>().cloned())
}

/// Ends the session.
pub async fn sign_out(session: Option<Session>) -> Result<(), AppError> {
    let Some(session) = session else {
        tracing::error!("session layer missing");
        return Err(UserError::Internal.into());
    };
    session.flush().await.map_err(|e| {
        tracing::error!(error = ?e, "session store failed");
        AppError::User(UserError::Internal)
    })
}
