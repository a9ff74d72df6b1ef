//! `/company`: the relay link, mail templates and the referral status.

use crate::{
    api::company::{get_company_page, CompanyPage, HistoryQuery, ReissueLink, RevokeLink},
    components::{page_link, FormError, FormState, Loaded, Rows, SavedNotice},
    i18n::*,
    text,
};
use career_relay::{credit, referral::Outcome, time::date};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_query_map;

#[component]
pub fn Company() -> impl IntoView {
    let query = use_query_map();
    let history = move || {
        let q = query.read();
        HistoryQuery {
            ledger_before: q.get("ledger_before").unwrap_or_default(),
            outcomes_before: q.get("outcomes_before").unwrap_or_default(),
        }
    };
    let current = history();
    let page = ArcResource::new(history, get_company_page);
    view! {
        <Loaded resource=page view=move |p: CompanyPage| view! { <CompanyView page=p history=current.clone() /> } />
    }
}

/// The link to the older part of one list (`ledger_before` or `outcomes_before`), keeping where
/// the other list stands.
fn older(history: &HistoryQuery, list: (&str, i64)) -> String {
    let standing = [
        ("ledger_before", history.ledger_before.as_str()),
        ("outcomes_before", history.outcomes_before.as_str()),
    ];
    page_link("/company", &standing, list)
}

#[component]
fn CompanyView(page: CompanyPage, history: HistoryQuery) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let s = page.status;
    let progress = credit::progress(s.qualified, s.relays_per_credit);
    let per = s.relays_per_credit;
    let state = FormState::of("link");
    view! {
        <h1>{s.company_name.clone()}</h1>
        <p>
            <a href="/company/requests" data-testid="requests-link">{td!(i18n, requests.link)}</a>
            " · "
            <a href="/company/import" data-testid="import-link">{td!(i18n, import.link)}</a>
            " · "
            <a href="/company/returns" data-testid="returns-link">{td!(i18n, returns.link)}</a>
            " · "
            <a href="/company/numbers" data-testid="numbers-link">{td!(i18n, numbers.title)}</a>
        </p>
        <SavedNotice />
        <section class="panel">
            <h2>{td!(i18n, company.link_title)}</h2>
            <FormError state />
            {match page.relay_url.clone() {
                Some(url) => view! { <RelayLink url /> }.into_any(),
                None => view! { <p data-testid="no-link">{td!(i18n, company.no_link)}</p> }.into_any(),
            }}
            <div class="actions">
                <form method="post" action=ReissueLink::PATH class="inline">
                    <button type="submit" class="secondary">{td!(i18n, company.reissue)}</button>
                </form>
                {page.relay_url.is_some().then(|| view! {
                    <form method="post" action=RevokeLink::PATH class="inline">
                        <button type="submit" class="danger">{td!(i18n, company.revoke)}</button>
                    </form>
                })}
            </div>
            <p class="hint">{td!(i18n, company.reissue_explain)}</p>
        </section>
        <section class="panel">
            <h2>{td!(i18n, company.status_title)}</h2>
            <dl class="stats">
                <div><dt>{td!(i18n, company.visits)}</dt><dd data-testid="visits">{s.link_visits}</dd></div>
                <div><dt>{td!(i18n, company.opt_ins)}</dt><dd data-testid="opt-ins">{s.opt_ins}</dd></div>
                <div><dt>{td!(i18n, company.qualified)}</dt><dd data-testid="qualified">{s.qualified}</dd></div>
                <div><dt>{td!(i18n, company.balance)}</dt><dd data-testid="balance">{s.balance}</dd></div>
                <div>
                    <dt>{td!(i18n, company.satisfaction)}</dt>
                    <dd data-testid="satisfaction">{match s.satisfaction.average() {
                        Some(avg) => td_string!(i18n, company.satisfaction_value, average = avg, answers = s.satisfaction.answers).to_string(),
                        None => td_string!(i18n, company.no_satisfaction).to_string(),
                    }}</dd>
                </div>
            </dl>
            {(s.held > 0).then(|| view! {
                <p class="notice" data-testid="held">{td!(i18n, company.held, count = s.held)}</p>
            })}
            {s.expiring.map(|e| view! {
                <p class="notice" data-testid="expiring">{td!(i18n, requests.expiring, count = e.count, date = date(e.at))}</p>
            })}
            <label for="progress">{td!(i18n, company.progress, n = progress, per = per)}</label>
            <progress id="progress" max=per value=progress>{format!("{progress}/{per}")}</progress>
        </section>
        <section class="panel">
            <h2>{td!(i18n, company.ledger_title)}</h2>
            {if s.ledger.is_empty() {
                view! { <p>{td!(i18n, company.no_ledger)}</p> }.into_any()
            } else {
                view! {
                    <table data-testid="ledger">
                        <thead><tr><th>{td!(i18n, company.date)}</th><th>{td!(i18n, company.entry)}</th><th>{td!(i18n, company.amount)}</th></tr></thead>
                        <tbody inner_html=ledger_rows(i18n, &s.ledger)></tbody>
                    </table>
                }.into_any()
            }}
            {s.ledger_more.map(|id| view! {
                <p><a href=older(&history, ("ledger_before", id)) class="button secondary" rel="next" data-testid="ledger-older">{td!(i18n, company.older)}</a></p>
            })}
        </section>
        <section class="panel">
            <h2>{td!(i18n, company.outcomes_title)}</h2>
            <p class="hint">{td!(i18n, company.outcomes_explain)}</p>
            {if s.outcomes.is_empty() {
                view! { <p>{td!(i18n, company.no_outcomes)}</p> }.into_any()
            } else {
                view! {
                    <table data-testid="outcomes">
                        <thead><tr>
                            <th>{td!(i18n, company.reference)}</th>
                            <th>{td!(i18n, company.agency)}</th>
                            <th>{td!(i18n, company.claimed_at)}</th>
                            <th>{td!(i18n, company.outcome)}</th>
                        </tr></thead>
                        <tbody inner_html=outcome_rows(i18n, &s.outcomes)></tbody>
                    </table>
                }.into_any()
            }}
            {s.outcomes_more.map(|id| view! {
                <p><a href=older(&history, ("outcomes_before", id)) class="button secondary" rel="next" data-testid="outcomes-older">{td!(i18n, company.older)}</a></p>
            })}
        </section>
    }
}

