//! Export: everything the portal holds about a candidate, for the candidate, machine-readable
//! (JSON, its fields named here), and the provision records (APPI Art. 29/30) as CSV.

use serde::{Deserialize, Serialize};

/// The export's format name and version, the first field of the file.
pub const FORMAT: &str = "career-relay-export/1";

/// Everything about one candidate. Times are unix seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Export {
    /// `career-relay-export/1`.
    pub format: String,
    pub exported_at: i64,
    pub profile: ExportedProfile,
    /// The company whose relay link (or invitation) brought the candidate.
    pub relayed_by: String,
    /// Invitations companies sent to the address from their applicant tracking systems.
    pub invitations: Vec<ExportedInvitation>,
    pub consents: Vec<ExportedConsent>,
    pub claims: Vec<ExportedClaim>,
    /// What agencies recorded while they held the candidate's data.
    pub notes: Vec<ExportedNote>,
    pub introductions: Vec<ExportedIntroduction>,
    pub placements: Vec<ExportedPlacement>,
    pub provision_records: Vec<ExportedProvision>,
    /// What the portal asked by mail (follow-ups, renewals) and the answers.
    pub asks: Vec<ExportedAsk>,
    /// The mails the portal sent or is sending to the address (kept 30 days after sending).
    pub mails: Vec<ExportedMail>,
}

/// The profile and account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct ExportedProfile {
    pub id: i64,
    pub email: Option<String>,
    pub email_confirmed_at: Option<i64>,
    /// `active` or `withdrawn`.
    pub status: String,
    pub name: Option<String>,
    pub name_kana: Option<String>,
    pub phone: Option<String>,
    /// JIS code 1–47.
    pub prefecture: Option<i64>,
    /// Job type codes, comma-separated.
    pub job_types: String,
    pub skills: String,
    pub years_experience: Option<i64>,
    /// Annual, in 万円.
    pub desired_salary: Option<i64>,
    pub languages: String,
    pub summary: String,
    /// The language of the portal's mails: `ja` or `en`.
    pub language: String,
    /// `looking`, `paused` (not looking for now) or `found` (found a job).
    pub search_status: String,
    /// 1 while follow-up mails are wanted.
    pub followups: i64,
    /// The last activity of the candidate's own: the retention period counts from it.
    pub active_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A question the portal mailed: a follow-up or a retention renewal, and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct ExportedAsk {
    /// `followup` or `renewal`.
    pub kind: String,
    pub asked_at: i64,
    /// When answered, or closed without an answer.
    pub closed_at: Option<i64>,
    /// `looking`, `paused`, `found`, `keep` or `delete`.
    pub answer: Option<String>,
    /// 1 to 5, when given.
    pub satisfaction: Option<i64>,
}

/// A consent given (and perhaps withdrawn), under a version of the notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct ExportedConsent {
    /// `handoff` or `recontact`.
    pub kind: String,
    pub notice_version: String,
    /// The data items it covers, comma-separated.
    pub scope: String,
    pub granted_at: i64,
    pub withdrawn_at: Option<i64>,
}

/// An agency's claim: it held the candidate's data from `claimed_at` to `ended_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct ExportedClaim {
    pub agency: String,
    pub claimed_at: i64,
    /// When it runs out unless progress is recorded.
    pub expires_at: i64,
    pub ended_at: Option<i64>,
    /// `released`, `expired`, `placed` or `withdrawn`; none while it lasts.
    pub end_reason: Option<String>,
}

/// An introduction to a company's free referral request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct ExportedIntroduction {
    pub company: String,
    pub position: String,
    pub agency: String,
    /// What the agency wrote to the company about the candidate.
    pub recommendation: String,
    /// Where it stands (the company's reasons are its own and not included).
    pub status: String,
    pub created_at: i64,
    pub answered_at: Option<i64>,
}

