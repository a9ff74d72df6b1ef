//! `/me`: the candidate's own page: profile, consent, who holds the data, provision records.

use crate::{
    api::candidate::{
        get_my_page, get_my_provisions, AcceptNotice, AnswerIntroduction, AnswerPlacement, EraseMe,
        MyPage, RequestEmailChange, SaveProfile, SetConsent, SetSearchStatus,
    },
    components::{
        job_type_options, prefecture_options, FieldError, FormError, FormState, Loaded, SavedNotice,
    },
    i18n::*,
    text,
};
use career_relay::{
    ask::SearchStatus,
    provision::ProvisionView,
    time::{date, date_time},
};
use leptos::{prelude::*, server_fn::ServerFn};

#[component]
pub fn Me() -> impl IntoView {
    let page = ArcResource::new(|| (), |_| get_my_page());
    view! { <Loaded resource=page view=|p: MyPage| view! { <MyView page=p /> } /> }
}

#[component]
fn MyView(page: MyPage) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let home = page.home;
    let status = if home.in_pool {
        td_string!(i18n, me.status_in_pool).to_string()
    } else if page.notice.as_ref().is_some_and(|n| n.must_agree) {
        td_string!(i18n, me.status_notice).to_string()
    } else if home.search_status != SearchStatus::Looking {
        td_string!(i18n, me.status_not_looking).to_string()
    } else if !home.handoff_consent {
        td_string!(i18n, me.status_withdrawn).to_string()
    } else if !home.profile_complete {
        td_string!(i18n, me.status_incomplete).to_string()
    } else {
        td_string!(i18n, me.status_pending).to_string()
    };
    let holder = home.holder.clone();
    view! {
        <h1>{td!(i18n, me.title)}</h1>
        <SavedNotice />
        <section class="panel">
            <p class="status" data-testid="candidate-status">{status}</p>
            <p>{td!(i18n, me.relayed_by, company = home.company_name.clone())}</p>
            {match holder {
                Some((agency, since)) => view! { <p data-testid="holder">{td!(i18n, me.holder, agency = agency, since = date(since))}</p> }.into_any(),
                None => view! { <p data-testid="holder">{td!(i18n, me.no_holder)}</p> }.into_any(),
            }}
        </section>
        {page.notice.map(|change| view! { <NoticePanel change /> })}
        <SearchPanel status=home.search_status />
        <ProfileForm home=home.clone() />
        <ConsentPanel handoff=home.handoff_consent recontact=home.recontact_consent company=home.company_name.clone() />
        <section class="panel">
            <h2>{td!(i18n, me.introductions_title)}</h2>
            <p class="hint">{td!(i18n, me.introductions_explain)}</p>
            {if page.introductions.is_empty() {
                view! { <p>{td!(i18n, me.no_introductions)}</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {page.introductions.into_iter().map(|i| {
                            let asked = i.status == career_relay::request::IntroductionStatus::Asked;
                            let state = FormState::of(&format!("introduction:{}", i.id));
                            view! {
                                <li data-testid="introduction" data-introduction=i.id>
                                    {td!(i18n, me.introduction_line, company = i.company_name, title = i.title, agency = i.agency_name)}
                                    " " <span class="badge" data-testid="introduction-state">{text::introduction_status(i18n, i.status)}</span>
                                    <FormError state />
                                    {asked.then(|| view! {
                                        <form method="post" action=AnswerIntroduction::PATH class="inline">
                                            <input type="hidden" name="introduction_id" value=i.id />
                                            <button type="submit" name="answer" value="agree" data-testid="agree">{td!(i18n, me.agree)}</button>
                                            " "
                                            <button type="submit" name="answer" value="decline" class="secondary">{td!(i18n, me.decline)}</button>
                                        </form>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="panel">
            <h2>{td!(i18n, me.placements_title)}</h2>
            <p>{td!(i18n, me.placements_explain)}</p>
            <FormError state=FormState::of("placement") />
            {if page.placements.is_empty() {
                view! { <p>{td!(i18n, me.no_placements)}</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {page.placements.into_iter().map(|p| {
                            let open = p.status == career_relay::placement::PlacementStatus::Reported;
                            let status = text::placement_status(i18n, p.status);
                            view! {
                                <li data-testid="placement">
                                    {td!(i18n, me.placement_line, agency = p.agency_name, employer = p.employer, position = p.position, start = p.start_date)}
                                    " " <span class="badge">{status}</span>
                                    {open.then(|| view! {
                                        <form method="post" action=AnswerPlacement::PATH class="inline">
                                            <input type="hidden" name="placement_id" value=p.id />
                                            <button type="submit" name="answer" value="confirm">{td!(i18n, me.confirm_placement)}</button>
                                            " "
                                            <button type="submit" name="answer" value="dispute" class="danger">{td!(i18n, me.dispute_placement)}</button>
                                        </form>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="panel">
            <h2>{td!(i18n, me.provisions_title)}</h2>
            <p class="hint">{td!(i18n, me.provisions_explain)}</p>
            {if page.provisions.is_empty() {
                view! { <p>{td!(i18n, me.no_provisions)}</p> }.into_any()
            } else {
                view! { <ProvisionTable list=page.provisions /> }.into_any()
            }}
        </section>
        <YourData />
    }
}

/// A newer consent notice than the one the candidate agreed to: what changed, and after a
/// material change the button that agrees to it.
#[component]
fn NoticePanel(change: career_relay::consent::NoticeChange) -> impl IntoView {
    let i18n = crate::components::use_locale();
    view! {
        <section class="panel notice" data-testid="notice-change">
            <h2>{td!(i18n, me.notice_title)}</h2>
            {change.notices.into_iter().map(|n| view! {
                <p class="meta">{td!(i18n, me.notice_version, version = n.version.clone(), date = date(n.published_at))}</p>
                <crate::components::NoticeChanges notice=n />
            }).collect_view()}
            {if change.must_agree {
                view! {
                    <p>{td!(i18n, me.notice_material)}</p>
                    <FormError state=FormState::of("notice") />
                    <form method="post" action=AcceptNotice::PATH>
                        <button type="submit" data-testid="accept-notice">{td!(i18n, me.notice_agree)}</button>
                    </form>
                }.into_any()
            } else {
                view! { <p>{td!(i18n, me.notice_minor)}</p> }.into_any()
            }}
        </section>
    }
}

/// Whether the candidate is looking for a job: what a follow-up asks, changed here any time.
#[component]
fn SearchPanel(status: SearchStatus) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let form = FormState::of("search_status");
    view! {
        <section class="panel">
            <h2>{td!(i18n, me.search_title)}</h2>
            <p class="hint">{td!(i18n, me.search_explain)}</p>
            <form method="post" action=SetSearchStatus::PATH class="inline">
                <FormError state=form.clone() />
                <label for="search-status" class="visually-hidden">{td!(i18n, me.search_title)}</label>
                <select id="search-status" name="search_status" data-testid="search-status">
                    {SearchStatus::ALL.iter().map(|s| view! {
                        <option value=s.code() selected=*s == status>{text::search_status(i18n, *s)}</option>
                    }).collect_view()}
                </select>
                " "
                <button type="submit" class="secondary" data-testid="save-search-status">{td!(i18n, me.search_save)}</button>
                <FieldError state=form.clone() field="search_status" />
            </form>
        </section>
    }
}

/// The candidate's rights over their data: the downloads, the printable disclosure, erasure.
#[component]
fn YourData() -> impl IntoView {
    let i18n = crate::components::use_locale();
    let erase = FormState::of("erase");
    let change = FormState::of("email_change");
    view! {
        <section class="panel" data-testid="your-data">
            <h2>{td!(i18n, me.rights_title)}</h2>
            <ul>
                <li><a href="/me/export.json" rel="external" download data-testid="export-json">{td!(i18n, me.export_json)}</a></li>
                <li><a href="/me/provisions.csv" rel="external" download data-testid="export-csv">{td!(i18n, me.export_csv)}</a></li>
                <li><a href="/me/provisions" data-testid="print-provisions">{td!(i18n, me.print_provisions)}</a></li>
            </ul>
            <form method="post" action=RequestEmailChange::PATH class="email-change">
                <FormError state=change.clone() />
                <label for="new-email">{td!(i18n, me.change_email)}</label>
                <input id="new-email" type="email" name="email" autocomplete="email" value=change.value("email", "") />
                <FieldError state=change.clone() field="email" />
                <button type="submit" class="secondary" data-testid="change-email">{td!(i18n, me.change_email_button)}</button>
            </form>
            <details open=erase.0.is_some()>
                <summary>{td!(i18n, me.erase_title)}</summary>
                <form method="post" action=EraseMe::PATH>
                    <FormError state=erase.clone() />
                    <p>{td!(i18n, me.erase_explain)}</p>
                    <label>
                        <input type="checkbox" name="confirm" value="on" data-testid="erase-confirm" />
                        " " {td!(i18n, me.erase_confirm)}
                    </label>
                    <FieldError state=erase.clone() field="confirm" />
                    <button type="submit" class="danger" data-testid="erase">{td!(i18n, me.erase_button)}</button>
                </form>
            </details>
        </section>
    }
}

/// The provision records: when, to whom (a company through the introducing agency), which data
/// items, under which version of the consent notice.
#[component]
fn ProvisionTable(list: Vec<ProvisionView>) -> impl IntoView {
    let i18n = crate::components::use_locale();
    view! {
        <table data-testid="provision-records">
            <thead><tr>
                <th>{td!(i18n, me.provided_at)}</th>
                <th>{td!(i18n, me.recipient)}</th>
                <th>{td!(i18n, me.items)}</th>
                <th>{td!(i18n, me.consent_version)}</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|r| {
                    let items = r.data_items.split(',').map(|i| text::data_item(i18n, i)).collect::<Vec<_>>().join(", ");
                    view! { <tr class="provision">
                        <td>{date_time(r.provided_at)}</td>
                        <td data-testid="recipient">{match (r.company_name, r.agency_name) {
                            (Some(company), Some(agency)) => td_string!(i18n, me.recipient_company, company = company, agency = agency).to_string(),
                            (Some(company), None) => td_string!(i18n, me.recipient_returning, company = company).to_string(),
                            (None, agency) => agency.unwrap_or_default(),
                        }}</td>
                        <td>{items}</td>
                        <td>{r.consent_version}</td>
                    </tr> }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// `/me/provisions`: the provision records as a page to print (第三者提供記録の開示).
#[component]
pub fn MyProvisions() -> impl IntoView {
    let i18n = crate::components::use_locale();
    let records = ArcResource::new(|| (), |_| get_my_provisions());
    view! {
        <h1>{td!(i18n, provisions_page.title)}</h1>
        <p>{td!(i18n, provisions_page.explain)}</p>
        <p class="hint">{td!(i18n, provisions_page.print)}</p>
        <Loaded resource=records view={|list: Vec<ProvisionView>| view! { <ProvisionTable list /> }} />
        <p><a href="/me">{td!(i18n, provisions_page.back)}</a></p>
    }
}

#[component]
fn ProfileForm(home: career_relay::candidate::CandidateHome) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let s = FormState::of("profile");
    let p = home.profile;
    let v = |field: &str, default: &str| s.value(field, default);
    let (pref, jt1, jt2, jt3) = (
        v("prefecture", &p.prefecture),
        v("job_type_1", &p.job_type_1),
        v("job_type_2", &p.job_type_2),
        v("job_type_3", &p.job_type_3),
    );
    view! {
        <section class="panel">
            <h2>{td!(i18n, me.profile_title)}</h2>
            <p class="hint">{td!(i18n, me.profile_explain)}</p>
            <form method="post" action=SaveProfile::PATH class="profile">
                <FormError state=s.clone() />
                <label>{td!(i18n, profile.email)}</label>
                <p class="readonly" data-testid="email">{home.email}</p>
                <label for="name">{td!(i18n, profile.name)} <span class="req">"*"</span></label>
                <input id="name" name="name" autocomplete="name" value=v("name", &p.name) />
                <FieldError state=s.clone() field="name" />
                <label for="name_kana">{td!(i18n, profile.name_kana)} <span class="req">"*"</span></label>
                <input id="name_kana" name="name_kana" value=v("name_kana", &p.name_kana) />
                <FieldError state=s.clone() field="name_kana" />
                <label for="phone">{td!(i18n, profile.phone)}</label>
                <input id="phone" name="phone" type="tel" autocomplete="tel" value=v("phone", &p.phone) />
                <FieldError state=s.clone() field="phone" />
                <label for="prefecture">{td!(i18n, profile.prefecture)} <span class="req">"*"</span></label>
                <select id="prefecture" name="prefecture">
                    <option value="">{td!(i18n, profile.choose)}</option>
                    {prefecture_options(&pref)}
                </select>
                <FieldError state=s.clone() field="prefecture" />
                <label for="job_type_1">{td!(i18n, profile.job_types)} <span class="req">"*"</span></label>
                <div class="row">
                    <select id="job_type_1" name="job_type_1">
                        <option value="">{td!(i18n, profile.choose)}</option>
                        {job_type_options(&jt1)}
                    </select>
                    <select name="job_type_2" aria-label=move || td_string!(i18n, profile.job_type_2).to_string()>
                        <option value="">"—"</option>
                        {job_type_options(&jt2)}
                    </select>
                    <select name="job_type_3" aria-label=move || td_string!(i18n, profile.job_type_3).to_string()>
                        <option value="">"—"</option>
                        {job_type_options(&jt3)}
                    </select>
                </div>
                <FieldError state=s.clone() field="job_type_1" />
                <FieldError state=s.clone() field="job_type_2" />
                <FieldError state=s.clone() field="job_type_3" />
                <label for="skills">{td!(i18n, profile.skills)}</label>
                <input id="skills" name="skills" placeholder=move || td_string!(i18n, profile.skills_hint).to_string() value=v("skills", &p.skills) />
                <FieldError state=s.clone() field="skills" />
                <label for="years_experience">{td!(i18n, profile.years_experience)} <span class="req">"*"</span></label>
                <input id="years_experience" name="years_experience" inputmode="numeric" value=v("years_experience", &p.years_experience) />
                <FieldError state=s.clone() field="years_experience" />
                <label for="desired_salary">{td!(i18n, profile.desired_salary)}</label>
                <input id="desired_salary" name="desired_salary" inputmode="numeric" value=v("desired_salary", &p.desired_salary) />
                <FieldError state=s.clone() field="desired_salary" />
                <label for="languages">{td!(i18n, profile.languages)}</label>
                <input id="languages" name="languages" value=v("languages", &p.languages) />
                <FieldError state=s.clone() field="languages" />
                <label for="summary">{td!(i18n, profile.summary)}</label>
                <textarea id="summary" name="summary" rows="5">{v("summary", &p.summary)}</textarea>
                <FieldError state=s.clone() field="summary" />
                <button type="submit">{td!(i18n, me.save_profile)}</button>
            </form>
        </section>
    }
}

#[component]
fn ConsentPanel(handoff: bool, recontact: bool, company: String) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let state = FormState::of("consent");
    let toggle = move |kind: &'static str, on: bool| {
        view! {
            <form method="post" action=SetConsent::PATH class="inline">
                <input type="hidden" name="kind" value=kind />
                <input type="hidden" name="granted" value=if on { "false" } else { "true" } />
                <button type="submit" class=if on { "secondary" } else { "" } data-testid=format!("consent-{kind}")>
                    {if on { td_string!(i18n, me.withdraw).to_string() } else { td_string!(i18n, me.give).to_string() }}
                </button>
            </form>
        }
    };
    view! {
        <section class="panel">
            <h2>{td!(i18n, me.consent_title)}</h2>
            <FormError state />
            <p>
                {td!(i18n, me.consent_handoff)} ": "
                <strong>{if handoff { td_string!(i18n, me.given).to_string() } else { td_string!(i18n, me.not_given).to_string() }}</strong>
                " " {toggle("handoff", handoff)}
            </p>
            <p class="hint">{td!(i18n, me.withdraw_explain)}</p>
            <p>
                {td!(i18n, me.consent_recontact, company = company)} ": "
                <strong>{if recontact { td_string!(i18n, me.given).to_string() } else { td_string!(i18n, me.not_given).to_string() }}</strong>
                " " {toggle("recontact", recontact)}
            </p>
        </section>
    }
}

/// `/me/email/{token}`: the link mailed to a new address; the button confirms the change (mail
/// scanners that open links do not use it up).
#[component]
pub fn ConfirmEmail() -> impl IntoView {
    let i18n = crate::components::use_locale();
    let params = leptos_router::hooks::use_params_map();
    let token = crate::pages::signin::token_param(params);
    let error = leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("error")
        .and_then(|c| career_relay::UserError::from_code(&c));
    view! {
        <section class="narrow">
            <h1>{td!(i18n, email_change.title)}</h1>
            {error.map(|e| view! { <p class="form-error" role="alert">{move || text::user_error(i18n, e)}</p> })}
            <p>{td!(i18n, email_change.text)}</p>
            <form method="post" action=format!("/me/email/{token}/confirm")>
                <button type="submit" data-testid="confirm-email">{td!(i18n, email_change.button)}</button>
            </form>
        </section>
    }
}
