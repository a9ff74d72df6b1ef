//! Rejected applicants a company registers (by API or import): each is invited by mail with a
//! personal link. Until they consent only name and address are kept, and without consent within
//! the invitation period both are deleted. An address on the suppression list, already relayed,
//! or already invited by the company is not invited again.

use crate::{Email, FieldError};
use serde::{Deserialize, Serialize};

/// Most applicants in one request.
pub const MAX_BATCH: usize = 1000;

/// The addresses the API takes, as its document states them: a dot-atom mailbox (without
/// leading, trailing or doubled dots) at a domain of two or more labels. Every such address of at
/// most 254 characters, with at most 64 before the `@`, is one `Email::parse` accepts.
pub const EMAIL_PATTERN: &str = r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$";
/// At most 64 characters before the `@`.
pub const MAILBOX_PATTERN: &str = r"^[^@]{1,64}@";

/// The API document's schema of an applicant's address.
#[cfg(feature = "openapi")]
fn email_schema() -> utoipa::openapi::Schema {
    use utoipa::openapi::{schema::AllOfBuilder, ObjectBuilder, Type};
    AllOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .max_length(Some(254))
                .pattern(Some(EMAIL_PATTERN)),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(MAILBOX_PATTERN)),
        )
        .description(Some("The applicant's address: a dot-atom mailbox of at most 64 characters at a domain, at most 254 in all."))
        .build()
        .into()
}

/// An applicant as the ATS sends them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "name": "山田 太郎", "email": "taro.yamada@example.jp", "position": "法人営業", "rejected_on": "2026-11-01"
})))]
pub struct ApplicantInput {
    /// 1 to 100 characters on one line.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::field::line_schema::<100>))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = email_schema))]
    pub email: String,
    /// The position applied for, up to 200 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::field::optional_text_schema::<200>))]
    pub position: Option<String>,
    /// The rejection date, `YYYY-MM-DD`; empty or left out for none.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::field::optional_date_schema))]
    pub rejected_on: Option<String>,
}

/// An applicant once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applicant {
    pub name: String,
    pub email: Email,
    pub position: Option<String>,
    pub rejected_on: Option<chrono::NaiveDate>,
}

impl TryFrom<&ApplicantInput> for Applicant {
    type Error = FieldError;

    fn try_from(a: &ApplicantInput) -> Result<Self, FieldError> {
        use crate::field;
        let name = field::line(&a.name, 100, true)
            .map_err(|e| FieldError::new("name", e))?
            .unwrap_or_default();
        let email = Email::parse(&a.email).map_err(|e| FieldError::new("email", e))?;
        let position = match &a.position {
            Some(p) => field::text(p, 200, false).map_err(|e| FieldError::new("position", e))?,
            None => None,
        };
        let rejected_on = match a.rejected_on.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(d) => Some(field::date(d).map_err(|e| FieldError::new("rejected_on", e))?),
        };
        Ok(Applicant {
            name,
            email,
            position,
            rejected_on,
        })
    }
}

/// What became of one registered applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "result")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RowResult {
    /// Invited: a mail is on its way.
    Invited { invitation_id: i64 },
    /// Not invited: the address asked never to be contacted again (or was erased).
    Suppressed,
    /// Not invited: the person is already in Career Relay.
    AlreadyRelayed,
    /// Not invited: the company invited this person before.
    AlreadyInvited,
    /// Not invited: the same person appears earlier in this request.
    DuplicateInRequest,
    /// Not invited: a field is wrong.
    Invalid { field: String, error: String },
}

crate::code_enum! {
    /// Where an invitation stands.
    pub enum InvitationStatus {
        /// Mailed; the applicant has not opted in yet.
        Invited = "invited",
        /// The applicant opted in (name and address are no longer kept here).
        OptedIn = "opted_in",
        /// Not answered within the invitation period: name and address were deleted.
        Expired = "expired",
    }
}

/// An invitation as the company sees it (name and address only until consent or deletion).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationRow {
    pub id: i64,
    pub name: Option<String>,
    pub email: Option<String>,
    pub position: Option<String>,
    pub rejected_on: Option<String>,
    #[cfg_attr(feature = "db", sqlx(try_from = "String"))]
    pub status: InvitationStatus,
    pub created_at: i64,
}

