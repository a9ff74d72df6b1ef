//! `/company/import`: upload an ATS export (CSV, UTF-8 or Shift_JIS); `/company/import/{id}`: map
//! its columns with a preview, watch the progress, read and download the report.

use crate::{
    api::import::{get_import_page, get_imports_page, ImportPage, StartImport},
    components::{next_page, FormError, FormState, Loaded, NextPage},
    i18n::*,
    text,
};
use career_relay::{
    import::{ImportList, FIELDS},
    time::date_time,
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::{use_params_map, use_query_map};

/// The page's language: fixed for a page (switching it reloads), so read once, not tracked.
type I18n = Locale;

#[component]
pub fn Imports() -> impl IntoView {
    let query = use_query_map();
    let page = ArcResource::new(
        move || query.read().get("after").unwrap_or_default(),
        get_imports_page,
    );
    let show = |list: ImportList| view! { <ImportsView list /> };
    view! { <Loaded resource=page view=show /> }
}

#[component]
fn ImportsView(list: ImportList) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let error = use_query_map()
        .read_untracked()
        .get("error")
        .and_then(|c| career_relay::UserError::from_code(&c));
    view! {
        <h1>{td!(i18n, import.title)}</h1>
        <section class="panel">
            <p>{td!(i18n, import.explain)}</p>
            {error.map(|e| view! { <p class="form-error" role="alert">{move || text::user_error(i18n, e)}</p> })}
            <form method="post" action="/company/import/upload" enctype="multipart/form-data">
                <label for="import-file">{td!(i18n, import.file)}</label>
                <input id="import-file" type="file" name="file" accept=".csv,text/csv" required />
                <button type="submit">{td!(i18n, import.upload)}</button>
            </form>
        </section>
        {(!list.imports.is_empty()).then(|| view! {
            <section class="panel">
                <h2>{td!(i18n, import.recent)}</h2>
                <table data-testid="imports">
                    <thead><tr><th>{td!(i18n, company.date)}</th><th>{td!(i18n, import.status)}</th><th>{td!(i18n, import.invited)}</th><th>{td!(i18n, import.skipped)}</th></tr></thead>
                    <tbody>
                        {list.imports.into_iter().map(|r| view! {
                            <tr>
                                <td><a href=format!("/company/import/{}", r.id)>{date_time(r.created_at)}</a></td>
                                <td>{status(i18n, &r.status)}</td>
                                <td>{r.invited}</td>
                                <td>{r.skipped}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <NextPage href=list.next.map(|after| next_page("/company/import", &[], after)) />
            </section>
        })}
    }
}

fn status(i18n: I18n, code: &str) -> String {
    match code {
        "uploaded" => td_string!(i18n, import.status_uploaded),
        "queued" | "running" => td_string!(i18n, import.status_running),
        "done" => td_string!(i18n, import.status_done),
        _ => td_string!(i18n, import.status_failed),
    }
    .to_string()
}

fn field_label(i18n: I18n, field: &str) -> String {
    match field {
        "name" => td_string!(i18n, import.field_name),
        "email" => td_string!(i18n, import.field_email),
        "position" => td_string!(i18n, import.field_position),
        "rejected_on" => td_string!(i18n, import.field_rejected_on),
        "phone" => td_string!(i18n, import.field_phone),
        _ => td_string!(i18n, import.field_identifier),
    }
    .to_string()
}

#[component]
pub fn ImportDetail() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("import")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let page = ArcResource::new(id, get_import_page);
    view! { <Loaded resource=page view=|p: ImportPage| view! { <ImportView page=p /> } /> }
}

#[component]
fn ImportView(page: ImportPage) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let im = page.import.clone();
    let body = match im.status.as_str() {
        "uploaded" => view! { <MappingForm page=page /> }.into_any(),
        "queued" | "running" => {
            let percent = if im.bytes > 0 { page.progress * 100 / im.bytes } else { 0 };
            view! {
                <leptos_meta::Meta http_equiv="refresh" content="2" />
                <section class="panel">
                    <p role="status">{td!(i18n, import.status_running)}</p>
                    <progress data-testid="import-progress" max=im.bytes value=page.progress>{format!("{percent}%")}</progress>
                    <p>{format!("{percent}%")}</p>
                </section>
            }
            .into_any()
        }
        "done" => view! {
            <section class="panel" data-testid="import-done">
                <p role="status">{td!(i18n, import.status_done)}</p>
                <p>{td!(i18n, import.rows)}": "<strong data-testid="import-rows">{im.rows_read}</strong>" / "
                   {td!(i18n, import.invited)}": "<strong data-testid="import-invited">{im.invited}</strong>" / "
                   {td!(i18n, import.skipped)}": "<strong data-testid="import-skipped">{im.skipped}</strong></p>
                {(im.skipped > 0).then(|| view! {
                    <p><a class="button secondary" href=format!("/company/import/{}/report.csv", im.id) rel="external">{td!(i18n, import.download)}</a></p>
                    <table data-testid="import-report">
                        <thead><tr><th>{td!(i18n, import.line)}</th><th>{td!(i18n, import.identifier)}</th><th>{td!(i18n, import.reason)}</th></tr></thead>
                        <tbody>
                            {page.report.into_iter().map(|r| view! {
                                <tr><td>{r.line}</td><td>{r.identifier.clone()}</td><td>{reason(i18n, &r.result, r.field.as_deref())}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                })}
            </section>
        }
        .into_any(),
        _ => view! { <p class="form-error" role="alert">{td!(i18n, import.failed)}</p> }.into_any(),
    };
    view! {
        <h1>{td!(i18n, import.title)}</h1>
        <p><a href="/company/import">{td!(i18n, import.back)}</a></p>
        {body}
    }
}

/// Why a row was not invited, in words.
fn reason(i18n: I18n, code: &str, field: Option<&str>) -> String {
    let text = match code {
        "suppressed" => td_string!(i18n, import.reason_suppressed).to_string(),
        "already_relayed" => td_string!(i18n, import.reason_already_relayed).to_string(),
        "already_invited" => td_string!(i18n, import.reason_already_invited).to_string(),
        "duplicate_in_request" => td_string!(i18n, import.reason_duplicate).to_string(),
        other => career_relay::UserError::from_code(other)
            .map(|e| text::user_error(i18n, e))
            .unwrap_or_else(|| other.to_owned()),
    };
    match field {
        Some(f) => format!("{}: {text}", field_label(i18n, f)),
        None => text,
    }
}

#[component]
fn MappingForm(page: ImportPage) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let f = FormState::of("import");
    let header = page.preview.first().cloned().unwrap_or_default();
    let rows: Vec<Vec<String>> = page.preview.iter().skip(1).cloned().collect();
    let guess = page.guess.clone();
    view! {
        <section class="panel">
            <p>{td!(i18n, import.encoding)}": "{page.import.encoding.clone()}</p>
            <div class="table-scroll">
                <table data-testid="import-preview">
                    <thead><tr>{header.iter().map(|h| view! { <th>{h.clone()}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {rows.into_iter().map(|r| view! {
                            <tr>{r.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <form method="post" action=StartImport::PATH>
                <FormError state=f.clone() />
                <input type="hidden" name="import_id" value=page.import.id />
                {FIELDS.into_iter().map(|field| {
                    let chosen = guess.get(field);
                    let header = header.clone();
                    view! {
                        <label for=format!("map-{field}")>{field_label(i18n, field)}</label>
                        <select id=format!("map-{field}") name=field>
                            <option value="">"—"</option>
                            {header.into_iter().enumerate().map(|(i, h)| view! {
                                <option value=i.to_string() selected=chosen == Some(i)>{h}</option>
                            }).collect_view()}
                        </select>
                        <crate::components::FieldError state=f.clone() field=field />
                    }
                }).collect_view()}
                <p class="hint">{td!(i18n, import.start_hint)}</p>
                <button type="submit">{td!(i18n, import.start)}</button>
            </form>
        </section>
    }
}
