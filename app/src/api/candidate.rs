//! The candidate's side: the relay landing page, opt-in, profile and consent.

use crate::error::AppError;
use career_relay::{
    candidate::CandidateHome, placement::PlacementView, provision::ProvisionView,
    relay::RelayLanding,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Everything on the candidate's own page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyPage {
    pub home: CandidateHome,
    pub provisions: Vec<ProvisionView>,
    pub placements: Vec<PlacementView>,
}

/// The company behind a relay code (counts the visit). Unknown codes are 404.
#[server(endpoint = "relay_landing")]
pub async fn get_relay_landing(code: String) -> Result<RelayLanding, AppError> {
    let code = career_relay::relay::RelayCode::parse(&code)?;
    Ok(career_relay::relay::visit(&crate::state::AppState::get().pool, &code).await?)
}

/// Opts in through a relay link: hand-off consent is required, re-contact by the company optional.
/// The address is confirmed by the sign-in link mailed to it.
#[server(endpoint = "opt_in")]
pub async fn opt_in(
    code: String,
    email: String,
    handoff: Option<String>,
    recontact: Option<String>,
) -> Result<(), AppError> {
    use super::ssr::{finish, values};
    use career_relay::{consent::checkbox, FieldError};
    let result = async {
        let state = crate::state::AppState::get();
        let code = career_relay::relay::RelayCode::parse(&code)?;
        let mut errors = Vec::new();
        let parsed = career_relay::Email::parse(&email)
            .map_err(|e| errors.push(FieldError::new("email", e)))
            .ok();
        if !checkbox(&handoff) {
            errors.push(FieldError::new(
                "handoff",
                career_relay::UserError::ConsentRequired,
            ));
        }
        let Some(email) = parsed.filter(|_| errors.is_empty()) else {
            return Err(AppError::Fields(errors));
        };
        let opt = career_relay::candidate::opt_in(&state.pool, &code, &email, checkbox(&recontact))
            .await?;
        super::session::send_sign_in_mail(
            &state,
            &email,
            career_relay::auth::Subject::Candidate(opt.candidate_id),
        )
        .await
    }
    .await;
    let recontact_value = if checkbox(&recontact) { "on" } else { "" };
    finish(
        "opt_in",
        result,
        "/check-mail",
        values([("email", &email), ("recontact", recontact_value)]),
    )
    .await
}

/// The signed-in candidate's page.
#[server(endpoint = "my_page")]
pub async fn get_my_page() -> Result<MyPage, AppError> {
    let me = crate::guard::Candidate::require().await?;
    let pool = crate::state::AppState::get().pool;
    Ok(MyPage {
        home: career_relay::candidate::home(&pool, me.id).await?,
        provisions: career_relay::provision::for_candidate(&pool, me.id).await?,
        placements: career_relay::placement::for_candidate(&pool, me.id).await?,
    })
}

/// Saves the profile; every field is checked and nothing is saved unless all are valid.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "save_profile")]
pub async fn save_profile(
    name: String,
    name_kana: String,
    phone: String,
    prefecture: String,
    job_type_1: String,
    job_type_2: String,
    job_type_3: String,
    skills: String,
    years_experience: String,
    desired_salary: String,
    languages: String,
    summary: String,
) -> Result<(), AppError> {
    use super::ssr::{finish, values};
    use career_relay::profile::{Profile, ProfileInput};
    let input = ProfileInput {
        name,
        name_kana,
        phone,
        prefecture,
        job_type_1,
        job_type_2,
        job_type_3,
        skills,
        years_experience,
        desired_salary,
        languages,
        summary,
    };
    let result = async {
        let me = crate::guard::Candidate::require().await?;
        let profile = Profile::try_from(&input)?;
        Ok(career_relay::candidate::save_profile(
            &crate::state::AppState::get().pool,
            me.id,
            &profile,
        )
        .await?)
    }
    .await;
    let v = values([
        ("name", &input.name),
        ("name_kana", &input.name_kana),
        ("phone", &input.phone),
        ("prefecture", &input.prefecture),
        ("job_type_1", &input.job_type_1),
        ("job_type_2", &input.job_type_2),
        ("job_type_3", &input.job_type_3),
        ("skills", &input.skills),
        ("years_experience", &input.years_experience),
        ("desired_salary", &input.desired_salary),
        ("languages", &input.languages),
        ("summary", &input.summary),
    ]);
    finish("profile", result, "/me?saved=profile", v).await
}

/// Gives or withdraws one consent (`handoff` or `recontact`); withdrawal takes effect at once.
#[server(endpoint = "set_consent")]
pub async fn set_consent(kind: String, granted: String) -> Result<(), AppError> {
    use super::ssr::finish;
    let result = async {
        let me = crate::guard::Candidate::require().await?;
        let kind = career_relay::consent::ConsentKind::parse(&kind)
            .ok_or(career_relay::UserError::NotFound)?;
        let granted = granted == "true";
        career_relay::candidate::set_consent(
            &crate::state::AppState::get().pool,
            me.id,
            kind,
            granted,
        )
        .await?;
        Ok(())
    }
    .await;
    finish("consent", result, "/me?saved=consent", Default::default()).await
}

/// The candidate confirms (`answer=confirm`) or disputes (`answer=dispute`) a placement reported
/// about them.
#[server(endpoint = "answer_placement")]
pub async fn answer_placement(placement_id: i64, answer: String) -> Result<(), AppError> {
    use career_relay::placement::Answer;
    let result = async {
        let me = crate::guard::Candidate::require().await?;
        let answer = match answer.as_str() {
            "confirm" => Answer::Confirm,
            "dispute" => Answer::Dispute,
            _ => return Err(career_relay::UserError::NotFound.into()),
        };
        career_relay::placement::answer(
            &crate::state::AppState::get().pool,
            me.id,
            placement_id,
            answer,
        )
        .await?;
        Ok(())
    }
    .await;
    super::ssr::finish(
        "placement",
        result,
        "/me?saved=placement",
        Default::default(),
    )
    .await
}
