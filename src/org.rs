//! Organisations: companies, agencies and their members, as the admin commands create them.

use serde::{Deserialize, Serialize};

/// An agency as the admin sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct AgencyRow {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub created_at: i64,
}

/// Which organisation a new member joins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Membership {
    Company(i64),
    Agency(i64),
}

impl Membership {
    /// The organisation a row names by its `company_id` or `agency_id` (the company first).
    pub fn of(company_id: Option<i64>, agency_id: Option<i64>) -> Option<Self> {
        match (company_id, agency_id) {
            (Some(c), _) => Some(Membership::Company(c)),
            (None, Some(a)) => Some(Membership::Agency(a)),
            (None, None) => None,
        }
    }

    /// `company` or `agency`.
    pub fn kind(self) -> &'static str {
        match self {
            Membership::Company(_) => "company",
            Membership::Agency(_) => "agency",
        }
    }

    /// The organisation as the audit log names it: `company:3`.
    pub fn audit_target(self) -> String {
        match self {
            Membership::Company(id) | Membership::Agency(id) => format!("{}:{id}", self.kind()),
        }
    }

    /// The `(company_id, agency_id)` a row of this organisation stores.
    pub fn ids(self) -> (Option<i64>, Option<i64>) {
        match self {
            Membership::Company(id) => (Some(id), None),
            Membership::Agency(id) => (None, Some(id)),
        }
    }
}

crate::code_enum! {
    /// What a member of a company or agency may do: admins also manage members, keys and sign-in.
    pub enum MemberRole {
        Admin = "admin",
        Member = "member",
    }
}

/// Someone an organisation's admin invites, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMember {
    pub email: crate::Email,
    pub role: MemberRole,
}

/// A member as their organisation's admins see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
pub struct MemberRow {
    pub id: i64,
    pub email: String,
    #[cfg_attr(feature = "db", sqlx(try_from = "String"))]
    pub member_role: MemberRole,
    pub created_at: i64,
}

/// A page of an organisation's members, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberList {
    pub members: Vec<MemberRow>,
    /// The id to pass as `after` for the next page.
    pub next: Option<i64>,
}

