//! `/members`: a company's or agency's admins invite members, change roles and remove members.

use crate::{
    api::members::{
        get_members_page, CreateApiKey, InviteMember, MembersPage, MembersQuery, RemoveMember,
        RevokeApiKey, SaveSsoPolicy, SetInviteLanguage, SetMemberRole, SetRequestDigest,
    },
    components::{page_link, FieldError, FormError, FormState, Loaded, NextPage, SavedNotice},
    i18n::*,
};
use career_relay::time::date;
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_query_map;

#[component]
pub fn Members() -> impl IntoView {
    let query = use_query_map();
    let current = move || {
        let q = query.read();
        MembersQuery {
            members_after: q.get("members_after").unwrap_or_default(),
            keys_before: q.get("keys_before").unwrap_or_default(),
        }
    };
    let shown = current();
    let page = ArcResource::new(current, get_members_page);
    view! {
        <Loaded resource=page view=move |p: MembersPage| view! { <MembersView page=p shown=shown.clone() /> } />
    }
}

/// The link to the next page of one list (`members_after` or `keys_before`), keeping where the
/// other list stands.
fn more(shown: &MembersQuery, list: (&str, i64)) -> String {
    let standing = [
        ("members_after", shown.members_after.as_str()),
        ("keys_before", shown.keys_before.as_str()),
    ];
    page_link("/members", &standing, list)
}

