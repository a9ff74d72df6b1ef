//! Pieces every page uses: the layout, loading with errors, form errors and notices.

use crate::{
    api::{session::Me, Flash},
    error::AppError,
    i18n::*,
    text,
};
use career_relay::UserError;
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::{use_location, use_query_map};
use serde::{de::DeserializeOwned, Serialize};

/// The flash of the last failed form post, provided by the app root.
#[derive(Clone)]
pub struct FlashContext(pub Option<Flash>);

/// The signed-in role, provided by the app root.
#[derive(Clone, Copy)]
pub struct MeContext(pub Resource<Result<Option<Me>, AppError>>);

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
    let i18n = use_i18n();
    let me = expect_context::<MeContext>().0;
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
            <a class="brand" href="/">{t!(i18n, brand)}</a>
            <nav>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match me.await.ok().flatten() {
                            Some(role) => {
                                let (href, label) = match role {
                                    Me::Candidate => ("/me", t_string!(i18n, nav.me)),
                                    Me::Company => ("/company", t_string!(i18n, nav.company)),
                                    Me::Agency => ("/agency", t_string!(i18n, nav.pool)),
                                    Me::Admin => ("/admin", t_string!(i18n, nav.admin)),
                                };
                                view! {
                                    <a href=href>{label}</a>
                                    {(role == Me::Agency).then(|| view! { <a href="/agency/claims">{t!(i18n, nav.claims)}</a> })}
                                    {matches!(role, Me::Company | Me::Agency).then(|| view! { <a href="/members">{t!(i18n, members.link)}</a> })}
                                    <form method="post" action=crate::api::session::SignOut::PATH class="inline">
                                        <button type="submit" class="link">{t!(i18n, nav.sign_out)}</button>
                                    </form>
                                    <form method="post" action=crate::api::session::SignOutEverywhere::PATH class="inline">
                                        <button type="submit" class="link" data-testid="sign-out-everywhere">{t!(i18n, nav.sign_out_everywhere)}</button>
                                    </form>
                                }
                                    .into_any()
                            }
                            None => view! { <a href="/signin">{t!(i18n, nav.sign_in)}</a> }.into_any(),
                        }
                    })}
                </Suspense>
                <span class="lang">
                    <a href=move || format!("/lang/ja?next={}", next()) rel="external" class:active=move || i18n.get_locale() == Locale::ja lang="ja">"日本語"</a>
                    " | "
                    <a href=move || format!("/lang/en?next={}", next()) rel="external" class:active=move || i18n.get_locale() == Locale::en lang="en">"English"</a>
                </span>
            </nav>
        </header>
    }
}

/// Shows a page's data once loaded, or the error that stopped it. On the server, an error also
/// sets the status (403, 404) or redirects to sign-in.
#[component]
pub fn Loaded<T, F, V>(resource: Resource<Result<T, AppError>>, view: F) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || {
                let view = view.clone();
                Suspend::new(async move {
                    match resource.await {
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
    let i18n = use_i18n();
    let e = error.general().unwrap_or(UserError::Internal);
    #[cfg(feature = "ssr")]
    {
        use axum::http::StatusCode;
        let status = match e {
            UserError::NotSignedIn => {
                let path = use_location().pathname.get_untracked();
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
            <h1>{t!(i18n, errors.title)}</h1>
            <p class="error">{text::user_error(i18n, e)}</p>
            {(e == UserError::NotSignedIn).then(|| view! { <p><a href="/signin">{t!(i18n, nav.sign_in)}</a></p> })}
            <p><a href="/">{t!(i18n, nav.home)}</a></p>
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
    let i18n = use_i18n();
    state.field_error(field).map(|e| {
        view! { <p class="field-error" role="alert" data-field=field>{move || text::user_error(i18n, e)}</p> }
    })
}

/// The error of a form that is not tied to one field.
#[component]
pub fn FormError(state: FormState) -> impl IntoView {
    let i18n = use_i18n();
    state.general_error().map(
        |e| view! { <p class="form-error" role="alert">{move || text::user_error(i18n, e)}</p> },
    )
}

/// The confirmation of the last successful form (`?saved=...`).
#[component]
pub fn SavedNotice() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    move || {
        query
            .read()
            .get("saved")
            .and_then(|w| text::saved(i18n, &w))
            .map(|msg| view! { <p class="notice" role="status">{msg}</p> })
    }
}

/// `<option>`s for every prefecture, with one selected.
pub fn prefecture_options(selected: &str) -> impl IntoView {
    let i18n = use_i18n();
    career_relay::profile::Prefecture::all()
        .map(|p| {
            let code = p.code().to_string();
            let is = code == selected;
            view! { <option value=code selected=is>{move || text::prefecture(i18n, p.code() as i64)}</option> }
        })
        .collect_view()
}

/// `<option>`s for every job type, with one selected.
pub fn job_type_options(selected: &str) -> impl IntoView {
    let i18n = use_i18n();
    career_relay::profile::JobType::ALL
        .iter()
        .map(|j| {
            let code = j.code();
            let is = code == selected;
            view! { <option value=code selected=is>{move || text::job_type(i18n, code)}</option> }
        })
        .collect_view()
}
