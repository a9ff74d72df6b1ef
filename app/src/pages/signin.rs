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
    let i18n = use_i18n();
    let query = use_query_map();
    let state = FormState::of("sign_in");
    let sent = query.read_untracked().get("sent").is_some();
    let link_error = query
        .read_untracked()
        .get("error")
        .and_then(|c| career_relay::UserError::from_code(&c));
    view! {
        <section class="narrow">
            <h1>{t!(i18n, signin.title)}</h1>
            {sent.then(|| view! { <p class="notice" role="status">{t!(i18n, signin.sent)}</p> })}
            {link_error.map(|e| view! { <p class="form-error" role="alert">{move || text::user_error(i18n, e)}</p> })}
            <p>{t!(i18n, signin.explain)}</p>
            <form method="post" action=RequestSignIn::PATH>
                <FormError state=state.clone() />
                <label for="email">{t!(i18n, profile.email)}</label>
                <input id="email" type="email" name="email" autocomplete="email" required value=state.value("email", "") />
                <FieldError state=state.clone() field="email" />
                <button type="submit">{t!(i18n, signin.submit)}</button>
            </form>
        </section>
    }
}

#[component]
pub fn CheckMail() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="narrow">
            <h1>{t!(i18n, check_mail.title)}</h1>
            <p>{t!(i18n, check_mail.text)}</p>
        </section>
    }
}
