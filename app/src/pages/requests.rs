//! Free referral requests: the company's (`/company/requests`, one request with its
//! introductions) and the agencies' (`/agency/requests`, one request with the ranked candidates).

use crate::{
    api::{
        agency::{get_agency_request, get_agency_requests, AcceptRequest, IntroduceCandidate},
        company::{
            get_request_page, get_requests_page, CancelRequest, OpenRequest, RequestsPage,
            ScreenIntroduction,
        },
    },
    components::{
        job_type_options, next_page, prefecture_options, FieldError, FormError, FormState,
        JobTypeFilter, Loaded, NextPage, PrefectureFilter, SavedNotice,
    },
    i18n::*,
    text,
};
use career_relay::{
    request::{
        AgencyRequest, CompanyIntroduction, CompanyRequest, EmploymentType, Ranked, RejectReason,
        RequestPage, RequestQuery, RequestStatus, RequestView, Screening, REMOTE,
    },
    time::date,
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::{use_params_map, use_query_map};

fn id_param() -> impl Fn() -> i64 + Clone + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("request")
            .and_then(|i| i.parse::<i64>().ok())
            .unwrap_or(0)
    }
}

/// `/company/requests`: the balance, the form that spends a credit, and the company's requests.
#[component]
pub fn CompanyRequests() -> impl IntoView {
    let query = use_query_map();
    let page = ArcResource::new(
        move || query.read().get("after").unwrap_or_default(),
        get_requests_page,
    );
    view! { <Loaded resource=page view=|p: RequestsPage| view! { <RequestsView p /> } /> }
}

