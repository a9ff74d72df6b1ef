//! Translated text for codes that come from the server: errors, job types, prefectures, states.

use crate::i18n::*;
use career_relay::{
    placement::PlacementStatus,
    request::{EmploymentType, IntroductionStatus, RejectReason, RequestStatus, Screening},
    UserError,
};

/// The page's language: fixed for a page (switching it reloads), so read once, not tracked.
type I18n = Locale;

/// The sentence for a user error.
pub fn user_error(i18n: I18n, e: UserError) -> String {
    user_error_in(i18n, e)
}

/// The sentence for a user error in a given language (also for the JSON API and mails).
pub fn user_error_in(locale: Locale, e: UserError) -> String {
    match e {
        UserError::Required => td_string!(locale, errors.required),
        UserError::InvalidEmail => td_string!(locale, errors.invalid_email),
        UserError::TooLong => td_string!(locale, errors.too_long),
        UserError::InvalidKana => td_string!(locale, errors.invalid_kana),
        UserError::InvalidPhone => td_string!(locale, errors.invalid_phone),
        UserError::InvalidPrefecture => td_string!(locale, errors.invalid_prefecture),
        UserError::InvalidJobType => td_string!(locale, errors.invalid_job_type),
        UserError::InvalidNumber => td_string!(locale, errors.invalid_number),
        UserError::OutOfRange => td_string!(locale, errors.out_of_range),
        UserError::InvalidDate => td_string!(locale, errors.invalid_date),
        UserError::InvalidCharacters => td_string!(locale, errors.invalid_characters),
        UserError::ConsentRequired => td_string!(locale, errors.consent_required),
        UserError::UnknownRelayLink => td_string!(locale, errors.unknown_relay_link),
        UserError::RevokedRelayLink => td_string!(locale, errors.revoked_relay_link),
        UserError::SignInLinkInvalid => td_string!(locale, errors.sign_in_link_invalid),
        UserError::NotSignedIn => td_string!(locale, errors.not_signed_in),
        UserError::Forbidden => td_string!(locale, errors.forbidden),
        UserError::NotFound => td_string!(locale, errors.not_found),
        UserError::AlreadyClaimed => td_string!(locale, errors.already_claimed),
        UserError::ClaimNotActive => td_string!(locale, errors.claim_not_active),
        UserError::NotInPool => td_string!(locale, errors.not_in_pool),
        UserError::AlreadyPlaced => td_string!(locale, errors.already_placed),
        UserError::AgencyNotApproved => td_string!(locale, errors.agency_not_approved),
        UserError::EmailNotConfirmed => td_string!(locale, errors.email_not_confirmed),
        UserError::Withdrawn => td_string!(locale, errors.withdrawn),
        UserError::AlreadyExists => td_string!(locale, errors.already_exists),
        UserError::PlacementSettled => td_string!(locale, errors.placement_settled),
        UserError::LastAdmin => td_string!(locale, errors.last_admin),
        UserError::InvalidDomain => td_string!(locale, errors.invalid_domain),
        UserError::DomainTaken => td_string!(locale, errors.domain_taken),
        UserError::SsoNotBound => td_string!(locale, errors.sso_not_bound),
        UserError::SsoRequired => td_string!(locale, errors.sso_required),
        UserError::SsoFailed => td_string!(locale, errors.sso_failed),
        UserError::SsoNotInvited => td_string!(locale, errors.sso_not_invited),
        UserError::SsoNoOrganisation => td_string!(locale, errors.sso_no_organisation),
        UserError::SsoNotMember => td_string!(locale, errors.sso_not_member),
        UserError::SsoEmailUnverified => td_string!(locale, errors.sso_email_unverified),
        UserError::NoCredit => td_string!(locale, errors.no_credit),
        UserError::RequestClosed => td_string!(locale, errors.request_closed),
        UserError::HasIntroductions => td_string!(locale, errors.has_introductions),
        UserError::InvalidRange => td_string!(locale, errors.invalid_range),
        UserError::DateInPast => td_string!(locale, errors.date_in_past),
        UserError::OwnApplicant => td_string!(locale, errors.own_applicant),
        UserError::IntroductionSettled => td_string!(locale, errors.introduction_settled),
        UserError::ConfirmationRequired => td_string!(locale, errors.confirmation_required),
        UserError::AnswerLinkUsed => td_string!(locale, errors.answer_link_used),
        UserError::InvalidChoice => td_string!(locale, errors.invalid_choice),
        UserError::Internal => td_string!(locale, errors.internal),
    }
    .to_string()
}

