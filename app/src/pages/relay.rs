//! `/r/{code}`: the page a rejected candidate lands on from the company's mail.

use crate::{
    api::candidate::{get_relay_landing, OptIn},
    components::{FieldError, FormError, FormState, Loaded},
    i18n::*,
};
use career_relay::consent::NoticeVersion;
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_params_map;

#[component]
pub fn Relay() -> impl IntoView {
    let i18n = crate::components::use_locale();
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let landing = ArcResource::new(code, get_relay_landing);
    view! {
        <Loaded
            resource=landing
            view=move |l| {
                let code = code();
                if l.revoked {
                    view! {
                        <section class="narrow">
                            <h1>{td!(i18n, relay.revoked_title)}</h1>
                            <p>{td!(i18n, relay.revoked_text, company = l.company_name.clone())}</p>
                        </section>
                    }
                        .into_any()
                } else {
                    view! { <OptInForm company=l.company_name code retention_months=l.retention_months notice=l.notice /> }.into_any()
                }
            }
        />
    }
}

#[component]
fn OptInForm(
    company: String,
    code: String,
    retention_months: i64,
    notice: NoticeVersion,
) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let state = FormState::of("opt_in");
    let recontact = state.value("recontact", "") == "on";
    let company_name = company.clone();
    view! {
        <section class="narrow">
            <p class="eyebrow">{td!(i18n, relay.from, company = company.clone())}</p>
            <h1>{td!(i18n, relay.title)}</h1>
            <p class="lead">{td!(i18n, relay.lead, company = company.clone())}</p>
            <section class="consent-notice" aria-labelledby="notice-title">
                <h2 id="notice-title">{td!(i18n, consent.title)}</h2>
                <dl>
                    <dt>{td!(i18n, consent.purpose_label)}</dt>
                    <dd>{td!(i18n, consent.purpose)}</dd>
                    <dt>{td!(i18n, consent.recipients_label)}</dt>
                    <dd>{td!(i18n, consent.recipients)}</dd>
                    <dt>{td!(i18n, consent.items_label)}</dt>
                    <dd>{td!(i18n, consent.items)}</dd>
                    <dt>{td!(i18n, consent.retention_label)}</dt>
                    <dd>{td!(i18n, consent.retention, months = retention_months)}</dd>
                    <dt>{td!(i18n, consent.company_label)}</dt>
                    <dd>{td!(i18n, consent.company_text, company = company_name.clone())}</dd>
                    <dt>{td!(i18n, consent.rights_label)}</dt>
                    <dd>{td!(i18n, consent.rights)}</dd>
                </dl>
                <crate::components::NoticeChanges notice=notice.clone() />
                <p class="version">{td!(i18n, consent.version, version = notice.version.clone())}</p>
            </section>
            <form method="post" action=OptIn::PATH class="opt-in">
                <FormError state=state.clone() />
                <input type="hidden" name="code" value=code />
                <label for="email">{td!(i18n, profile.email)}</label>
                <input id="email" type="email" name="email" autocomplete="email" required value=state.value("email", "") />
                <FieldError state=state.clone() field="email" />
                <label class="check">
                    <input type="checkbox" name="handoff" value="on" />
                    <span>{td!(i18n, relay.handoff_label)}</span>
                </label>
                <FieldError state=state.clone() field="handoff" />
                <label class="check">
                    <input type="checkbox" name="recontact" value="on" checked=recontact />
                    <span>{td!(i18n, relay.recontact_label, company = company_name)}</span>
                </label>
                <button type="submit">{td!(i18n, relay.submit)}</button>
                <p class="hint">{td!(i18n, relay.refuse_hint)}</p>
            </form>
        </section>
    }
}