/// Whether the invitation `alias` shows (in the company's list and its numbers): one that an
/// import wrote while reading its file (held) shows once that import is done.
#[cfg(feature = "db")]
pub fn shown(alias: &str) -> String {
    format!(
        "({alias}.import_id IS NULL OR EXISTS (SELECT 1 FROM imports m WHERE m.id = {alias}.import_id AND m.status = 'done'))"
    )
}

/// Why a company cannot invite a person, in SQL over a row `s` with the person's `person_key`,
/// `phone_key` (or NULL), canonical `email`, and the inviting `company_id`: `'suppressed'` (the
/// address asked never to be contacted, or its owner erased their data: address or phone), `'already_relayed'` (the person is in Career Relay),
/// `'already_invited'` (by this company, also by an import still running), or NULL when it may. One rule for an API request, which
/// asks it of one applicant, and an import, which asks it of every staged row at once.
#[cfg(feature = "db")]
pub const REFUSAL: &str = "CASE \
    WHEN EXISTS (SELECT 1 FROM email_suppressions x WHERE x.person_key = s.person_key OR x.person_key = s.phone_key) THEN 'suppressed' \
    WHEN EXISTS (SELECT 1 FROM relays r WHERE r.person_key = s.person_key) \
      OR EXISTS (SELECT 1 FROM relays r WHERE r.phone_key = s.phone_key) \
      OR EXISTS (SELECT 1 FROM candidates c WHERE c.email = s.email) THEN 'already_relayed' \
    WHEN EXISTS (SELECT 1 FROM invitations i WHERE i.company_id = s.company_id AND i.person_key = s.person_key) THEN 'already_invited' \
    END";

