//! Consent: what the candidate agrees to, under which version of the notice.

use serde::{Deserialize, Serialize};

/// The version of the consent notice shown now. Change it whenever the notice text changes;
/// each consent record keeps the version it was given under.
pub const NOTICE_VERSION: &str = "2026-11-v3";

/// The data items an agency receives when it claims a candidate (APPI Art. 29 records these).
pub const HANDOFF_ITEMS: &str = "name,name_kana,email,phone,prefecture,job_types,skills,years_experience,desired_salary,languages,summary";

/// The two things a candidate may consent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsentKind {
    /// Hand-off to approved recruitment agencies for job introductions (required to relay).
    Handoff,
    /// The company that rejected the candidate may contact them again (optional).
    Recontact,
}

impl ConsentKind {
    pub fn code(self) -> &'static str {
        match self {
            ConsentKind::Handoff => "handoff",
            ConsentKind::Recontact => "recontact",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "handoff" => Some(ConsentKind::Handoff),
            "recontact" => Some(ConsentKind::Recontact),
            _ => None,
        }
    }
}

/// A consent given or withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsentChange {
    pub kind: ConsentKind,
    pub granted: bool,
}

/// Whether an HTML checkbox was ticked: browsers send `on` (or the value) when ticked, nothing otherwise.
pub fn checkbox(value: &Option<String>) -> bool {
    matches!(value.as_deref(), Some(v) if !v.is_empty() && v != "false" && v != "off")
}

/// A version of the consent notice as published: what changed, in both languages, and whether
/// the change is material (every candidate must agree again) or not (shown, not asked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeVersion {
    pub id: i64,
    pub version: String,
    pub text_ja: String,
    pub text_en: String,
    pub material: bool,
    /// 0 for the versions the portal shipped before versions were published.
    pub published_at: i64,
}

/// The form an admin publishes a new version with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeInput {
    pub version: String,
    pub text_ja: String,
    pub text_en: String,
    /// A checkbox: a material change, which every candidate must agree to again.
    #[serde(default)]
    pub material: Option<String>,
}

/// A new version of the notice, checked: a label of 1 to 40 letters, digits, `.`, `_` or `-`,
/// and the text in both languages (1 to 5,000 characters each).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotice {
    pub version: String,
    pub text_ja: String,
    pub text_en: String,
    pub material: bool,
}

impl TryFrom<&NoticeInput> for NewNotice {
    type Error = Vec<crate::FieldError>;

    fn try_from(f: &NoticeInput) -> Result<Self, Self::Error> {
        use crate::{FieldError, UserError};
        let version = crate::field::line(&f.version, 40, true).and_then(|v| {
            let v = v.unwrap_or_default();
            if v.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            {
                Ok(v)
            } else {
                Err(UserError::InvalidCharacters)
            }
        });
        let text = |raw: &str| crate::field::text(raw, 5000, true).map(Option::unwrap_or_default);
        match (version, text(&f.text_ja), text(&f.text_en)) {
            (Ok(version), Ok(text_ja), Ok(text_en)) => Ok(Self {
                version,
                text_ja,
                text_en,
                material: checkbox(&f.material),
            }),
            (v, ja, en) => Err([
                v.err().map(|e| FieldError::new("version", e)),
                ja.err().map(|e| FieldError::new("text_ja", e)),
                en.err().map(|e| FieldError::new("text_en", e)),
            ]
            .into_iter()
            .flatten()
            .collect()),
        }
    }
}

