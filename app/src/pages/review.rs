//! `/admin/review`: relays held by the farming rules, grouped by company and rule with their
//! evidence (counts, times, networks as prefixes, mail domains; never a person), approved or
//! rejected in bulk.

use crate::{
    api::admin::{get_review_page, DecideRelays, ReviewPage},
    components::{FieldError, FormError, FormState, Loaded},
    i18n::*,
    text,
};
use career_relay::{review::HeldGroup, time::date_time};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_query_map;

#[component]
pub fn Review() -> impl IntoView {
    let i18n = crate::components::use_locale();
    let query = use_query_map();
    let last = move || {
        let q = query.read();
        let n = |k: &str| q.get(k).and_then(|v| v.parse::<i64>().ok());
        (n("decided"), n("already"))
    };
    let page = ArcResource::new(last, |(decided, already)| get_review_page(decided, already));
    view! {
        <h1>{td!(i18n, review.title)}</h1>
        <p class="hint">{td!(i18n, review.explain)}</p>
        <Loaded resource=page view=|p: ReviewPage| view! { <ReviewView page=p /> } />
    }
}

#[component]
fn ReviewView(page: ReviewPage) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let f = FormState::of("review");
    view! {
        {page.last.map(|(decided, already)| view! {
            <p class="notice" role="status" data-testid="review-result">
                {td!(i18n, review.decided, decided = decided, already = already)}
            </p>
        })}
        <FormError state=f.clone() />
        <FieldError state=f.clone() field="relays" />
        <FieldError state=f.clone() field="decision" />
        {if page.groups.is_empty() {
            view! { <p data-testid="review-empty">{td!(i18n, review.empty)}</p> }.into_any()
        } else {
            page.groups.into_iter().map(|g| view! { <HeldGroupForm group=g /> }).collect_view().into_any()
        }}
    }
}

/// One company's relays held by one rule: the evidence, and a checkbox per relay.
#[component]
fn HeldGroupForm(group: HeldGroup) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let rule = group.rule;
    view! {
        <section class="panel" data-testid="held-group" data-company=group.company_name.clone() data-rule=rule.code()>
            <h2>{group.company_name.clone()} " — " {text::farming_rule(i18n, rule)}</h2>
            <table class="evidence">
                <thead><tr>
                    <th>{td!(i18n, review.evidence)}</th>
                    <th class="num">{td!(i18n, review.held)}</th>
                    <th>{td!(i18n, review.numbers)}</th>
                    <th>{td!(i18n, review.between)}</th>
                </tr></thead>
                <tbody>
                    {group.evidence.into_iter().map(|e| view! {
                        <tr>
                            <td>{e.detail.clone()}</td>
                            <td class="num">{e.relays}</td>
                            <td>{text::farming_numbers(i18n, rule, e.amount, e.baseline)}</td>
                            <td>{date_time(e.first_at)} " – " {date_time(e.last_at)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <form method="post" action=DecideRelays::PATH>
                <table>
                    <thead><tr><th></th><th>{td!(i18n, review.relay)}</th><th>{td!(i18n, review.qualified_at)}</th><th>{td!(i18n, review.network)}</th></tr></thead>
                    <tbody>
                        {group.relays.into_iter().map(|r| {
                            let id = format!("relay-{}-{}", rule.code(), r.id);
                            view! {
                                <tr>
                                    <td><input type="checkbox" id=id.clone() name="relays[]" value=r.id /></td>
                                    <td><label for=id>{format!("#{}", r.id)}</label></td>
                                    <td>{date_time(r.qualified_at)}</td>
                                    <td>{r.network.unwrap_or_default()}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <button type="submit" name="decision" value="approve" data-testid="approve">{td!(i18n, review.approve)}</button>
                " "
                <button type="submit" name="decision" value="reject" class="danger" data-testid="reject">{td!(i18n, review.reject)}</button>
            </form>
        </section>
    }
}
