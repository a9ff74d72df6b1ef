//! Pieces every page uses: the layout, loading with errors, form errors and notices.

use crate::{
    api::{session::Me, Flash},
    error::AppError,
    i18n::*,
    text,
};
use career_relay::UserError;
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_location;
use serde::{de::DeserializeOwned, Serialize};

/// The flash of the last failed form post, provided by the app root.
#[derive(Clone)]
pub struct FlashContext(pub Option<Flash>);

/// The signed-in role, provided by the app root.
#[derive(Clone)]
pub struct MeContext(pub ArcResource<Result<Option<Me>, AppError>>);

/// The page's language, provided by the app root as a plain value: it is fixed for a page
/// (switching it reloads), and a plain value can be read even after the page was given up.
#[derive(Clone, Copy)]
pub struct PageLocale(pub Locale);

/// The page's language; Japanese when the page is gone (a client that went away sees nothing).
pub fn use_locale() -> Locale {
    use_context::<PageLocale>().map(|l| l.0).unwrap_or_default()
}

/// Set when the component that called this is cleaned up: the client went away, or the page
/// moved on. Async views check it after their awaits and build nothing for a page that is gone,
/// instead of reading what was disposed with it.
fn gone_flag() -> std::sync::Arc<std::sync::atomic::AtomicBool> {
    let gone = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = gone.clone();
    Owner::on_cleanup(move || flag.store(true, std::sync::atomic::Ordering::SeqCst));
    gone
}

fn is_gone(gone: &std::sync::atomic::AtomicBool) -> bool {
    gone.load(std::sync::atomic::Ordering::SeqCst)
}

