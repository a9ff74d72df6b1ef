//! The HTML shell and the routes.

use crate::{
    api::session::whoami,
    components::{FlashContext, Header, MeContext, PageLocale},
    i18n::*,
    pages,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The page's language: on the server the one the person chose (the cookie `/lang/{locale}`
/// sets; the browser's Accept-Language is not consulted), Japanese by default; in the browser the
/// one the server rendered the page in. Fixed for a page (switching it reloads), so it is a plain
/// value, not a signal: nothing reactive to read after a page was given up.
fn page_locale() -> Locale {
    #[cfg(feature = "ssr")]
    return crate::api::ssr::locale();
    #[cfg(not(feature = "ssr"))]
    return web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|html| html.get_attribute("lang"))
        .map_or(Locale::ja, |code| {
            if code == "en" {
                Locale::en
            } else {
                Locale::ja
            }
        });
}

/// The document around the app. Hydration scripts are included only when the wasm bundle was built.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let (hydrate, stylesheet) = {
        let assets = crate::state::AppState::get()
            .map(|s| s.assets)
            .unwrap_or_default();
        (assets.bundle.is_some(), assets.stylesheet)
    };
    // The shell is rendered on the server only.
    #[cfg(not(feature = "ssr"))]
    let (hydrate, stylesheet) = (true, None::<String>);
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    // The hydrating browser reads the page's language back from `lang`.
    let lang = leptos_i18n::Locale::as_str(page_locale());
    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="description" content=td_string!(page_locale(), description).to_string() />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                {stylesheet.map(|href| view! { <link rel="stylesheet" href=href /> })}
                {hydrate.then(|| view! { <HydrationScripts options=options.clone() islands=true /> })}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The Content-Security-Policy of a page: only the portal's own scripts, and the inline hydration
/// script by its per-response nonce; no framing. Forms post to the portal only, and their
/// redirects may lead on to the configured identity providers (the sign-in form sends staff there).
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    use axum::http::{header, HeaderValue};
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let providers: String = use_context::<crate::state::AppState>()
        .map(|s| s.sso_origins.iter().map(|o| format!(" {o}")).collect())
        .unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'{providers}; frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The application: language, who is signed in, the last form's flash, and the routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let i18n = page_locale();
    provide_context(PageLocale(i18n));
    provide_context(MeContext(ArcResource::new(|| (), |_| whoami())));
    // The server read (and removed) the flash before rendering; the value travels to the
    // browser inside the page, so hydration sees the same forms.
    let flash = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        return crate::guard::request_session().flash;
        #[cfg(not(feature = "ssr"))]
        return None;
    });
    provide_context(FlashContext(flash.into_inner()));
    view! {
        // A plain string: the language is fixed for a page (switching it reloads), and leptos_meta
        // reads the title after the render's reactive owner is gone.
        <Title text=td_string!(i18n, brand).to_string() />
        <Router>
            <Header />
            <main>
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/") view=pages::home::Home ssr=SsrMode::Async />
                    <Route path=path!("/signin") view=pages::signin::SignIn ssr=SsrMode::Async />
                    <Route path=path!("/check-mail") view=pages::signin::CheckMail ssr=SsrMode::Async />
                    <Route path=path!("/auth/:token") view=pages::signin::UseLink ssr=SsrMode::Async />
                    <Route path=path!("/sso/refused") view=pages::signin::SsoRefused ssr=SsrMode::Async />
                    <Route path=path!("/u/:token") view=pages::signin::Unsubscribe ssr=SsrMode::Async />
                    <Route path=path!("/a/:token") view=pages::answer::AnswerPage ssr=SsrMode::Async />
                    <Route path=path!("/a/:token/stop") view=pages::answer::StopFollowUps ssr=SsrMode::Async />
                    <Route path=path!("/answered") view=pages::answer::Answered ssr=SsrMode::Async />
                    <Route path=path!("/r/:code") view=pages::relay::Relay ssr=SsrMode::Async />
                    <Route path=path!("/me") view=pages::me::Me ssr=SsrMode::Async />
                    <Route path=path!("/me/provisions") view=pages::me::MyProvisions ssr=SsrMode::Async />
                    <Route path=path!("/me/email/:token") view=pages::me::ConfirmEmail ssr=SsrMode::Async />
                    <Route path=path!("/company") view=pages::company::Company ssr=SsrMode::Async />
                    <Route path=path!("/company/import") view=pages::import::Imports ssr=SsrMode::Async />
                    <Route path=path!("/company/import/:import") view=pages::import::ImportDetail ssr=SsrMode::Async />
                    <Route path=path!("/company/requests") view=pages::requests::CompanyRequests ssr=SsrMode::Async />
                    <Route path=path!("/company/returns") view=pages::returns::Returns ssr=SsrMode::Async />
                    <Route path=path!("/company/numbers") view=pages::numbers::Numbers ssr=SsrMode::Async />
                    <Route path=path!("/company/requests/:request") view=pages::requests::CompanyRequestPage ssr=SsrMode::Async />
                    <Route path=path!("/agency") view=pages::agency::Pool ssr=SsrMode::Async />
                    <Route path=path!("/agency/requests") view=pages::requests::AgencyRequests ssr=SsrMode::Async />
                    <Route path=path!("/agency/requests/:request") view=pages::requests::AgencyRequestPage ssr=SsrMode::Async />
                    <Route path=path!("/agency/candidates/:id") view=pages::agency::CandidatePage ssr=SsrMode::Async />
                    <Route path=path!("/agency/claims") view=pages::agency::Claims ssr=SsrMode::Async />
                    <Route path=path!("/admin") view=pages::admin::AdminPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/review") view=pages::review::Review ssr=SsrMode::Async />
                    <Route path=path!("/admin/analytics") view=pages::analytics::Analytics ssr=SsrMode::Async />
                    <Route path=path!("/members") view=pages::members::Members ssr=SsrMode::Async />
                    <Route path=path!("/dev/mailbox") view=pages::dev::Mailbox ssr=SsrMode::Async />
                </Routes>
            </main>
        </Router>
    }
}
