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
    /// Opt-ins for one company from one network (/24, /64) within an hour that hold a relay.
    pub hold_network_optins: i64,
    /// Whether a relay from a disposable address domain is held (1) or not (0).
    pub hold_disposable: i64,
    /// Percentage points by which a company's share of never-confirmed opt-ins may exceed the
    /// platform's before its relays are held.
    pub hold_unconfirmed_points: i64,
    /// Opt-ins a company needs in the 30 days looked at before that share is judged.
    pub hold_unconfirmed_min: i64,
    /// Near-identical profiles for one company within a day that hold a relay.
    pub hold_similar_profiles: i64,
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
            hold_network_optins: 5,
            hold_disposable: 1,
            hold_unconfirmed_points: 30,
            hold_unconfirmed_min: 20,
            hold_similar_profiles: 5,
        }
    }
}

/// Every setting: its key, and the range an admin may set it to.
pub const RANGES: [(&str, i64, i64); 16] = [
    ("relays_per_credit", 1, 1000),
    ("placement_bonus", 0, 100),
    ("claim_days", 1, 365),
    ("attribution_days", 1, 3650),
    ("invitation_days", 1, 365),
    ("request_days", 7, 365),
    ("credit_months", 1, 60),
    ("followup_first_months", 1, 60),
    ("followup_second_months", 2, 120),
    ("retention_months", 6, 120),
    ("renewal_days", 7, 365),
    ("hold_network_optins", 2, 10_000),
    ("hold_disposable", 0, 1),
    ("hold_unconfirmed_points", 1, 100),
    ("hold_unconfirmed_min", 1, 100_000),
    ("hold_similar_profiles", 2, 10_000),
];

/// Reads and writes a setting, and its form field, by name: one list of the names for both.
macro_rules! by_name {
    ($($name:ident),+ $(,)?) => {
        impl Settings {
            /// The value of the setting named `key` (0 for a name that is not one).
            pub fn get(&self, key: &str) -> i64 {
                match key {
                    $(stringify!($name) => self.$name,)+
                    _ => 0,
                }
            }

            /// Sets the setting named `key` (a name that is not one changes nothing).
            pub fn set(&mut self, key: &str, value: i64) {
                match key {
                    $(stringify!($name) => self.$name = value,)+
                    _ => {}
                }
            }
        }

        impl SettingsInput {
            fn field_mut(&mut self, key: &str) -> Option<&mut String> {
                match key {
                    $(stringify!($name) => Some(&mut self.$name),)+
                    _ => None,
                }
            }

            /// The field named `key` as typed.
            pub fn field(&self, key: &str) -> &str {
                match key {
                    $(stringify!($name) => &self.$name,)+
                    _ => "",
                }
            }
        }
    };
}

by_name!(
    relays_per_credit,
    placement_bonus,
    claim_days,
    attribution_days,
    invitation_days,
    request_days,
    credit_months,
    followup_first_months,
    followup_second_months,
    retention_months,
    renewal_days,
    hold_network_optins,
    hold_disposable,
    hold_unconfirmed_points,
    hold_unconfirmed_min,
    hold_similar_profiles,
);

/// The admin's settings form: every setting as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsInput {
    #[serde(default)]
    pub relays_per_credit: String,
    #[serde(default)]
    pub placement_bonus: String,
    #[serde(default)]
    pub claim_days: String,
    #[serde(default)]
    pub attribution_days: String,
    #[serde(default)]
    pub invitation_days: String,
    #[serde(default)]
    pub request_days: String,
    #[serde(default)]
    pub credit_months: String,
    #[serde(default)]
    pub followup_first_months: String,
    #[serde(default)]
    pub followup_second_months: String,
    #[serde(default)]
    pub retention_months: String,
    #[serde(default)]
    pub renewal_days: String,
    #[serde(default)]
    pub hold_network_optins: String,
    #[serde(default)]
    pub hold_disposable: String,
    #[serde(default)]
    pub hold_unconfirmed_points: String,
    #[serde(default)]
    pub hold_unconfirmed_min: String,
    #[serde(default)]
    pub hold_similar_profiles: String,
}

impl SettingsInput {
    /// The form filled with `s`.
    pub fn of(s: &Settings) -> Self {
        let mut input = Self::default();
        for (key, _, _) in RANGES {
            if let Some(slot) = input.field_mut(key) {
                *slot = s.get(key).to_string();
            }
        }
        input
    }
}