/// Percent-encodes a local path for use inside a query string.
pub fn encode_component(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The page header: brand, role links, language switch, sign out.
#[component]
pub fn Header() -> impl IntoView {
    let i18n = crate::components::use_locale();
    let me = use_context::<MeContext>().map(|m| m.0);
    let gone = gone_flag();
    let location = use_location();
    let next = move || {
        encode_component(&format!(
            "{}{}",
            location.pathname.get(),
            location
                .search
                .get()
                .is_empty()
                .then(String::new)
                .unwrap_or_else(|| format!("?{}", location.search.get()))
        ))
    };
    view! {
        <header class="site-header">
            <a class="brand" href="/">{td!(i18n, brand)}</a>
            <nav>
                <Suspense fallback=|| ()>
                    {move || {
                        let (me, gone) = (me.clone(), gone.clone());
                        Suspend::new(async move {
                        let Some(me) = me else { return ().into_any() };
                        let role = me.await.ok().flatten();
                        if is_gone(&gone) {
                            return ().into_any();
                        }
                        match role {
                            Some(role) => {
                                let (href, label) = match role {
                                    Me::Candidate => ("/me", td_string!(i18n, nav.me)),
                                    Me::Company => ("/company", td_string!(i18n, nav.company)),
                                    Me::Agency => ("/agency", td_string!(i18n, nav.pool)),
                                    Me::Admin => ("/admin", td_string!(i18n, nav.admin)),
                                };
                                view! {
                                    <a href=href>{label}</a>
                                    {(role == Me::Agency).then(|| view! { <a href="/agency/claims">{td!(i18n, nav.claims)}</a> })}
                                    {matches!(role, Me::Company | Me::Agency).then(|| {
                                        let href = if role == Me::Company { "/company/requests" } else { "/agency/requests" };
                                        view! { <a href=href>{td!(i18n, nav.requests)}</a> }
                                    })}
                                    {matches!(role, Me::Company | Me::Agency).then(|| view! { <a href="/members">{td!(i18n, members.link)}</a> })}
                                    <form method="post" action=crate::api::session::SignOut::PATH class="inline">
                                        <button type="submit" class="link">{td!(i18n, nav.sign_out)}</button>
                                    </form>
                                    <form method="post" action=crate::api::session::SignOutEverywhere::PATH class="inline">
                                        <button type="submit" class="link" data-testid="sign-out-everywhere">{td!(i18n, nav.sign_out_everywhere)}</button>
                                    </form>
                                }
                                    .into_any()
                            }
                            None => view! { <a href="/signin">{td!(i18n, nav.sign_in)}</a> }.into_any(),
                        }
                        })
                    }}
                </Suspense>
                <span class="lang">
                    <a href=move || format!("/lang/ja?next={}", next()) rel="external" class:active=i18n == Locale::ja lang="ja">"日本語"</a>
                    " | "
                    <a href=move || format!("/lang/en?next={}", next()) rel="external" class:active=i18n == Locale::en lang="en">"English"</a>
                </span>
            </nav>
        </header>
    }
}

/// Shows a page's data once loaded, or the error that stopped it. On the server, an error also
/// sets the status (403, 404) or redirects to sign-in.
#[component]
pub fn Loaded<T, F, V>(resource: ArcResource<Result<T, AppError>>, view: F) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let gone = gone_flag();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || {
                let (view, resource, gone) = (view.clone(), resource.clone(), gone.clone());
                Suspend::new(async move {
                    let result = resource.await;
                    if is_gone(&gone) {
                        return ().into_any();
                    }
                    match result {
                        Ok(data) => view(data).into_any(),
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// A full-page error: translated, with the right status code.
#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let e = error.general().unwrap_or(UserError::Internal);
    #[cfg(feature = "ssr")]
    {
        use axum::http::StatusCode;
        let status = match e {
            UserError::NotSignedIn => {
                let path = use_context::<axum::http::request::Parts>()
                    .map(|p| p.uri.path().to_owned())
                    .unwrap_or_default();
                leptos_axum::redirect(&format!("/signin?next={}", encode_component(&path)));
                StatusCode::FOUND
            }
            _ => StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST),
        };
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(status);
        }
    }
    view! {
        <section class="error-page">
            <h1>{td!(i18n, errors.title)}</h1>
            <p class="error">{text::user_error(i18n, e)}</p>
            {(e == UserError::NotSignedIn).then(|| view! { <p><a href="/signin">{td!(i18n, nav.sign_in)}</a></p> })}
            <p><a href="/">{td!(i18n, nav.home)}</a></p>
        </section>
    }
}

/// The flash of the given form, if the last failed post came from it.
pub fn flash_for(form: &str) -> Option<Flash> {
    use_context::<FlashContext>()
        .and_then(|c| c.0)
        .filter(|f| f.form == form)
}

/// The form state a page renders: the error and typed values of its last failed post.
#[derive(Clone, Default)]
pub struct FormState(pub Option<Flash>);

impl FormState {
    pub fn of(form: &str) -> Self {
        Self(flash_for(form))
    }

    /// The typed value of a field, or `default` when the form was not just posted.
    pub fn value(&self, field: &str, default: &str) -> String {
        self.0
            .as_ref()
            .and_then(|f| f.values.get(field).cloned())
            .unwrap_or_else(|| default.to_owned())
    }

    /// The error of a field.
    pub fn field_error(&self, field: &str) -> Option<UserError> {
        self.0.as_ref()?.error.as_ref()?.field(field)
    }

    /// The error not tied to a field.
    pub fn general_error(&self) -> Option<UserError> {
        self.0.as_ref()?.error.as_ref()?.general()
    }
}

/// The error message of one field, next to it.
#[component]
pub fn FieldError(state: FormState, field: &'static str) -> impl IntoView {
    let i18n = crate::components::use_locale();
    state.field_error(field).map(|e| {
        view! { <p class="field-error" role="alert" data-field=field>{move || text::user_error(i18n, e)}</p> }
    })
}

/// The error of a form that is not tied to one field.
#[component]
pub fn FormError(state: FormState) -> impl IntoView {
    let i18n = crate::components::use_locale();
    state.general_error().map(
        |e| view! { <p class="form-error" role="alert">{move || text::user_error(i18n, e)}</p> },
    )
}

/// The confirmation of the last successful form (`?saved=...`).
#[component]
pub fn SavedNotice() -> impl IntoView {
    let i18n = use_locale();
    let notice = move |saved: Option<String>| {
        saved
            .and_then(|w| text::saved(i18n, &w))
            .map(|msg| view! { <p class="notice" role="status">{msg}</p> })
    };
    // On the server, from the request itself: this renders after the page's data arrived, when
    // the router's signals may be gone with a client that went away.
    #[cfg(feature = "ssr")]
    {
        // Our own redirects write `saved=` with a plain code; `text::saved` knows every one.
        let saved = use_context::<axum::http::request::Parts>().and_then(|p| {
            p.uri
                .query()?
                .split('&')
                .find_map(|kv| kv.strip_prefix("saved=").map(str::to_owned))
        });
        notice(saved)
    }
    #[cfg(not(feature = "ssr"))]
    {
        let query = leptos_router::hooks::use_query_map();
        move || notice(query.read().get("saved"))
    }
}

/// `<option>`s for every prefecture, with one selected.
pub fn prefecture_options(selected: &str) -> impl IntoView {
    let i18n = crate::components::use_locale();
    career_relay::profile::Prefecture::all()
        .map(|p| {
            let code = p.code().to_string();
            let is = code == selected;
            view! { <option value=code selected=is>{move || text::prefecture(i18n, p.code() as i64)}</option> }
        })
        .collect_view()
}

/// The link to the next page of a filtered list at `path`: the filters that are set, then
/// `after` (the last id shown).
pub fn next_page(path: &str, filters: &[(&str, &str)], after: i64) -> String {
    page_link(path, filters, ("after", after))
}

/// The link to the next page of one list at `path`: the page's parameters as they stand, with
/// the list's own cursor parameter set to `cursor` (replaced, or added last). A page with several
/// lists keeps where the others stand.
pub fn page_link(path: &str, params: &[(&str, &str)], (name, cursor): (&str, i64)) -> String {
    let cursor = cursor.to_string();
    let mut params: Vec<(&str, &str)> = params
        .iter()
        .map(|&(k, v)| (k, if k == name { cursor.as_str() } else { v }))
        .collect();
    if !params.iter().any(|(k, _)| *k == name) {
        params.push((name, &cursor));
    }
    link_with(path, &params)
}

/// The rows of a busy table, written straight into one HTML string (the table's `<tbody
/// inner_html=…>`), every value escaped. A table of 21 rows built as a view tree costs each
/// cell its own view, owner and buffers; the pool page spent more on its rows than on everything
/// else it shows. Only for rows of plain cells: anything interactive stays in the view.
pub struct Rows(String);

impl Rows {
    pub fn with_capacity(rows: usize) -> Self {
        Self(String::with_capacity(rows * 320))
    }

    /// `<tr …>` with these attributes.
    pub fn open_row(&mut self, attributes: &[(&str, &str)]) {
        self.0.push_str("<tr");
        for (name, value) in attributes {
            self.0.push(' ');
            self.0.push_str(name);
            self.0.push_str("=\"");
            html_escape::encode_double_quoted_attribute_to_string(value, &mut self.0);
            self.0.push('"');
        }
        self.0.push('>');
    }

    pub fn close_row(&mut self) {
        self.0.push_str("</tr>");
    }

    /// A cell of text.
    pub fn cell(&mut self, text: &str) {
        self.0.push_str("<td>");
        html_escape::encode_text_to_string(text, &mut self.0);
        self.0.push_str("</td>");
    }

    /// A right-aligned cell (`class="num"`).
    pub fn number(&mut self, text: &str) {
        self.0.push_str("<td class=\"num\">");
        html_escape::encode_text_to_string(text, &mut self.0);
        self.0.push_str("</td>");
    }

    /// A cell with one link.
    pub fn link(&mut self, href: &str, text: &str) {
        self.0.push_str("<td><a href=\"");
        html_escape::encode_double_quoted_attribute_to_string(href, &mut self.0);
        self.0.push_str("\">");
        html_escape::encode_text_to_string(text, &mut self.0);
        self.0.push_str("</a></td>");
    }

    pub fn into_html(self) -> String {
        self.0
    }
}

/// The link to a list's older page, when there is one (`next_page` writes it).
#[component]
pub fn NextPage(href: Option<String>) -> impl IntoView {
    let i18n = crate::components::use_locale();
    href.map(|href| view! { <p><a href=href class="button secondary" rel="next">{td!(i18n, pool.next)}</a></p> })
}

/// A link to `path` with the parameters of `params` that are set, each value encoded.
pub fn link_with(path: &str, params: &[(&str, &str)]) -> String {
    let q = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode_component(v)))
        .collect::<Vec<_>>()
        .join("&");
    format!("{path}?{q}")
}