/// The same rule restricted to what appeared since `$2` (suppressions, relays, candidates and
/// address changes): an import's final step asks it of rows each checked by `REFUSAL` when they
/// were written. A company's own invitations need no second look: the unique index on company
/// and person keeps a second one out.
#[cfg(feature = "db")]
pub const REFUSAL_SINCE: &str = "CASE \
    WHEN s.person_key IN (SELECT x.person_key FROM email_suppressions x WHERE x.created_at >= $2) \
      OR s.phone_key IN (SELECT x.person_key FROM email_suppressions x WHERE x.created_at >= $2) THEN 'suppressed' \
    WHEN s.person_key IN (SELECT r.person_key FROM relays r WHERE r.created_at >= $2) \
      OR s.phone_key IN (SELECT r.phone_key FROM relays r WHERE r.created_at >= $2) \
      OR s.email IN (SELECT c.email FROM candidates c WHERE c.created_at >= $2) \
      OR s.email IN (SELECT e.new_email FROM email_changes e WHERE e.used_at >= $2) THEN 'already_relayed' \
    END";

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{
        db::{self, Pool},
        error::Result,
        person,
        time::now,
        token::{hash, random_token},
        UserError,
    };
    use sqlx::Row;

    /// The applicants of one request or file, checked and keyed as they come: the same person
    /// (address or phone) twice is refused the second time.
    pub struct Screen {
        pepper: String,
        seen: std::collections::HashSet<String>,
    }

    /// An applicant who passed the screen, with their keys.
    pub struct Screened {
        pub applicant: Applicant,
        pub key: String,
        pub phone_key: Option<String>,
    }

    impl Screen {
        pub fn new(pepper: String) -> Self {
            Screen {
                pepper,
                seen: Default::default(),
            }
        }

        /// One applicant, with a phone number when the source has one (only compared, never
        /// kept); the result it gets when refused.
        pub fn check(
            &mut self,
            input: &ApplicantInput,
            phone: Option<&str>,
        ) -> std::result::Result<Screened, RowResult> {
            let applicant = Applicant::try_from(input).map_err(|f| RowResult::Invalid {
                field: f.field,
                error: f.error.code(),
            })?;
            let key = person::email_key(&self.pepper, &applicant.email);
            let phone_key = phone.and_then(|p| person::phone_key(&self.pepper, p));
            if !self.seen.insert(key.clone())
                || phone_key
                    .as_ref()
                    .is_some_and(|p| !self.seen.insert(p.clone()))
            {
                return Err(RowResult::DuplicateInRequest);
            }
            Ok(Screened {
                applicant,
                key,
                phone_key,
            })
        }
    }

    /// An invitation's mail: the hash of its link's token, and the mail with the link and the
    /// unsubscribe link in it.
    pub struct Letter {
        pub token_hash: String,
        pub unsubscribe_url: String,
        pub subject: String,
        pub body: String,
    }

    impl Letter {
        /// `compose(name, link, unsubscribe link)` gives the subject and text.
        pub fn new(
            base_url: &str,
            name: &str,
            compose: &(dyn Fn(&str, &str, &str) -> (String, String) + Sync),
        ) -> Self {
            let token = random_token(24);
            let unsubscribe_url = format!("{base_url}/u/{token}");
            let (subject, body) = compose(name, &format!("{base_url}/i/{token}"), &unsubscribe_url);
            Letter {
                token_hash: hash(&token),
                unsubscribe_url,
                subject,
                body,
            }
        }
    }

    /// Turns applicants into invitations inside one transaction (an API request): each valid,
    /// new person gets an invitation and a mail; every row gets its result.
    pub struct Intake<'c> {
        tx: sqlx::Transaction<'static, sqlx::Any>,
        company_id: i64,
        base_url: String,
        screen: Screen,
        compose: &'c (dyn Fn(&str, &str, &str) -> (String, String) + Sync),
    }

    impl<'c> Intake<'c> {
        /// Starts an intake for a company; `compose(name, link, unsubscribe link)` gives a mail's
        /// subject and text.
        pub async fn begin(
            pool: &Pool,
            company_id: i64,
            base_url: &str,
            compose: &'c (dyn Fn(&str, &str, &str) -> (String, String) + Sync),
        ) -> Result<Intake<'c>> {
            let mut tx = db::begin(pool).await?;
            db::lock_company(&mut tx, company_id).await?;
            let pepper = person::pepper(&mut tx).await?;
            Ok(Intake {
                tx,
                company_id,
                base_url: base_url.to_owned(),
                screen: Screen::new(pepper),
                compose,
            })
        }

        /// One applicant.
        pub async fn add(&mut self, input: &ApplicantInput) -> Result<RowResult> {
            let Screened {
                applicant: a,
                key,
                phone_key,
            } = match self.screen.check(input, None) {
                Ok(s) => s,
                Err(refused) => return Ok(refused),
            };
            let tx = &mut self.tx;
            let refusal: Option<String> = sqlx::query_scalar(&format!(
                "SELECT {REFUSAL} FROM (SELECT CAST($1 AS TEXT) AS person_key, CAST($2 AS TEXT) AS phone_key, CAST($3 AS TEXT) AS email, CAST($4 AS BIGINT) AS company_id) s"
            ))
            .bind(&key)
            .bind(&phone_key)
            .bind(a.email.as_str())
            .bind(self.company_id)
            .fetch_one(&mut **tx)
            .await?;
            match refusal.as_deref() {
                Some("suppressed") => return Ok(RowResult::Suppressed),
                Some("already_relayed") => return Ok(RowResult::AlreadyRelayed),
                Some(_) => return Ok(RowResult::AlreadyInvited),
                None => {}
            }
            let letter = Letter::new(&self.base_url, &a.name, self.compose);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO invitations (company_id, token_hash, name, email, person_key, unsubscribe_key, position, rejected_on, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $8) RETURNING id",
            )
            .bind(self.company_id)
            .bind(&letter.token_hash)
            .bind(&a.name)
            .bind(a.email.as_str())
            .bind(&key)
            .bind(&a.position)
            .bind(a.rejected_on.map(|d| d.to_string()))
            .bind(now())
            .fetch_one(&mut **tx)
            .await?;
            crate::mail::enqueue_with_unsubscribe(
                &mut **tx,
                &a.email,
                &letter.subject,
                &letter.body,
                &letter.unsubscribe_url,
            )
            .await?;
            Ok(RowResult::Invited { invitation_id: id })
        }

        pub async fn commit(self) -> Result<()> {
            self.tx.commit().await?;
            Ok(())
        }
    }

    /// Registers up to `MAX_BATCH` applicants for a company in one transaction.
    #[tracing::instrument(skip_all, fields(company_id, rows = inputs.len()))]
    pub async fn register(
        pool: &Pool,
        company_id: i64,
        base_url: &str,
        inputs: &[ApplicantInput],
        compose: &(dyn Fn(&str, &str, &str) -> (String, String) + Sync),
    ) -> Result<Vec<RowResult>> {
        if inputs.is_empty() || inputs.len() > MAX_BATCH {
            return Err(UserError::OutOfRange.into());
        }
        let mut intake = Intake::begin(pool, company_id, base_url, compose).await?;
        let mut out = Vec::with_capacity(inputs.len());
        for input in inputs {
            out.push(intake.add(input).await?);
        }
        intake.commit().await?;
        Ok(out)
    }

    /// The answer remembered for an API key's `Idempotency-Key`: the request's hash, status, body.
    pub async fn idempotent_answer(
        pool: &Pool,
        api_key_id: i64,
        key: &str,
    ) -> Result<Option<(String, i64, String)>> {
        let row = sqlx::query(
            "SELECT request_hash, status, response FROM idempotency_keys WHERE api_key_id = $1 AND idem_key = $2",
        )
        .bind(api_key_id)
        .bind(key)
        .fetch_optional(pool)
        .await?;
        Ok(match row {
            Some(r) => Some((
                r.try_get("request_hash")?,
                r.try_get("status")?,
                r.try_get("response")?,
            )),
            None => None,
        })
    }

    /// Remembers the answer to a request with an `Idempotency-Key` (the first answer stands).
    pub async fn remember_answer(
        pool: &Pool,
        api_key_id: i64,
        key: &str,
        request_hash: &str,
        status: i64,
        response: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO idempotency_keys (api_key_id, idem_key, request_hash, status, response, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (api_key_id, idem_key) DO NOTHING",
        )
        .bind(api_key_id)
        .bind(key)
        .bind(request_hash)
        .bind(status)
        .bind(response)
        .bind(now())
        .execute(pool)
        .await?;
        Ok(())
    }

    /// Deletes remembered answers older than a day (retries come within minutes).
    pub async fn purge_idempotency(pool: &Pool) -> Result<u64> {
        let r = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(now() - 86_400)
            .execute(pool)
            .await?;
        Ok(r.rows_affected())
    }

    /// The company's name and the language of its invitation mails (`ja` or `en`).
    pub async fn company_mail_settings(pool: &Pool, company_id: i64) -> Result<(String, String)> {
        let row = sqlx::query("SELECT name, invite_language FROM companies WHERE id = $1")
            .bind(company_id)
            .fetch_optional(pool)
            .await?
            .ok_or(UserError::NotFound)?;
        Ok((row.try_get("name")?, row.try_get("invite_language")?))
    }

    /// Sets the language of the company's invitation mails (`ja` or `en`).
    pub async fn set_language(pool: &Pool, company_id: i64, language: &str) -> Result<()> {
        if !matches!(language, "ja" | "en") {
            return Err(vec![FieldError::new("language", UserError::Required)].into());
        }
        sqlx::query("UPDATE companies SET invite_language = $1, updated_at = $2 WHERE id = $3")
            .bind(language)
            .bind(now())
            .bind(company_id)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// The company's invitations, newest first, `limit` before the id `before` (keyset paging).
    pub async fn list(
        pool: &Pool,
        company_id: i64,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<InvitationRow>> {
        let (condition, order) = db::owner_keyset(&[("i.company_id", "$1")], "i.id", "$2");
        Ok(sqlx::query_as(&format!(
            "SELECT i.id, i.name, i.email, i.position, i.rejected_on, i.status, i.created_at FROM {}
             WHERE {condition} AND {} {order} LIMIT $3",
            db::indexed_by(pool, "invitations i", "invitations_company"),
            shown("i")
        ))
        .bind(company_id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit.clamp(1, 500))
        .fetch_all(pool)
        .await?)
    }

    /// The company and relay code a personal invitation link leads to, while it is open (and
    /// not held by an import that is not done).
    pub async fn resolve(pool: &Pool, token: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            &format!("SELECT l.code FROM invitations i JOIN relay_links l ON l.company_id = i.company_id AND l.revoked_at IS NULL
             WHERE i.token_hash = $1 AND i.status = 'invited' AND {}", shown("i")),
        )
        .bind(hash(token))
        .fetch_optional(pool)
        .await?)
    }

    /// Marks the invitation of this address as answered once the person opted in, and forgets
    /// the name and address it kept (the candidate record holds what they consented to).
    pub async fn opted_in(
        conn: &mut sqlx::AnyConnection,
        company_id: i64,
        email: &Email,
        candidate_id: i64,
    ) -> Result<()> {
        let key = person::stored_email_key(conn, email).await?;
        sqlx::query(
            "UPDATE invitations SET status = 'opted_in', candidate_id = $1, name = NULL, email = NULL, updated_at = $2
             WHERE company_id = $3 AND person_key = $4 AND status = 'invited'",
        )
        .bind(candidate_id)
        .bind(now())
        .bind(company_id)
        .bind(&key)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// The person behind an invitation link asks never to be contacted again: the address goes
    /// on the suppression list (as a keyed hash) and the invitation forgets name and address.
    /// Returns whether the link was known.
    #[tracing::instrument(skip_all)]
    pub async fn unsubscribe(pool: &Pool, token: &str) -> Result<bool> {
        let mut tx = db::begin(pool).await?;
        let key: Option<Option<String>> =
            sqlx::query_scalar("SELECT unsubscribe_key FROM invitations WHERE token_hash = $1")
                .bind(hash(token))
                .fetch_optional(&mut *tx)
                .await?;
        let Some(key) = key else { return Ok(false) };
        if let Some(key) = key {
            sqlx::query(
                "INSERT INTO email_suppressions (person_key, reason, created_at) VALUES ($1, 'unsubscribed', $2)
                 ON CONFLICT (person_key) DO NOTHING",
            )
            .bind(&key)
            .bind(now())
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "UPDATE invitations SET status = CASE WHEN status = 'invited' THEN 'expired' ELSE status END,
                    name = NULL, email = NULL, updated_at = $1 WHERE token_hash = $2",
        )
        .bind(now())
        .bind(hash(token))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Deletes name and address of invitations nobody answered within `days` (the row stays for
    /// the counts, and the person may be invited again).
    pub async fn expire_unanswered(pool: &Pool, days: i64) -> Result<u64> {
        let t = now();
        let r = sqlx::query(
            "UPDATE invitations SET status = 'expired', name = NULL, email = NULL, person_key = NULL, updated_at = $1
             WHERE status = 'invited' AND created_at < $2",
        )
        .bind(t)
        .bind(t - days * 86_400)
        .execute(pool)
        .await?;
        Ok(r.rows_affected())
    }
}

#[cfg(feature = "db")]
pub use store::{
    company_mail_settings, expire_unanswered, idempotent_answer, list, opted_in, purge_idempotency,
    register, remember_answer, resolve, set_language, unsubscribe, Intake, Letter, Screen,
    Screened,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UserError;

    fn input(name: &str, email: &str, date: Option<&str>) -> ApplicantInput {
        ApplicantInput {
            name: name.into(),
            email: email.into(),
            position: None,
            rejected_on: date.map(str::to_owned),
        }
    }

    #[test]
    fn applicants_are_checked_field_by_field() {
        let a = Applicant::try_from(&input(" 山田 太郎 ", "Taro@Example.jp", Some("2026-11-01")))
            .unwrap();
        assert_eq!(a.name, "山田 太郎");
        assert_eq!(a.rejected_on.unwrap().to_string(), "2026-11-01");
        let e = Applicant::try_from(&input("", "taro@example.jp", None)).unwrap_err();
        assert_eq!((e.field.as_str(), e.error), ("name", UserError::Required));
        let e = Applicant::try_from(&input("太郎", "not-mail", None)).unwrap_err();
        assert_eq!(e.field, "email");
        let e =
            Applicant::try_from(&input("太郎", "t@example.jp", Some("2026-13-01"))).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.error),
            ("rejected_on", UserError::InvalidDate)
        );
    }
}