/// Every setting checked against its range (whole numbers only), and the second follow-up after
/// the first; every field's error at once.
impl TryFrom<&SettingsInput> for Settings {
    type Error = Vec<crate::FieldError>;

    fn try_from(f: &SettingsInput) -> Result<Self, Self::Error> {
        use crate::{FieldError, UserError};
        let mut s = Settings::default();
        let mut errors = Vec::new();
        for (key, min, max) in RANGES {
            let raw = f.field(key).trim();
            let parsed = if raw.is_empty() {
                Err(UserError::Required)
            } else {
                match raw.parse::<i64>() {
                    Ok(n) if (min..=max).contains(&n) => Ok(n),
                    Ok(_) => Err(UserError::OutOfRange),
                    Err(_) => Err(UserError::InvalidNumber),
                }
            };
            match parsed {
                Ok(n) => s.set(key, n),
                Err(e) => errors.push(FieldError::new(key, e)),
            }
        }
        if errors.is_empty() && s.followup_second_months <= s.followup_first_months {
            errors.push(FieldError::new(
                "followup_second_months",
                UserError::InvalidRange,
            ));
        }
        if errors.is_empty() {
            Ok(s)
        } else {
            Err(errors)
        }
    }
}

#[cfg(feature = "db")]
mod store {
    use super::{Settings, RANGES};
    use crate::{db::Pool, error::Result, time::now};
    use sqlx::Row;

    /// Writes the defaults for any setting not stored yet.
    pub async fn ensure_defaults(pool: &Pool) -> Result<()> {
        let defaults = Settings::default();
        for (key, _, _) in RANGES {
            sqlx::query("INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING")
                .bind(key)
                .bind(defaults.get(key))
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
            s.set(&key, value);
        }
        Ok(s)
    }

    /// Stores every setting in one transaction.
    #[tracing::instrument(skip(pool))]
    pub async fn save(pool: &Pool, s: &Settings) -> Result<()> {
        let mut tx = crate::db::begin(pool).await?;
        for (key, _, _) in RANGES {
            sqlx::query("UPDATE settings SET value = $1, updated_at = $2 WHERE key = $3")
                .bind(s.get(key))
                .bind(now())
                .bind(key)
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

    fn form(pairs: &[(&str, &str)]) -> SettingsInput {
        let mut f = SettingsInput::of(&Settings::default());
        for (k, v) in pairs {
            *f.field_mut(k).unwrap() = (*v).to_owned();
        }
        f
    }

    #[test]
    fn every_setting_is_range_checked_and_all_errors_come_at_once() {
        let s =
            Settings::try_from(&form(&[("relays_per_credit", "5"), ("claim_days", "45")])).unwrap();
        assert_eq!((s.relays_per_credit, s.claim_days), (5, 45));
        assert_eq!(s.retention_months, 24);
        let errs = Settings::try_from(&form(&[
            ("relays_per_credit", "0"),
            ("placement_bonus", "x"),
            ("request_days", "3"),
            ("credit_months", ""),
        ]))
        .unwrap_err();
        let got: Vec<_> = errs.iter().map(|e| (e.field.as_str(), e.error)).collect();
        assert_eq!(
            got,
            [
                ("relays_per_credit", UserError::OutOfRange),
                ("placement_bonus", UserError::InvalidNumber),
                ("request_days", UserError::OutOfRange),
                ("credit_months", UserError::Required),
            ]
        );
    }

    #[test]
    fn the_second_follow_up_comes_after_the_first() {
        let errs = Settings::try_from(&form(&[
            ("followup_first_months", "12"),
            ("followup_second_months", "12"),
        ]))
        .unwrap_err();
        assert_eq!(errs[0].field, "followup_second_months");
        assert_eq!(errs[0].error, UserError::InvalidRange);
    }

    #[test]
    fn every_setting_reads_back_by_its_name() {
        let mut s = Settings::default();
        for (n, (key, _, _)) in RANGES.iter().enumerate() {
            s.set(key, n as i64 + 100);
        }
        for (n, (key, _, _)) in RANGES.iter().enumerate() {
            assert_eq!(s.get(key), n as i64 + 100, "{key}");
        }
        assert_eq!(SettingsInput::of(&s).field("renewal_days"), "110");
    }
}
