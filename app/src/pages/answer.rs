//! The pages of the single-use links in follow-up and renewal mails (`/a/{token}`): the
//! candidate answers without signing in. Opening a page changes nothing; each answer is a form
//! that works without JavaScript.

use crate::{
    api::candidate::{get_ask, AnswerAsk},
    components::{FieldError, FormError, FormState, Loaded, SavedNotice},
    i18n::*,
    pages::signin::token_param,
    text,
};
use career_relay::ask::{AskKind, AskView, SearchStatus};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/a/{token}`: the question a mail asked, with the answer its link named chosen already.
#[component]
pub fn AnswerPage() -> impl IntoView {
    let token = token_param(use_params_map());
    let chosen = use_query_map().read_untracked().get("answer");
    let ask = {
        let token = token.clone();
        ArcResource::new(move || token.clone(), get_ask)
    };
    view! {
        <section class="narrow">
            <Loaded resource=ask view=move |a: AskView| {
                let (token, chosen) = (token.clone(), chosen.clone());
                view! { <AskForm ask=a token chosen /> }
            } />
        </section>
    }
}

#[component]
fn AskForm(ask: AskView, token: String, chosen: Option<String>) -> impl IntoView {
    let i18n = crate::components::use_locale();
    if !ask.open {
        return view! {
            <h1>{td!(i18n, answer.done_title)}</h1>
            <p class="notice" role="status" data-testid="ask-used">{td!(i18n, answer.used)}</p>
        }
        .into_any();
    }
    let form = FormState::of("answer");
    match ask.kind {
        AskKind::FollowUp => {
            // The link's answer, else the last one typed, else where the candidate stands now.
            let selected = chosen
                .and_then(|c| SearchStatus::from_code(&c))
                .or_else(|| SearchStatus::from_code(&form.value("answer", "")))
                .unwrap_or(ask.search_status);
            let choices = SearchStatus::ALL
                .iter()
                .map(|s| {
                    view! {
                        <label>
                            <input type="radio" name="answer" value=s.code() checked=*s == selected data-testid=format!("answer-{}", s.code()) />
                            " " {text::search_status(i18n, *s)}
                        </label>
                    }
                })
                .collect_view();
            let scale = (1..=5)
                .map(|n| {
                    view! {
                        <label class="inline">
                            <input type="radio" name="satisfaction" value=n.to_string() data-testid=format!("satisfaction-{n}") />
                            " " {n}
                        </label>
                    }
                })
                .collect_view();
            view! {
                <h1>{td!(i18n, answer.followup_title)}</h1>
                <p>{td!(i18n, answer.followup_text)}</p>
                <form method="post" action=AnswerAsk::PATH>
                    <FormError state=form.clone() />
                    <input type="hidden" name="token" value=token.clone() />
                    <fieldset>
                        {choices}
                        <FieldError state=form.clone() field="answer" />
                    </fieldset>
                    <fieldset>
                        <legend>{td!(i18n, answer.satisfaction)}</legend>
                        {scale}
                        <p class="hint">{td!(i18n, answer.satisfaction_low)} " · " {td!(i18n, answer.satisfaction_high)}</p>
                        <FieldError state=form.clone() field="satisfaction" />
                    </fieldset>
                    <button type="submit" data-testid="send-answer">{td!(i18n, answer.send)}</button>
                </form>
                <p>
                    <a href="/me">{td!(i18n, answer.update_profile)}</a>
                    " · "
                    <a href=format!("/a/{token}/stop") data-testid="stop-link">{td!(i18n, answer.stop)}</a>
                </p>
            }
            .into_any()
        }
        AskKind::Renewal => view! {
            <h1>{td!(i18n, answer.renewal_title)}</h1>
            <p>{td!(i18n, answer.renewal_text)}</p>
            <FormError state=form.clone() />
            <form method="post" action=AnswerAsk::PATH>
                <input type="hidden" name="token" value=token.clone() />
                <input type="hidden" name="answer" value="keep" />
                <button type="submit" data-testid="keep">{td!(i18n, answer.keep)}</button>
            </form>
            <form method="post" action=AnswerAsk::PATH>
                <input type="hidden" name="token" value=token.clone() />
                <input type="hidden" name="answer" value="delete" />
                <label>
                    <input type="checkbox" name="confirm" value="on" data-testid="delete-confirm" />
                    " " {td!(i18n, answer.delete_confirm)}
                </label>
                <FieldError state=form.clone() field="confirm" />
                <button type="submit" class="danger" data-testid="delete">{td!(i18n, answer.delete)}</button>
            </form>
        }
        .into_any(),
    }
}

/// `/answered`: where an answer leads, saying what it did.
#[component]
pub fn Answered() -> impl IntoView {
    let i18n = crate::components::use_locale();
    view! {
        <section class="narrow">
            <h1>{td!(i18n, answer.done_title)}</h1>
            <SavedNotice />
        </section>
    }
}

/// `/a/{token}/stop`: the unsubscribe link of the follow-up mails. Stopping takes a press of the
/// button (a POST, also the mail programs' one-click unsubscribe).
#[component]
pub fn StopFollowUps() -> impl IntoView {
    let i18n = crate::components::use_locale();
    let token = token_param(use_params_map());
    let done = use_query_map().read_untracked().get("done").is_some();
    view! {
        <section class="narrow">
            <h1>{td!(i18n, answer.stop)}</h1>
            {if done {
                view! { <p class="notice" role="status" data-testid="stopped">{td!(i18n, answer.stop_done)}</p> }.into_any()
            } else {
                view! {
                    <p>{td!(i18n, answer.stop_text)}</p>
                    <form method="post" action=format!("/a/{token}/stop")>
                        <button type="submit" data-testid="stop">{td!(i18n, answer.stop)}</button>
                    </form>
                }.into_any()
            }}
        </section>
    }
}