/// An invitation a company sent to the address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct ExportedInvitation {
    pub company: String,
    /// The position applied for, as the company sent it.
    pub position: Option<String>,
    /// The day of the rejection, as the company sent it.
    pub rejected_on: Option<String>,
    /// `invited`, `opted_in` or `expired`.
    pub status: String,
    pub created_at: i64,
}

/// A progress note an agency recorded on its claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct ExportedNote {
    pub agency: String,
    pub body: String,
    pub created_at: i64,
}

/// A placement reported about the candidate, and their answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct ExportedPlacement {
    pub agency: String,
    pub employer: String,
    pub position: String,
    pub start_date: String,
    /// `reported`, `confirmed`, `disputed`, `upheld` or `rejected`.
    pub status: String,
    pub created_at: i64,
}

/// A provision record: when, to whom, which data items, under which consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct ExportedProvision {
    pub provided_at: i64,
    /// The agency that received the data; none when the rejecting company received it directly
    /// (the list of candidates who agreed that it may contact them again).
    pub agency: Option<String>,
    /// The company that received the data through an introduction, by way of the agency, or
    /// directly.
    pub company: Option<String>,
    pub data_items: String,
    pub consent_version: String,
}

/// A mail to the candidate's address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct ExportedMail {
    pub subject: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

