//! The start page: what Career Relay is, for each audience.

use crate::{components::SavedNotice, i18n::*};
use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    let i18n = crate::components::use_locale();
    view! {
        <SavedNotice />
        <section class="hero">
            <h1>{td!(i18n, home.title)}</h1>
            <p class="lead">{td!(i18n, home.lead)}</p>
        </section>
        <section class="cards">
            <article>
                <h2>{td!(i18n, home.company_title)}</h2>
                <p>{td!(i18n, home.company_text)}</p>
            </article>
            <article>
                <h2>{td!(i18n, home.candidate_title)}</h2>
                <p>{td!(i18n, home.candidate_text)}</p>
            </article>
            <article>
                <h2>{td!(i18n, home.agency_title)}</h2>
                <p>{td!(i18n, home.agency_text)}</p>
            </article>
        </section>
        <p><a class="button" href="/signin">{td!(i18n, nav.sign_in)}</a></p>
    }
}
