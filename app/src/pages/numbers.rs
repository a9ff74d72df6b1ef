//! `/company/numbers`: the company's numbers by month for the last twelve months, as charts drawn
//! on the server (SVG, no JavaScript) with the same numbers as a table beside them, the
//! conversions between the steps and the median times (and as CSV from
//! `/company/numbers.csv`).

use crate::{
    api::company::{get_numbers_page, Chart, NumbersPage},
    components::Loaded,
    i18n::*,
    text,
};
use career_relay::numbers::{Numbers, CONVERSIONS, STEPS};
use leptos::prelude::*;

#[component]
pub fn Numbers() -> impl IntoView {
    let i18n = crate::components::use_locale();
    let page = ArcResource::new(|| (), |_| get_numbers_page());
    view! {
        <h1>{td!(i18n, numbers.title)}</h1>
        <p class="hint">{td!(i18n, numbers.explain)}</p>
        <p><a href="/company/numbers.csv" rel="external" download data-testid="numbers-csv">{td!(i18n, numbers.csv)}</a></p>
        <Loaded resource=page view={|p: NumbersPage| view! { <NumbersView numbers=p.numbers charts=p.charts /> }} />
    }
}

/// The charts, conversions, median times and the table of one company's or the platform's
/// numbers.
#[component]
pub fn NumbersView(numbers: Numbers, charts: Vec<Chart>) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let days = move |d: Option<i64>| match d {
        Some(d) => td_string!(i18n, numbers.days, days = d).to_string(),
        None => td_string!(i18n, numbers.no_days).to_string(),
    };
    view! {
        <div class="charts">
            {charts.into_iter().map(|c| {
                let title = match c.key.as_str() {
                    "funnel" => td_string!(i18n, numbers.funnel_chart),
                    "outcomes" => td_string!(i18n, numbers.outcomes_chart),
                    _ => td_string!(i18n, numbers.credits_chart),
                };
                // The table below holds the same numbers for screen readers.
                view! {
                    <figure class="chart" data-testid=format!("chart-{}", c.key)>
                        <figcaption>{title}</figcaption>
                        <div aria-hidden="true" inner_html=c.svg></div>
                    </figure>
                }
            }).collect_view()}
        </div>
        <section class="panel">
            <h2>{td!(i18n, numbers.conversions)}</h2>
            <ul data-testid="conversions">
                {CONVERSIONS.iter().map(|&(from, to)| {
                    let (f, t) = (text::step(i18n, from), text::step(i18n, to));
                    view! { <li>{match numbers.conversion(from, to) {
                        Some(share) => td_string!(i18n, numbers.conversion, from = f, to = t, share = share).to_string(),
                        None => td_string!(i18n, numbers.no_conversion, from = f, to = t).to_string(),
                    }}</li> }
                }).collect_view()}
                <li data-testid="days-to-claim">{td!(i18n, numbers.days_to_claim)} ": " {days(numbers.days_to_claim)}</li>
                <li data-testid="days-to-placement">{td!(i18n, numbers.days_to_placement)} ": " {days(numbers.days_to_placement)}</li>
            </ul>
        </section>
        <h2>{td!(i18n, numbers.table)}</h2>
        <div class="scroll">
            <table data-testid="numbers">
                <thead><tr>
                    <th>{td!(i18n, numbers.month)}</th>
                    {(0..STEPS.len()).map(|s| view! { <th class="num">{text::step(i18n, s)}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {numbers.months.into_iter().map(|m| view! {
                        <tr data-month=m.month.clone()>
                            <th scope="row">{m.month.clone()}</th>
                            {m.counts.iter().map(|n| view! { <td class="num">{*n}</td> }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
