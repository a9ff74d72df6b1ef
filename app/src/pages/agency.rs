//! The agency pages: the pool, one candidate, and the agency's claims.

use crate::{
    api::agency::{
        get_candidate_detail, get_my_claims, get_pool, AddNote, ClaimCandidate, ReleaseClaim,
        ReportPlacement,
    },
    components::{
        next_page, FieldError, FormError, FormState, JobTypeFilter, Loaded, NextPage,
        PrefectureFilter, Rows, SavedNotice,
    },
    i18n::*,
    text,
};
use career_relay::{
    candidate::CandidateDetail,
    claim::ClaimView,
    pool::{PoolEntry, PoolPage, PoolQuery},
    time::date,
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/agency`: the pool, filtered by the query string, newest first, keyset-paged.
#[component]
pub fn Pool() -> impl IntoView {
    let i18n = crate::components::use_locale();
    let query = use_query_map();
    let current = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        PoolQuery {
            job_type: get("job_type"),
            prefecture: get("prefecture"),
            skill: get("skill"),
            min_years: get("min_years"),
            q: get("q"),
            after: get("after"),
        }
    };
    let page = ArcResource::new(current, get_pool);
    let filters = current();
    view! {
        <h1>{td!(i18n, pool.title)}</h1>
        <form method="get" action="/agency" class="filters">
            <JobTypeFilter label=td_string!(i18n, profile.job_types).to_string() selected=filters.job_type.clone() />
            <PrefectureFilter label=td_string!(i18n, profile.prefecture).to_string() selected=filters.prefecture.clone() />
            <label>{td!(i18n, pool.skill)} <input name="skill" value=filters.skill.clone() /></label>
            <label>{td!(i18n, pool.min_years)} <input name="min_years" inputmode="numeric" size="3" value=filters.min_years.clone() /></label>
            <label>{td!(i18n, pool.keyword)} <input name="q" type="search" value=filters.q.clone() /></label>
            <button type="submit">{td!(i18n, pool.search)}</button>
        </form>
        <Loaded resource=page view=move |p: PoolPage| view! { <PoolList page=p filters=filters.clone() /> } />
    }
}

#[component]
fn PoolList(page: PoolPage, filters: PoolQuery) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let next_href = page.next.map(|after| {
        let set = [
            ("job_type", filters.job_type.as_str()),
            ("prefecture", filters.prefecture.as_str()),
            ("skill", filters.skill.as_str()),
            ("min_years", filters.min_years.as_str()),
            ("q", filters.q.as_str()),
        ];
        next_page("/agency", &set, after)
    });
    if page.entries.is_empty() {
        return view! { <p data-testid="pool-empty">{td!(i18n, pool.empty)}</p> }.into_any();
    }
    view! {
        <table data-testid="pool">
            <thead><tr>
                <th>{td!(i18n, pool.reference)}</th>
                <th>{td!(i18n, profile.job_types)}</th>
                <th>{td!(i18n, profile.prefecture)}</th>
                <th>{td!(i18n, profile.years_experience)}</th>
                <th>{td!(i18n, profile.skills)}</th>
                <th></th>
            </tr></thead>
            <tbody inner_html=pool_rows(i18n, &page.entries)></tbody>
        </table>
        <NextPage href=next_href />
    }
    .into_any()
}

/// The pool's rows, written as HTML at once (`Rows`: the busiest page's table costs a third of
/// what its view tree did).
fn pool_rows(i18n: Locale, entries: &[PoolEntry]) -> String {
    let open = td_string!(i18n, pool.open);
    let mut rows = Rows::with_capacity(entries.len());
    for e in entries {
        rows.open_row(&[
            ("class", "pool-entry"),
            ("data-candidate", &e.id.to_string()),
        ]);
        rows.cell(&format!("C-{:06}", e.id));
        rows.cell(&text::job_types(i18n, &e.job_types));
        rows.cell(
            &e.prefecture
                .map(|p| text::prefecture(i18n, p))
                .unwrap_or_default(),
        );
        rows.number(
            &e.years_experience
                .map(|y| y.to_string())
                .unwrap_or_default(),
        );
        rows.cell(&e.skills);
        rows.link(&format!("/agency/candidates/{}", e.id), open);
        rows.close_row();
    }
    rows.into_html()
}

/// `/agency/candidates/{id}`: the summary, and the claim button.
#[component]
pub fn CandidatePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|i| i.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let detail = ArcResource::new(id, get_candidate_detail);
    view! { <Loaded resource=detail view=|d: CandidateDetail| view! { <Detail d /> } /> }
}

#[component]
fn Detail(d: CandidateDetail) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let state = FormState::of("claim");
    view! {
        <h1>{format!("C-{:06}", d.id)}</h1>
        <FormError state />
        <section class="panel">
            <dl class="profile-view">
                <dt>{td!(i18n, profile.job_types)}</dt><dd>{text::job_types(i18n, &d.job_types)}</dd>
                <dt>{td!(i18n, profile.prefecture)}</dt><dd>{d.prefecture.map(|p| text::prefecture(i18n, p)).unwrap_or_default()}</dd>
                <dt>{td!(i18n, profile.years_experience)}</dt><dd>{d.years_experience.map(|y| y.to_string()).unwrap_or_default()}</dd>
                <dt>{td!(i18n, profile.desired_salary)}</dt><dd>{d.desired_salary.map(|y| y.to_string()).unwrap_or_default()}</dd>
                <dt>{td!(i18n, profile.skills)}</dt><dd>{d.skills}</dd>
                <dt>{td!(i18n, profile.languages)}</dt><dd>{d.languages}</dd>
                <dt>{td!(i18n, profile.summary)}</dt><dd class="pre">{d.summary}</dd>
            </dl>
        </section>
        {match (d.contact, d.claimed_by_other) {
            (Some(c), _) => view! {
                <section class="panel" data-testid="contact">
                    <h2>{td!(i18n, pool.contact_title)}</h2>
                    <dl class="profile-view">
                        <dt>{td!(i18n, profile.name)}</dt><dd data-testid="contact-name">{c.name}</dd>
                        <dt>{td!(i18n, profile.name_kana)}</dt><dd>{c.name_kana}</dd>
                        <dt>{td!(i18n, profile.email)}</dt><dd>{c.email}</dd>
                        <dt>{td!(i18n, profile.phone)}</dt><dd>{c.phone}</dd>
                    </dl>
                    <p><a href="/agency/claims">{td!(i18n, nav.claims)}</a></p>
                </section>
            }.into_any(),
            (None, true) => view! { <p class="notice" data-testid="claimed-by-other">{td!(i18n, errors.already_claimed)}</p> }.into_any(),
            (None, false) => view! {
                <form method="post" action=ClaimCandidate::PATH>
                    <input type="hidden" name="candidate_id" value=d.id />
                    <p class="hint">{td!(i18n, pool.claim_explain, days = d.claim_days)}</p>
                    <button type="submit" data-testid="claim">{td!(i18n, pool.claim)}</button>
                </form>
            }.into_any(),
        }}
    }
}

/// `/agency/claims`: the agency's live claims, with notes, release and the placement report.
#[component]
pub fn Claims() -> impl IntoView {
    let i18n = crate::components::use_locale();
    let claims = ArcResource::new(|| (), |_| get_my_claims());
    view! {
        <h1>{td!(i18n, claims.title)}</h1>
        <SavedNotice />
        <Loaded
            resource=claims
            view={move |list: Vec<ClaimView>| {
                if list.is_empty() {
                    view! { <p data-testid="no-claims">{td!(i18n, claims.empty)}</p> }.into_any()
                } else {
                    list.into_iter().map(|c| view! { <ClaimCard c /> }).collect_view().into_any()
                }
            }}
        />
    }
}

#[component]
fn ClaimCard(c: ClaimView) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let note = FormState::of(&format!("note:{}", c.id));
    let release = FormState::of(&format!("release:{}", c.id));
    let placement = FormState::of(&format!("placement:{}", c.id));
    let p = |f: &str| placement.value(f, "");
    view! {
        <article class="panel claim" data-claim=c.id>
            <h2><a href=format!("/agency/candidates/{}", c.candidate_id)>{c.candidate_name.clone()}</a></h2>
            <p>{td!(i18n, claims.period, since = date(c.claimed_at), until = date(c.expires_at))}</p>
            <FormError state=release />
            <h3>{td!(i18n, claims.notes)}</h3>
            <ul class="notes">
                {c.notes.into_iter().map(|n| view! { <li><span class="meta">{date(n.created_at)}</span> " " {n.body}</li> }).collect_view()}
            </ul>
            <form method="post" action=AddNote::PATH>
                <input type="hidden" name="claim_id" value=c.id />
                <FormError state=note.clone() />
                <label for=format!("note-{}", c.id)>{td!(i18n, claims.add_note)}</label>
                <textarea id=format!("note-{}", c.id) name="body" rows="2">{note.value("body", "")}</textarea>
                <FieldError state=note.clone() field="body" />
                <button type="submit" class="secondary">{td!(i18n, claims.save_note)}</button>
            </form>
            <details open=placement.0.is_some()>
                <summary>{td!(i18n, claims.report)}</summary>
                <form method="post" action=ReportPlacement::PATH class="placement">
                    <input type="hidden" name="claim_id" value=c.id />
                    <FormError state=placement.clone() />
                    <label for=format!("employer-{}", c.id)>{td!(i18n, claims.employer)}</label>
                    <input id=format!("employer-{}", c.id) name="employer" value=p("employer") />
                    <FieldError state=placement.clone() field="employer" />
                    <label for=format!("position-{}", c.id)>{td!(i18n, claims.position)}</label>
                    <input id=format!("position-{}", c.id) name="position" value=p("position") />
                    <FieldError state=placement.clone() field="position" />
                    <label for=format!("start-{}", c.id)>{td!(i18n, claims.start_date)}</label>
                    <input id=format!("start-{}", c.id) name="start_date" type="date" value=p("start_date") />
                    <FieldError state=placement.clone() field="start_date" />
                    <label for=format!("fee-{}", c.id)>{td!(i18n, claims.fee)}</label>
                    <input id=format!("fee-{}", c.id) name="fee" inputmode="numeric" value=p("fee") />
                    <FieldError state=placement.clone() field="fee" />
                    <button type="submit">{td!(i18n, claims.submit_report)}</button>
                </form>
            </details>
            <form method="post" action=ReleaseClaim::PATH class="inline">
                <input type="hidden" name="claim_id" value=c.id />
                <button type="submit" class="danger">{td!(i18n, claims.release)}</button>
            </form>
        </article>
    }
}
