//! Signing in: the button behind a mailed one-time link, and the session every way of signing in
//! ends with (a link here, an identity provider in `sso`).

use crate::error::{HandlerError, OrBack};
use app::{guard::SUBJECT_KEY, state::AppState};
use axum::{
    extract::{Path, State},
    response::Redirect,
};
use career_relay::{
    auth::{self, SignedIn, Subject, UserKind},
    UserError,
};
use tower_sessions::Session;

/// Where the sign-in page names why a link did not sign anyone in.
const SIGN_IN_ERROR: &str = "/signin?error=";
/// Where the refusal page names why an identity provider's answer signed nobody in.
pub(crate) const SSO_REFUSED: &str = "/sso/refused?reason=";

/// `POST /auth/{token}/continue` (the button of the page the mailed link opens): uses the one-time
/// sign-in link and signs the person in. A used or expired link leads to the sign-in page, which
/// offers a new one; staff of an organisation that signs in only through its identity provider
/// are sent there instead.
pub(crate) async fn sign_in_link(
    State(state): State<AppState>,
    session: Session,
    headers: axum::http::HeaderMap,
    Path(token): Path<String>,
) -> Result<Redirect, HandlerError> {
    let subject = auth::consume_link(&state.pool, &token)
        .await
        .or_back(SIGN_IN_ERROR)?;
    if !career_relay::sso::links_allowed(&state.pool, subject)
        .await
        .or_back(SIGN_IN_ERROR)?
    {
        return Err(HandlerError::back(SIGN_IN_ERROR, UserError::SsoRequired));
    }
    let language = app::api::ssr::language_of(&headers);
    start_session(&state, &session, subject, "sign_in", language).await
}

/// Signs a person in after a mailed link or an identity provider vouched for them: records the
/// sign-in in the audit log, renews the session id, remembers the sign-in with the person's
/// session epoch and the language they use (their mails' language), and sends them to their
/// home page.
pub(crate) async fn start_session(
    state: &AppState,
    session: &Session,
    subject: Subject,
    action: &str,
    language: &str,
) -> Result<Redirect, HandlerError> {
    let home = match subject {
        Subject::Candidate(_) => "/me",
        Subject::User(id) => match auth::load_user(&state.pool, id).await {
            Ok(Some(u)) => match u.kind {
                UserKind::Company => "/company",
                UserKind::Agency => "/agency",
                UserKind::Admin => "/admin",
            },
            _ => "/",
        },
    };
    let actor = match subject {
        Subject::Candidate(id) => format!("candidate:{id}"),
        Subject::User(id) => format!("user:{id}"),
    };
    career_relay::audit::record(&state.pool, &actor, action, "").await?;
    auth::set_language(&state.pool, subject, language).await?;
    session.cycle_id().await.map_err(session_failed)?;
    let Some(epoch) = auth::session_epoch(&state.pool, subject)
        .await
        .or_back(SIGN_IN_ERROR)?
    else {
        return Err(HandlerError::back(
            SIGN_IN_ERROR,
            UserError::SignInLinkInvalid,
        ));
    };
    let now = career_relay::time::now();
    let signed_in = SignedIn {
        subject,
        since: now,
        epoch,
        touched: now,
    };
    session
        .insert(SUBJECT_KEY, signed_in)
        .await
        .map_err(session_failed)?;
    Ok(Redirect::to(home))
}

/// A session store that failed: logged here, the person sees the error page.
pub(crate) fn session_failed(e: tower_sessions::session::Error) -> HandlerError {
    tracing::error!(error = ?e, "session store failed");
    UserError::Internal.into()
}
