//! Signing in and out, and who is signed in.

use crate::error::AppError;
use career_relay::{Email, FieldError};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Who is signed in, as the navigation needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Me {
    Candidate,
    Company,
    Agency,
    Admin,
}

/// The signed-in person's role, or `None`.
#[server(endpoint = "whoami")]
pub async fn whoami() -> Result<Option<Me>, AppError> {
    use career_relay::auth::{Subject, UserKind};
    let session = crate::guard::request_session();
    Ok(match session.subject {
        Some(Subject::Candidate(_)) => Some(Me::Candidate),
        Some(Subject::User(_)) => session.user.map(|u| match u.kind {
            UserKind::Admin => Me::Admin,
            UserKind::Company => Me::Company,
            UserKind::Agency => Me::Agency,
        }),
        None => None,
    })
}

/// The sign-in form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInForm {
    pub email: String,
}

impl TryFrom<&SignInForm> for Email {
    type Error = Vec<FieldError>;

    fn try_from(f: &SignInForm) -> Result<Self, Self::Error> {
        Email::parse(&f.email).map_err(|e| vec![FieldError::new("email", e)])
    }
}

/// Sends a one-time sign-in link to the address if it belongs to someone. The answer is the same
/// either way, so the form cannot be used to find out who has an account. Staff whose address
/// belongs to an organisation with its own identity provider (or whose organisation allows no
/// mailed links) are sent to that provider instead.
#[server(endpoint = "request_sign_in")]
pub async fn request_sign_in(#[server(flatten)] form: SignInForm) -> Result<(), AppError> {
    let next = |provider: &Option<String>| match provider {
        Some(provider) => format!("/sso/{provider}/start"),
        None => "/signin?sent=1".to_owned(),
    };
    let locale = super::ssr::locale();
    super::ssr::submit(
        "sign_in",
        form,
        next,
        |_: crate::guard::Public, state, form| async move {
            let email = Email::try_from(&form)?;
            let subject = career_relay::auth::find_by_email(&state.pool, &email).await?;
            let provider = career_relay::sso::provider_for(&state.pool, &email, subject)
                .await?
                .filter(|p| state.sso_providers.iter().any(|(id, _)| id == p));
            if provider.is_some() {
                return Ok(provider);
            }
            if let Some(subject) = subject {
                send_sign_in_mail(&state, locale, &email, subject).await?;
            }
            Ok(None)
        },
    )
    .await
    .map(|_| ())
}

/// Queues the sign-in mail in the person's chosen language (taken before the first await).
#[cfg(feature = "ssr")]
pub async fn send_sign_in_mail(
    state: &crate::state::AppState,
    locale: crate::i18n::Locale,
    email: &Email,
    subject: career_relay::auth::Subject,
) -> Result<(), AppError> {
    use crate::i18n::td_string;
    let token = career_relay::auth::issue_link(&state.pool, subject).await?;
    let url = format!("{}/auth/{}", state.base_url, token);
    let title = td_string!(locale, mail.sign_in_subject).to_string();
    let body = td_string!(
        locale,
        mail.sign_in_body,
        url = url.as_str(),
        minutes = career_relay::auth::LINK_MINUTES
    )
    .to_string();
    career_relay::mail::enqueue(&state.pool, email, &title, &body).await?;
    Ok(())
}

/// Signs out and returns to the start page.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use super::ssr::{submit, to};
    let session = crate::guard::session();
    submit("sign_out", (), to("/"), |_: crate::guard::Public, _, ()| {
        crate::guard::sign_out(session)
    })
    .await
}

/// Ends every session of the signed-in person, on every device, this one included.
#[server(endpoint = "sign_out_everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    use super::ssr::{submit, to};
    let session = crate::guard::session();
    submit(
        "sign_out",
        (),
        to("/"),
        |who: crate::guard::SignedIn, state, ()| async move {
            career_relay::auth::sign_out_everywhere(&state.pool, who.0).await?;
            crate::guard::sign_out(session).await
        },
    )
    .await
}

/// The newest mail in the outbox; exists only in dev mode (no SMTP server configured).
#[server(endpoint = "dev_mailbox")]
pub async fn dev_mailbox() -> Result<Vec<career_relay::mail::OutboxMessage>, AppError> {
    let state = crate::state::AppState::get()?;
    if !state.dev_mode {
        return Err(career_relay::UserError::NotFound.into());
    }
    Ok(career_relay::mail::recent(&state.pool, 50).await?)
}