#[component]
fn RequestsView(p: RequestsPage) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let state = FormState::of("request");
    let v = |f: &str| state.value(f, "");
    let salary_default = |f: &str| state.value(f, "");
    view! {
        <h1>{td!(i18n, requests.title)}</h1>
        <SavedNotice />
        <p class="hint">{td!(i18n, requests.explain)}</p>
        <p data-testid="request-balance">{td!(i18n, requests.balance, n = p.balance)}</p>
        {p.expiring.map(|e| view! {
            <p class="notice" data-testid="expiring">{td!(i18n, requests.expiring, count = e.count, date = date(e.at))}</p>
        })}
        <section class="panel">
            <h2>{td!(i18n, requests.new_title)}</h2>
            <FormError state=state.clone() />
            {(p.balance <= 0).then(|| view! { <p class="notice" data-testid="no-credit">{td!(i18n, requests.no_credit)}</p> })}
            <form method="post" action=OpenRequest::PATH class="request-form">
                <label for="title">{td!(i18n, requests.position)}</label>
                <input id="title" name="title" maxlength="100" required value=v("title") />
                <FieldError state=state.clone() field="title" />
                <label for="job_type">{td!(i18n, requests.job_type)}</label>
                <select id="job_type" name="job_type" required>
                    <option value="">"—"</option>
                    {job_type_options(&v("job_type"))}
                </select>
                <FieldError state=state.clone() field="job_type" />
                <label for="prefecture">{td!(i18n, requests.prefecture)}</label>
                <select id="prefecture" name="prefecture" required>
                    <option value="">"—"</option>
                    <option value=REMOTE selected=v("prefecture") == REMOTE>{td!(i18n, requests.remote)}</option>
                    {prefecture_options(&v("prefecture"))}
                </select>
                <FieldError state=state.clone() field="prefecture" />
                <label for="employment_type">{td!(i18n, requests.employment_type)}</label>
                <select id="employment_type" name="employment_type" required>
                    {EmploymentType::ALL.iter().map(|e| {
                        let code = e.code();
                        let is = v("employment_type") == code;
                        view! { <option value=code selected=is>{text::employment(i18n, *e)}</option> }
                    }).collect_view()}
                </select>
                <FieldError state=state.clone() field="employment_type" />
                <fieldset>
                    <legend>{td!(i18n, requests.salary)}</legend>
                    <label>{td!(i18n, requests.salary_min)} " "
                        <input name="salary_min" inputmode="numeric" size="6" required value=salary_default("salary_min") />
                    </label>
                    " 〜 "
                    <label>{td!(i18n, requests.salary_max)} " "
                        <input name="salary_max" inputmode="numeric" size="6" required value=salary_default("salary_max") />
                    </label>
                    <FieldError state=state.clone() field="salary_min" />
                    <FieldError state=state.clone() field="salary_max" />
                </fieldset>
                <label for="min_years">{td!(i18n, requests.min_years)}</label>
                <input id="min_years" name="min_years" inputmode="numeric" size="3" value=v("min_years") />
                <FieldError state=state.clone() field="min_years" />
                <label for="must_have">{td!(i18n, requests.must_have)}</label>
                <textarea id="must_have" name="must_have" rows="3" maxlength="1000">{v("must_have")}</textarea>
                <FieldError state=state.clone() field="must_have" />
                <label for="nice_to_have">{td!(i18n, requests.nice_to_have)}</label>
                <textarea id="nice_to_have" name="nice_to_have" rows="2" maxlength="1000">{v("nice_to_have")}</textarea>
                <FieldError state=state.clone() field="nice_to_have" />
                <label for="agency_notes">{td!(i18n, requests.agency_notes)}</label>
                <textarea id="agency_notes" name="agency_notes" rows="3" maxlength="2000">{v("agency_notes")}</textarea>
                <FieldError state=state.clone() field="agency_notes" />
                <label for="deadline">{td!(i18n, requests.deadline, days = p.request_days)}</label>
                <input id="deadline" name="deadline" type="date" value=v("deadline") />
                <FieldError state=state.clone() field="deadline" />
                <p class="hint">{td!(i18n, requests.hires)}</p>
                <button type="submit" data-testid="open-request">{td!(i18n, requests.submit)}</button>
            </form>
        </section>
        <section class="panel">
            <h2>{td!(i18n, requests.list_title)}</h2>
            <FormError state=FormState::of("cancel") />
            {if p.requests.requests.is_empty() {
                view! { <p>{td!(i18n, requests.none)}</p> }.into_any()
            } else {
                view! {
                    <table data-testid="requests">
                        <thead><tr>
                            <th>{td!(i18n, requests.reference)}</th>
                            <th>{td!(i18n, requests.position)}</th>
                            <th>{td!(i18n, requests.status)}</th>
                            <th>{td!(i18n, requests.agencies)}</th>
                            <th>{td!(i18n, requests.introductions)}</th>
                            <th></th>
                        </tr></thead>
                        <tbody>
                            {p.requests.requests.into_iter().map(|r| view! {
                                <tr class=format!("request-{}", r.status) data-request=r.id>
                                    <td>{format!("Q-{:06}", r.id)}</td>
                                    <td>{r.title.clone()}</td>
                                    <td>{text::request_status(i18n, r.status)}</td>
                                    <td class="num">{r.agencies}</td>
                                    <td class="num">{r.introductions}</td>
                                    <td><a href=format!("/company/requests/{}", r.id)>{td!(i18n, requests.open)}</a></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <NextPage href=p.requests.next.map(|after| next_page("/company/requests", &[], after)) />
                }.into_any()
            }}
        </section>
    }
}

/// What every party sees of a request: position, terms, requirements.
#[component]
fn RequestFacts(r: RequestView) -> impl IntoView {
    let i18n = crate::components::use_locale();
    view! {
        <dl class="profile-view">
            <dt>{td!(i18n, requests.company)}</dt><dd>{r.company_name.clone()}</dd>
            <dt>{td!(i18n, requests.status)}</dt><dd data-testid="request-status">{text::request_status(i18n, r.status)}</dd>
            <dt>{td!(i18n, requests.job_type)}</dt><dd>{text::job_type(i18n, &r.job_type)}</dd>
            <dt>{td!(i18n, requests.prefecture)}</dt><dd>{text::location(i18n, r.prefecture)}</dd>
            <dt>{td!(i18n, requests.employment_type)}</dt><dd>{text::employment(i18n, r.employment_type)}</dd>
            <dt>{td!(i18n, requests.salary)}</dt><dd>{format!("{}〜{}", r.salary_min, r.salary_max)}</dd>
            <dt>{td!(i18n, requests.min_years)}</dt><dd>{r.min_years}</dd>
            <dt>{td!(i18n, requests.must_have)}</dt><dd class="pre">{r.must_have.clone()}</dd>
            <dt>{td!(i18n, requests.nice_to_have)}</dt><dd class="pre">{r.nice_to_have.clone()}</dd>
            <dt>{td!(i18n, requests.agency_notes)}</dt><dd class="pre">{r.agency_notes.clone()}</dd>
        </dl>
        <p>{td!(i18n, requests.deadline_at, date = date(r.deadline - 1))}</p>
    }
}

/// `/company/requests/{id}`: the request, the agencies on it, the introductions and results.
#[component]
pub fn CompanyRequestPage() -> impl IntoView {
    let page = ArcResource::new(id_param(), get_request_page);
    view! { <Loaded resource=page view=|r: CompanyRequest| view! { <CompanyRequestView r /> } /> }
}

#[component]
fn CompanyRequestView(r: CompanyRequest) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let req = r.request.clone();
    let can_cancel = req.status == RequestStatus::Open && r.introductions.is_empty();
    let open = req.status == RequestStatus::Open;
    let request_id = req.id;
    view! {
        <h1>{format!("Q-{:06} {}", req.id, req.title)}</h1>
        <SavedNotice />
        <p><a href="/company/requests">{td!(i18n, requests.list_title)}</a></p>
        <section class="panel"><RequestFacts r=req.clone() /></section>
        <section class="panel">
            <h2>{td!(i18n, requests.agencies)}</h2>
            {if r.accepted_by.is_empty() {
                view! { <p>{td!(i18n, requests.no_agencies)}</p> }.into_any()
            } else {
                view! { <ul data-testid="accepted-by">{r.accepted_by.into_iter().map(|a| view! { <li>{a.agency_name} " (" {date(a.accepted_at)} ")"</li> }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <section class="panel">
            <h2>{td!(i18n, requests.introductions)}</h2>
            {if r.introductions.is_empty() {
                view! { <p>{td!(i18n, requests.no_introductions)}</p> }.into_any()
            } else {
                r.introductions.into_iter().map(|i| view! { <IntroductionCard i request_id open /> }).collect_view().into_any()
            }}
        </section>
        {can_cancel.then(|| view! {
            <form method="post" action=CancelRequest::PATH>
                <FormError state=FormState::of("cancel") />
                <input type="hidden" name="request_id" value=request_id />
                <p class="hint">{td!(i18n, requests.cancel_explain)}</p>
                <button type="submit" class="danger" data-testid="cancel-request">{td!(i18n, requests.cancel)}</button>
            </form>
        })}
    }
}

#[component]
fn IntroductionCard(i: CompanyIntroduction, request_id: i64, open: bool) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let state = FormState::of(&format!("screen:{}", i.id));
    let screenable = open && i.status.screenable();
    let agency = i.agency_name.clone();
    view! {
        <article class="panel introduction" data-introduction=i.id>
            <h3>{format!("I-{:06}", i.id)} " · " {i.agency_name.clone()}</h3>
            <p data-testid="introduction-status">{text::introduction_status(i18n, i.status)}
                {i.reason.map(|r| format!(" ({})", text::reject_reason(i18n, r)))}</p>
            {match i.profile {
                None if i.status == career_relay::request::IntroductionStatus::Declined => view! { <p>{td!(i18n, requests.declined)}</p> }.into_any(),
                None => view! { <p>{td!(i18n, requests.waiting)}</p> }.into_any(),
                Some(p) => view! {
                    <dl class="profile-view" data-testid="introduced-profile">
                        <dt>{td!(i18n, profile.name)}</dt><dd data-testid="introduced-name">{p.name}</dd>
                        <dt>{td!(i18n, profile.prefecture)}</dt><dd>{p.prefecture.map(|x| text::prefecture(i18n, x)).unwrap_or_default()}</dd>
                        <dt>{td!(i18n, profile.job_types)}</dt><dd>{text::job_types(i18n, &p.job_types)}</dd>
                        <dt>{td!(i18n, profile.years_experience)}</dt><dd>{p.years_experience.map(|y| y.to_string()).unwrap_or_default()}</dd>
                        <dt>{td!(i18n, profile.desired_salary)}</dt><dd>{p.desired_salary.map(|y| y.to_string()).unwrap_or_default()}</dd>
                        <dt>{td!(i18n, profile.skills)}</dt><dd>{p.skills}</dd>
                        <dt>{td!(i18n, profile.languages)}</dt><dd>{p.languages}</dd>
                        <dt>{td!(i18n, profile.summary)}</dt><dd class="pre">{p.summary}</dd>
                        <dt>{td!(i18n, requests.recommendation)}</dt><dd class="pre">{i.recommendation.clone().unwrap_or_default()}</dd>
                    </dl>
                    <p class="hint">{td!(i18n, requests.contact_via, agency = agency.clone())}</p>
                }.into_any(),
            }}
            {screenable.then(|| view! {
                <form method="post" action=ScreenIntroduction::PATH class="screen">
                    <FormError state=state.clone() />
                    <input type="hidden" name="request_id" value=request_id />
                    <input type="hidden" name="introduction_id" value=i.id />
                    <label for=format!("result-{}", i.id)>{td!(i18n, requests.result)}</label>
                    <select id=format!("result-{}", i.id) name="result" data-testid="screen-result">
                        {Screening::ALL.iter().map(|s| view! { <option value=s.code()>{text::screening(i18n, *s)}</option> }).collect_view()}
                    </select>
                    <FieldError state=state.clone() field="result" />
                    <label for=format!("reason-{}", i.id)>{td!(i18n, requests.reason)}</label>
                    <select id=format!("reason-{}", i.id) name="reason">
                        <option value="">{td!(i18n, requests.no_reason)}</option>
                        {RejectReason::ALL.iter().map(|r| view! { <option value=r.code()>{text::reject_reason(i18n, *r)}</option> }).collect_view()}
                    </select>
                    <FieldError state=state.clone() field="reason" />
                    <button type="submit" data-testid="screen">{td!(i18n, requests.save_result)}</button>
                </form>
            })}
        </article>
    }
}

/// `/agency/requests`: open requests, newest first, filtered by job type and location.
#[component]
pub fn AgencyRequests() -> impl IntoView {
    let i18n = crate::components::use_locale();
    let query = use_query_map();
    let current = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        RequestQuery {
            job_type: get("job_type"),
            prefecture: get("prefecture"),
            after: get("after"),
        }
    };
    let page = ArcResource::new(current, get_agency_requests);
    let filters = current();
    view! {
        <h1>{td!(i18n, requests.agency_title)}</h1>
        <p class="hint">{td!(i18n, requests.agency_explain)}</p>
        <form method="get" action="/agency/requests" class="filters">
            <JobTypeFilter label=td_string!(i18n, requests.job_type).to_string() selected=filters.job_type.clone() />
            <PrefectureFilter label=td_string!(i18n, requests.prefecture).to_string() selected=filters.prefecture.clone() remote=true />
            <button type="submit">{td!(i18n, requests.filter)}</button>
        </form>
        <Loaded resource=page view=move |p: RequestPage| view! { <OpenList page=p filters=filters.clone() /> } />
    }
}

#[component]
fn OpenList(page: RequestPage, filters: RequestQuery) -> impl IntoView {
    let i18n = crate::components::use_locale();
    if page.requests.is_empty() {
        return view! { <p data-testid="requests-empty">{td!(i18n, requests.empty)}</p> }
            .into_any();
    }
    let next_href = page.next.map(|after| {
        let set = [
            ("job_type", filters.job_type.as_str()),
            ("prefecture", filters.prefecture.as_str()),
        ];
        next_page("/agency/requests", &set, after)
    });
    view! {
        <table data-testid="open-requests">
            <thead><tr>
                <th>{td!(i18n, requests.reference)}</th>
                <th>{td!(i18n, requests.company)}</th>
                <th>{td!(i18n, requests.position)}</th>
                <th>{td!(i18n, requests.job_type)}</th>
                <th>{td!(i18n, requests.prefecture)}</th>
                <th>{td!(i18n, requests.salary)}</th>
                <th></th>
            </tr></thead>
            <tbody>
                {page.requests.into_iter().map(|r| view! {
                    <tr data-request=r.id>
                        <td>{format!("Q-{:06}", r.id)}</td>
                        <td>{r.company_name.clone()}</td>
                        <td>{r.title.clone()}</td>
                        <td>{text::job_type(i18n, &r.job_type)}</td>
                        <td>{text::location(i18n, r.prefecture)}</td>
                        <td>{format!("{}〜{}", r.salary_min, r.salary_max)}</td>
                        <td><a href=format!("/agency/requests/{}", r.id)>{td!(i18n, requests.open)}</a></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {next_href.map(|href| view! { <p><a href=href class="button secondary" rel="next">{td!(i18n, requests.next)}</a></p> })}
    }
    .into_any()
}

/// `/agency/requests/{id}`: the request, this agency's introductions, and the candidates
/// ranked for it with the rules that matched.
#[component]
pub fn AgencyRequestPage() -> impl IntoView {
    let page = ArcResource::new(id_param(), get_agency_request);
    view! { <Loaded resource=page view=|r: AgencyRequest| view! { <AgencyRequestView r /> } /> }
}

#[component]
fn AgencyRequestView(r: AgencyRequest) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let req = r.request.clone();
    let open = req.status == RequestStatus::Open;
    let request_id = req.id;
    view! {
        <h1>{format!("Q-{:06} {}", req.id, req.title)}</h1>
        <SavedNotice />
        <section class="panel"><RequestFacts r=req.clone() /></section>
        <FormError state=FormState::of("accept") />
        {match (open, r.accepted) {
            (_, true) => view! { <p class="notice" data-testid="accepted">{td!(i18n, requests.accepted)}</p> }.into_any(),
            (true, false) => view! {
                <form method="post" action=AcceptRequest::PATH>
                    <input type="hidden" name="request_id" value=request_id />
                    <button type="submit" data-testid="accept-request">{td!(i18n, requests.accept)}</button>
                </form>
            }.into_any(),
            (false, false) => ().into_any(),
        }}
        <section class="panel">
            <h2>{td!(i18n, requests.your_introductions)}</h2>
            {if r.introductions.is_empty() {
                view! { <p>{td!(i18n, requests.no_introductions)}</p> }.into_any()
            } else {
                view! {
                    <ul data-testid="my-introductions">
                        {r.introductions.into_iter().map(|i| view! {
                            <li data-introduction=i.id>
                                {format!("I-{:06} ", i.id)} {i.candidate_name.clone().unwrap_or_default()} " — "
                                <span class="status">{text::introduction_status(i18n, i.status)}</span>
                                {i.reason.as_deref().and_then(RejectReason::from_code).map(|x| format!(" ({})", text::reject_reason(i18n, x)))}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="panel">
            <h2>{td!(i18n, requests.held_title)}</h2>
            <p class="hint">{td!(i18n, requests.intro_explain)}</p>
            <RankedTable list=r.held request_id open />
        </section>
        <section class="panel">
            <h2>{td!(i18n, requests.pool_title)}</h2>
            <p class="hint">{td!(i18n, requests.pool_explain)}</p>
            <RankedTable list=r.pool request_id open />
        </section>
    }
}

#[component]
fn RankedTable(list: Vec<Ranked>, request_id: i64, open: bool) -> impl IntoView {
    let i18n = crate::components::use_locale();
    if list.is_empty() {
        return view! { <p>{td!(i18n, requests.no_matches)}</p> }.into_any();
    }
    view! {
        <table class="ranked">
            <thead><tr>
                <th>{td!(i18n, pool.reference)}</th>
                <th>{td!(i18n, requests.score)}</th>
                <th>{td!(i18n, requests.reasons)}</th>
                <th>{td!(i18n, profile.job_types)}</th>
                <th>{td!(i18n, profile.prefecture)}</th>
                <th>{td!(i18n, profile.years_experience)}</th>
                <th>{td!(i18n, profile.desired_salary)}</th>
                <th></th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|c| {
                    let state = FormState::of(&format!("introduce:{}", c.candidate_id));
                    view! {
                        <tr class="ranked-candidate" data-candidate=c.candidate_id>
                            <td>{format!("C-{:06}", c.candidate_id)} " " {c.name.clone().unwrap_or_default()}</td>
                            <td class="num" data-testid="score">{c.score}</td>
                            <td><ul class="rules">{c.rules.iter().map(|code| view! { <li data-rule=code.clone()>{text::matching_rule(i18n, code)}</li> }).collect_view()}</ul></td>
                            <td>{text::job_types(i18n, &c.job_types)}</td>
                            <td>{c.prefecture.map(|p| text::prefecture(i18n, p)).unwrap_or_default()}</td>
                            <td class="num">{c.years_experience.map(|y| y.to_string()).unwrap_or_default()}</td>
                            <td class="num">{c.desired_salary.map(|y| y.to_string()).unwrap_or_default()}</td>
                            <td>{match (c.introduced, c.claim_id.is_some(), open) {
                                (true, _, _) => view! { <span data-testid="introduced">{td!(i18n, requests.introduced)}</span> }.into_any(),
                                (false, true, true) => view! {
                                    <form method="post" action=IntroduceCandidate::PATH class="introduce">
                                        <FormError state=state.clone() />
                                        <input type="hidden" name="request_id" value=request_id />
                                        <input type="hidden" name="candidate_id" value=c.candidate_id />
                                        <label for=format!("rec-{}", c.candidate_id)>{td!(i18n, requests.recommend_label)}</label>
                                        <textarea id=format!("rec-{}", c.candidate_id) name="recommendation" rows="2" maxlength="1000">{state.value("recommendation", "")}</textarea>
                                        <FieldError state=state.clone() field="recommendation" />
                                        <button type="submit" data-testid="introduce">{td!(i18n, requests.introduce)}</button>
                                    </form>
                                }.into_any(),
                                (false, false, _) => view! { <a href=format!("/agency/candidates/{}", c.candidate_id)>{td!(i18n, pool.open)}</a> }.into_any(),
                                (false, true, false) => ().into_any(),
                            }}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