/// The label of a job type code.
pub fn job_type(i18n: I18n, code: &str) -> String {
    match code {
        "sales" => td_string!(i18n, job_types.sales),
        "accounting" => td_string!(i18n, job_types.accounting),
        "engineering" => td_string!(i18n, job_types.engineering),
        "marketing" => td_string!(i18n, job_types.marketing),
        "hr" => td_string!(i18n, job_types.hr),
        "office" => td_string!(i18n, job_types.office),
        "design" => td_string!(i18n, job_types.design),
        "support" => td_string!(i18n, job_types.support),
        "consulting" => td_string!(i18n, job_types.consulting),
        "manufacturing" => td_string!(i18n, job_types.manufacturing),
        "medical" => td_string!(i18n, job_types.medical),
        _ => td_string!(i18n, job_types.other),
    }
    .to_string()
}

/// The labels of a comma-separated list of job type codes.
pub fn job_types(i18n: I18n, codes: &str) -> String {
    let sep = if i18n == Locale::ja { "、" } else { ", " };
    codes
        .split(',')
        .filter(|c| !c.is_empty())
        .map(|c| job_type(i18n, c))
        .collect::<Vec<_>>()
        .join(sep)
}

/// The name of a prefecture by JIS code.
pub fn prefecture(i18n: I18n, code: i64) -> String {
    match code {
        1 => td_string!(i18n, prefectures.p1).to_string(),
        2 => td_string!(i18n, prefectures.p2).to_string(),
        3 => td_string!(i18n, prefectures.p3).to_string(),
        4 => td_string!(i18n, prefectures.p4).to_string(),
        5 => td_string!(i18n, prefectures.p5).to_string(),
        6 => td_string!(i18n, prefectures.p6).to_string(),
        7 => td_string!(i18n, prefectures.p7).to_string(),
        8 => td_string!(i18n, prefectures.p8).to_string(),
        9 => td_string!(i18n, prefectures.p9).to_string(),
        10 => td_string!(i18n, prefectures.p10).to_string(),
        11 => td_string!(i18n, prefectures.p11).to_string(),
        12 => td_string!(i18n, prefectures.p12).to_string(),
        13 => td_string!(i18n, prefectures.p13).to_string(),
        14 => td_string!(i18n, prefectures.p14).to_string(),
        15 => td_string!(i18n, prefectures.p15).to_string(),
        16 => td_string!(i18n, prefectures.p16).to_string(),
        17 => td_string!(i18n, prefectures.p17).to_string(),
        18 => td_string!(i18n, prefectures.p18).to_string(),
        19 => td_string!(i18n, prefectures.p19).to_string(),
        20 => td_string!(i18n, prefectures.p20).to_string(),
        21 => td_string!(i18n, prefectures.p21).to_string(),
        22 => td_string!(i18n, prefectures.p22).to_string(),
        23 => td_string!(i18n, prefectures.p23).to_string(),
        24 => td_string!(i18n, prefectures.p24).to_string(),
        25 => td_string!(i18n, prefectures.p25).to_string(),
        26 => td_string!(i18n, prefectures.p26).to_string(),
        27 => td_string!(i18n, prefectures.p27).to_string(),
        28 => td_string!(i18n, prefectures.p28).to_string(),
        29 => td_string!(i18n, prefectures.p29).to_string(),
        30 => td_string!(i18n, prefectures.p30).to_string(),
        31 => td_string!(i18n, prefectures.p31).to_string(),
        32 => td_string!(i18n, prefectures.p32).to_string(),
        33 => td_string!(i18n, prefectures.p33).to_string(),
        34 => td_string!(i18n, prefectures.p34).to_string(),
        35 => td_string!(i18n, prefectures.p35).to_string(),
        36 => td_string!(i18n, prefectures.p36).to_string(),
        37 => td_string!(i18n, prefectures.p37).to_string(),
        38 => td_string!(i18n, prefectures.p38).to_string(),
        39 => td_string!(i18n, prefectures.p39).to_string(),
        40 => td_string!(i18n, prefectures.p40).to_string(),
        41 => td_string!(i18n, prefectures.p41).to_string(),
        42 => td_string!(i18n, prefectures.p42).to_string(),
        43 => td_string!(i18n, prefectures.p43).to_string(),
        44 => td_string!(i18n, prefectures.p44).to_string(),
        45 => td_string!(i18n, prefectures.p45).to_string(),
        46 => td_string!(i18n, prefectures.p46).to_string(),
        47 => td_string!(i18n, prefectures.p47).to_string(),
        _ => String::new(),
    }
}

