//! `/admin`: approve or suspend agencies, decide disputed placements, set the credit rules, and
//! read the audit log.

use crate::{
    api::admin::{
        get_admin_page, AdminPage as Page, BindSso, DecidePlacement, PublishNotice, SaveSettings,
        SetAgencyStatus,
    },
    components::{FieldError, FormError, FormState, Loaded, SavedNotice},
    i18n::*,
    text,
};
use career_relay::{
    audit,
    time::{date, date_time},
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_query_map;

#[component]
pub fn AdminPage() -> impl IntoView {
    let query = use_query_map();
    let before = move || {
        query
            .read()
            .get("audit_before")
            .and_then(|v| v.parse::<i64>().ok())
    };
    let page = ArcResource::new(before, get_admin_page);
    view! { <Loaded resource=page view=|p: Page| view! { <AdminView page=p /> } /> }
}

#[component]
fn AdminView(page: Page) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let s = FormState::of("settings");
    let agency_state = FormState::of("agency");
    let dispute_state = FormState::of("dispute");
    view! {
        <h1>{td!(i18n, admin.title)}</h1>
        <SavedNotice />
        <p>
            <a href="/admin/review" data-testid="review-link">{td!(i18n, admin.review_link)}</a>
            " · "
            <a href="/admin/analytics" data-testid="analytics-link">{td!(i18n, admin.analytics_link)}</a>
        </p>
        <p data-testid="platform-satisfaction">
            {td!(i18n, company.satisfaction)} ": "
            {match page.satisfaction.average() {
                Some(avg) => td_string!(i18n, company.satisfaction_value, average = avg, answers = page.satisfaction.answers).to_string(),
                None => td_string!(i18n, company.no_satisfaction).to_string(),
            }}
        </p>
        <section class="panel">
            <h2>{td!(i18n, admin.agencies_title)}</h2>
            <FormError state=agency_state />
            <table data-testid="agencies">
                <thead><tr><th>{td!(i18n, admin.agency)}</th><th>{td!(i18n, admin.status)}</th><th>{td!(i18n, company.date)}</th><th></th></tr></thead>
                <tbody>
                    {page.agencies.into_iter().map(|a| {
                        let approved = a.status == "approved";
                        let status = match a.status.as_str() {
                            "approved" => td_string!(i18n, admin.approved).to_string(),
                            "pending" => td_string!(i18n, admin.pending).to_string(),
                            _ => td_string!(i18n, admin.suspended).to_string(),
                        };
                        let name = a.name.clone();
                        view! {
                            <tr data-agency=name>
                                <td>{a.name}</td>
                                <td class="status">{status}</td>
                                <td>{date(a.created_at)}</td>
                                <td>
                                    <form method="post" action=SetAgencyStatus::PATH class="inline">
                                        <input type="hidden" name="agency_id" value=a.id />
                                        <input type="hidden" name="approved" value=if approved { "false" } else { "true" } />
                                        <button type="submit" class=if approved { "danger" } else { "" }>
                                            {if approved { td_string!(i18n, admin.suspend).to_string() } else { td_string!(i18n, admin.approve).to_string() }}
                                        </button>
                                    </form>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <section class="panel">
            <h2>{td!(i18n, admin.disputes_title)}</h2>
            <FormError state=dispute_state />
            {if page.disputes.is_empty() {
                view! { <p>{td!(i18n, admin.no_disputes)}</p> }.into_any()
            } else {
                view! {
                    <table data-testid="disputes">
                        <thead><tr><th>{td!(i18n, company.date)}</th><th>{td!(i18n, admin.dispute_company)}</th><th>{td!(i18n, admin.agency)}</th><th>{td!(i18n, claims.employer)}</th><th>{td!(i18n, claims.position)}</th><th>{td!(i18n, claims.start_date)}</th><th></th></tr></thead>
                        <tbody>
                            {page.disputes.into_iter().map(|d| view! {
                                <tr>
                                    <td>{date(d.created_at)}</td>
                                    <td>{d.company_name}</td>
                                    <td>{d.agency_name}</td>
                                    <td>{d.employer}</td>
                                    <td>{d.position}</td>
                                    <td>{d.start_date}</td>
                                    <td>
                                        <form method="post" action=DecidePlacement::PATH class="inline">
                                            <input type="hidden" name="placement_id" value=d.id />
                                            <button type="submit" name="uphold" value="true">{td!(i18n, admin.uphold)}</button>
                                            " "
                                            <button type="submit" name="uphold" value="false" class="danger">{td!(i18n, admin.reject)}</button>
                                        </form>
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
        <section class="panel">
            <h2>{td!(i18n, admin.settings_title)}</h2>
            <form method="post" action=SaveSettings::PATH>
                <FormError state=s.clone() />
                {career_relay::settings::RANGES.iter().map(|&(key, min, max)| {
                    let current = page.settings.get(key).to_string();
                    view! {
                        <label for=key>{text::setting(i18n, key)}</label>
                        <input id=key name=key inputmode="numeric" value=s.value(key, &current) />
                        <p class="hint">{td!(i18n, admin.range, min = min, max = max)}</p>
                        <FieldError state=s.clone() field=key />
                    }
                }).collect_view()}
                <button type="submit">{td!(i18n, admin.save)}</button>
            </form>
        </section>
        <EraseCandidate />
        <ConsentNotices versions=page.notices />
        <SsoBindings bindings=page.sso providers=page.providers />
        <AuditLog entries=page.audit />
    }
}

/// The versions of the consent notice, and the form that publishes a new one.
#[component]
fn ConsentNotices(versions: Vec<career_relay::consent::NoticeVersion>) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let f = FormState::of("notice");
    view! {
        <section class="panel" data-testid="consent-notices">
            <h2>{td!(i18n, admin.notice_title)}</h2>
            <p class="hint">{td!(i18n, admin.notice_explain)}</p>
            <table>
                <thead><tr><th>{td!(i18n, admin.notice_versions)}</th><th>{td!(i18n, company.date)}</th><th></th></tr></thead>
                <tbody>
                    {versions.into_iter().map(|v| view! {
                        <tr>
                            <td>{v.version}</td>
                            <td>{(v.published_at > 0).then(|| date(v.published_at))}</td>
                            <td>{if v.material { td_string!(i18n, admin.notice_material_yes) } else { td_string!(i18n, admin.notice_material_no) }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <form method="post" action=PublishNotice::PATH>
                <FormError state=f.clone() />
                <label for="notice-version">{td!(i18n, admin.notice_version)}</label>
                <input id="notice-version" name="version" maxlength="40" value=f.value("version", "") />
                <FieldError state=f.clone() field="version" />
                <label for="notice-ja">{td!(i18n, admin.notice_text_ja)}</label>
                <textarea id="notice-ja" name="text_ja" rows="4" maxlength="5000">{f.value("text_ja", "")}</textarea>
                <FieldError state=f.clone() field="text_ja" />
                <label for="notice-en">{td!(i18n, admin.notice_text_en)}</label>
                <textarea id="notice-en" name="text_en" rows="4" maxlength="5000">{f.value("text_en", "")}</textarea>
                <FieldError state=f.clone() field="text_en" />
                <label class="check">
                    <input type="checkbox" name="material" value="on" checked=f.value("material", "") == "on" />
                    " " {td!(i18n, admin.notice_material)}
                </label>
                <button type="submit" data-testid="publish-notice">{td!(i18n, admin.notice_publish)}</button>
            </form>
        </section>
    }
}

/// The organisations bound to identity providers, and the form that binds one.
#[component]
fn SsoBindings(
    bindings: Vec<career_relay::sso::SsoBinding>,
    providers: Vec<(String, String)>,
) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let f = FormState::of("sso");
    let chosen = f.value("provider", "");
    view! {
        <section class="panel">
            <h2>{td!(i18n, admin.sso_title)}</h2>
            <p class="hint">{td!(i18n, admin.sso_explain)}</p>
            {providers.is_empty().then(|| view! { <p class="notice">{td!(i18n, admin.sso_no_providers)}</p> })}
            {if bindings.is_empty() {
                view! { <p>{td!(i18n, admin.sso_none_bound)}</p> }.into_any()
            } else {
                view! {
                    <table data-testid="sso-bindings">
                        <thead><tr><th>{td!(i18n, admin.sso_org)}</th><th>{td!(i18n, admin.sso_provider)}</th><th>{td!(i18n, admin.sso_domains)}</th></tr></thead>
                        <tbody>
                            {bindings.into_iter().map(|b| view! {
                                <tr>
                                    <td>{format!("{} ({} {})", b.name, b.kind, b.id)}</td>
                                    <td>{b.provider.unwrap_or_default()}</td>
                                    <td>{b.domains.join(", ")}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <form method="post" action=BindSso::PATH>
                <FormError state=f.clone() />
                <label for="sso-org">{td!(i18n, admin.sso_org)}</label>
                <select id="sso-org" name="org">
                    <option value="company">{td!(i18n, admin.sso_company)}</option>
                    <option value="agency" selected=f.value("org", "") == "agency">{td!(i18n, admin.sso_agency)}</option>
                </select>
                <label for="sso-org-id">{td!(i18n, admin.sso_org_id)}</label>
                <input id="sso-org-id" name="org_id" inputmode="numeric" value=f.value("org_id", "") />
                <FieldError state=f.clone() field="org_id" />
                <label for="sso-provider">{td!(i18n, admin.sso_provider)}</label>
                <select id="sso-provider" name="provider">
                    <option value="">{td!(i18n, admin.sso_none)}</option>
                    {providers.into_iter().map(|(id, name)| {
                        let selected = chosen == id;
                        view! { <option value=id selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
                <FieldError state=f.clone() field="provider" />
                <label for="sso-domains">{td!(i18n, admin.sso_domains)}</label>
                <textarea id="sso-domains" name="domains" rows="3">{f.value("domains", "")}</textarea>
                <p class="hint">{td!(i18n, admin.sso_domains_hint)}</p>
                <FieldError state=f.clone() field="domains" />
                <button type="submit">{td!(i18n, admin.sso_bind)}</button>
            </form>
        </section>
    }
}

#[component]
fn AuditLog(entries: Vec<audit::AuditEntry>) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let older = (entries.len() as i64 == audit::PAGE)
        .then(|| {
            entries
                .last()
                .map(|e| format!("/admin?audit_before={}", e.id))
        })
        .flatten();
    view! {
        <section class="panel">
            <h2>{td!(i18n, admin.audit_title)}</h2>
            <table data-testid="audit">
                <thead><tr><th>{td!(i18n, company.date)}</th><th>{td!(i18n, admin.audit_actor)}</th><th>{td!(i18n, admin.audit_action)}</th><th>{td!(i18n, admin.audit_target)}</th></tr></thead>
                <tbody>
                    {entries.into_iter().map(|e| view! {
                        <tr class=format!("audit-{}", e.action)>
                            <td>{date_time(e.at)}</td>
                            <td>{e.actor}</td>
                            <td>{text::audit_action(i18n, &e.action)}</td>
                            <td>{e.target}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {older.map(|href| view! { <p><a href=href class="button secondary">{td!(i18n, admin.older)}</a></p> })}
        </section>
    }
}

/// Erasing a candidate's data at their request (they asked by mail or phone, say).
#[component]
fn EraseCandidate() -> impl IntoView {
    let i18n = crate::components::use_locale();
    let f = FormState::of("erase_candidate");
    view! {
        <section class="panel">
            <h2>{td!(i18n, admin.erase_title)}</h2>
            <form method="post" action=crate::api::admin::EraseCandidate::PATH>
                <FormError state=f.clone() />
                <label for="erase-candidate-id">{td!(i18n, admin.erase_id)}</label>
                <input id="erase-candidate-id" name="candidate_id" inputmode="numeric" value=f.value("candidate_id", "") />
                <FieldError state=f.clone() field="candidate_id" />
                <label>
                    <input type="checkbox" name="confirm" value="on" />
                    " " {td!(i18n, admin.erase_confirm)}
                </label>
                <FieldError state=f.clone() field="confirm" />
                <button type="submit" class="danger">{td!(i18n, admin.erase_button)}</button>
            </form>
        </section>
    }
}