/// A list's job type filter: any, or one job type.
#[component]
pub fn JobTypeFilter(label: String, selected: String) -> impl IntoView {
    let i18n = crate::components::use_locale();
    view! {
        <label>
            {label}
            <select name="job_type">
                <option value="">{td!(i18n, pool.any)}</option>
                {job_type_options(&selected)}
            </select>
        </label>
    }
}

/// A list's prefecture filter: any, one prefecture, or (`remote`) remote positions.
#[component]
pub fn PrefectureFilter(
    label: String,
    selected: String,
    #[prop(optional)] remote: bool,
) -> impl IntoView {
    let i18n = crate::components::use_locale();
    let remote_code = career_relay::request::REMOTE;
    view! {
        <label>
            {label}
            <select name="prefecture">
                <option value="">{td!(i18n, pool.any)}</option>
                {remote.then(|| view! {
                    <option value=remote_code selected=selected == remote_code>{td!(i18n, requests.remote)}</option>
                })}
                {prefecture_options(&selected)}
            </select>
        </label>
    }
}

/// `<option>`s for every job type, with one selected.
pub fn job_type_options(selected: &str) -> impl IntoView {
    let i18n = crate::components::use_locale();
    career_relay::profile::JobType::ALL
        .iter()
        .map(|j| {
            let code = j.code();
            let is = code == selected;
            view! { <option value=code selected=is>{move || text::job_type(i18n, code)}</option> }
        })
        .collect_view()
}