/// The label of a ledger entry kind.
pub fn ledger_kind(i18n: I18n, kind: &str) -> String {
    match kind {
        "earned" => td_string!(i18n, ledger.earned),
        "placement_bonus" => td_string!(i18n, ledger.placement_bonus),
        "redeemed" => td_string!(i18n, ledger.redeemed),
        "refunded" => td_string!(i18n, ledger.refunded),
        "placement_held" => td_string!(i18n, ledger.placement_held),
        "placement_released" => td_string!(i18n, ledger.placement_released),
        _ => td_string!(i18n, ledger.expired),
    }
    .to_string()
}

/// What became of a claim.
pub fn outcome(i18n: I18n, end_reason: Option<&str>, placement: Option<&str>) -> String {
    match end_reason {
        None => td_string!(i18n, outcomes.active),
        Some("placed") if placement == Some("rejected") => {
            td_string!(i18n, outcomes.placement_withdrawn)
        }
        Some("placed") => td_string!(i18n, outcomes.placed),
        Some("released") => td_string!(i18n, outcomes.released),
        Some("expired") => td_string!(i18n, outcomes.expired),
        Some(_) => td_string!(i18n, outcomes.withdrawn),
    }
    .to_string()
}

/// Where a placement report stands.
pub fn placement_status(i18n: I18n, status: PlacementStatus) -> String {
    match status {
        PlacementStatus::Reported => td_string!(i18n, placement_status.reported),
        PlacementStatus::Confirmed => td_string!(i18n, placement_status.confirmed),
        PlacementStatus::Disputed => td_string!(i18n, placement_status.disputed),
        PlacementStatus::Upheld => td_string!(i18n, placement_status.upheld),
        PlacementStatus::Rejected => td_string!(i18n, placement_status.rejected),
    }
    .to_string()
}

/// What an audit entry records.
pub fn audit_action(i18n: I18n, action: &str) -> String {
    match action {
        "sign_in" => td_string!(i18n, audit.sign_in),
        "agency_approved" => td_string!(i18n, audit.agency_approved),
        "agency_suspended" => td_string!(i18n, audit.agency_suspended),
        "settings_changed" => td_string!(i18n, audit.settings_changed),
        "relay_approved" => td_string!(i18n, audit.relay_approved),
        "relay_rejected" => td_string!(i18n, audit.relay_rejected),
        "placement_upheld" => td_string!(i18n, audit.placement_upheld),
        "placement_withdrawn" => td_string!(i18n, audit.placement_withdrawn),
        "profile_viewed" => td_string!(i18n, audit.profile_viewed),
        "introduction_viewed" => td_string!(i18n, audit.introduction_viewed),
        "candidate_erased" => td_string!(i18n, audit.candidate_erased),
        "claims_listed" => td_string!(i18n, audit.claims_listed),
        "returns_listed" => td_string!(i18n, audit.returns_listed),
        "notice_published" => td_string!(i18n, audit.notice_published),
        "email_changed" => td_string!(i18n, audit.email_changed),
        "member_invited" => td_string!(i18n, audit.member_invited),
        "member_role_changed" => td_string!(i18n, audit.member_role_changed),
        "member_removed" => td_string!(i18n, audit.member_removed),
        "sign_in_sso" => td_string!(i18n, audit.sign_in_sso),
        "sso_bound" => td_string!(i18n, audit.sso_bound),
        "sso_policy_changed" => td_string!(i18n, audit.sso_policy_changed),
        "api_key_created" => td_string!(i18n, audit.api_key_created),
        "api_key_revoked" => td_string!(i18n, audit.api_key_revoked),
        other => return other.to_owned(),
    }
    .to_string()
}