#[component]
fn MembersView(page: MembersPage, shown: MembersQuery) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let invite = FormState::of("invite");
    let member = FormState::of("member");
    let me = page.me;
    let sso = page.sso.clone();
    let provider_name = page.provider_name.clone();
    let api_keys = page.api_keys.keys.clone();
    let api_keys_more = page
        .api_keys
        .next
        .map(|before| more(&shown, ("keys_before", before)));
    let members_more = page
        .members
        .next
        .map(|after| more(&shown, ("members_after", after)));
    let invite_language = page.invite_language.clone();
    let request_digest = page.request_digest;
    view! {
        <h1>{td!(i18n, members.title)}</h1>
        <SavedNotice />
        <section class="panel">
            <FormError state=member />
            <table data-testid="members">
                <thead><tr><th>{td!(i18n, profile.email)}</th><th>{td!(i18n, members.role)}</th><th>{td!(i18n, company.date)}</th><th></th></tr></thead>
                <tbody>
                    {page.members.members.into_iter().map(|m| {
                        let admin = m.member_role == career_relay::org::MemberRole::Admin;
                        view! {
                            <tr data-member=m.id>
                                <td>{m.email}</td>
                                <td>{if admin { td_string!(i18n, members.admin).to_string() } else { td_string!(i18n, members.member).to_string() }}</td>
                                <td>{date(m.created_at)}</td>
                                <td>
                                    {(m.id != me).then(|| view! {
                                        <form method="post" action=SetMemberRole::PATH class="inline">
                                            <input type="hidden" name="user_id" value=m.id />
                                            <input type="hidden" name="role" value=if admin { "member" } else { "admin" } />
                                            <button type="submit" class="secondary">
                                                {if admin { td_string!(i18n, members.make_member).to_string() } else { td_string!(i18n, members.make_admin).to_string() }}
                                            </button>
                                        </form>
                                        " "
                                        <form method="post" action=RemoveMember::PATH class="inline">
                                            <input type="hidden" name="user_id" value=m.id />
                                            <button type="submit" class="danger">{td!(i18n, members.remove)}</button>
                                        </form>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <NextPage href=members_more />
        </section>
        <section class="panel">
            <h2>{td!(i18n, members.invite_title)}</h2>
            <form method="post" action=InviteMember::PATH>
                <FormError state=invite.clone() />
                <label for="invite-email">{td!(i18n, profile.email)}</label>
                <input id="invite-email" name="email" type="email" value=invite.value("email", "") />
                <FieldError state=invite.clone() field="email" />
                <label for="invite-role">{td!(i18n, members.role)}</label>
                <select id="invite-role" name="role">
                    <option value="member">{td!(i18n, members.member)}</option>
                    <option value="admin" selected=invite.value("role", "") == "admin">{td!(i18n, members.admin)}</option>
                </select>
                <p class="hint">{td!(i18n, members.invite_explain)}</p>
                <button type="submit">{td!(i18n, members.invite)}</button>
            </form>
        </section>
        <SignInPolicy sso=sso provider_name=provider_name />
        <ApiKeys keys=api_keys invite_language=invite_language more=api_keys_more />
        {request_digest.map(|on| view! {
            <section class="panel">
                <h2>{td!(i18n, members.digest_title)}</h2>
                <form method="post" action=SetRequestDigest::PATH>
                    <label>
                        <input type="checkbox" name="digest" value="on" checked=on data-testid="request-digest" />
                        " " {td!(i18n, members.digest_label)}
                    </label>
                    <button type="submit" class="secondary">{td!(i18n, members.save_digest)}</button>
                </form>
            </section>
        })}
    }
}

/// The organisation's API keys (a new one is shown once), and for companies the language of
/// invitation mails sent to applicants registered through the API.
#[component]
fn ApiKeys(
    keys: Vec<career_relay::apikey::ApiKeyRow>,
    invite_language: Option<String>,
    /// The link to the older keys, when there are more.
    more: Option<String>,
) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let f = FormState::of("api_key");
    let created = FormState::of("api_key_created").value("key", "");
    view! {
        <section class="panel" data-testid="api-keys">
            <h2>{td!(i18n, members.api_title)}</h2>
            <p class="hint">{td!(i18n, members.api_explain)}" "<a href="/api/v1">"/api/v1"</a></p>
            {(!created.is_empty()).then(|| view! {
                <div class="notice" role="status">
                    <p>{td!(i18n, members.api_created)}</p>
                    <input readonly data-testid="new-api-key" value=created />
                </div>
            })}
            <FormError state=f.clone() />
            {(!keys.is_empty()).then(|| view! {
                <table>
                    <thead><tr><th>{td!(i18n, members.api_name)}</th><th>{td!(i18n, members.api_prefix)}</th><th>{td!(i18n, company.date)}</th><th></th></tr></thead>
                    <tbody>
                        {keys.into_iter().map(|k| view! {
                            <tr>
                                <td>{k.name}</td>
                                <td><code>{format!("{}…", k.prefix)}</code></td>
                                <td>{date(k.created_at)}</td>
                                <td>
                                    {match k.revoked_at {
                                        Some(_) => view! { <span>{td!(i18n, members.api_revoked)}</span> }.into_any(),
                                        None => view! {
                                            <form method="post" action=RevokeApiKey::PATH class="inline">
                                                <input type="hidden" name="key_id" value=k.id />
                                                <button type="submit" class="danger">{td!(i18n, members.api_revoke)}</button>
                                            </form>
                                        }.into_any(),
                                    }}
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <NextPage href=more />
            <form method="post" action=CreateApiKey::PATH>
                <label for="api-key-name">{td!(i18n, members.api_name)}</label>
                <input id="api-key-name" name="name" value=f.value("name", "") />
                <FieldError state=f.clone() field="name" />
                <button type="submit">{td!(i18n, members.api_create)}</button>
            </form>
            {invite_language.map(|lang| view! {
                <form method="post" action=SetInviteLanguage::PATH>
                    <label for="invite-language">{td!(i18n, members.invite_language)}</label>
                    <select id="invite-language" name="language">
                        <option value="ja" selected=lang == "ja">"日本語"</option>
                        <option value="en" selected=lang == "en">"English"</option>
                    </select>
                    <button type="submit" class="secondary">{td!(i18n, members.save_language)}</button>
                </form>
            })}
        </section>
    }
}

/// How the organisation's staff sign in: the bound provider and domains (set by the platform
/// admin) and the two choices the organisation's admins make.
#[component]
fn SignInPolicy(sso: career_relay::sso::OrgSso, provider_name: Option<String>) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let f = FormState::of("sso_policy");
    view! {
        <section class="panel" data-testid="sign-in-policy">
            <h2>{td!(i18n, members.sso_title)}</h2>
            <FormError state=f />
            {match provider_name {
                Some(name) => view! {
                    <p>{td!(i18n, members.sso_provider)}": "<strong>{name}</strong></p>
                    <p>{td!(i18n, members.sso_domains)}": "{sso.domains.join(", ")}</p>
                }.into_any(),
                None => view! { <p>{td!(i18n, members.sso_not_bound)}</p> }.into_any(),
            }}
            <form method="post" action=SaveSsoPolicy::PATH>
                <label class="check">
                    <input type="checkbox" name="domain_join" value="on" checked=sso.domain_join />
                    {td!(i18n, members.domain_join)}
                </label>
                <label class="check">
                    <input type="checkbox" name="email_links" value="on" checked=sso.email_links />
                    {td!(i18n, members.email_links)}
                </label>
                <button type="submit">{td!(i18n, members.save_policy)}</button>
            </form>
        </section>
    }
}
