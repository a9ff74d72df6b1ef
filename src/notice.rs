//! Notices: what a party is told by mail when something changed for them. The core decides who
//! is told and when (inside the transaction of the change, through the outbox); the app words it,
//! in each recipient's language.

use serde::{Deserialize, Serialize};

/// What happened, with what the mail may say. Never a candidate's name or contact: a mail to a
/// company or agency names a request and an introduction by number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Notice {
    /// To a candidate: an agency proposes them for a company's position; they answer on `/me`.
    IntroductionAsked {
        company: String,
        title: String,
        agency: String,
    },
    /// To a company's members: a candidate agreed; their profile is on the request's page.
    IntroductionAgreed { request_id: i64, title: String },
    /// To a company's members: an agency works on their request.
    RequestAccepted {
        request_id: i64,
        title: String,
        agency: String,
    },
    /// To the introducing agency's staff: the company's screening result (with its reason).
    ScreeningResult {
        request_id: i64,
        introduction_id: i64,
        title: String,
        result: String,
        reason: Option<String>,
    },
    /// To a candidate: where their introduction stands (never the reason).
    IntroductionOutcome {
        company: String,
        title: String,
        result: String,
    },
    /// To a company's members: a request closed without a hire and its credit came back.
    RequestRefunded { request_id: i64, title: String },
    /// To a company's members: credits lapse soon.
    CreditsExpiring { count: i64, date: String },
    /// To a company's members: credits earned (relays, placement bonuses) and the balance now.
    CreditsEarned { count: i64, balance: i64 },
    /// To a candidate: an agency took over their data (claimed them).
    DataClaimed { agency: String, since: String },
    /// To a candidate: an agency reported that they were hired; they confirm or dispute on `/me`.
    PlacementReported {
        agency: String,
        employer: String,
        position: String,
        start_date: String,
    },
    /// To an agency's staff: yesterday's new open requests that match its work (the newest 20),
    /// as (request, company, title).
    RequestDigest {
        requests: Vec<(i64, String, String)>,
    },
    /// To a candidate, `months` after opting in: are you still looking? Answered on the page of
    /// the single-use link `/a/{token}`, which also asks their satisfaction.
    FollowUp { token: String, months: i64 },
    /// To a candidate without activity for the retention period: keep the profile or delete it
    /// (on `/a/{token}`); without an answer by `deadline` it is anonymised.
    Renewal { token: String, deadline: String },
    /// To a consenting candidate: a new version of the consent notice; a material one must be
    /// agreed to on `/me` before agencies can claim them again.
    NoticeChanged { version: String, material: bool },
}

/// Words a notice for one recipient: subject and text in the language with code `language`.
pub trait Wording: Send + Sync {
    fn mail(&self, notice: &Notice, language: &str) -> (String, String);

    /// The full address of a path of the portal (for the unsubscribe header).
    fn link(&self, path: &str) -> String {
        path.to_owned()
    }
}

