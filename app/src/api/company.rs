//! The company's side: its relay link, referral status and free referral requests.

use crate::error::AppError;
use career_relay::{
    credit::Expiring,
    referral::ReferralStatus,
    request::{CompanyRequest, RejectReason, RequestInput, RequestPage, Screening},
    UserError,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The company page: referral status and the full relay URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyPage {
    pub status: ReferralStatus,
    pub relay_url: Option<String>,
}

/// Ledger entries and outcomes on one page of `/company`.
pub const HISTORY_ROWS: i64 = 20;

/// Where `/company` pages back to: the cursors of its two lists (`ledger_before`,
/// `outcomes_before`), as the query string has them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryQuery {
    #[serde(default)]
    pub ledger_before: String,
    #[serde(default)]
    pub outcomes_before: String,
}

impl TryFrom<&HistoryQuery> for career_relay::referral::History {
    type Error = AppError;

    fn try_from(q: &HistoryQuery) -> Result<Self, AppError> {
        let cursor = |raw: &str| match raw.trim() {
            "" => Ok(None),
            v => v
                .parse::<i64>()
                .map(Some)
                .map_err(|_| AppError::User(UserError::InvalidNumber)),
        };
        Ok(Self {
            ledger_before: cursor(&q.ledger_before)?,
            outcomes_before: cursor(&q.outcomes_before)?,
            ..Self::newest(HISTORY_ROWS)
        })
    }
}

/// The signed-in company member's referral status.
#[server(endpoint = "company_page")]
pub async fn get_company_page(history: HistoryQuery) -> Result<CompanyPage, AppError> {
    use crate::guard::{CompanyMember, Guard};
    let (member, state) = CompanyMember::require().await?;
    let history = career_relay::referral::History::try_from(&history)?;
    let status = career_relay::referral::status(&state.pool, member.company_id, history).await?;
    let relay_url = status
        .relay_code
        .as_ref()
        .map(|c| format!("{}/r/{}", state.base_url, c));
    Ok(CompanyPage { status, relay_url })
}

/// Revokes the company's link and issues a new one; the old link stops counting.
#[server(endpoint = "reissue_link")]
pub async fn reissue_link() -> Result<(), AppError> {
    use super::ssr::{submit, to};
    submit(
        "link",
        (),
        to("/company?saved=reissued"),
        |member: crate::guard::CompanyMember, state, ()| async move {
            career_relay::relay::reissue(&state.pool, member.company_id).await?;
            Ok(())
        },
    )
    .await
}

/// Revokes the company's link without a replacement.
#[server(endpoint = "revoke_link")]
pub async fn revoke_link() -> Result<(), AppError> {
    use super::ssr::{submit, to};
    submit(
        "link",
        (),
        to("/company?saved=revoked"),
        |member: crate::guard::CompanyMember, state, ()| async move {
            career_relay::relay::revoke(&state.pool, member.company_id).await?;
            Ok(())
        },
    )
    .await
}

/// The requests page: what the company can spend, and its requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestsPage {
    pub balance: i64,
    pub expiring: Option<Expiring>,
    /// The deadline a request gets when the form leaves it empty, in days.
    pub request_days: i64,
    /// A page of the requests, newest first.
    pub requests: RequestPage,
}

/// The company's free referral requests (the newest, or those before `after`, a request's id)
/// and its balance.
#[server(endpoint = "requests_page")]
pub async fn get_requests_page(after: String) -> Result<RequestsPage, AppError> {
    use crate::guard::{CompanyMember, Guard};
    let (member, state) = CompanyMember::require().await?;
    let pool = &state.pool;
    let (balance, expiring) = career_relay::credit::standing(pool, member.company_id).await?;
    Ok(RequestsPage {
        balance,
        expiring,
        request_days: career_relay::settings::load(pool).await?.request_days,
        requests: career_relay::request::for_company(
            pool,
            member.company_id,
            career_relay::keyset::cursor(&after),
            career_relay::request::REQUEST_PAGE,
        )
        .await?,
    })
}

/// Opens a free referral request and spends one credit on it; with none left, nothing changes.
#[server(endpoint = "open_request")]
pub async fn open_request(#[server(flatten)] form: RequestInput) -> Result<i64, AppError> {
    use super::ssr::submit;
    use career_relay::request::NewRequest;
    submit(
        "request",
        form,
        |id: &i64| format!("/company/requests/{id}?saved=request_opened"),
        |member: crate::guard::CompanyMember, state, form| async move {
            let r = NewRequest::try_from(&form)?;
            Ok(
                career_relay::request::open(&state.pool, member.company_id, member.user.id, &r)
                    .await?,
            )
        },
    )
    .await
}

/// One of the company's requests. Showing the profile of a candidate who agreed is a view of
/// personal data: audited.
#[server(endpoint = "request_page")]
pub async fn get_request_page(id: i64) -> Result<CompanyRequest, AppError> {
    use crate::guard::{CompanyMember, Guard};
    let (member, state) = CompanyMember::require().await?;
    let r = career_relay::request::for_company_one(&state.pool, member.company_id, id).await?;
    for i in r.introductions.iter().filter(|i| i.profile.is_some()) {
        super::ssr::audit(
            &state.pool,
            member.user.id,
            "introduction_viewed",
            &format!("introduction:{}", i.id),
        )
        .await?;
    }
    Ok(r)
}

