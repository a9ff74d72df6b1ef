//! API keys of companies and agencies: created by their admins (or the command line), shown
//! once, stored as a SHA-256 hash, revocable.

use crate::org::Membership;
use serde::{Deserialize, Serialize};

/// The start of every key, so that a leaked one is easy to recognise (secret scanners).
pub const KEY_PREFIX: &str = "crk_";

/// A key as its organisation's admins see it (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct ApiKeyRow {
    pub id: i64,
    pub name: String,
    /// The first characters of the key.
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A page of an organisation's keys, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyList {
    pub keys: Vec<ApiKeyRow>,
    /// The id to pass as `before` for the older page.
    pub next: Option<i64>,
}

/// Keys on a page of the list.
pub const KEY_PAGE: i64 = 20;

/// Who a request's key acts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyOwner {
    pub key_id: i64,
    pub org: Membership,
    /// The admin who created the key; claims made with it name them.
    pub created_by: Option<i64>,
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{
        db::Pool,
        error::Result,
        time::now,
        token::{hash, random_token},
        FieldError, UserError,
    };
    use sqlx::Row;

    /// Creates a key for an organisation; returns its id and the key, which is never shown again.
    #[tracing::instrument(skip(pool, raw_name))]
    pub async fn create(
        pool: &Pool,
        org: Membership,
        created_by: Option<i64>,
        raw_name: &str,
    ) -> Result<(i64, String)> {
        let name = raw_name.trim();
        if name.is_empty() {
            return Err(vec![FieldError::new("name", UserError::Required)].into());
        }
        if name.chars().count() > 100 {
            return Err(vec![FieldError::new("name", UserError::TooLong)].into());
        }
        let key = format!("{KEY_PREFIX}{}", random_token(32));
        crate::org::require_exists(pool, org).await?;
        let (company, agency) = org.ids();
        // A key made on the command line acts for the organisation's first admin.
        let created_by = match created_by {
            Some(id) => Some(id),
            None => sqlx::query_scalar(match org {
                Membership::Company(_) => "SELECT id FROM users WHERE company_id = $1 ORDER BY CASE WHEN member_role = 'admin' THEN 0 ELSE 1 END, id LIMIT 1",
                Membership::Agency(_) => "SELECT id FROM users WHERE agency_id = $1 ORDER BY CASE WHEN member_role = 'admin' THEN 0 ELSE 1 END, id LIMIT 1",
            })
            .bind(company.or(agency))
            .fetch_optional(pool)
            .await?,
        };
        let id = sqlx::query_scalar(
            "INSERT INTO api_keys (company_id, agency_id, created_by, name, prefix, key_hash, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(company)
        .bind(agency)
        .bind(created_by)
        .bind(name)
        .bind(&key[..KEY_PREFIX.len() + 6])
        .bind(hash(&key))
        .bind(now())
        .fetch_one(pool)
        .await?;
        Ok((id, key))
    }

    /// A page of the organisation's keys, newest first: those before `before` (a key's id), or
    /// the newest.
    pub async fn list(pool: &Pool, org: Membership, before: Option<i64>) -> Result<KeyList> {
        let (sql, id) = match org {
            Membership::Company(id) => ("SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM api_keys WHERE company_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3", id),
            Membership::Agency(id) => ("SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM api_keys WHERE agency_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3", id),
        };
        let mut keys: Vec<ApiKeyRow> = sqlx::query_as(sql)
            .bind(id)
            .bind(before.unwrap_or(i64::MAX))
            .bind(KEY_PAGE + 1)
            .fetch_all(pool)
            .await?;
        let next = crate::keyset::cut(&mut keys, KEY_PAGE, |k| k.id);
        Ok(KeyList { keys, next })
    }

    /// Revokes one of the organisation's keys; a revoked key is refused from then on.
    #[tracing::instrument(skip(pool))]
    pub async fn revoke(pool: &Pool, org: Membership, key_id: i64) -> Result<()> {
        let (sql, id) = match org {
            Membership::Company(id) => ("UPDATE api_keys SET revoked_at = $1, updated_at = $1 WHERE id = $2 AND company_id = $3 AND revoked_at IS NULL", id),
            Membership::Agency(id) => ("UPDATE api_keys SET revoked_at = $1, updated_at = $1 WHERE id = $2 AND agency_id = $3 AND revoked_at IS NULL", id),
        };
        let r = sqlx::query(sql)
            .bind(now())
            .bind(key_id)
            .bind(id)
            .execute(pool)
            .await?;
        if r.rows_affected() == 0 {
            return Err(UserError::NotFound.into());
        }
        Ok(())
    }

    /// Whom a presented key acts for; `None` for an unknown or revoked key, or one whose creator
    /// has left the organisation (a removed member's keys stop working with them). Notes the use at most
    /// once a minute, so that busy integrations do not write on every request.
    pub async fn authenticate(pool: &Pool, key: &str) -> Result<Option<KeyOwner>> {
        let row = sqlx::query(
            "SELECT k.id, k.company_id, k.agency_id, k.created_by, k.last_used_at FROM api_keys k
             WHERE k.key_hash = $1 AND k.revoked_at IS NULL
             AND (k.created_by IS NULL OR EXISTS (
                 SELECT 1 FROM users u WHERE u.id = k.created_by
                 AND (u.company_id = k.company_id OR u.agency_id = k.agency_id)))",
        )
        .bind(hash(key))
        .fetch_optional(pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let key_id: i64 = row.try_get("id")?;
        let Some(org) = Membership::of(row.try_get("company_id")?, row.try_get("agency_id")?)
        else {
            return Ok(None);
        };
        let t = now();
        if row.try_get::<Option<i64>, _>("last_used_at")?.unwrap_or(0) < t - 60 {
            sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
                .bind(t)
                .bind(key_id)
                .execute(pool)
                .await?;
        }
        Ok(Some(KeyOwner {
            key_id,
            org,
            created_by: row.try_get("created_by")?,
        }))
    }
}

#[cfg(feature = "db")]
pub use store::{authenticate, create, list, revoke};