/// The label of a data item in a provision record.
pub fn data_item(i18n: I18n, item: &str) -> String {
    match item {
        "name" => td_string!(i18n, profile.name),
        "name_kana" => td_string!(i18n, profile.name_kana),
        "email" => td_string!(i18n, profile.email),
        "phone" => td_string!(i18n, profile.phone),
        "prefecture" => td_string!(i18n, profile.prefecture),
        "job_types" => td_string!(i18n, profile.job_types),
        "skills" => td_string!(i18n, profile.skills),
        "years_experience" => td_string!(i18n, profile.years_experience),
        "desired_salary" => td_string!(i18n, profile.desired_salary),
        "languages" => td_string!(i18n, profile.languages),
        _ => td_string!(i18n, profile.summary),
    }
    .to_string()
}

/// The confirmation shown after a form succeeded (`?saved=...`).
pub fn saved(i18n: I18n, what: &str) -> Option<String> {
    Some(
        match what {
            "profile" => td_string!(i18n, notices.profile),
            "consent" => td_string!(i18n, notices.consent),
            "reissued" => td_string!(i18n, notices.reissued),
            "revoked" => td_string!(i18n, notices.revoked),
            "claimed" => td_string!(i18n, notices.claimed),
            "note" => td_string!(i18n, notices.note),
            "released" => td_string!(i18n, notices.released),
            "placed" => td_string!(i18n, notices.placed),
            "agency" => td_string!(i18n, notices.agency),
            "settings" => td_string!(i18n, notices.settings),
            "placement" => td_string!(i18n, notices.placement),
            "invited" => td_string!(i18n, notices.invited),
            "role" => td_string!(i18n, notices.role),
            "removed" => td_string!(i18n, notices.removed),
            "dispute" => td_string!(i18n, notices.dispute),
            "sso" => td_string!(i18n, notices.sso),
            "sso_policy" => td_string!(i18n, notices.sso_policy),
            "api_key" => td_string!(i18n, notices.api_key),
            "api_key_revoked" => td_string!(i18n, notices.api_key_revoked),
            "request_opened" => td_string!(i18n, notices.request_opened),
            "request_cancelled" => td_string!(i18n, notices.request_cancelled),
            "screened" => td_string!(i18n, notices.screened),
            "accepted" => td_string!(i18n, notices.accepted),
            "introduced" => td_string!(i18n, notices.introduced),
            "answered" => td_string!(i18n, notices.answered),
            "erased" => td_string!(i18n, notices.erased),
            "email_sent" => td_string!(i18n, notices.email_sent),
            "email" => td_string!(i18n, notices.email),
            "erased_by_admin" => td_string!(i18n, notices.erased_by_admin),
            "search_status" => td_string!(i18n, notices.search_status),
            "contacted" => td_string!(i18n, notices.contacted),
            "notice_accepted" => td_string!(i18n, notices.notice_accepted),
            "notice_published" => td_string!(i18n, notices.notice_published),
            "answer_looking" => td_string!(i18n, notices.answer_looking),
            "answer_paused" => td_string!(i18n, notices.answer_paused),
            "answer_found" => td_string!(i18n, notices.answer_found),
            "answer_keep" => td_string!(i18n, notices.answer_keep),
            _ => return None,
        }
        .to_string(),
    )
}