/// A newer notice than the one the candidate agreed to: shown on their page, and asked when a
/// material change came since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeChange {
    /// Every version published since the one they agreed to, oldest first.
    pub notices: Vec<NoticeVersion>,
    /// A material change came since their consent: they are out of the pool until they agree.
    pub must_agree: bool,
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{
        db::{self, OnUnique, Pool},
        error::Result,
        notice::{self, Notice, Recipient, Wording},
        time::now,
        UserError,
    };
    use sqlx::Row;

    const COLUMNS: &str = "id, version, text_ja, text_en, material, published_at";

    fn version_of(r: &sqlx::any::AnyRow) -> Result<NoticeVersion> {
        Ok(NoticeVersion {
            id: r.try_get("id")?,
            version: r.try_get("version")?,
            text_ja: r.try_get("text_ja")?,
            text_en: r.try_get("text_en")?,
            material: r.try_get::<i64, _>("material")? == 1,
            published_at: r.try_get("published_at")?,
        })
    }

    /// The notice in force: the newest version.
    pub async fn current<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
        db: E,
    ) -> Result<NoticeVersion> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM consent_notices ORDER BY id DESC LIMIT 1"
        ))
        .fetch_one(db)
        .await?;
        version_of(&row)
    }

    /// The newest versions, newest first (the admin's list).
    pub async fn versions(pool: &Pool, limit: i64) -> Result<Vec<NoticeVersion>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM consent_notices ORDER BY id DESC LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(pool)
        .await?;
        rows.iter().map(version_of).collect()
    }

    /// Publishes a new version. A material one takes everyone out of the pool at once (nobody
    /// has agreed to it yet); each candidate comes back by agreeing. Audited as the admin's.
    #[tracing::instrument(skip(pool, n))]
    pub async fn publish(pool: &Pool, admin_user_id: i64, n: &NewNotice) -> Result<i64> {
        let mut tx = db::begin(pool).await?;
        db::lock_notices(&mut tx, true).await?;
        let t = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO consent_notices (version, text_ja, text_en, material, published_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $5, $5) RETURNING id",
        )
        .bind(&n.version)
        .bind(&n.text_ja)
        .bind(&n.text_en)
        .bind(n.material as i64)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .on_unique(vec![crate::FieldError::new("version", UserError::AlreadyExists)])?;
        if n.material {
            sqlx::query("UPDATE candidates SET in_pool = 0 WHERE in_pool = 1")
                .execute(&mut *tx)
                .await?;
        }
        crate::audit::record(
            &mut *tx,
            &format!("user:{admin_user_id}"),
            "notice_published",
            &format!("notice:{id}"),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The position of the version the open hand-off consent of the candidate `candidate` (an
    /// SQL expression) was given under (0 for none, or one the portal does not know).
    fn agreed_id(candidate: &str) -> String {
        format!(
            "COALESCE((SELECT n.id FROM consents k JOIN consent_notices n ON n.version = k.notice_version
                 WHERE k.candidate_id = {candidate} AND k.kind = 'handoff' AND k.withdrawn_at IS NULL ORDER BY k.id DESC LIMIT 1), 0)"
        )
    }

    /// An SQL expression, 1 or 0: whether a version was published after the one the open
    /// hand-off consent of the candidate row `c` was given under (what [`change_for`] reads in
    /// full, asked along with the candidate's row).
    pub fn newer_notice(c: &str) -> String {
        format!(
            "CASE WHEN {c}.handoff_consent = 1 AND COALESCE((SELECT MAX(id) FROM consent_notices WHERE published_at > 0), 0) > {} THEN 1 ELSE 0 END",
            agreed_id(&format!("{c}.id"))
        )
    }

    /// The position of the newest material change (0 for none).
    const MATERIAL_ID: &str =
        "COALESCE((SELECT MAX(id) FROM consent_notices WHERE material = 1), 0)";

    /// Whether the candidate's hand-off consent covers every material change published.
    pub async fn covers_material(
        conn: &mut sqlx::AnyConnection,
        candidate_id: i64,
    ) -> Result<bool> {
        db::lock_notices(&mut *conn, false).await?;
        let ok: i64 = sqlx::query_scalar(&format!(
            "SELECT CASE WHEN {} >= {MATERIAL_ID} THEN 1 ELSE 0 END",
            agreed_id("$1")
        ))
        .bind(candidate_id)
        .fetch_one(conn)
        .await?;
        Ok(ok == 1)
    }

    /// The versions published since the one the candidate agreed to, if any (only while they
    /// consent to the hand-off: someone who gives consent again does so under the notice in
    /// force), and whether a material change is among them.
    pub async fn change_for(pool: &Pool, candidate_id: i64) -> Result<Option<NoticeChange>> {
        let row = sqlx::query(&format!(
            "SELECT {} AS agreed, {MATERIAL_ID} AS material_id,
                 COALESCE((SELECT MAX(id) FROM consent_notices WHERE published_at > 0), 0) AS published_id,
                 (SELECT handoff_consent FROM candidates WHERE id = $1) AS handoff",
            agreed_id("$1")
        ))
        .bind(candidate_id)
        .fetch_one(pool)
        .await?;
        if row.try_get::<Option<i64>, _>("handoff")? != Some(1) {
            return Ok(None);
        }
        let agreed: i64 = row.try_get("agreed")?;
        let material_id: i64 = row.try_get("material_id")?;
        // Most visits: nothing published since their consent, and one statement answers.
        if row.try_get::<i64, _>("published_id")? <= agreed {
            return Ok(None);
        }
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM consent_notices WHERE id > $1 AND published_at > 0 ORDER BY id"
        ))
        .bind(agreed)
        .fetch_all(pool)
        .await?;
        let notices = rows.iter().map(version_of).collect::<Result<Vec<_>>>()?;
        Ok((!notices.is_empty()).then_some(NoticeChange {
            notices,
            must_agree: material_id > agreed,
        }))
    }

    /// The candidate agrees to the notice in force: their hand-off consent is given again under
    /// it, and they are back in the pool if nothing else keeps them out. Without a hand-off
    /// consent to renew it is `Withdrawn` (giving consent records the version in force anyway).
    #[tracing::instrument(skip(pool))]
    pub async fn agree(pool: &Pool, candidate_id: i64) -> Result<()> {
        let mut tx = db::begin(pool).await?;
        let t = now();
        let r = sqlx::query(
            "UPDATE candidates SET active_at = $1, updated_at = $1 WHERE id = $2 AND handoff_consent = 1 AND erased_at IS NULL",
        )
        .bind(t)
        .bind(candidate_id)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Err(UserError::Withdrawn.into());
        }
        let version = current(&mut *tx).await?.version;
        let renewed = sqlx::query(
            "UPDATE consents SET withdrawn_at = $1, updated_at = $1
             WHERE candidate_id = $2 AND kind = 'handoff' AND withdrawn_at IS NULL AND notice_version <> $3",
        )
        .bind(t)
        .bind(candidate_id)
        .bind(&version)
        .execute(&mut *tx)
        .await?;
        if renewed.rows_affected() > 0 {
            sqlx::query(
                "INSERT INTO consents (candidate_id, kind, notice_version, scope, granted_at, created_at, updated_at)
                 VALUES ($1, 'handoff', $2, $3, $4, $4, $4)",
            )
            .bind(candidate_id)
            .bind(&version)
            .bind(HANDOFF_ITEMS)
            .bind(t)
            .execute(&mut *tx)
            .await?;
        }
        crate::qualify::refresh(&mut tx, candidate_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Tells every consenting candidate who agreed to an older version of the newest published
    /// notice, once: the job's mark for that version is the last candidate told, moved in the
    /// transaction that queues the mail, so instances take turns. Returns how many were told.
    #[tracing::instrument(skip_all)]
    pub async fn announce(pool: &Pool, wording: &dyn Wording) -> Result<u64> {
        let latest = current(pool).await?;
        if latest.published_at == 0 {
            return Ok(0);
        }
        let mark_name = format!("notice_mail:{}", latest.id);
        let mut told = 0;
        loop {
            let mut tx = db::begin(pool).await?;
            let mark = notice::take_mark(&mut tx, &mark_name).await?;
            let rows = sqlx::query(&format!(
                "SELECT c.id, c.email, c.language, CASE WHEN {} < {MATERIAL_ID} THEN 1 ELSE 0 END AS must_agree
                 FROM candidates c
                 WHERE c.id > $1 AND c.handoff_consent = 1 AND c.erased_at IS NULL AND c.email IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM consents k WHERE k.candidate_id = c.id AND k.kind = 'handoff'
                                     AND k.withdrawn_at IS NULL AND k.notice_version = $2)
                 ORDER BY c.id LIMIT 500",
                agreed_id("c.id")
            ))
            .bind(mark)
            .bind(&latest.version)
            .fetch_all(&mut *tx)
            .await?;
            let mut last = mark;
            for r in &rows {
                last = r.try_get("id")?;
                let to = [Recipient {
                    email: r.try_get("email")?,
                    language: r.try_get("language")?,
                }];
                // Whether they must agree again: a material change since their consent, which
                // may be an earlier version than this one.
                let n = Notice::NoticeChanged {
                    version: latest.version.clone(),
                    material: r.try_get::<i64, _>("must_agree")? == 1,
                };
                notice::send(&mut tx, wording, &to, &n).await?;
                told += 1;
            }
            notice::set_mark(&mut tx, &mark_name, last).await?;
            tx.commit().await?;
            if rows.len() < 500 {
                return Ok(told);
            }
        }
    }
}

#[cfg(feature = "db")]
pub use store::{
    agree, announce, change_for, covers_material, current, newer_notice, publish, versions,
};