/// Members on a page of the list.
pub const MEMBER_PAGE: i64 = 50;

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{
        db::{OnUnique, Pool},
        email::Email,
        error::Result,
        relay::RelayCode,
        time::now,
        UserError,
    };

    /// Serialises writers that change one organisation's members or sign-in settings.
    pub async fn lock(conn: &mut sqlx::AnyConnection, org: Membership) -> Result<()> {
        match org {
            Membership::Company(id) => crate::db::lock_company(conn, id).await,
            Membership::Agency(id) => crate::db::lock_agency(conn, id).await,
        }
    }

    /// The statements about members, for each kind of organisation (plain SQL per column).
    struct MemberSql {
        members: &'static str,
        rejoin: &'static str,
        set_role: &'static str,
        remove: &'static str,
        admins: &'static str,
    }

    const COMPANY_MEMBERS: MemberSql = MemberSql {
        members: "SELECT id, email, member_role, created_at FROM users WHERE company_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        rejoin: "UPDATE users SET company_id = $1, member_role = $2, updated_at = $3
                 WHERE email = $4 AND kind = 'company' AND company_id IS NULL AND agency_id IS NULL RETURNING id",
        set_role: "UPDATE users SET member_role = $1, session_epoch = session_epoch + 1, updated_at = $2 WHERE id = $3 AND company_id = $4",
        remove: "UPDATE users SET company_id = NULL, member_role = $1, session_epoch = session_epoch + 1, updated_at = $2 WHERE id = $3 AND company_id = $4",
        admins: "SELECT COUNT(*) FROM users WHERE company_id = $1 AND member_role = 'admin'",
    };

    const AGENCY_MEMBERS: MemberSql = MemberSql {
        members: "SELECT id, email, member_role, created_at FROM users WHERE agency_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        rejoin: "UPDATE users SET agency_id = $1, member_role = $2, updated_at = $3
                 WHERE email = $4 AND kind = 'agency' AND company_id IS NULL AND agency_id IS NULL RETURNING id",
        set_role: "UPDATE users SET member_role = $1, session_epoch = session_epoch + 1, updated_at = $2 WHERE id = $3 AND agency_id = $4",
        remove: "UPDATE users SET agency_id = NULL, member_role = $1, session_epoch = session_epoch + 1, updated_at = $2 WHERE id = $3 AND agency_id = $4",
        admins: "SELECT COUNT(*) FROM users WHERE agency_id = $1 AND member_role = 'admin'",
    };

    /// The statements and the id of an organisation.
    fn member_sql(org: Membership) -> (&'static MemberSql, i64) {
        match org {
            Membership::Company(id) => (&COMPANY_MEMBERS, id),
            Membership::Agency(id) => (&AGENCY_MEMBERS, id),
        }
    }

    fn name(raw: &str) -> Result<String> {
        let n = raw.trim();
        if n.is_empty() {
            return Err(UserError::Required.into());
        }
        if n.chars().count() > 200 {
            return Err(UserError::TooLong.into());
        }
        Ok(n.to_owned())
    }

    /// Creates a company with its first relay link.
    #[tracing::instrument(skip(pool))]
    pub async fn create_company(pool: &Pool, raw_name: &str) -> Result<(i64, RelayCode)> {
        let name = name(raw_name)?;
        let t = now();
        let mut tx = crate::db::begin(pool).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO companies (name, created_at, updated_at) VALUES ($1, $2, $2) RETURNING id",
        )
        .bind(&name)
        .bind(t)
        .fetch_one(&mut *tx)
        .await?;
        let code = RelayCode::generate();
        sqlx::query("INSERT INTO relay_links (company_id, code, created_at, updated_at) VALUES ($1, $2, $3, $3)")
            .bind(id)
            .bind(code.as_str())
            .bind(t)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((id, code))
    }

    /// Creates an agency, approved or awaiting approval.
    #[tracing::instrument(skip(pool))]
    pub async fn create_agency(pool: &Pool, raw_name: &str, approved: bool) -> Result<i64> {
        let name = name(raw_name)?;
        let id = sqlx::query_scalar("INSERT INTO agencies (name, status, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id")
            .bind(&name)
            .bind(if approved { "approved" } else { "pending" })
            .bind(now())
            .fetch_one(pool)
            .await?;
        Ok(id)
    }

    /// `NotFound` unless the company or agency exists.
    pub async fn require_exists(pool: &Pool, org: Membership) -> Result<()> {
        let (sql, id) = match org {
            Membership::Company(id) => ("SELECT 1 FROM companies WHERE id = $1", id),
            Membership::Agency(id) => ("SELECT 1 FROM agencies WHERE id = $1", id),
        };
        match sqlx::query(sql).bind(id).fetch_optional(pool).await? {
            Some(_) => Ok(()),
            None => Err(UserError::NotFound.into()),
        }
    }

    /// Whether an agency is approved (a pending or suspended one may not use the pool).
    pub async fn agency_approved(pool: &Pool, agency_id: i64) -> Result<bool> {
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM agencies WHERE id = $1")
                .bind(agency_id)
                .fetch_optional(pool)
                .await?;
        Ok(status.as_deref() == Some("approved"))
    }

    /// Adds a staff member to a company or agency.
    #[tracing::instrument(skip(pool, email))]
    pub async fn add_member(
        pool: &Pool,
        org: Membership,
        email: &Email,
        role: MemberRole,
    ) -> Result<i64> {
        require_exists(pool, org).await?;
        let (company_id, agency_id) = org.ids();
        insert_user(pool, email, org.kind(), company_id, agency_id, role).await
    }

    /// Creates a platform admin.
    pub async fn create_admin(pool: &Pool, email: &Email) -> Result<i64> {
        insert_user(pool, email, "admin", None, None, MemberRole::Admin).await
    }

    async fn insert_user(
        pool: &Pool,
        email: &Email,
        kind: &str,
        company_id: Option<i64>,
        agency_id: Option<i64>,
        role: MemberRole,
    ) -> Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO users (email, kind, company_id, agency_id, member_role, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(email.as_str())
        .bind(kind)
        .bind(company_id)
        .bind(agency_id)
        .bind(role.code())
        .bind(now())
        .fetch_one(pool)
        .await
        .on_unique(UserError::AlreadyExists)
    }

    /// Every agency, newest first.
    pub async fn agencies(pool: &Pool) -> Result<Vec<AgencyRow>> {
        Ok(sqlx::query_as(
            "SELECT id, name, status, created_at FROM agencies ORDER BY id DESC LIMIT 500",
        )
        .fetch_all(pool)
        .await?)
    }

    /// Approves or suspends an agency; suspending ends its open claims.
    #[tracing::instrument(skip(pool))]
    pub async fn set_agency_status(pool: &Pool, agency_id: i64, approved: bool) -> Result<()> {
        let mut tx = crate::db::begin(pool).await?;
        let r = sqlx::query("UPDATE agencies SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(if approved { "approved" } else { "suspended" })
            .bind(now())
            .bind(agency_id)
            .execute(&mut *tx)
            .await?;
        if r.rows_affected() == 0 {
            return Err(UserError::NotFound.into());
        }
        // A suspended agency holds nobody: its candidates return to the pool at once.
        if !approved {
            crate::claim::release_all(&mut tx, agency_id).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A company's name.
    pub async fn company_name(pool: &Pool, company_id: i64) -> Result<String> {
        Ok(
            sqlx::query_scalar("SELECT name FROM companies WHERE id = $1")
                .bind(company_id)
                .fetch_optional(pool)
                .await?
                .ok_or(UserError::NotFound)?,
        )
    }

    /// An agency's name.
    pub async fn agency_name(pool: &Pool, agency_id: i64) -> Result<String> {
        Ok(
            sqlx::query_scalar("SELECT name FROM agencies WHERE id = $1")
                .bind(agency_id)
                .fetch_optional(pool)
                .await?
                .ok_or(UserError::NotFound)?,
        )
    }

    /// A page of the organisation's members, oldest first: those after `after` (a member's
    /// id), or the first.
    pub async fn members(pool: &Pool, org: Membership, after: Option<i64>) -> Result<MemberList> {
        let (sql, id) = member_sql(org);
        let mut members: Vec<MemberRow> = sqlx::query_as(sql.members)
            .bind(id)
            .bind(after.unwrap_or(0))
            .bind(MEMBER_PAGE + 1)
            .fetch_all(pool)
            .await?;
        let next = crate::keyset::cut(&mut members, MEMBER_PAGE, |m| m.id);
        Ok(MemberList { members, next })
    }

    /// Invites someone into the organisation: a new account, or one that was removed from it
    /// before. An address that belongs to another organisation (or a candidate's) is refused.
    #[tracing::instrument(skip(pool, email))]
    pub async fn invite_member(
        pool: &Pool,
        org: Membership,
        email: &Email,
        role: MemberRole,
    ) -> Result<i64> {
        let (sql, org_id) = member_sql(org);
        let mut tx = crate::db::begin(pool).await?;
        let rejoined: Option<i64> = sqlx::query_scalar(sql.rejoin)
            .bind(org_id)
            .bind(role.code())
            .bind(now())
            .bind(email.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(id) = rejoined {
            tx.commit().await?;
            return Ok(id);
        }
        let candidate: Option<i64> =
            sqlx::query_scalar("SELECT id FROM candidates WHERE email = $1")
                .bind(email.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        tx.commit().await?;
        if candidate.is_some() {
            return Err(UserError::AlreadyExists.into());
        }
        add_member(pool, org, email, role).await
    }

    /// Changes a member's role. The organisation keeps at least one admin. The member's sessions
    /// end, so the new role starts with a new sign-in.
    #[tracing::instrument(skip(pool))]
    pub async fn set_member_role(
        pool: &Pool,
        org: Membership,
        user_id: i64,
        role: MemberRole,
    ) -> Result<()> {
        change_member(pool, org, user_id, role, |sql| sql.set_role).await
    }

    /// Removes a member from the organisation; their sessions end at once. The organisation keeps
    /// at least one admin. The account stays (claims and notes name it) without an organisation.
    #[tracing::instrument(skip(pool))]
    pub async fn remove_member(pool: &Pool, org: Membership, user_id: i64) -> Result<()> {
        change_member(pool, org, user_id, MemberRole::Member, |sql| sql.remove).await
    }

    /// Runs one change of a member (`$1` role, `$2` now, `$3` member, `$4` organisation) under the
    /// organisation's lock, ends the member's sessions, and keeps at least one admin.
    async fn change_member(
        pool: &Pool,
        org: Membership,
        user_id: i64,
        role: MemberRole,
        statement: fn(&MemberSql) -> &'static str,
    ) -> Result<()> {
        let (sql, org_id) = member_sql(org);
        let mut tx = crate::db::begin(pool).await?;
        lock(&mut tx, org).await?;
        let r = sqlx::query(statement(sql))
            .bind(role.code())
            .bind(now())
            .bind(user_id)
            .bind(org_id)
            .execute(&mut *tx)
            .await?;
        if r.rows_affected() == 0 {
            return Err(UserError::NotFound.into());
        }
        keeps_an_admin(&mut tx, org).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn keeps_an_admin(conn: &mut sqlx::AnyConnection, org: Membership) -> Result<()> {
        let (sql, org_id) = member_sql(org);
        let admins: i64 = sqlx::query_scalar(sql.admins)
            .bind(org_id)
            .fetch_one(conn)
            .await?;
        if admins == 0 {
            return Err(UserError::LastAdmin.into());
        }
        Ok(())
    }
}

#[cfg(feature = "db")]
pub use store::{
    add_member, agencies, agency_approved, agency_name, company_name, create_admin, create_agency,
    create_company, invite_member, lock, members, remove_member, require_exists, set_agency_status,
    set_member_role,
};