/// The label of a platform setting.
pub fn setting(i18n: I18n, key: &str) -> String {
    match key {
        "relays_per_credit" => td_string!(i18n, admin.relays_per_credit),
        "placement_bonus" => td_string!(i18n, admin.placement_bonus),
        "claim_days" => td_string!(i18n, admin.claim_days),
        "attribution_days" => td_string!(i18n, admin.attribution_days),
        "invitation_days" => td_string!(i18n, admin.invitation_days),
        "request_days" => td_string!(i18n, admin.request_days),
        "credit_months" => td_string!(i18n, admin.credit_months),
        "followup_first_months" => td_string!(i18n, admin.followup_first_months),
        "followup_second_months" => td_string!(i18n, admin.followup_second_months),
        "retention_months" => td_string!(i18n, admin.retention_months),
        "renewal_days" => td_string!(i18n, admin.renewal_days),
        "hold_network_optins" => td_string!(i18n, admin.hold_network_optins),
        "hold_disposable" => td_string!(i18n, admin.hold_disposable),
        "hold_unconfirmed_points" => td_string!(i18n, admin.hold_unconfirmed_points),
        "hold_unconfirmed_min" => td_string!(i18n, admin.hold_unconfirmed_min),
        "hold_similar_profiles" => td_string!(i18n, admin.hold_similar_profiles),
        other => return other.to_owned(),
    }
    .to_string()
}

/// Whether a candidate is looking for a job.
pub fn search_status(i18n: I18n, s: career_relay::ask::SearchStatus) -> String {
    use career_relay::ask::SearchStatus;
    match s {
        SearchStatus::Looking => td_string!(i18n, search_status.looking),
        SearchStatus::Paused => td_string!(i18n, search_status.paused),
        SearchStatus::Found => td_string!(i18n, search_status.found),
    }
    .to_string()
}

/// Where a free referral request stands.
pub fn request_status(i18n: I18n, s: RequestStatus) -> String {
    match s {
        RequestStatus::Open => td_string!(i18n, request_status.open),
        RequestStatus::Fulfilled => td_string!(i18n, request_status.fulfilled),
        RequestStatus::Cancelled => td_string!(i18n, request_status.cancelled),
        RequestStatus::Expired => td_string!(i18n, request_status.expired),
    }
    .to_string()
}

/// Where an introduction stands.
pub fn introduction_status(i18n: I18n, s: IntroductionStatus) -> String {
    match s {
        IntroductionStatus::Asked => td_string!(i18n, intro_status.asked),
        IntroductionStatus::Declined => td_string!(i18n, intro_status.declined),
        IntroductionStatus::Agreed => td_string!(i18n, intro_status.agreed),
        IntroductionStatus::Passed => td_string!(i18n, intro_status.passed),
        IntroductionStatus::Interview => td_string!(i18n, intro_status.interview),
        IntroductionStatus::Offer => td_string!(i18n, intro_status.offer),
        IntroductionStatus::Hired => td_string!(i18n, intro_status.hired),
        IntroductionStatus::Rejected => td_string!(i18n, intro_status.rejected),
        IntroductionStatus::Withdrawn => td_string!(i18n, intro_status.withdrawn),
    }
    .to_string()
}

/// A screening result, as the introduction's state it leads to.
pub fn screening(i18n: I18n, s: Screening) -> String {
    IntroductionStatus::from_code(s.code())
        .map(|st| introduction_status(i18n, st))
        .unwrap_or_default()
}

/// A kind of employment.
pub fn employment(i18n: I18n, e: EmploymentType) -> String {
    match e {
        EmploymentType::FullTime => td_string!(i18n, employment.full_time),
        EmploymentType::Contract => td_string!(i18n, employment.contract),
        EmploymentType::PartTime => td_string!(i18n, employment.part_time),
        EmploymentType::Temporary => td_string!(i18n, employment.temporary),
    }
    .to_string()
}

/// Why a company declined an introduction.
pub fn reject_reason(i18n: I18n, r: RejectReason) -> String {
    match r {
        RejectReason::Skills => td_string!(i18n, reject_reason.skills),
        RejectReason::Experience => td_string!(i18n, reject_reason.experience),
        RejectReason::Salary => td_string!(i18n, reject_reason.salary),
        RejectReason::Conditions => td_string!(i18n, reject_reason.conditions),
        RejectReason::Filled => td_string!(i18n, reject_reason.filled),
        RejectReason::Other => td_string!(i18n, reject_reason.other),
    }
    .to_string()
}

