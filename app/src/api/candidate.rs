//! The candidate's side: the relay landing page, opt-in, profile and consent.

use crate::error::AppError;
use career_relay::{
    candidate::{CandidateHome, OptInRequest},
    consent::{checkbox, ConsentChange, ConsentKind},
    placement::{Answer, PlacementView},
    profile::ProfileInput,
    provision::ProvisionView,
    relay::{RelayCode, RelayLanding},
    request::CandidateIntroduction,
    Email, FieldError, UserError,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Everything on the candidate's own page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyPage {
    pub home: CandidateHome,
    pub provisions: Vec<ProvisionView>,
    pub placements: Vec<PlacementView>,
    pub introductions: Vec<CandidateIntroduction>,
    /// A newer consent notice than the one the candidate agreed to.
    pub notice: Option<career_relay::consent::NoticeChange>,
}

/// The company behind a relay code (counts the visit). Unknown codes are 404.
#[server(endpoint = "relay_landing")]
pub async fn get_relay_landing(code: String) -> Result<RelayLanding, AppError> {
    let state = crate::state::AppState::get()?;
    let code = RelayCode::parse(&code)?;
    Ok(career_relay::relay::visit(&state.pool, &code).await?)
}

/// The opt-in form of a relay page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptInForm {
    pub code: String,
    pub email: String,
    /// Hand-off consent (a checkbox: required).
    #[serde(default)]
    pub handoff: Option<String>,
    /// Re-contact by the rejecting company (a checkbox: optional).
    #[serde(default)]
    pub recontact: Option<String>,
}

impl TryFrom<&OptInForm> for OptInRequest {
    type Error = AppError;

    fn try_from(f: &OptInForm) -> Result<Self, AppError> {
        let code = RelayCode::parse(&f.code)?;
        let mut errors = Vec::new();
        let email = Email::parse(&f.email)
            .map_err(|e| errors.push(FieldError::new("email", e)))
            .ok();
        if !checkbox(&f.handoff) {
            errors.push(FieldError::new("handoff", UserError::ConsentRequired));
        }
        match email {
            Some(email) if errors.is_empty() => Ok(OptInRequest {
                code,
                email,
                recontact: checkbox(&f.recontact),
            }),
            _ => Err(AppError::Fields(errors)),
        }
    }
}

/// Opts in through a relay link: hand-off consent is required, re-contact by the company optional.
/// The address is confirmed by the sign-in link mailed to it.
#[server(endpoint = "opt_in")]
pub async fn opt_in(#[server(flatten)] form: OptInForm) -> Result<(), AppError> {
    use super::ssr::{submit, to};
    let locale = super::ssr::locale();
    let network = super::ssr::client_network();
    submit(
        "opt_in",
        form,
        to("/check-mail"),
        |_: crate::guard::Public, state, form| async move {
            let r = OptInRequest::try_from(&form)?;
            let opt = career_relay::candidate::opt_in_from(
                &state.pool,
                &r.code,
                &r.email,
                r.recontact,
                network.as_deref(),
            )
            .await?;
            super::session::send_sign_in_mail(
                &state,
                locale,
                &r.email,
                career_relay::auth::Subject::Candidate(opt.candidate_id),
            )
            .await
        },
    )
    .await
}

/// The signed-in candidate's page.
#[server(endpoint = "my_page")]
pub async fn get_my_page() -> Result<MyPage, AppError> {
    use crate::guard::{Candidate, Guard};
    let (me, state) = Candidate::require().await?;
    let pool = &state.pool;
    let home = career_relay::candidate::home(pool, me.id).await?;
    // The home row says which lists hold anything: a page with nothing more asks nothing more.
    let has = home.on_file;
    Ok(MyPage {
        provisions: match has.provisions {
            true => career_relay::provision::for_candidate(pool, me.id).await?,
            false => Vec::new(),
        },
        placements: match has.placements {
            true => career_relay::placement::for_candidate(pool, me.id).await?,
            false => Vec::new(),
        },
        introductions: match has.introductions {
            true => career_relay::request::for_candidate(pool, me.id).await?,
            false => Vec::new(),
        },
        notice: match has.newer_notice {
            true => career_relay::consent::change_for(pool, me.id).await?,
            false => None,
        },
        home,
    })
}

/// Saves the profile; every field is checked and nothing is saved unless all are valid.
#[server(endpoint = "save_profile")]
pub async fn save_profile(#[server(flatten)] form: ProfileInput) -> Result<(), AppError> {
    use super::ssr::{submit, to};
    use career_relay::profile::Profile;
    submit(
        "profile",
        form,
        to("/me?saved=profile"),
        |me: crate::guard::Candidate, state, form| async move {
            let profile = Profile::try_from(&form)?;
            Ok(career_relay::candidate::save_profile(&state.pool, me.id, &profile).await?)
        },
    )
    .await
}

/// A consent's toggle on the candidate's page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentForm {
    /// `handoff` or `recontact`.
    pub kind: String,
    /// `true` to give it, anything else to withdraw it.
    pub granted: String,
}