/// The cancel button of a request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestIdForm {
    #[serde(deserialize_with = "career_relay::field::whole_number")]
    pub request_id: i64,
}

/// Cancels a request with no introduction yet; its credit comes back.
#[server(endpoint = "cancel_request")]
pub async fn cancel_request(#[server(flatten)] form: RequestIdForm) -> Result<(), AppError> {
    use super::ssr::{submit, to};
    submit(
        "cancel",
        form,
        to("/company/requests?saved=request_cancelled"),
        |member: crate::guard::CompanyMember, state, form| async move {
            Ok(
                career_relay::request::cancel(&state.pool, member.company_id, form.request_id)
                    .await?,
            )
        },
    )
    .await
}

/// A screening result on an introduction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreenForm {
    #[serde(deserialize_with = "career_relay::field::whole_number")]
    pub request_id: i64,
    #[serde(deserialize_with = "career_relay::field::whole_number")]
    pub introduction_id: i64,
    /// `passed`, `interview`, `offer`, `hired` or `rejected`.
    pub result: String,
    /// For `rejected`: a reason code, or empty.
    #[serde(default)]
    pub reason: String,
}

/// A valid screening result: the result, and the reason of a 見送り.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScreeningResult {
    pub result: Screening,
    pub reason: Option<RejectReason>,
}

impl TryFrom<&ScreenForm> for ScreeningResult {
    type Error = Vec<career_relay::FieldError>;

    fn try_from(f: &ScreenForm) -> Result<Self, Self::Error> {
        use career_relay::FieldError;
        let result = Screening::from_code(f.result.trim())
            .ok_or_else(|| vec![FieldError::new("result", UserError::Required)])?;
        let reason = match f.reason.trim() {
            "" => None,
            code => Some(
                RejectReason::from_code(code)
                    .ok_or_else(|| vec![FieldError::new("reason", UserError::NotFound)])?,
            ),
        };
        Ok(Self { result, reason })
    }
}

/// Gives an introduction's screening result; 入社 fulfils the request.
#[server(endpoint = "screen_introduction")]
pub async fn screen_introduction(#[server(flatten)] form: ScreenForm) -> Result<(), AppError> {
    use super::ssr::{submit, MailWording};
    let next = format!("/company/requests/{}?saved=screened", form.request_id);
    submit(
        &format!("screen:{}", form.introduction_id),
        form,
        move |_| next,
        |member: crate::guard::CompanyMember, state, form| async move {
            let s = ScreeningResult::try_from(&form)?;
            let wording = MailWording::of(&state);
            Ok(career_relay::request::screen(
                &state.pool,
                &wording,
                member.company_id,
                form.introduction_id,
                s.result,
                s.reason,
            )
            .await?)
        },
    )
    .await
}

/// A page of the company's return candidates: its own rejected applicants who agreed that it
/// may contact them again. Each view is recorded as a provision to the company for every
/// candidate listed, and audited.
#[server(endpoint = "returns_page")]
pub async fn get_returns_page(
    query: career_relay::returns::ReturnsQuery,
) -> Result<career_relay::returns::ReturnsPage, AppError> {
    use crate::guard::{CompanyMember, Guard};
    use career_relay::returns::ReturnsFilter;
    let (member, state) = CompanyMember::require().await?;
    let filter = ReturnsFilter::try_from(&query)?;
    Ok(
        career_relay::returns::list(&state.pool, member.company_id, member.user.id, &filter)
            .await?,
    )
}

/// Marks a return candidate contacted, with an optional note for the company's members.
#[server(endpoint = "mark_contacted")]
pub async fn mark_contacted(
    #[server(flatten)] form: career_relay::returns::ContactInput,
) -> Result<(), AppError> {
    use super::ssr::{submit, to};
    use career_relay::returns::Contacted;
    submit(
        &format!("contact:{}", form.candidate_id),
        form,
        to("/company/returns?saved=contacted"),
        |member: crate::guard::CompanyMember, state, form| async move {
            let mark = Contacted::try_from(&form)?;
            Ok(career_relay::returns::mark_contacted(
                &state.pool,
                member.company_id,
                member.user.id,
                &mark,
            )
            .await?)
        },
    )
    .await
}

/// A chart drawn on the server: which one, and its SVG.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    /// `funnel`, `outcomes` or `credits`.
    pub key: String,
    pub svg: String,
}

/// A numbers page: the months with their conversions and median times, and the charts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumbersPage {
    pub numbers: career_relay::numbers::Numbers,
    pub charts: Vec<Chart>,
}

/// The company's numbers for the last twelve months (one statement for the months, one for the
/// median times), with the charts in the page's language.
#[server(endpoint = "numbers_page")]
pub async fn get_numbers_page() -> Result<NumbersPage, AppError> {
    use crate::guard::{CompanyMember, Guard};
    use career_relay::numbers::Scope;
    let (member, state) = CompanyMember::require().await?;
    let numbers =
        career_relay::numbers::numbers(&state.pool, Scope::Company(member.company_id)).await?;
    let charts = crate::chart::numbers_charts(super::ssr::locale(), &numbers);
    Ok(NumbersPage { numbers, charts })
}
