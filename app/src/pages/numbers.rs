//! `/company/numbers`: the company's funnel by month for the last twelve months, as a table (and
//! as CSV from `/company/numbers.csv`).

use crate::{api::company::get_numbers_page, components::Loaded, i18n::*};
use career_relay::numbers::MonthNumbers;
use leptos::prelude::*;

#[component]
pub fn Numbers() -> impl IntoView {
    let i18n = crate::components::use_locale();
    let page = ArcResource::new(|| (), |_| get_numbers_page());
    view! {
        <h1>{td!(i18n, numbers.title)}</h1>
        <p class="hint">{td!(i18n, numbers.explain)}</p>
        <p><a href="/company/numbers.csv" rel="external" download data-testid="numbers-csv">{td!(i18n, numbers.csv)}</a></p>
        <Loaded resource=page view={|months: Vec<MonthNumbers>| view! { <NumbersTable months /> }} />
    }
}

#[component]
fn NumbersTable(months: Vec<MonthNumbers>) -> impl IntoView {
    let i18n = crate::components::use_locale();
    view! {
        <table data-testid="numbers">
            <thead><tr>
                <th>{td!(i18n, numbers.month)}</th>
                <th class="num">{td!(i18n, numbers.invitations)}</th>
                <th class="num">{td!(i18n, numbers.opt_ins)}</th>
                <th class="num">{td!(i18n, numbers.qualified)}</th>
                <th class="num">{td!(i18n, numbers.claimed)}</th>
                <th class="num">{td!(i18n, numbers.introduced)}</th>
                <th class="num">{td!(i18n, numbers.placed)}</th>
                <th class="num">{td!(i18n, numbers.credits_earned)}</th>
                <th class="num">{td!(i18n, numbers.credits_spent)}</th>
                <th class="num">{td!(i18n, numbers.credits_expired)}</th>
            </tr></thead>
            <tbody>
                {months.into_iter().map(|m| view! {
                    <tr data-month=m.month.clone()>
                        <th scope="row">{m.month.clone()}</th>
                        {m.counts.iter().map(|n| view! { <td class="num">{*n}</td> }).collect_view()}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