impl TryFrom<&ConsentForm> for ConsentChange {
    type Error = UserError;

    fn try_from(f: &ConsentForm) -> Result<Self, UserError> {
        Ok(ConsentChange {
            kind: ConsentKind::parse(&f.kind).ok_or(UserError::NotFound)?,
            granted: f.granted == "true",
        })
    }
}

/// Gives or withdraws one consent (`handoff` or `recontact`); withdrawal takes effect at once.
#[server(endpoint = "set_consent")]
pub async fn set_consent(#[server(flatten)] form: ConsentForm) -> Result<(), AppError> {
    use super::ssr::{submit, to};
    submit(
        "consent",
        form,
        to("/me?saved=consent"),
        |me: crate::guard::Candidate, state, form| async move {
            let change = ConsentChange::try_from(&form)?;
            career_relay::candidate::set_consent(&state.pool, me.id, change.kind, change.granted)
                .await?;
            Ok(())
        },
    )
    .await
}

/// The candidate's answer to a placement reported about them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerForm {
    #[serde(deserialize_with = "career_relay::field::whole_number")]
    pub placement_id: i64,
    /// `confirm` or `dispute`.
    pub answer: String,
}

impl TryFrom<&AnswerForm> for Answer {
    type Error = UserError;

    fn try_from(f: &AnswerForm) -> Result<Self, UserError> {
        match f.answer.as_str() {
            "confirm" => Ok(Answer::Confirm),
            "dispute" => Ok(Answer::Dispute),
            _ => Err(UserError::NotFound),
        }
    }
}

/// The candidate confirms (`answer=confirm`) or disputes (`answer=dispute`) a placement reported
/// about them.
#[server(endpoint = "answer_placement")]
pub async fn answer_placement(#[server(flatten)] form: AnswerForm) -> Result<(), AppError> {
    use super::ssr::{submit, to};
    submit(
        "placement",
        form,
        to("/me?saved=placement"),
        |me: crate::guard::Candidate, state, form| async move {
            let answer = Answer::try_from(&form)?;
            career_relay::placement::answer(&state.pool, me.id, form.placement_id, answer).await?;
            Ok(())
        },
    )
    .await
}

/// The candidate's answer to an introduction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntroductionAnswerForm {
    #[serde(deserialize_with = "career_relay::field::whole_number")]
    pub introduction_id: i64,
    /// `agree` or `decline`.
    pub answer: String,
}

/// Whether the candidate agreed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agreement(pub bool);

impl TryFrom<&IntroductionAnswerForm> for Agreement {
    type Error = UserError;

    fn try_from(f: &IntroductionAnswerForm) -> Result<Self, UserError> {
        match f.answer.as_str() {
            "agree" => Ok(Agreement(true)),
            "decline" => Ok(Agreement(false)),
            _ => Err(UserError::NotFound),
        }
    }
}

/// The candidate agrees to an introduction (the company then sees the profile, and the provision
/// is recorded) or declines it (the company never learns who it was).
#[server(endpoint = "answer_introduction")]
pub async fn answer_introduction(
    #[server(flatten)] form: IntroductionAnswerForm,
) -> Result<(), AppError> {
    use super::ssr::{submit, to, MailWording};
    submit(
        &format!("introduction:{}", form.introduction_id),
        form,
        to("/me?saved=answered"),
        |me: crate::guard::Candidate, state, form| async move {
            let Agreement(agree) = Agreement::try_from(&form)?;
            let wording = MailWording::of(&state);
            career_relay::request::answer(
                &state.pool,
                &wording,
                me.id,
                form.introduction_id,
                agree,
            )
            .await?;
            Ok(())
        },
    )
    .await
}

/// The candidate's provision records, for the printable disclosure page.
#[server(endpoint = "my_provisions")]
pub async fn get_my_provisions() -> Result<Vec<ProvisionView>, AppError> {
    use crate::guard::{Candidate, Guard};
    let (me, state) = Candidate::require().await?;
    Ok(career_relay::provision::for_candidate(&state.pool, me.id).await?)
}

/// "Delete my data", confirmed by a checkbox.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    pub confirm: Option<String>,
}

impl TryFrom<&EraseForm> for career_relay::erasure::Confirmed {
    type Error = Vec<FieldError>;

    fn try_from(f: &EraseForm) -> Result<Self, Self::Error> {
        Self::check(&f.confirm)
    }
}

/// Erases the signed-in candidate's data at once and ends their sessions.
#[server(endpoint = "erase_me")]
pub async fn erase_me(#[server(flatten)] form: EraseForm) -> Result<(), AppError> {
    use super::ssr::{submit, to};
    let session = crate::guard::session();
    submit(
        "erase",
        form,
        to("/?saved=erased"),
        |me: crate::guard::Candidate, state, form| async move {
            career_relay::erasure::Confirmed::try_from(&form)?;
            career_relay::erasure::erase(&state.pool, me.id, &format!("candidate:{}", me.id))
                .await?;
            crate::guard::sign_out(session).await
        },
    )
    .await
}