/// What a version of the consent notice changed, in the page's language (nothing for the
/// versions the portal shipped with, which have no such text).
#[component]
pub fn NoticeChanges(notice: career_relay::consent::NoticeVersion) -> impl IntoView {
    let i18n = use_locale();
    let text = if i18n == Locale::en {
        notice.text_en
    } else {
        notice.text_ja
    };
    (!text.is_empty()).then(|| {
        view! {
            <section class="notice-changes" data-testid="notice-changes">
                <h3>{td!(i18n, consent.changes)}</h3>
                <p class="preserve-lines">{text}</p>
            </section>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::Rows;

    #[test]
    fn rows_escape_every_value_they_write() {
        let mut rows = Rows::with_capacity(1);
        rows.open_row(&[("class", "a\"b<c>"), ("data-id", "7")]);
        rows.cell("<script>alert('x')</script> & co");
        rows.number("+3");
        rows.link("/x?a=1&b=\"2\"", "<i>open</i>");
        rows.close_row();
        assert_eq!(
            rows.into_html(),
            "<tr class=\"a&quot;b&lt;c&gt;\" data-id=\"7\">\
             <td>&lt;script&gt;alert('x')&lt;/script&gt; &amp; co</td>\
             <td class=\"num\">+3</td>\
             <td><a href=\"/x?a=1&amp;b=&quot;2&quot;\">&lt;i&gt;open&lt;/i&gt;</a></td></tr>"
        );
    }
}