/// A matching rule by its code (`job_type`, `must:経理` …).
pub fn matching_rule(i18n: I18n, code: &str) -> String {
    match code.split_once(':') {
        Some(("must", term)) => td_string!(i18n, rule.must, term = term).to_string(),
        Some(("nice", term)) => td_string!(i18n, rule.nice, term = term).to_string(),
        _ => match code {
            "job_type" => td_string!(i18n, rule.job_type),
            "prefecture" => td_string!(i18n, rule.prefecture),
            "years" => td_string!(i18n, rule.years),
            "salary" => td_string!(i18n, rule.salary),
            _ => "",
        }
        .to_string(),
    }
}

/// A request's location: its prefecture, or remote.
pub fn location(i18n: I18n, prefecture: Option<i64>) -> String {
    match prefecture {
        Some(p) => self::prefecture(i18n, p),
        None => td_string!(i18n, requests.remote).to_string(),
    }
}

/// The name of a farming rule.
pub fn farming_rule(i18n: I18n, rule: career_relay::farming::Rule) -> String {
    use career_relay::farming::Rule;
    match rule {
        Rule::Network => td_string!(i18n, review.rule_network),
        Rule::Disposable => td_string!(i18n, review.rule_disposable),
        Rule::Unconfirmed => td_string!(i18n, review.rule_unconfirmed),
        Rule::Similar => td_string!(i18n, review.rule_similar),
    }
    .to_string()
}

/// What tripped a farming rule, in words: the numbers against the threshold or the platform's.
pub fn farming_numbers(
    i18n: I18n,
    rule: career_relay::farming::Rule,
    amount: i64,
    baseline: i64,
) -> String {
    use career_relay::farming::Rule;
    match rule {
        Rule::Network => td_string!(
            i18n,
            review.numbers_network,
            amount = amount,
            baseline = baseline
        )
        .to_string(),
        Rule::Disposable => td_string!(i18n, review.numbers_disposable).to_string(),
        Rule::Unconfirmed => td_string!(
            i18n,
            review.numbers_unconfirmed,
            amount = amount,
            baseline = baseline
        )
        .to_string(),
        Rule::Similar => td_string!(
            i18n,
            review.numbers_similar,
            amount = amount,
            baseline = baseline
        )
        .to_string(),
    }
}

/// The name of a column of the numbers by month (`career_relay::numbers::STEPS`).
pub fn step(i18n: I18n, index: usize) -> String {
    match career_relay::numbers::STEPS
        .get(index)
        .copied()
        .unwrap_or_default()
    {
        "invitations" => td_string!(i18n, numbers.invitations),
        "visits" => td_string!(i18n, numbers.visits),
        "opt_ins" => td_string!(i18n, numbers.opt_ins),
        "qualified" => td_string!(i18n, numbers.qualified),
        "claimed" => td_string!(i18n, numbers.claimed),
        "introduced" => td_string!(i18n, numbers.introduced),
        "placed" => td_string!(i18n, numbers.placed),
        "withdrawn" => td_string!(i18n, numbers.withdrawn),
        "claims_ended" => td_string!(i18n, numbers.claims_ended),
        "credits_earned" => td_string!(i18n, numbers.credits_earned),
        "credits_spent" => td_string!(i18n, numbers.credits_spent),
        _ => td_string!(i18n, numbers.credits_expired),
    }
    .to_string()
}

/// A month (`YYYY-MM`) as a chart's axis names it: `11月`, `Nov`.
pub fn month_label(i18n: I18n, month: &str) -> String {
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m: usize = month
        .rsplit('-')
        .next()
        .and_then(|m| m.parse().ok())
        .filter(|m| (1..=12).contains(m))
        .unwrap_or(1);
    match i18n {
        Locale::ja => format!("{m}月"),
        Locale::en => EN[m - 1].to_owned(),
    }
}
