//! Signing in by one-time e-mail link.

use crate::{
    api::session::RequestSignIn,
    components::{FieldError, FormError, FormState},
    i18n::*,
    text,
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignIn() -> impl IntoView {
    let i18n = crate::components::use_locale();
    let query = use_query_map();
    let state = FormState::of("sign_in");
    let sent = query.read_untracked().get("sent").is_some();
    let link_error = query
        .read_untracked()
        .get("error")
        .and_then(|c| career_relay::UserError::from_code(&c));
    view! {
        <section class="narrow">
            <h1>{td!(i18n, signin.title)}</h1>
            {sent.then(|| view! { <p class="notice" role="status">{td!(i18n, signin.sent)}</p> })}
            {link_error.map(|e| view! { <p class="form-error" role="alert">{move || text::user_error(i18n, e)}</p> })}
            <p>{td!(i18n, signin.explain)}</p>
            <form method="post" action=RequestSignIn::PATH>
                <FormError state=state.clone() />
                <label for="email">{td!(i18n, profile.email)}</label>
                <input id="email" type="email" name="email" autocomplete="email" required value=state.value("email", "") />
                <FieldError state=state.clone() field="email" />
                <button type="submit">{td!(i18n, signin.submit)}</button>
            </form>
        </section>
    }
}

#[component]
pub fn CheckMail() -> impl IntoView {
    let i18n = crate::components::use_locale();
    view! {
        <section class="narrow">
            <h1>{td!(i18n, check_mail.title)}</h1>
            <p>{td!(i18n, check_mail.text)}</p>
        </section>
    }
}

/// The `token` of the path, reduced to the characters a token has (it goes into a form action).
pub(crate) fn token_param(params: Memo<leptos_router::params::ParamsMap>) -> String {
    params
        .read_untracked()
        .get("token")
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// `/auth/{token}`: the page a mailed sign-in link opens. Signing in takes a press of the button
/// (a POST), so that mail scanners that open every link do not use the one-time link up.
#[component]
pub fn UseLink() -> impl IntoView {
    let i18n = crate::components::use_locale();
    let params = leptos_router::hooks::use_params_map();
    let token = token_param(params);
    view! {
        <section class="narrow">
            <h1>{td!(i18n, signin.continue_title)}</h1>
            <p>{td!(i18n, signin.continue_text)}</p>
            <form method="post" action=format!("/auth/{token}/continue")>
                <button type="submit" data-testid="continue-sign-in">{td!(i18n, signin.continue_button)}</button>
            </form>
        </section>
    }
}

/// `/sso/refused?reason=…`: why a sign-in with an identity provider signed nobody in.
#[component]
pub fn SsoRefused() -> impl IntoView {
    let i18n = crate::components::use_locale();
    let query = use_query_map();
    let reason = query
        .read_untracked()
        .get("reason")
        .and_then(|c| career_relay::UserError::from_code(&c))
        .unwrap_or(career_relay::UserError::SsoFailed);
    view! {
        <section class="narrow">
            <h1>{td!(i18n, signin.refused_title)}</h1>
            <p class="form-error" role="alert" data-testid="sso-refused" data-reason=reason.code()>
                {move || text::user_error(i18n, reason)}
            </p>
            <p><a href="/signin" class="button secondary">{td!(i18n, signin.back)}</a></p>
        </section>
    }
}

/// `/u/{token}`: the unsubscribe link of an invitation mail. Unsubscribing takes a press of the
/// button (a POST), so that mail scanners opening every link do not unsubscribe anyone.
#[component]
pub fn Unsubscribe() -> impl IntoView {
    let i18n = crate::components::use_locale();
    let params = leptos_router::hooks::use_params_map();
    let query = use_query_map();
    let done = query.read_untracked().get("done").is_some();
    let token = token_param(params);
    view! {
        <section class="narrow">
            <h1>{td!(i18n, unsubscribe.title)}</h1>
            {if done {
                view! { <p class="notice" role="status" data-testid="unsubscribed">{td!(i18n, unsubscribe.done)}</p> }.into_any()
            } else {
                view! {
                    <p>{td!(i18n, unsubscribe.text)}</p>
                    <form method="post" action=format!("/u/{token}")>
                        <button type="submit" data-testid="unsubscribe">{td!(i18n, unsubscribe.button)}</button>
                    </form>
                }.into_any()
            }}
        </section>
    }
}