/// The new address of the address change form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailChangeForm {
    pub email: String,
}

impl TryFrom<&EmailChangeForm> for Email {
    type Error = Vec<FieldError>;

    fn try_from(f: &EmailChangeForm) -> Result<Self, Self::Error> {
        Email::parse(&f.email).map_err(|e| vec![FieldError::new("email", e)])
    }
}

/// Starts a change of the candidate's address: a confirmation link goes to the new address,
/// and the old address is told (with the new one masked).
#[server(endpoint = "request_email_change")]
pub async fn request_email_change(
    #[server(flatten)] form: EmailChangeForm,
) -> Result<(), AppError> {
    use super::ssr::{locale_of_code, submit, to};
    use crate::i18n::td_string;
    submit(
        "email_change",
        form,
        to("/me?saved=email_sent"),
        |me: crate::guard::Candidate, state, form| async move {
            let new = Email::try_from(&form)?;
            let r = career_relay::address::request(&state.pool, me.id, &new).await?;
            let l = locale_of_code(&r.language);
            let url = format!("{}/me/email/{}", state.base_url, r.token);
            let minutes = career_relay::address::LINK_MINUTES;
            let subject = td_string!(l, mail.email_confirm_subject).to_string();
            let body =
                td_string!(l, mail.email_confirm_body, url = url, minutes = minutes).to_string();
            career_relay::mail::enqueue(&state.pool, &new, &subject, &body).await?;
            if let Some(old) = r.old_email.as_deref().and_then(|e| Email::parse(e).ok()) {
                let masked = career_relay::address::masked(new.as_str());
                let subject = td_string!(l, mail.email_change_subject).to_string();
                let body = td_string!(
                    l,
                    mail.email_change_body,
                    masked = masked,
                    url = format!("{}/me", state.base_url)
                )
                .to_string();
                career_relay::mail::enqueue(&state.pool, &old, &subject, &body).await?;
            }
            Ok(())
        },
    )
    .await
}

/// What the single-use link of a follow-up or renewal mail asks (`/a/{token}`); a link the portal
/// never sent is 404. Reads only: answering takes a press of a button.
#[server(endpoint = "ask")]
pub async fn get_ask(token: String) -> Result<career_relay::ask::AskView, AppError> {
    use crate::guard::{Guard, Public};
    let (_, state) = Public::require().await?;
    career_relay::ask::view(&state.pool, &token)
        .await?
        .ok_or_else(|| UserError::NotFound.into())
}

/// Answers a follow-up (still looking / not for now / found a job, with an optional
/// satisfaction of 1 to 5) or a renewal (keep my profile / delete it, confirmed), without
/// signing in: the link's token is the proof. A used link changes nothing.
#[server(endpoint = "answer_ask")]
pub async fn answer_ask(
    #[server(flatten)] form: career_relay::ask::AnswerInput,
) -> Result<String, AppError> {
    use super::ssr::submit;
    use career_relay::ask::Answer;
    submit(
        "answer",
        form,
        |answer: &String| match answer.as_str() {
            "delete" => "/answered?saved=erased".to_owned(),
            code => format!("/answered?saved=answer_{code}"),
        },
        |_: crate::guard::Public, state, form| async move {
            let answer = Answer::try_from(&form)?;
            career_relay::ask::answer(&state.pool, &form.token, answer).await?;
            Ok(answer.code().to_owned())
        },
    )
    .await
}

/// The job search status form of the candidate's page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchStatusForm {
    pub search_status: String,
}

impl TryFrom<&SearchStatusForm> for career_relay::ask::SearchStatus {
    type Error = Vec<FieldError>;

    fn try_from(f: &SearchStatusForm) -> Result<Self, Self::Error> {
        Self::from_code(f.search_status.trim())
            .ok_or_else(|| vec![FieldError::new("search_status", UserError::InvalidChoice)])
    }
}

/// Sets whether the signed-in candidate is looking for a job (only those looking are in the
/// pool).
#[server(endpoint = "set_search_status")]
pub async fn set_search_status(#[server(flatten)] form: SearchStatusForm) -> Result<(), AppError> {
    use super::ssr::{submit, to};
    use career_relay::ask::SearchStatus;
    submit(
        "search_status",
        form,
        to("/me?saved=search_status"),
        |me: crate::guard::Candidate, state, form| async move {
            let status = SearchStatus::try_from(&form)?;
            Ok(career_relay::ask::set_search_status(&state.pool, me.id, status).await?)
        },
    )
    .await
}

/// The signed-in candidate agrees to the consent notice in force (after a material change,
/// this brings them back into the pool).
#[server(endpoint = "accept_notice")]
pub async fn accept_notice() -> Result<(), AppError> {
    use super::ssr::{submit, to};
    submit(
        "notice",
        (),
        to("/me?saved=notice_accepted"),
        |me: crate::guard::Candidate, state, ()| async move {
            Ok(career_relay::consent::agree(&state.pool, me.id).await?)
        },
    )
    .await
}
