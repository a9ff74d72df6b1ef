//! Platform settings: the numbers docs/design.md leaves to the platform admin, stored in the database.

use serde::{Deserialize, Serialize};

/// The platform's tunable rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Qualified relays that earn one credit.
    pub relays_per_credit: i64,
    /// Credits added when a relayed candidate is placed.
    pub placement_bonus: i64,
    /// Days a claim lasts without recorded progress.
    pub claim_days: i64,
    /// Days within which a person counts only for the first company that relayed them.
    pub attribution_days: i64,
    /// Days an invited applicant has to consent before their name and address are deleted.
    pub invitation_days: i64,
    /// Days a free referral request stays open unless the company sets its own deadline.
    pub request_days: i64,
    /// Months after which an earned credit lapses.
    pub credit_months: i64,
    /// Months after opting in when a candidate is first asked whether they are still looking.
    pub followup_first_months: i64,
    /// Months after opting in when they are asked again.
    pub followup_second_months: i64,
    /// Months without activity after which a candidate is asked to renew their consent.
    pub retention_months: i64,
    /// Days a candidate has to answer the renewal before their data is anonymised.
    pub renewal_days: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            relays_per_credit: 10,
            placement_bonus: 1,
            claim_days: 30,
            attribution_days: 180,
            invitation_days: 30,
            request_days: 90,
            credit_months: 12,
            followup_first_months: 6,
            followup_second_months: 12,
            retention_months: 24,
            renewal_days: 30,
        }
    }
}

/// The credit rules an admin edits, each checked against its sensible range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreditRules {
    pub relays_per_credit: i64,
    pub placement_bonus: i64,
    /// Days a free referral request stays open by default (7 to 365).
    pub request_days: i64,
    /// Months after which an earned credit lapses (1 to 60).
    pub credit_months: i64,
}

impl CreditRules {
    /// Reads the rules as typed; every field's error at once.
    pub fn parse(
        relays_per_credit: &str,
        placement_bonus: &str,
        request_days: &str,
        credit_months: &str,
    ) -> Result<Self, Vec<crate::FieldError>> {
        use crate::{FieldError, UserError};
        let parse = |field: &str, raw: &str, min: i64, max: i64| -> Result<i64, FieldError> {
            let raw = raw.trim();
            if raw.is_empty() {
                return Err(FieldError::new(field, UserError::Required));
            }
            let n: i64 = raw
                .parse()
                .map_err(|_| FieldError::new(field, UserError::InvalidNumber))?;
            if (min..=max).contains(&n) {
                Ok(n)
            } else {
                Err(FieldError::new(field, UserError::OutOfRange))
            }
        };
        let per = parse("relays_per_credit", relays_per_credit, 1, 1000);
        let bonus = parse("placement_bonus", placement_bonus, 0, 100);
        let days = parse("request_days", request_days, 7, 365);
        let months = parse("credit_months", credit_months, 1, 60);
        match (per, bonus, days, months) {
            (Ok(relays_per_credit), Ok(placement_bonus), Ok(request_days), Ok(credit_months)) => {
                Ok(Self {
                    relays_per_credit,
                    placement_bonus,
                    request_days,
                    credit_months,
                })
            }
            (per, bonus, days, months) => Err([per.err(), bonus.err(), days.err(), months.err()]
                .into_iter()
                .flatten()
                .collect()),
        }
    }
}

impl Settings {
    /// These settings with other credit rules.
    pub fn with(self, rules: CreditRules) -> Self {
        Self {
            relays_per_credit: rules.relays_per_credit,
            placement_bonus: rules.placement_bonus,
            request_days: rules.request_days,
            credit_months: rules.credit_months,
            ..self
        }
    }

    /// Checks the settings an admin edits; each must stay in a sensible range.
    pub fn with_credit_rules(
        self,
        relays_per_credit: &str,
        placement_bonus: &str,
        request_days: &str,
        credit_months: &str,
    ) -> Result<Self, Vec<crate::FieldError>> {
        CreditRules::parse(
            relays_per_credit,
            placement_bonus,
            request_days,
            credit_months,
        )
        .map(|r| self.with(r))
    }
}

#[cfg(feature = "db")]
mod store {
    use super::Settings;
    use crate::{db::Pool, error::Result, time::now};
    use sqlx::Row;

    const KEYS: [&str; 11] = [
        "relays_per_credit",
        "placement_bonus",
        "claim_days",
        "attribution_days",
        "invitation_days",
        "request_days",
        "credit_months",
        "followup_first_months",
        "followup_second_months",
        "retention_months",
        "renewal_days",
    ];

    fn values(s: &Settings) -> [i64; 11] {
        [
            s.relays_per_credit,
            s.placement_bonus,
            s.claim_days,
            s.attribution_days,
            s.invitation_days,
            s.request_days,
            s.credit_months,
            s.followup_first_months,
            s.followup_second_months,
            s.retention_months,
            s.renewal_days,
        ]
    }

    /// Writes the defaults for any setting not stored yet.
    pub async fn ensure_defaults(pool: &Pool) -> Result<()> {
        let defaults = Settings::default();
        for (key, value) in KEYS.iter().zip(values(&defaults)) {
            sqlx::query("INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING")
                .bind(*key)
                .bind(value)
                .bind(now())
                .execute(pool)
                .await?;
        }
        Ok(())
    }

    /// The settings in force.
    pub async fn load<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(db: E) -> Result<Settings> {
        let rows = sqlx::query("SELECT key, value FROM settings")
            .fetch_all(db)
            .await?;
        let mut s = Settings::default();
        for row in rows {
            let key: String = row.try_get("key")?;
            let value: i64 = row.try_get("value")?;
            match key.as_str() {
                "relays_per_credit" => s.relays_per_credit = value,
                "placement_bonus" => s.placement_bonus = value,
                "claim_days" => s.claim_days = value,
                "attribution_days" => s.attribution_days = value,
                "invitation_days" => s.invitation_days = value,
                "request_days" => s.request_days = value,
                "credit_months" => s.credit_months = value,
                "followup_first_months" => s.followup_first_months = value,
                "followup_second_months" => s.followup_second_months = value,
                "retention_months" => s.retention_months = value,
                "renewal_days" => s.renewal_days = value,
                _ => {}
            }
        }
        Ok(s)
    }

    /// Stores every setting in one transaction.
    #[tracing::instrument(skip(pool))]
    pub async fn save(pool: &Pool, s: &Settings) -> Result<()> {
        let mut tx = crate::db::begin(pool).await?;
        for (key, value) in KEYS.iter().zip(values(s)) {
            sqlx::query("UPDATE settings SET value = $1, updated_at = $2 WHERE key = $3")
                .bind(value)
                .bind(now())
                .bind(*key)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(feature = "db")]
pub use store::{ensure_defaults, load, save};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UserError;

    #[test]
    fn credit_rules_are_range_checked() {
        let s = Settings::default()
            .with_credit_rules("5", "2", "60", "6")
            .unwrap();
        assert_eq!(
            (
                s.relays_per_credit,
                s.placement_bonus,
                s.request_days,
                s.credit_months
            ),
            (5, 2, 60, 6)
        );
        let errs = Settings::default()
            .with_credit_rules("0", "x", "3", "")
            .unwrap_err();
        assert_eq!(errs[0].error, UserError::OutOfRange);
        assert_eq!(errs[1].error, UserError::InvalidNumber);
        assert_eq!(
            (errs[2].field.as_str(), errs[2].error),
            ("request_days", UserError::OutOfRange)
        );
        assert_eq!(
            (errs[3].field.as_str(), errs[3].error),
            ("credit_months", UserError::Required)
        );
    }
}
