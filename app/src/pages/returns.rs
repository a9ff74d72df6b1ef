//! `/company/returns`: the company's own rejected candidates who agreed that it may contact them
//! again, with their contact details, filtered and keyset-paged, and a "contacted" mark per
//! candidate. Each view is a provision the candidates see on their page.

use crate::{
    api::company::{get_returns_page, MarkContacted},
    components::{
        next_page, FieldError, FormError, FormState, JobTypeFilter, Loaded, NextPage,
        PrefectureFilter, SavedNotice,
    },
    i18n::*,
    text,
};
use career_relay::{
    returns::{ReturnsPage, ReturnsQuery},
    time::date,
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_query_map;

#[component]
pub fn Returns() -> impl IntoView {
    let i18n = crate::components::use_locale();
    let query = use_query_map();
    let current = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        ReturnsQuery {
            job_type: get("job_type"),
            prefecture: get("prefecture"),
            after: get("after"),
        }
    };
    let page = ArcResource::new(current, get_returns_page);
    let filters = current();
    view! {
        <h1>{td!(i18n, returns.title)}</h1>
        <p class="hint">{td!(i18n, returns.explain)}</p>
        <SavedNotice />
        <form method="get" action="/company/returns" class="filters">
            <JobTypeFilter label=td_string!(i18n, profile.job_types).to_string() selected=filters.job_type.clone() />
            <PrefectureFilter label=td_string!(i18n, profile.prefecture).to_string() selected=filters.prefecture.clone() />
            <button type="submit">{td!(i18n, pool.search)}</button>
        </form>
        <Loaded resource=page view=move |p: ReturnsPage| view! { <ReturnsList page=p filters=filters.clone() /> } />
    }
}

#[component]
fn ReturnsList(page: ReturnsPage, filters: ReturnsQuery) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let next_href = page.next.map(|after| {
        let set = [
            ("job_type", filters.job_type.as_str()),
            ("prefecture", filters.prefecture.as_str()),
        ];
        next_page("/company/returns", &set, after)
    });
    if page.candidates.is_empty() {
        return view! { <p data-testid="returns-empty">{td!(i18n, returns.empty)}</p> }.into_any();
    }
    view! {
        <table data-testid="returns">
            <thead><tr>
                <th>{td!(i18n, profile.name)}</th>
                <th>{td!(i18n, returns.contact)}</th>
                <th>{td!(i18n, profile.job_types)}</th>
                <th>{td!(i18n, profile.prefecture)}</th>
                <th>{td!(i18n, returns.updated)}</th>
                <th>{td!(i18n, returns.contacted)}</th>
            </tr></thead>
            <tbody>
                {page.candidates.into_iter().map(|c| {
                    let form = FormState::of(&format!("contact:{}", c.id));
                    view! {
                        <tr class="return-candidate" data-candidate=c.id>
                            <td data-testid="return-name">{c.name}</td>
                            <td>{c.email} <br /> {c.phone}</td>
                            <td>{text::job_types(i18n, &c.job_types)}</td>
                            <td>{c.prefecture.map(|p| text::prefecture(i18n, p)).unwrap_or_default()}</td>
                            <td>{date(c.updated_at)}</td>
                            <td>
                                {c.contacted.map(|(at, note)| view! {
                                    <p data-testid="contacted">{date(at)} " " {note}</p>
                                })}
                                <form method="post" action=MarkContacted::PATH>
                                    <FormError state=form.clone() />
                                    <input type="hidden" name="candidate_id" value=c.id />
                                    <label for=format!("note-{}", c.id) class="visually-hidden">{td!(i18n, returns.note)}</label>
                                    <input id=format!("note-{}", c.id) name="note" maxlength="500" placeholder=td_string!(i18n, returns.note).to_string() />
                                    <FieldError state=form.clone() field="note" />
                                    <button type="submit" class="secondary" data-testid="mark-contacted">{td!(i18n, returns.mark)}</button>
                                </form>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <NextPage href=next_href />
    }
    .into_any()
}