/// The provision records as CSV (UTF-8 with a BOM, so spreadsheet programs read the Japanese):
/// `provided_at,recipient_agency,recipient_company,data_items,consent_version`, times in Japan
/// time.
pub fn provisions_csv(records: &[ExportedProvision]) -> String {
    let mut out = String::from(
        "\u{feff}provided_at,recipient_agency,recipient_company,data_items,consent_version\r\n",
    );
    for r in records {
        out.push_str(&format!(
            "{},{},{},{},{}\r\n",
            crate::field::csv_cell(&crate::time::date_time(r.provided_at)),
            crate::field::csv_cell(r.agency.as_deref().unwrap_or_default()),
            crate::field::csv_cell(r.company.as_deref().unwrap_or_default()),
            crate::field::csv_cell(&r.data_items),
            crate::field::csv_cell(&r.consent_version)
        ));
    }
    out
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{db::Pool, error::Result, time::now, UserError};

    /// Everything the portal holds about the candidate.
    pub async fn export(pool: &Pool, candidate_id: i64) -> Result<Export> {
        let profile: ExportedProfile = sqlx::query_as(
            "SELECT id, email, email_confirmed_at, status, name, name_kana, phone, prefecture, job_types, skills,
                 years_experience, desired_salary, languages, summary, language, search_status, followups, active_at,
                 created_at, updated_at
             FROM candidates WHERE id = $1",
        )
        .bind(candidate_id)
        .fetch_optional(pool)
        .await?
        .ok_or(UserError::NotFound)?;
        let relayed_by: String = sqlx::query_scalar(
            "SELECT co.name FROM candidates c JOIN companies co ON co.id = c.company_id WHERE c.id = $1",
        )
        .bind(candidate_id)
        .fetch_one(pool)
        .await?;
        let email_key = match profile
            .email
            .as_deref()
            .and_then(|e| crate::Email::parse(e).ok())
        {
            Some(e) => {
                let mut conn = pool.acquire().await?;
                Some(crate::person::stored_email_key(&mut conn, &e).await?)
            }
            None => None,
        };
        let invitations = sqlx::query_as(
            "SELECT c.name AS company, i.position, i.rejected_on, i.status, i.created_at
             FROM invitations i JOIN companies c ON c.id = i.company_id
             WHERE i.candidate_id = $1 OR i.person_key = $2 ORDER BY i.id",
        )
        .bind(candidate_id)
        .bind(email_key.unwrap_or_default())
        .fetch_all(pool)
        .await?;
        let notes = sqlx::query_as(
            "SELECT a.name AS agency, n.body, n.created_at FROM claim_notes n JOIN claims k ON k.id = n.claim_id
             JOIN agencies a ON a.id = k.agency_id WHERE k.candidate_id = $1 ORDER BY n.id",
        )
        .bind(candidate_id)
        .fetch_all(pool)
        .await?;
        let consents = sqlx::query_as(
            "SELECT kind, notice_version, scope, granted_at, withdrawn_at FROM consents WHERE candidate_id = $1 ORDER BY id",
        )
        .bind(candidate_id)
        .fetch_all(pool)
        .await?;
        let claims = sqlx::query_as(
            "SELECT a.name AS agency, k.claimed_at, k.expires_at, k.ended_at, k.end_reason
             FROM claims k JOIN agencies a ON a.id = k.agency_id WHERE k.candidate_id = $1 ORDER BY k.id",
        )
        .bind(candidate_id)
        .fetch_all(pool)
        .await?;
        let introductions = sqlx::query_as(
            "SELECT c.name AS company, r.title AS position, a.name AS agency, i.recommendation, i.status, i.created_at, i.answered_at
             FROM introductions i JOIN referral_requests r ON r.id = i.request_id
             JOIN companies c ON c.id = i.company_id JOIN agencies a ON a.id = i.agency_id
             WHERE i.candidate_id = $1 ORDER BY i.id",
        )
        .bind(candidate_id)
        .fetch_all(pool)
        .await?;
        let placements = sqlx::query_as(
            "SELECT a.name AS agency, p.employer, p.position, p.start_date, p.status, p.created_at
             FROM placements p JOIN agencies a ON a.id = p.agency_id WHERE p.candidate_id = $1 ORDER BY p.id",
        )
        .bind(candidate_id)
        .fetch_all(pool)
        .await?;
        let provision_records = provisions(pool, candidate_id).await?;
        let asks = sqlx::query_as(
            "SELECT kind, asked_at, closed_at, answer, satisfaction FROM candidate_asks WHERE candidate_id = $1 ORDER BY id",
        )
        .bind(candidate_id)
        .fetch_all(pool)
        .await?;
        let mails = match &profile.email {
            Some(email) => sqlx::query_as(
                "SELECT subject, created_at, sent_at FROM outbox WHERE to_addr = $1 ORDER BY id",
            )
            .bind(email)
            .fetch_all(pool)
            .await?,
            None => Vec::new(),
        };
        Ok(Export {
            format: FORMAT.to_owned(),
            exported_at: now(),
            profile,
            relayed_by,
            invitations,
            consents,
            claims,
            notes,
            introductions,
            placements,
            provision_records,
            asks,
            mails,
        })
    }

    /// The candidate's provision records, oldest first.
    pub async fn provisions(pool: &Pool, candidate_id: i64) -> Result<Vec<ExportedProvision>> {
        Ok(sqlx::query_as(
            "SELECT r.provided_at, a.name AS agency, c.name AS company, r.data_items, r.consent_version
             FROM provision_records r LEFT JOIN agencies a ON a.id = r.agency_id LEFT JOIN companies c ON c.id = r.company_id
             WHERE r.candidate_id = $1 ORDER BY r.id",
        )
        .bind(candidate_id)
        .fetch_all(pool)
        .await?)
    }
}

#[cfg(feature = "db")]
pub use store::{export, provisions};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_provision_csv_has_a_bom_a_header_and_safe_cells() {
        let csv = provisions_csv(&[ExportedProvision {
            provided_at: 1_795_291_200,
            agency: Some("=HYPERLINK(\"x\")".into()),
            company: Some("依頼, 株式会社".into()),
            data_items: "name,email".into(),
            consent_version: "2026-11-v2".into(),
        }]);
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some(
                "\u{feff}provided_at,recipient_agency,recipient_company,data_items,consent_version"
            )
        );
        assert_eq!(
            lines.next(),
            Some("2026-11-22 05:00,\"'=HYPERLINK(\"\"x\"\")\",\"依頼, 株式会社\",\"name,email\",2026-11-v2")
        );
    }
}
