//! Asks: what the portal asks a candidate by mail, a follow-up (are you still looking?) or a
//! retention renewal (keep my profile, or delete it). The mail carries a single-use link with a
//! random token (only its hash is stored); the candidate answers on the link's page without
//! signing in. Opening the page changes nothing: answering takes a press of a button, so that
//! mail scanners opening every link answer nothing.

use crate::{erasure::Confirmed, FieldError, UserError};
use serde::{Deserialize, Serialize};

crate::code_enum! {
    /// What an ask is about.
    pub enum AskKind {
        /// Are you still looking? (6 and 12 months after opting in, by default.)
        FollowUp = "followup",
        /// Keep my profile, or delete it? (After the retention period without activity.)
        Renewal = "renewal",
    }
}

crate::code_enum! {
    /// Whether a candidate is looking for a job. Only those looking are in the pool.
    pub enum SearchStatus {
        Looking = "looking",
        /// Not looking for now: out of the pool until they say they are looking again.
        Paused = "paused",
        /// Found a job: out of the pool, and no more follow-ups.
        Found = "found",
    }
}

/// How satisfied the candidate is with the relay (1 to 5), the seeds' 候補者満足度.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Satisfaction(u8);

impl Satisfaction {
    /// A satisfaction as typed: 1 to 5, or nothing when the question was skipped.
    pub fn parse(raw: Option<&str>) -> Result<Option<Self>, FieldError> {
        let raw = raw.map(str::trim).unwrap_or_default();
        if raw.is_empty() {
            return Ok(None);
        }
        match raw.parse::<u8>() {
            Ok(n @ 1..=5) => Ok(Some(Self(n))),
            _ => Err(FieldError::new("satisfaction", UserError::InvalidChoice)),
        }
    }

    pub fn value(self) -> i64 {
        i64::from(self.0)
    }
}

/// The satisfaction of a company's relayed candidates, from their follow-up answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SatisfactionScore {
    /// How many answered the question.
    pub answers: i64,
    /// The sum of their answers (each 1 to 5).
    pub sum: i64,
}

impl SatisfactionScore {
    /// The average with one decimal (`4.2`), when anyone answered.
    pub fn average(self) -> Option<String> {
        (self.answers > 0).then(|| {
            let tenths = (self.sum * 10 + self.answers / 2) / self.answers;
            format!("{}.{}", tenths / 10, tenths % 10)
        })
    }
}

/// A candidate's answer to an ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// A follow-up's answer, with the satisfaction question's when given.
    Search(SearchStatus, Option<Satisfaction>),
    /// Renewal: keep the profile (the retention period starts again).
    Keep,
    /// Renewal: delete my data now (confirmed, as erasure always is).
    Delete(Confirmed),
}

impl Answer {
    /// The code stored with the ask.
    pub fn code(self) -> &'static str {
        match self {
            Answer::Search(s, _) => s.code(),
            Answer::Keep => "keep",
            Answer::Delete(_) => "delete",
        }
    }

    /// The kind of ask this answers.
    pub fn kind(self) -> AskKind {
        match self {
            Answer::Search(..) => AskKind::FollowUp,
            Answer::Keep | Answer::Delete(_) => AskKind::Renewal,
        }
    }
}

/// The answer form as posted (`/a/{token}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerInput {
    pub token: String,
    pub answer: String,
    #[serde(default)]
    pub satisfaction: Option<String>,
    #[serde(default)]
    pub confirm: Option<String>,
}

impl TryFrom<&AnswerInput> for Answer {
    type Error = Vec<FieldError>;

    fn try_from(input: &AnswerInput) -> Result<Self, Self::Error> {
        let answer = input.answer.trim();
        if let Some(status) = SearchStatus::from_code(answer) {
            return Satisfaction::parse(input.satisfaction.as_deref())
                .map(|s| Answer::Search(status, s))
                .map_err(|e| vec![e]);
        }
        match answer {
            "keep" => Ok(Answer::Keep),
            "delete" => Confirmed::check(&input.confirm).map(Answer::Delete),
            _ => Err(vec![FieldError::new("answer", UserError::InvalidChoice)]),
        }
    }
}

