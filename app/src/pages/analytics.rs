//! `/admin/analytics`: the platform's numbers by month (charts and table, as a company sees its
//! own), the companies' and agencies' figures, agencies ranked by placements, and held relays by
//! farming rule.

use crate::{
    api::admin::{get_analytics_page, AnalyticsPage},
    components::Loaded,
    i18n::*,
    pages::numbers::NumbersView,
    text,
};
use leptos::prelude::*;

#[component]
pub fn Analytics() -> impl IntoView {
    let i18n = crate::components::use_locale();
    let page = ArcResource::new(|| (), |_| get_analytics_page());
    view! {
        <h1>{td!(i18n, analytics.title)}</h1>
        <p class="hint">{td!(i18n, analytics.explain)}</p>
        <Loaded resource=page view={|p: AnalyticsPage| view! { <AnalyticsView page=p /> }} />
    }
}

#[component]
fn AnalyticsView(page: AnalyticsPage) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let none = || view! { <p>{td!(i18n, analytics.none)}</p> };
    view! {
        <h2>{td!(i18n, analytics.platform)}</h2>
        <NumbersView numbers=page.platform.numbers charts=page.platform.charts />
        <section class="panel">
            <h2>{td!(i18n, analytics.held_by_rule)}</h2>
            {if page.held_by_rule.is_empty() {
                none().into_any()
            } else {
                view! {
                    <table data-testid="held-by-rule">
                        <thead><tr><th>{td!(i18n, analytics.rule)}</th><th class="num">{td!(i18n, analytics.count)}</th></tr></thead>
                        <tbody>
                            {page.held_by_rule.into_iter().map(|(rule, n)| view! {
                                <tr data-rule=rule.code()><td>{text::farming_rule(i18n, rule)}</td><td class="num">{n}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
        <section class="panel">
            <h2>{td!(i18n, analytics.companies)}</h2>
            <div class="scroll">
                <table data-testid="analytics-companies">
                    <thead><tr>
                        <th>{td!(i18n, analytics.company)}</th>
                        <th class="num">{td!(i18n, analytics.opt_ins)}</th>
                        <th class="num">{td!(i18n, analytics.qualified)}</th>
                        <th class="num">{td!(i18n, analytics.held)}</th>
                        <th class="num">{td!(i18n, analytics.placed)}</th>
                        <th class="num">{td!(i18n, analytics.balance)}</th>
                    </tr></thead>
                    <tbody>
                        {page.companies.into_iter().map(|c| view! {
                            <tr data-company=c.name.clone()>
                                <td>{c.name.clone()}</td>
                                <td class="num">{c.opt_ins}</td>
                                <td class="num">{c.qualified}</td>
                                <td class="num">{c.held}</td>
                                <td class="num">{c.placed}</td>
                                <td class="num">{c.balance}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        <section class="panel">
            <h2>{td!(i18n, analytics.agencies)}</h2>
            <div class="scroll">
                <table data-testid="analytics-agencies">
                    <thead><tr>
                        <th>{td!(i18n, analytics.agency)}</th>
                        <th class="num">{td!(i18n, analytics.claims)}</th>
                        <th class="num">{td!(i18n, analytics.placements)}</th>
                        <th class="num">{td!(i18n, analytics.median)}</th>
                    </tr></thead>
                    <tbody>
                        {page.agencies.into_iter().map(|a| view! {
                            <tr data-agency=a.name.clone()>
                                <td>{a.name.clone()}</td>
                                <td class="num">{a.claims}</td>
                                <td class="num">{a.placements}</td>
                                <td class="num">{a.median_days.map_or("—".to_owned(), |d| d.to_string())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