/// A recipient: an address and the language they use the portal in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub email: String,
    pub language: String,
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{error::Result, Email};
    use sqlx::Row;

    /// The recipients a query names (its columns `email` and `language`), bound to `ids`.
    async fn recipients(
        conn: &mut sqlx::AnyConnection,
        sql: &'static str,
        ids: &[i64],
    ) -> Result<Vec<Recipient>> {
        let mut query = sqlx::query(sql);
        for id in ids {
            query = query.bind(*id);
        }
        let rows = query.fetch_all(conn).await?;
        rows.iter()
            .map(|r| {
                Ok(Recipient {
                    email: r.try_get("email")?,
                    language: r.try_get("language")?,
                })
            })
            .collect()
    }

    /// The members of a company.
    pub async fn company_members(
        conn: &mut sqlx::AnyConnection,
        company_id: i64,
    ) -> Result<Vec<Recipient>> {
        recipients(
            conn,
            "SELECT email, language FROM users WHERE company_id = $1 AND kind = 'company' ORDER BY id",
            &[company_id],
        )
        .await
    }

    /// The staff of an agency.
    pub async fn agency_members(
        conn: &mut sqlx::AnyConnection,
        agency_id: i64,
    ) -> Result<Vec<Recipient>> {
        recipients(
            conn,
            "SELECT email, language FROM users WHERE agency_id = $1 AND kind = 'agency' ORDER BY id",
            &[agency_id],
        )
        .await
    }

    /// The staff member of an agency who acted, while they are still its staff; otherwise the
    /// agency's staff.
    pub async fn agency_user(
        conn: &mut sqlx::AnyConnection,
        user_id: i64,
        agency_id: i64,
    ) -> Result<Vec<Recipient>> {
        let found = recipients(
            &mut *conn,
            "SELECT email, language FROM users WHERE id = $1 AND agency_id = $2 AND kind = 'agency'",
            &[user_id, agency_id],
        )
        .await?;
        if found.is_empty() {
            agency_members(conn, agency_id).await
        } else {
            Ok(found)
        }
    }

    /// A candidate, while they are active and have an address.
    pub async fn candidate(
        conn: &mut sqlx::AnyConnection,
        candidate_id: i64,
    ) -> Result<Vec<Recipient>> {
        recipients(
            conn,
            "SELECT email, language FROM candidates WHERE id = $1 AND status = 'active' AND email IS NOT NULL",
            &[candidate_id],
        )
        .await
    }

    /// The position a job's mark holds (0 when it has none yet), holding the mark's row until the
    /// transaction ends: instances running the same job take turns, and the one that comes second
    /// reads where the first one stopped.
    pub async fn take_mark(conn: &mut sqlx::AnyConnection, name: &str) -> Result<i64> {
        sqlx::query(
            "INSERT INTO job_marks (name, value) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .execute(&mut *conn)
        .await?;
        Ok(
            sqlx::query_scalar(
                "UPDATE job_marks SET value = value WHERE name = $1 RETURNING value",
            )
            .bind(name)
            .fetch_one(conn)
            .await?,
        )
    }

    /// Moves a job's mark on (in the transaction that took it).
    pub async fn set_mark(conn: &mut sqlx::AnyConnection, name: &str, value: i64) -> Result<()> {
        sqlx::query("UPDATE job_marks SET value = $1 WHERE name = $2")
            .bind(value)
            .bind(name)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Queues the notice for every recipient, each in their language, in the caller's
    /// transaction: the mail is sent exactly when the change it tells of is committed.
    pub async fn send(
        conn: &mut sqlx::AnyConnection,
        wording: &dyn Wording,
        to: &[Recipient],
        notice: &Notice,
    ) -> Result<()> {
        for r in to {
            let Ok(email) = Email::parse(&r.email) else {
                continue;
            };
            let (subject, body) = wording.mail(notice, &r.language);
            crate::mail::enqueue(&mut *conn, &email, &subject, &body).await?;
        }
        Ok(())
    }

    /// Queues a notice the recipients may refuse, as `send` does, with the one-click
    /// unsubscribe address of `unsubscribe_path` in the mail's header.
    pub async fn send_refusable(
        conn: &mut sqlx::AnyConnection,
        wording: &dyn Wording,
        to: &[Recipient],
        notice: &Notice,
        unsubscribe_path: &str,
    ) -> Result<()> {
        let unsubscribe = wording.link(unsubscribe_path);
        for r in to {
            let Ok(email) = Email::parse(&r.email) else {
                continue;
            };
            let (subject, body) = wording.mail(notice, &r.language);
            crate::mail::enqueue_with_unsubscribe(
                &mut *conn,
                &email,
                &subject,
                &body,
                &unsubscribe,
            )
            .await?;
        }
        Ok(())
    }
}

#[cfg(feature = "db")]
pub use store::{
    agency_members, agency_user, candidate, company_members, send, send_refusable, set_mark,
    take_mark,
};