/// What a link's page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AskView {
    pub kind: AskKind,
    /// Whether the link can still be used: not answered, and the candidate's data still there.
    pub open: bool,
    /// The candidate's status now (for the follow-up's choices).
    pub search_status: SearchStatus,
    /// Whether the candidate still receives follow-ups.
    pub followups: bool,
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{db, db::Pool, error::Result, qualify, time::now, token};
    use sqlx::Row;

    /// Opens the candidate's ask of `kind` for `round` (with the deadline a renewal names),
    /// unless one exists (whichever instance asks first); returns the link's token when this
    /// call opened it.
    pub async fn open(
        conn: &mut sqlx::AnyConnection,
        candidate_id: i64,
        kind: AskKind,
        round: i64,
        deadline_at: Option<i64>,
    ) -> Result<Option<String>> {
        let secret = token::random_token(32);
        let t = now();
        let r = sqlx::query(
            "INSERT INTO candidate_asks (candidate_id, kind, round, token_hash, asked_at, deadline_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $5, $5) ON CONFLICT (candidate_id, kind, round) DO NOTHING",
        )
        .bind(candidate_id)
        .bind(kind.code())
        .bind(round)
        .bind(token::hash(&secret))
        .bind(t)
        .bind(deadline_at)
        .execute(conn)
        .await?;
        Ok((r.rows_affected() == 1).then_some(secret))
    }

    /// What the link with `token` asks, and whether it can still be answered; `None` for a link
    /// the portal never sent. Reads only.
    pub async fn view(pool: &Pool, token: &str) -> Result<Option<AskView>> {
        let row = sqlx::query(
            "SELECT a.kind, a.closed_at, c.erased_at, c.search_status, c.followups
             FROM candidate_asks a JOIN candidates c ON c.id = a.candidate_id WHERE a.token_hash = $1",
        )
        .bind(token::hash(token))
        .fetch_optional(pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(AskView {
            kind: AskKind::try_from(row.try_get::<String, _>("kind")?)?,
            open: row.try_get::<Option<i64>, _>("closed_at")?.is_none()
                && row.try_get::<Option<i64>, _>("erased_at")?.is_none(),
            search_status: SearchStatus::try_from(row.try_get::<String, _>("search_status")?)?,
            followups: row.try_get::<i64, _>("followups")? == 1,
        }))
    }

    /// Answers the ask behind `token`, once: a used link, an answer of the other kind of ask, or
    /// a candidate already erased changes nothing (`AnswerLinkUsed`, `InvalidChoice`).
    /// A follow-up's answer sets the candidate's search status (leaving or re-entering the pool)
    /// and adds their satisfaction to the relaying company's; keeping the profile starts the
    /// retention period again; deleting erases the candidate at once.
    #[tracing::instrument(skip_all)]
    pub async fn answer(pool: &Pool, token: &str, answer: Answer) -> Result<()> {
        let hash = token::hash(token);
        if let Answer::Delete(_) = answer {
            let candidate_id = open_ask(pool, &hash, AskKind::Renewal).await?;
            crate::erasure::erase(pool, candidate_id, &format!("candidate:{candidate_id}")).await?;
            sqlx::query(
                "UPDATE candidate_asks SET closed_at = $1, answer = 'delete', updated_at = $1 WHERE token_hash = $2 AND closed_at IS NULL",
            )
            .bind(now())
            .bind(&hash)
            .execute(pool)
            .await?;
            return Ok(());
        }
        let mut tx = db::begin(pool).await?;
        let t = now();
        let satisfaction = match answer {
            Answer::Search(_, s) => s.map(Satisfaction::value),
            _ => None,
        };
        // Closing the ask first holds its row: the same link pressed twice at once answers once.
        let row = sqlx::query(
            "UPDATE candidate_asks SET closed_at = $1, answer = $2, satisfaction = $3, updated_at = $1
             WHERE token_hash = $4 AND kind = $5 AND closed_at IS NULL
               AND candidate_id IN (SELECT id FROM candidates WHERE erased_at IS NULL)
             RETURNING candidate_id",
        )
        .bind(t)
        .bind(answer.code())
        .bind(satisfaction)
        .bind(&hash)
        .bind(answer.kind().code())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            drop(tx);
            // Tell a link of the other kind from a used one.
            open_ask(pool, &hash, answer.kind()).await?;
            return Err(UserError::AnswerLinkUsed.into());
        };
        let candidate_id: i64 = row.try_get("candidate_id")?;
        match answer {
            Answer::Search(status, _) => {
                sqlx::query(
                    "UPDATE candidates SET search_status = $1, active_at = $2, updated_at = $2 WHERE id = $3",
                )
                .bind(status.code())
                .bind(t)
                .bind(candidate_id)
                .execute(&mut *tx)
                .await?;
                if let Some(s) = satisfaction {
                    sqlx::query(
                        "UPDATE companies SET satisfaction_sum = satisfaction_sum + $1, satisfaction_count = satisfaction_count + 1
                         WHERE id = (SELECT company_id FROM candidates WHERE id = $2)",
                    )
                    .bind(s)
                    .bind(candidate_id)
                    .execute(&mut *tx)
                    .await?;
                }
                qualify::refresh(&mut tx, candidate_id).await?;
            }
            Answer::Keep | Answer::Delete(_) => {
                sqlx::query("UPDATE candidates SET active_at = $1, updated_at = $1 WHERE id = $2")
                    .bind(t)
                    .bind(candidate_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// The candidate of an open ask of `kind`; `AnswerLinkUsed` when the link is used or its
    /// candidate erased (or unknown), `InvalidChoice` when it asks something else.
    async fn open_ask(pool: &Pool, hash: &str, kind: AskKind) -> Result<i64> {
        let row = sqlx::query(
            "SELECT a.candidate_id, a.kind, a.closed_at, c.erased_at
             FROM candidate_asks a JOIN candidates c ON c.id = a.candidate_id WHERE a.token_hash = $1",
        )
        .bind(hash)
        .fetch_optional(pool)
        .await?
        .ok_or(UserError::AnswerLinkUsed)?;
        if row.try_get::<Option<i64>, _>("closed_at")?.is_some()
            || row.try_get::<Option<i64>, _>("erased_at")?.is_some()
        {
            return Err(UserError::AnswerLinkUsed.into());
        }
        if row.try_get::<String, _>("kind")? != kind.code() {
            return Err(UserError::InvalidChoice.into());
        }
        Ok(row.try_get("candidate_id")?)
    }

    /// Stops the follow-up mails of the candidate an ask's link was sent to (the mail's
    /// unsubscribe link, which works as long as the candidate exists); returns whether the link
    /// was known.
    pub async fn unsubscribe(pool: &Pool, token: &str) -> Result<bool> {
        let r = sqlx::query(
            "UPDATE candidates SET followups = 0
             WHERE id = (SELECT candidate_id FROM candidate_asks WHERE token_hash = $1) AND erased_at IS NULL",
        )
        .bind(token::hash(token))
        .execute(pool)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// The satisfaction of every relayed candidate who answered, over all companies.
    pub async fn platform_satisfaction(pool: &Pool) -> Result<SatisfactionScore> {
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(satisfaction_count), 0) AS BIGINT) AS answers,
                 CAST(COALESCE(SUM(satisfaction_sum), 0) AS BIGINT) AS total FROM companies",
        )
        .fetch_one(pool)
        .await?;
        Ok(SatisfactionScore {
            answers: row.try_get("answers")?,
            sum: row.try_get("total")?,
        })
    }

    /// Sets the candidate's search status from their own page (the same rule as a follow-up's
    /// answer: only those looking are in the pool).
    pub async fn set_search_status(
        pool: &Pool,
        candidate_id: i64,
        status: SearchStatus,
    ) -> Result<()> {
        let mut tx = db::begin(pool).await?;
        let t = now();
        let r = sqlx::query(
            "UPDATE candidates SET search_status = $1, active_at = $2, updated_at = $2 WHERE id = $3 AND erased_at IS NULL",
        )
        .bind(status.code())
        .bind(t)
        .bind(candidate_id)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Err(UserError::NotFound.into());
        }
        qualify::refresh(&mut tx, candidate_id).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(feature = "db")]
