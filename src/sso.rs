//! Single sign-on rules: which identity provider an organisation's staff sign in with, the
//! e-mail domains that lead there, and who may join an organisation through it. The protocol
//! itself (OpenID Connect) lives in the server; this module decides what a verified identity is
//! allowed to become.

use crate::UserError;
use serde::{Deserialize, Serialize};

/// How an organisation's staff sign in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSso {
    /// The configured provider staff are sent to, if any.
    pub provider: Option<String>,
    /// The organisation's own e-mail domains, verified by the platform admin who bound them.
    pub domains: Vec<String>,
    /// Anyone with a verified address at one of the domains may join through the provider.
    pub domain_join: bool,
    /// Staff may also sign in with mailed one-time links.
    pub email_links: bool,
}

/// An organisation bound to a provider or to domains, as the platform admin sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoBinding {
    /// `company` or `agency`.
    pub kind: String,
    pub id: i64,
    pub name: String,
    pub provider: Option<String>,
    pub domains: Vec<String>,
}

/// Reads a list of domains as typed (one per line or separated by commas or spaces):
/// lower-cased, without a leading `@`, each made of letters, digits and hyphens with at least
/// one dot. Full-width characters are read as their ASCII forms.
pub fn parse_domains(raw: &str) -> Result<Vec<String>, UserError> {
    use unicode_normalization::UnicodeNormalization;
    let mut out: Vec<String> = Vec::new();
    let text: String = raw.nfkc().collect();
    for part in text.split(|c: char| c == ',' || c.is_whitespace()) {
        let d = part.trim().trim_start_matches('@').to_ascii_lowercase();
        if d.is_empty() {
            continue;
        }
        let labels_ok = d.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
        if !labels_ok || !d.contains('.') || d.len() > 253 {
            return Err(UserError::InvalidDomain);
        }
        if !out.contains(&d) {
            out.push(d);
        }
    }
    if out.len() > 20 {
        return Err(UserError::OutOfRange);
    }
    Ok(out)
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{
        auth::Subject,
        db::{OnUnique, Pool},
        email::Email,
        error::Result,
        org::Membership,
        time::now,
        FieldError,
    };
    use sqlx::Row;

    /// The statements for each kind of organisation (plain SQL per table).
    struct SsoSql {
        read: &'static str,
        domains: &'static str,
        clear_domains: &'static str,
        add_domain: &'static str,
        bind: &'static str,
        policy: &'static str,
    }

    const COMPANY: SsoSql = SsoSql {
        read: "SELECT sso_provider, sso_domain_join, staff_email_links FROM companies WHERE id = $1",
        domains: "SELECT domain FROM org_domains WHERE company_id = $1 ORDER BY domain",
        clear_domains: "DELETE FROM org_domains WHERE company_id = $1",
        add_domain: "INSERT INTO org_domains (domain, company_id, created_at, updated_at) VALUES ($1, $2, $3, $3)",
        bind: "UPDATE companies SET sso_provider = $1, staff_email_links = CASE WHEN $1 IS NULL THEN 1 ELSE staff_email_links END, updated_at = $2 WHERE id = $3",
        policy: "UPDATE companies SET sso_domain_join = $1, staff_email_links = $2, updated_at = $3 WHERE id = $4",
    };

    const AGENCY: SsoSql = SsoSql {
        read: "SELECT sso_provider, sso_domain_join, staff_email_links FROM agencies WHERE id = $1",
        domains: "SELECT domain FROM org_domains WHERE agency_id = $1 ORDER BY domain",
        clear_domains: "DELETE FROM org_domains WHERE agency_id = $1",
        add_domain: "INSERT INTO org_domains (domain, agency_id, created_at, updated_at) VALUES ($1, $2, $3, $3)",
        bind: "UPDATE agencies SET sso_provider = $1, staff_email_links = CASE WHEN $1 IS NULL THEN 1 ELSE staff_email_links END, updated_at = $2 WHERE id = $3",
        policy: "UPDATE agencies SET sso_domain_join = $1, staff_email_links = $2, updated_at = $3 WHERE id = $4",
    };

    fn sql(org: Membership) -> (&'static SsoSql, i64) {
        match org {
            Membership::Company(id) => (&COMPANY, id),
            Membership::Agency(id) => (&AGENCY, id),
        }
    }

    /// How an organisation's staff sign in; `NotFound` for an unknown organisation.
    pub async fn org_sso(pool: &Pool, org: Membership) -> Result<OrgSso> {
        let (sql, id) = sql(org);
        let row = sqlx::query(sql.read)
            .bind(id)
            .fetch_optional(pool)
            .await?
            .ok_or(UserError::NotFound)?;
        let domains = sqlx::query_scalar(sql.domains)
            .bind(id)
            .fetch_all(pool)
            .await?;
        Ok(OrgSso {
            provider: row.try_get("sso_provider")?,
            domains,
            domain_join: row.try_get::<i64, _>("sso_domain_join")? != 0,
            email_links: row.try_get::<i64, _>("staff_email_links")? != 0,
        })
    }

    /// Binds an organisation to a provider (`None` unbinds it, and staff may use mailed links
    /// again) and to its e-mail domains, replacing the earlier ones. The platform admin does this
    /// after checking that the organisation owns the domains. A domain of another organisation
    /// is refused and nothing changes.
    #[tracing::instrument(skip(pool, raw_domains))]
    pub async fn bind(
        pool: &Pool,
        org: Membership,
        provider: Option<&str>,
        raw_domains: &str,
    ) -> Result<()> {
        let domains =
            parse_domains(raw_domains).map_err(|e| vec![FieldError::new("domains", e)])?;
        let (sql, id) = sql(org);
        let t = now();
        let mut tx = crate::db::begin(pool).await?;
        crate::org::lock(&mut tx, org).await?;
        let r = sqlx::query(sql.bind)
            .bind(provider)
            .bind(t)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if r.rows_affected() == 0 {
            return Err(UserError::NotFound.into());
        }
        sqlx::query(sql.clear_domains)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for d in &domains {
            sqlx::query(sql.add_domain)
                .bind(d)
                .bind(id)
                .bind(t)
                .execute(&mut *tx)
                .await
                .on_unique(vec![FieldError::new("domains", UserError::DomainTaken)])?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The organisation's admins decide whether their verified domains may join through SSO and
    /// whether staff may still use mailed links; turning links off needs a bound provider, or
    /// nobody could sign in.
    #[tracing::instrument(skip(pool))]
    pub async fn set_policy(
        pool: &Pool,
        org: Membership,
        domain_join: bool,
        email_links: bool,
    ) -> Result<()> {
        let (sql, id) = sql(org);
        let mut tx = crate::db::begin(pool).await?;
        crate::org::lock(&mut tx, org).await?;
        let provider: Option<String> = sqlx::query_scalar(sql.read)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(UserError::NotFound)?;
        if provider.is_none() && !email_links {
            return Err(UserError::SsoNotBound.into());
        }
        sqlx::query(sql.policy)
            .bind(domain_join as i64)
            .bind(email_links as i64)
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The organisation a staff member belongs to, with its provider and whether it allows
    /// mailed links; `None` for platform admins and removed staff.
    async fn staff_org<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
        db: E,
        user_id: i64,
    ) -> Result<Option<(Membership, Option<String>, bool)>> {
        let row = sqlx::query(
            "SELECT u.company_id, u.agency_id,
                    COALESCE(c.sso_provider, a.sso_provider) AS provider,
                    COALESCE(c.staff_email_links, a.staff_email_links, 1) AS links
             FROM users u
             LEFT JOIN companies c ON c.id = u.company_id
             LEFT JOIN agencies a ON a.id = u.agency_id
             WHERE u.id = $1",
        )
        .bind(user_id)
        .fetch_optional(db)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let Some(org) = Membership::of(row.try_get("company_id")?, row.try_get("agency_id")?)
        else {
            return Ok(None);
        };
        Ok(Some((
            org,
            row.try_get("provider")?,
            row.try_get::<i64, _>("links")? != 0,
        )))
    }

    /// The provider a sign-in for this address goes to instead of a mailed link: for staff, their
    /// own organisation's, when it allows no links or owns the address's domain; for an unknown
    /// address, the provider of the organisation that owns its domain (a first SSO sign-in may
    /// join it). Candidates, platform admins and staff of other organisations get links.
    pub async fn provider_for(
        pool: &Pool,
        email: &Email,
        subject: Option<Subject>,
    ) -> Result<Option<String>> {
        let owner = sqlx::query(
            "SELECT d.company_id, d.agency_id, COALESCE(c.sso_provider, a.sso_provider) AS provider
             FROM org_domains d
             LEFT JOIN companies c ON c.id = d.company_id
             LEFT JOIN agencies a ON a.id = d.agency_id
             WHERE d.domain = $1",
        )
        .bind(email.domain())
        .fetch_optional(pool)
        .await?;
        let owner = match owner {
            Some(row) => Membership::of(row.try_get("company_id")?, row.try_get("agency_id")?)
                .zip(row.try_get::<Option<String>, _>("provider")?),
            None => None,
        };
        Ok(match subject {
            Some(Subject::Candidate(_)) => None,
            Some(Subject::User(id)) => match staff_org(pool, id).await? {
                Some((_, Some(p), false)) => Some(p),
                Some((org, Some(p), true)) if owner.as_ref().is_some_and(|(o, _)| *o == org) => {
                    Some(p)
                }
                _ => None,
            },
            None => owner.map(|(_, p)| p),
        })
    }

    /// Whether a mailed link may sign this person in (staff of an SSO-only organisation may not).
    pub async fn links_allowed(pool: &Pool, subject: Subject) -> Result<bool> {
        Ok(match subject {
            Subject::Candidate(_) => true,
            Subject::User(id) => !matches!(staff_org(pool, id).await?, Some((_, Some(_), false))),
        })
    }

    /// Every organisation bound to a provider or to domains (the first thousand domains).
    pub async fn bindings(pool: &Pool) -> Result<Vec<SsoBinding>> {
        let rows = sqlx::query(
            "SELECT 'company' AS kind, c.id, c.name, c.sso_provider, d.domain
             FROM companies c LEFT JOIN org_domains d ON d.company_id = c.id
             WHERE c.sso_provider IS NOT NULL OR d.domain IS NOT NULL
             UNION ALL
             SELECT 'agency' AS kind, a.id, a.name, a.sso_provider, d.domain
             FROM agencies a LEFT JOIN org_domains d ON d.agency_id = a.id
             WHERE a.sso_provider IS NOT NULL OR d.domain IS NOT NULL
             ORDER BY kind, id, domain LIMIT 1000",
        )
        .fetch_all(pool)
        .await?;
        let mut out: Vec<SsoBinding> = Vec::new();
        for row in rows {
            let kind: String = row.try_get("kind")?;
            let id: i64 = row.try_get("id")?;
            let domain: Option<String> = row.try_get("domain")?;
            match out.last_mut() {
                Some(b) if b.kind == kind && b.id == id => b.domains.extend(domain),
                _ => out.push(SsoBinding {
                    kind,
                    id,
                    name: row.try_get("name")?,
                    provider: row.try_get("sso_provider")?,
                    domains: domain.into_iter().collect(),
                }),
            }
        }
        Ok(out)
    }

    /// What a provider vouched for: its subject, the address, and whether it verified it.
    #[derive(Debug, Clone)]
    pub struct Identity {
        pub provider: String,
        pub subject: String,
        pub email: Email,
        pub email_verified: bool,
    }

    /// Decides whom a verified SSO identity signs in, linking or creating the staff account:
    /// an identity seen before signs in its account while that account's organisation still uses
    /// this provider; otherwise a verified address signs in the invited (or existing) member of an
    /// organisation bound to this provider, or joins the organisation that owns its domain when
    /// that organisation allows it. Everything else is refused with the reason, and nothing is
    /// written.
    #[tracing::instrument(skip_all, fields(provider = %id.provider))]
    pub async fn sign_in(pool: &Pool, id: &Identity) -> Result<i64> {
        let mut tx = crate::db::begin(pool).await?;
        let known: Option<i64> = sqlx::query_scalar(
            "SELECT user_id FROM sso_identities WHERE provider = $1 AND subject = $2",
        )
        .bind(&id.provider)
        .bind(&id.subject)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(user) = known {
            return match staff_org(&mut *tx, user).await? {
                Some((_, Some(p), _)) if p == id.provider => Ok(user),
                _ => Err(UserError::SsoNotMember.into()),
            };
        }
        if !id.email_verified {
            return Err(UserError::SsoEmailUnverified.into());
        }
        let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(id.email.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        let user = match existing {
            Some(user) => match staff_org(&mut *tx, user).await? {
                Some((_, Some(p), _)) if p == id.provider => user,
                Some(_) => return Err(UserError::SsoNoOrganisation.into()),
                // Removed staff come back only by a new invitation.
                None => return Err(UserError::SsoNotInvited.into()),
            },
            None => join_by_domain(&mut tx, id).await?,
        };
        sqlx::query(
            "INSERT INTO sso_identities (provider, subject, user_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(&id.provider)
        .bind(&id.subject)
        .bind(user)
        .bind(now())
        .execute(&mut *tx)
        .await
        // The same identity signed in twice at once: the other sign-in linked it.
        .none_on_unique()?;
        tx.commit().await?;
        Ok(user)
    }

    /// A new member from the organisation that owns the address's domain, if it is bound to this
    /// provider and lets its domain join.
    async fn join_by_domain(
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        id: &Identity,
    ) -> Result<i64> {
        let row = sqlx::query(
            "SELECT d.company_id, d.agency_id,
                    COALESCE(c.sso_provider, a.sso_provider) AS provider,
                    COALESCE(c.sso_domain_join, a.sso_domain_join) AS domain_join
             FROM org_domains d
             LEFT JOIN companies c ON c.id = d.company_id
             LEFT JOIN agencies a ON a.id = d.agency_id
             WHERE d.domain = $1",
        )
        .bind(id.email.domain())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(UserError::SsoNoOrganisation)?;
        if row.try_get::<Option<String>, _>("provider")?.as_deref() != Some(id.provider.as_str()) {
            return Err(UserError::SsoNoOrganisation.into());
        }
        if row.try_get::<i64, _>("domain_join")? == 0 {
            return Err(UserError::SsoNotInvited.into());
        }
        let (kind, company, agency) = match (
            row.try_get::<Option<i64>, _>("company_id")?,
            row.try_get::<Option<i64>, _>("agency_id")?,
        ) {
            (Some(c), _) => ("company", Some(c), None),
            (None, a) => ("agency", None, a),
        };
        sqlx::query_scalar(
            "INSERT INTO users (email, kind, company_id, agency_id, member_role, created_at, updated_at) VALUES ($1, $2, $3, $4, 'member', $5, $5) RETURNING id",
        )
        .bind(id.email.as_str())
        .bind(kind)
        .bind(company)
        .bind(agency)
        .bind(now())
        .fetch_one(&mut **tx)
        .await
        .on_unique(UserError::SsoFailed)
    }
}

#[cfg(feature = "db")]
pub use store::{
    bind, bindings, links_allowed, org_sso, provider_for, set_policy, sign_in, Identity,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_read_as_typed_and_checked() {
        assert_eq!(
            parse_domains(" @Example.co.jp, sub.example.jp\nexample.co.jp ").unwrap(),
            vec!["example.co.jp".to_owned(), "sub.example.jp".to_owned()]
        );
        assert_eq!(
            parse_domains("ｅｘａｍｐｌｅ．ｊｐ").unwrap(),
            vec!["example.jp".to_owned()]
        );
        assert_eq!(parse_domains("").unwrap(), Vec::<String>::new());
        for bad in ["localhost", "exa mple..jp", "-x.jp", "x_y.jp", "例え.jp"] {
            assert!(parse_domains(bad).is_err(), "{bad}");
        }
    }
}
