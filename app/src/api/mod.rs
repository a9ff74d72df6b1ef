//! Server functions, one module per role. Each is thin: guard, call the core, map errors.
//!
//! Every form on the portal is a plain HTML form that posts to a server function, so it works
//! without JavaScript. A function answers with a redirect: to the next page when it succeeded,
//! back to the form (with the error and the typed values kept in the session, never in the URL)
//! when it did not.

pub mod admin;
pub mod agency;
pub mod candidate;
pub mod company;
pub mod import;
pub mod members;
pub mod session;

use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a failed form post leaves for the page it returns to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    /// Which form failed (a page can hold several).
    pub form: String,
    pub error: Option<AppError>,
    /// The values as typed, to fill the form again.
    pub values: BTreeMap<String, String>,
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Helpers every server function shares.

    use super::Flash;
    use crate::{
        error::AppError,
        guard::{self, Guard, RequestContext},
        i18n::Locale,
        state::AppState,
    };
    use axum::http::request::Parts;
    use leptos::prelude::*;
    use std::collections::BTreeMap;

    pub const FLASH_KEY: &str = "flash";

    /// The network (a prefix, see `career_relay::farming::network`) a request came from, put
    /// on the request by the rate limiter, which knows the client's address; none for addresses
    /// off the internet.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ClientNetwork(pub Option<String>);

    /// The network the current request came from.
    pub fn client_network() -> Option<String> {
        use_context::<Parts>()?
            .extensions
            .get::<ClientNetwork>()?
            .0
            .clone()
    }

    /// The language the person chose (the cookie the language switch sets), Japanese by default.
    pub fn locale() -> Locale {
        use_context::<Parts>()
            .map(|p| locale_of(&p.headers))
            .unwrap_or(Locale::ja)
    }

    /// The language chosen in a request's cookie, Japanese by default.
    pub fn locale_of(headers: &axum::http::HeaderMap) -> Locale {
        headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|c| c.to_str().ok())
            .flat_map(|c| c.split(';'))
            .find_map(|kv| kv.trim().strip_prefix("i18n_pref_locale="))
            .map(locale_of_code)
            .unwrap_or(Locale::ja)
    }

    /// The code of the language chosen in a request's cookie (`ja` or `en`), as stored.
    pub fn language_of(headers: &axum::http::HeaderMap) -> &'static str {
        match locale_of(headers) {
            Locale::en => "en",
            Locale::ja => "ja",
        }
    }

    /// The language a stored code names (`en`), Japanese for anything else.
    pub fn locale_of_code(code: &str) -> Locale {
        if code == "en" {
            Locale::en
        } else {
            Locale::ja
        }
    }

    /// What a refused cross-site request is told, in the person's language.
    pub fn cross_site_refusal(headers: &axum::http::HeaderMap) -> String {
        let locale = locale_of(headers);
        crate::i18n::td_string!(locale, errors.cross_site).to_string()
    }

    /// The page for a request over a rate limit, in the person's language.
    pub fn too_many_requests_page(
        headers: &axum::http::HeaderMap,
        retry_after: i64,
        stylesheet: Option<&str>,
    ) -> String {
        let locale = locale_of(headers);
        let minutes = (retry_after + 59) / 60;
        let text = crate::i18n::td_string!(locale, errors.too_many_requests, minutes = minutes)
            .to_string();
        page(locale, &text, stylesheet)
    }

    /// The page of a plain handler's error, in the person's language.
    pub fn error_page(
        headers: &axum::http::HeaderMap,
        error: career_relay::UserError,
        stylesheet: Option<&str>,
    ) -> String {
        let locale = locale_of(headers);
        page(
            locale,
            &crate::text::user_error_in(locale, error),
            stylesheet,
        )
    }

    /// A small page outside the app: the error title, a sentence, and the way home (styled by
    /// the site's content-hashed stylesheet, when built).
    fn page(locale: Locale, text: &str, stylesheet: Option<&str>) -> String {
        let title = crate::i18n::td_string!(locale, errors.title).to_string();
        let home = crate::i18n::td_string!(locale, nav.home).to_string();
        let lang = leptos_i18n::Locale::as_str(locale);
        let text = html_escape(text);
        let style = stylesheet_link(stylesheet);
        format!(
            "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>\
             {style}</head><body><main>\
             <h1>{title}</h1><p>{text}</p><p><a href=\"/\">{home}</a></p></main></body></html>"
        )
    }

    /// The `<link>` of the site's stylesheet (its path is the portal's own, never user input).
    pub fn stylesheet_link(stylesheet: Option<&str>) -> String {
        stylesheet
            .map(|href| format!("<link rel=\"stylesheet\" href=\"{href}\">"))
            .unwrap_or_default()
    }

    fn html_escape(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }

    /// The local path the form was posted from, to return to on error.
    fn back() -> String {
        use_context::<Parts>()
            .and_then(|p| {
                p.headers
                    .get(axum::http::header::REFERER)?
                    .to_str()
                    .ok()
                    .map(str::to_owned)
            })
            .and_then(|r| {
                let after_scheme = r.split_once("://").map(|(_, rest)| rest).unwrap_or(&r);
                after_scheme.find('/').map(|i| after_scheme[i..].to_owned())
            })
            .filter(|p| p.starts_with('/') && !p.starts_with("//"))
            .unwrap_or_else(|| "/".to_owned())
    }

    /// The values of a form as typed, read from its input struct (its fields are the form's
    /// names), to fill the form again after an error.
    pub fn typed_values(input: &impl serde::Serialize) -> BTreeMap<String, String> {
        let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(input) else {
            return BTreeMap::new();
        };
        fields
            .into_iter()
            .filter_map(|(name, value)| match value {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some((name, s)),
                other => Some((name, other.to_string())),
            })
            .collect()
    }

    /// The page a form goes to when it succeeded, whatever it returned.
    pub fn to<T>(path: impl Into<String>) -> impl FnOnce(&T) -> String + Send {
        let path = path.into();
        move |_| path
    }

    /// Runs one form post: the guard `R`, then `run` with the role, the portal's state and the
    /// form's input; on success a redirect to `next`; on failure a redirect back to the form with
    /// the error and the typed values (read from `input`) kept in the session, never in the URL.
    /// Everything it needs from the request is taken before the first await.
    pub async fn submit<R, I, T, Run, Fut>(
        form: &str,
        input: I,
        next: impl FnOnce(&T) -> String + Send,
        run: Run,
    ) -> Result<T, AppError>
    where
        R: Guard,
        I: serde::Serialize + Send,
        T: Send,
        Run: FnOnce(R, AppState, I) -> Fut + Send,
        Fut: std::future::Future<Output = Result<T, AppError>> + Send,
    {
        let values = typed_values(&input);
        let (ctx, session, back) = (RequestContext::current(), guard::session(), back());
        let result = async {
            let ctx = ctx?;
            let role = R::check(&ctx).await?;
            run(role, ctx.state, input).await
        }
        .await;
        match result {
            Ok(v) => {
                leptos_axum::redirect(&next(&v));
                Ok(v)
            }
            Err(e) => {
                let flash = Flash {
                    form: form.to_owned(),
                    error: Some(e.clone()),
                    values,
                };
                store_flash(session, flash).await;
                leptos_axum::redirect(&back);
                Err(e)
            }
        }
    }

    /// Leaves values for the next page after a success (e.g. a new API key, shown once: the
    /// flash is removed when the page reads it), in the session taken before the first await.
    pub async fn flash_success(
        session: Option<tower_sessions::Session>,
        form: &str,
        values: BTreeMap<String, String>,
    ) {
        let flash = Flash {
            form: form.to_owned(),
            error: None,
            values,
        };
        store_flash(session, flash).await;
    }

    async fn store_flash(session: Option<tower_sessions::Session>, flash: Flash) {
        if let Some(session) = session {
            if let Err(err) = session.insert(FLASH_KEY, flash).await {
                tracing::error!(error = ?err, "session store failed");
            }
        }
    }

    /// Writes an audit entry for the signed-in user `user_id`.
    pub async fn audit(
        pool: &career_relay::db::Pool,
        user_id: i64,
        action: &str,
        target: &str,
    ) -> Result<(), AppError> {
        career_relay::audit::record(pool, &format!("user:{user_id}"), action, target).await?;
        Ok(())
    }

    /// The invitation mails of one company: its name, in its chosen language.
    pub struct InvitationMail {
        locale: Locale,
        company: String,
        /// Days the applicant has to answer before name and address are deleted (the setting).
        days: i64,
    }

    impl InvitationMail {
        /// The company's settings for invitation mails.
        pub async fn of(
            pool: &career_relay::db::Pool,
            company_id: i64,
        ) -> Result<Self, career_relay::Error> {
            let (company, language) =
                career_relay::invitation::company_mail_settings(pool, company_id).await?;
            Ok(Self {
                locale: locale_of_code(&language),
                company,
                days: career_relay::settings::load(pool).await?.invitation_days,
            })
        }

        /// Subject and text of the mail to applicant `name` with their links.
        pub fn compose(&self, name: &str, url: &str, unsubscribe: &str) -> (String, String) {
            use crate::i18n::td_string;
            let (locale, company) = (self.locale, self.company.as_str());
            let subject = td_string!(locale, mail.invite_subject, company = company).to_string();
            let body = td_string!(
                locale,
                mail.invite_body,
                company = company,
                name = name,
                url = url,
                unsubscribe = unsubscribe,
                days = self.days
            )
            .to_string();
            (subject, body)
        }
    }

    /// The words of the portal's notices, in each recipient's language, with links to the
    /// portal's pages.
    pub struct MailWording {
        pub base_url: String,
    }

    impl MailWording {
        /// The wording of this portal's mails (its links lead to `state.base_url`).
        pub fn of(state: &AppState) -> Self {
            Self {
                base_url: state.base_url.clone(),
            }
        }
    }

    impl career_relay::notice::Wording for MailWording {
        fn link(&self, path: &str) -> String {
            format!("{}{path}", self.base_url)
        }

        fn mail(&self, notice: &career_relay::notice::Notice, language: &str) -> (String, String) {
            use crate::i18n::td_string;
            use career_relay::{notice::Notice, request::Screening};
            let l = locale_of_code(language);
            let url = |path: &str| format!("{}{path}", self.base_url);
            let result = |code: &str| {
                Screening::from_code(code)
                    .map(|s| crate::text::screening(l, s))
                    .unwrap_or_default()
            };
            match notice {
                Notice::IntroductionAsked {
                    company,
                    title,
                    agency,
                } => (
                    td_string!(l, notice.asked_subject, company = company).to_string(),
                    td_string!(
                        l,
                        notice.asked_body,
                        company = company,
                        title = title,
                        agency = agency,
                        url = url("/me")
                    )
                    .to_string(),
                ),
                Notice::IntroductionAgreed { request_id, title } => (
                    td_string!(l, notice.agreed_subject, title = title).to_string(),
                    td_string!(
                        l,
                        notice.agreed_body,
                        title = title,
                        url = url(&format!("/company/requests/{request_id}"))
                    )
                    .to_string(),
                ),
                Notice::RequestAccepted {
                    request_id,
                    title,
                    agency,
                } => (
                    td_string!(l, notice.accepted_subject, title = title, agency = agency)
                        .to_string(),
                    td_string!(
                        l,
                        notice.accepted_body,
                        title = title,
                        agency = agency,
                        url = url(&format!("/company/requests/{request_id}"))
                    )
                    .to_string(),
                ),
                Notice::ScreeningResult {
                    request_id,
                    introduction_id,
                    title,
                    result: code,
                    reason,
                } => {
                    let reason = reason
                        .as_deref()
                        .and_then(career_relay::request::RejectReason::from_code)
                        .map(|r| {
                            let r = crate::text::reject_reason(l, r);
                            td_string!(l, notice.reason, reason = r).to_string()
                        })
                        .unwrap_or_default();
                    let r = result(code);
                    (
                        td_string!(
                            l,
                            notice.result_subject,
                            id = introduction_id,
                            result = r.as_str()
                        )
                        .to_string(),
                        td_string!(
                            l,
                            notice.result_body,
                            id = introduction_id,
                            title = title,
                            result = r.as_str(),
                            reason = reason,
                            url = url(&format!("/agency/requests/{request_id}"))
                        )
                        .to_string(),
                    )
                }
                Notice::IntroductionOutcome {
                    company,
                    title,
                    result: code,
                } => {
                    let r = result(code);
                    (
                        td_string!(
                            l,
                            notice.outcome_subject,
                            company = company,
                            result = r.as_str()
                        )
                        .to_string(),
                        td_string!(
                            l,
                            notice.outcome_body,
                            company = company,
                            title = title,
                            result = r.as_str(),
                            url = url("/me")
                        )
                        .to_string(),
                    )
                }
                Notice::RequestRefunded { request_id, title } => (
                    td_string!(l, notice.refunded_subject, title = title).to_string(),
                    td_string!(
                        l,
                        notice.refunded_body,
                        title = title,
                        url = url(&format!("/company/requests/{request_id}"))
                    )
                    .to_string(),
                ),
                Notice::DataClaimed { agency, since } => (
                    td_string!(l, notice.claimed_subject, agency = agency).to_string(),
                    td_string!(
                        l,
                        notice.claimed_body,
                        agency = agency,
                        since = since,
                        url = url("/me")
                    )
                    .to_string(),
                ),
                Notice::PlacementReported {
                    agency,
                    employer,
                    position,
                    start_date,
                } => (
                    td_string!(l, notice.placement_subject).to_string(),
                    td_string!(
                        l,
                        notice.placement_body,
                        agency = agency,
                        employer = employer,
                        position = position,
                        start = start_date,
                        url = url("/me")
                    )
                    .to_string(),
                ),
                Notice::CreditsEarned { count, balance } => (
                    td_string!(l, notice.earned_subject, count = count).to_string(),
                    td_string!(
                        l,
                        notice.earned_body,
                        count = count,
                        balance = balance,
                        url = url("/company/requests")
                    )
                    .to_string(),
                ),
                Notice::RequestDigest { requests } => {
                    let list: String = requests
                        .iter()
                        .map(|(id, company, title)| {
                            format!(
                                "- {company}「{title}」 {}\n",
                                url(&format!("/agency/requests/{id}"))
                            )
                        })
                        .collect();
                    (
                        td_string!(l, notice.digest_subject, count = requests.len()).to_string(),
                        td_string!(
                            l,
                            notice.digest_body,
                            list = list,
                            settings = url("/members")
                        )
                        .to_string(),
                    )
                }
                Notice::FollowUp { token, months } => {
                    let answer = |code: &str| url(&format!("/a/{token}?answer={code}"));
                    (
                        td_string!(l, notice.followup_subject).to_string(),
                        td_string!(
                            l,
                            notice.followup_body,
                            months = months,
                            looking = answer("looking"),
                            paused = answer("paused"),
                            found = answer("found"),
                            me = url("/me"),
                            stop = url(&format!("/a/{token}/stop"))
                        )
                        .to_string(),
                    )
                }
                Notice::Renewal { token, deadline } => (
                    td_string!(l, notice.renewal_subject).to_string(),
                    td_string!(
                        l,
                        notice.renewal_body,
                        deadline = deadline,
                        url = url(&format!("/a/{token}"))
                    )
                    .to_string(),
                ),
                Notice::NoticeChanged { version, material } => (
                    td_string!(l, notice.notice_changed_subject).to_string(),
                    if *material {
                        td_string!(
                            l,
                            notice.notice_material_body,
                            version = version,
                            url = url("/me")
                        )
                        .to_string()
                    } else {
                        td_string!(
                            l,
                            notice.notice_minor_body,
                            version = version,
                            url = url("/me")
                        )
                        .to_string()
                    },
                ),
                Notice::CreditsExpiring { count, date } => (
                    td_string!(l, notice.expiring_subject, count = count, date = date).to_string(),
                    td_string!(
                        l,
                        notice.expiring_body,
                        count = count,
                        date = date,
                        url = url("/company/requests")
                    )
                    .to_string(),
                ),
            }
        }
    }
}