pub use store::{answer, open, platform_satisfaction, set_search_status, unsubscribe, view};

#[cfg(test)]
mod tests {
    use super::*;

    fn input(answer: &str, satisfaction: Option<&str>, confirm: bool) -> AnswerInput {
        AnswerInput {
            token: "t".into(),
            answer: answer.into(),
            satisfaction: satisfaction.map(Into::into),
            confirm: confirm.then(|| "on".into()),
        }
    }

    #[test]
    fn a_follow_up_answer_carries_an_optional_satisfaction_of_one_to_five() {
        assert_eq!(
            Answer::try_from(&input("found", Some("5"), false)),
            Ok(Answer::Search(SearchStatus::Found, Some(Satisfaction(5))))
        );
        assert_eq!(
            Answer::try_from(&input("paused", Some(""), false)),
            Ok(Answer::Search(SearchStatus::Paused, None))
        );
        for bad in ["0", "6", "x", "3.5"] {
            let errs = Answer::try_from(&input("looking", Some(bad), false)).unwrap_err();
            assert_eq!(errs[0].field, "satisfaction", "{bad}");
            assert_eq!(errs[0].error, UserError::InvalidChoice);
        }
    }

    #[test]
    fn the_average_satisfaction_has_one_decimal_and_none_without_answers() {
        assert_eq!(SatisfactionScore::default().average(), None);
        assert_eq!(
            SatisfactionScore {
                answers: 3,
                sum: 13
            }
            .average()
            .as_deref(),
            Some("4.3")
        );
        assert_eq!(
            SatisfactionScore {
                answers: 2,
                sum: 10
            }
            .average()
            .as_deref(),
            Some("5.0")
        );
    }

    #[test]
    fn deleting_is_asked_once_more_and_unknown_answers_are_refused() {
        assert_eq!(
            Answer::try_from(&input("keep", None, false)),
            Ok(Answer::Keep)
        );
        assert_eq!(
            Answer::try_from(&input("delete", None, false)).unwrap_err()[0].error,
            UserError::ConfirmationRequired
        );
        assert_eq!(
            Answer::try_from(&input("delete", None, true)),
            Ok(Answer::Delete(Confirmed))
        );
        assert_eq!(
            Answer::try_from(&input("maybe", None, true)).unwrap_err()[0].error,
            UserError::InvalidChoice
        );
    }
}