/// The ledger's rows, written as HTML at once (`Rows`).
fn ledger_rows(i18n: Locale, ledger: &[credit::LedgerEntry]) -> String {
    let mut rows = Rows::with_capacity(ledger.len());
    for e in ledger {
        rows.open_row(&[("class", &format!("ledger-{}", e.kind))]);
        rows.cell(&date(e.created_at));
        rows.cell(&text::ledger_kind(i18n, &e.kind));
        rows.number(&format!("{:+}", e.amount));
        rows.close_row();
    }
    rows.into_html()
}

/// The outcomes' rows, written as HTML at once (`Rows`).
fn outcome_rows(i18n: Locale, outcomes: &[Outcome]) -> String {
    let mut rows = Rows::with_capacity(outcomes.len());
    for o in outcomes {
        let state = o.end_reason.as_deref().unwrap_or("active");
        rows.open_row(&[("class", &format!("outcome-{state}"))]);
        rows.cell(&format!("R-{:06}", o.claim_id));
        rows.cell(&o.agency_name);
        rows.cell(&date(o.claimed_at));
        rows.cell(&text::outcome(
            i18n,
            o.end_reason.as_deref(),
            o.placement_status.as_deref(),
        ));
        rows.close_row();
    }
    rows.into_html()
}

/// The link with a copy button and the ready-to-paste rejection-mail texts in both languages.
#[component]
fn RelayLink(url: String) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let ja = td_string!(Locale::ja, company.template, url = url.as_str()).to_string();
    let en = td_string!(Locale::en, company.template, url = url.as_str()).to_string();
    view! {
        <div class="copy-row">
            <input id="relay-url" readonly value=url.clone() aria-label=td_string!(i18n, company.link_title).to_string() />
            <CopyButton
                text=url
                copy=td_string!(i18n, company.copy).to_string()
                copied=td_string!(i18n, company.copied).to_string()
            />
        </div>
        <h3>{td!(i18n, company.templates_title)}</h3>
        <label for="template-ja">"日本語"</label>
        <textarea id="template-ja" readonly rows="7">{ja}</textarea>
        <label for="template-en">"English"</label>
        <textarea id="template-en" readonly rows="7">{en}</textarea>
    }
}

/// A button that copies `text` to the clipboard and then says so: the portal's one island, the
/// only code that runs in the browser (its words come translated from the server).
#[island]
fn CopyButton(text: String, copy: String, copied: String) -> impl IntoView {
    // Reference-counted, not arena-owned: a page whose client went away disposes of its owner
    // while the server may still be walking the view, and a disposed arena signal panics when
    // read; this one lives as long as the closures that hold it.
    let done = ArcRwSignal::new(false);
    let shown = done.clone();
    let on_click = move |_| {
        #[cfg(feature = "hydrate")]
        {
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&text);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &text;
        done.set(true);
    };
    view! {
        <button type="button" on:click=on_click data-testid="copy-link">
            {move || if shown.get() { copied.clone() } else { copy.clone() }}
        </button>
    }
}
