//! Held relays and the admin's review (docs/design.md, "Qualified relay"): a relay that tripped
//! a farming rule (`farming`) does not count until a platform admin approves it (it counts then,
//! exactly once, and may complete a credit) or rejects it (it never counts). Decisions come in
//! bulk and are audited one by one; two admins deciding the same relay at once decide it once.
//! The company sees how many of its relays wait, never which person or network.

use crate::farming::Rule;
use serde::{Deserialize, Serialize};

/// An admin's decision on held relays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    Approve,
    Reject,
}

impl Decision {
    pub fn parse(raw: &str) -> Result<Self, crate::UserError> {
        match raw {
            "approve" => Ok(Self::Approve),
            "reject" => Ok(Self::Reject),
            _ => Err(crate::UserError::InvalidChoice),
        }
    }

    /// The relay's status after it, and the audit action.
    #[cfg(feature = "db")]
    fn status(self) -> &'static str {
        match self {
            Self::Approve => "counted",
            Self::Reject => "rejected",
        }
    }

    #[cfg(feature = "db")]
    fn action(self) -> &'static str {
        match self {
            Self::Approve => "relay_approved",
            Self::Reject => "relay_rejected",
        }
    }
}

/// The most relays one decision takes (a page lists no more).
pub const MAX_DECIDED: usize = 500;

/// The review form as typed: the chosen relays and the button pressed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewInput {
    /// The ids of the checked relays.
    #[serde(default)]
    pub relays: Vec<String>,
    /// `approve` or `reject`.
    #[serde(default)]
    pub decision: String,
}

/// A checked review: at least one relay, at most `MAX_DECIDED`, each once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub relays: Vec<i64>,
    pub decision: Decision,
}

impl TryFrom<&ReviewInput> for Review {
    type Error = Vec<crate::FieldError>;

    fn try_from(f: &ReviewInput) -> Result<Self, Self::Error> {
        use crate::{FieldError, UserError};
        let mut errors = Vec::new();
        let decision = Decision::parse(&f.decision)
            .map_err(|e| errors.push(FieldError::new("decision", e)))
            .ok();
        let parsed: Result<Vec<i64>, _> = f
            .relays
            .iter()
            .map(|raw| {
                raw.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|id| *id > 0)
                    .ok_or(UserError::InvalidNumber)
            })
            .collect();
        let relays = match parsed {
            Ok(mut ids) => {
                ids.sort_unstable();
                ids.dedup();
                match ids.len() {
                    0 => Err(UserError::Required),
                    n if n > MAX_DECIDED => Err(UserError::OutOfRange),
                    _ => Ok(ids),
                }
            }
            Err(e) => Err(e),
        };
        let relays = relays
            .map_err(|e| errors.push(FieldError::new("relays", e)))
            .unwrap_or_default();
        match decision {
            Some(decision) if errors.is_empty() => Ok(Self { relays, decision }),
            _ => Err(errors),
        }
    }
}

/// Held relays of one company that tripped one rule, as the admin reviews them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldGroup {
    pub company_id: i64,
    pub company_name: String,
    pub rule: Rule,
    /// The evidence: each network prefix or mail domain (empty for the rules without one), with
    /// how many held relays it covers and the largest numbers that tripped the rule.
    pub evidence: Vec<Evidence>,
    /// The held relays, oldest first.
    pub relays: Vec<HeldRelay>,
}

/// One line of a group's evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub detail: String,
    pub relays: i64,
    pub amount: i64,
    pub baseline: i64,
    pub first_at: i64,
    pub last_at: i64,
}

/// A held relay: its id, when it qualified, and where its opt-in came from (a prefix).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldRelay {
    pub id: i64,
    pub qualified_at: i64,
    pub network: Option<String>,
}

/// What a decision did: how many relays it decided (the others were decided already).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Decided {
    pub decided: usize,
    pub already: usize,
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{credit, db, db::Pool, error::Result, farming::Signal, settings, time::now};
    use sqlx::Row;
    use std::collections::BTreeMap;

    /// Holds a relay just stored as held: its rules with their evidence, and one more in the
    /// company's count of relays under review.
    pub async fn hold(
        conn: &mut sqlx::AnyConnection,
        relay_id: i64,
        company_id: i64,
        signals: &[Signal],
        at: i64,
    ) -> Result<()> {
        for s in signals {
            sqlx::query(
                "INSERT INTO relay_holds (relay_id, company_id, rule, detail, amount, baseline, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(relay_id)
            .bind(company_id)
            .bind(s.rule.code())
            .bind(&s.detail)
            .bind(s.amount)
            .bind(s.baseline)
            .bind(at)
            .execute(&mut *conn)
            .await?;
        }
        sqlx::query("UPDATE companies SET held = held + 1 WHERE id = $1")
            .bind(company_id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// The held relays by company and rule, with their evidence, oldest relay first; at most
    /// `MAX_DECIDED` relays in all (the rest come once these are decided). Two statements.
    pub async fn held(pool: &Pool) -> Result<Vec<HeldGroup>> {
        let rows = sqlx::query(&format!(
            "SELECT r.id, r.qualified_at, r.network, h.company_id, c.name, h.rule
             FROM relays r JOIN relay_holds h ON h.relay_id = r.id JOIN companies c ON c.id = h.company_id
             WHERE r.status = 'held' AND r.id IN (SELECT id FROM {} WHERE status = 'held' ORDER BY id LIMIT $1)
             ORDER BY h.company_id, h.rule, r.id",
            // The oldest held relays, walked in order; not every relay by id (PostgreSQL), nor
            // every held one sorted (SQLite).
            db::indexed_by(pool, "relays", "relays_held"),
        ))
        .bind(MAX_DECIDED as i64)
        .fetch_all(pool)
        .await?;
        let mut groups: BTreeMap<(i64, String), HeldGroup> = BTreeMap::new();
        for r in &rows {
            let company_id: i64 = r.try_get("company_id")?;
            let code: String = r.try_get("rule")?;
            let Some(rule) = Rule::parse(&code) else {
                continue;
            };
            let group = groups
                .entry((company_id, code))
                .or_insert_with(|| HeldGroup {
                    company_id,
                    company_name: r.try_get("name").unwrap_or_default(),
                    rule,
                    evidence: Vec::new(),
                    relays: Vec::new(),
                });
            group.relays.push(HeldRelay {
                id: r.try_get("id")?,
                qualified_at: r.try_get("qualified_at")?,
                network: r.try_get("network")?,
            });
        }
        let evidence = sqlx::query(
            "SELECT h.company_id, h.rule, h.detail, CAST(COUNT(*) AS BIGINT) AS relays, CAST(MAX(h.amount) AS BIGINT) AS amount,
                    CAST(MAX(h.baseline) AS BIGINT) AS baseline, CAST(MIN(r.qualified_at) AS BIGINT) AS first_at, CAST(MAX(r.qualified_at) AS BIGINT) AS last_at
             FROM relays r JOIN relay_holds h ON h.relay_id = r.id
             WHERE r.status = 'held'
             GROUP BY h.company_id, h.rule, h.detail
             ORDER BY h.company_id, h.rule, h.detail",
        )
        .fetch_all(pool)
        .await?;
        for e in &evidence {
            let key = (e.try_get::<i64, _>("company_id")?, e.try_get("rule")?);
            if let Some(group) = groups.get_mut(&key) {
                group.evidence.push(Evidence {
                    detail: e.try_get("detail")?,
                    relays: e.try_get("relays")?,
                    amount: e.try_get("amount")?,
                    baseline: e.try_get("baseline")?,
                    first_at: e.try_get("first_at")?,
                    last_at: e.try_get("last_at")?,
                });
            }
        }
        Ok(groups.into_values().collect())
    }

    /// Decides the chosen relays that are still held, in one transaction: an approved relay
    /// counts now and may complete the company's credit; a rejected one never counts. Each
    /// decision is audited as the admin's. A relay someone else decided first is left alone, so
    /// two admins approving it at once count it once.
    #[tracing::instrument(skip(pool, review))]
    pub async fn decide(pool: &Pool, admin_user_id: i64, review: &Review) -> Result<Decided> {
        let mut tx = db::begin(pool).await?;
        let t = now();
        // The companies first, in order, as counting a relay does (company, then its relays):
        // the ids are whole numbers checked by `Review`.
        let list: Vec<String> = review.relays.iter().map(i64::to_string).collect();
        let companies: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT DISTINCT company_id FROM relays WHERE id IN ({}) ORDER BY company_id",
            list.join(", ")
        ))
        .fetch_all(&mut *tx)
        .await?;
        for &company in &companies {
            db::lock_company(&mut tx, company).await?;
        }
        let mut per_company: BTreeMap<i64, i64> = BTreeMap::new();
        let actor = format!("user:{admin_user_id}");
        for &id in &review.relays {
            let company: Option<i64> = sqlx::query_scalar(
                "UPDATE relays SET status = $1, decided_at = $2, updated_at = $2 WHERE id = $3 AND status = 'held' RETURNING company_id",
            )
            .bind(review.decision.status())
            .bind(t)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(company) = company {
                *per_company.entry(company).or_default() += 1;
                crate::audit::record(
                    &mut *tx,
                    &actor,
                    review.decision.action(),
                    &format!("relay:{id}"),
                )
                .await?;
            }
        }
        let s = settings::load(&mut *tx).await?;
        for (&company, &n) in &per_company {
            let counted = if review.decision == Decision::Approve {
                n
            } else {
                0
            };
            sqlx::query(
                "UPDATE companies SET held = held - $1, qualified = qualified + $2 WHERE id = $3",
            )
            .bind(n)
            .bind(counted)
            .bind(company)
            .execute(&mut *tx)
            .await?;
            if counted > 0 {
                credit::award_relay_credits(&mut tx, company, s.relays_per_credit).await?;
            }
        }
        tx.commit().await?;
        let decided = per_company.values().sum::<i64>() as usize;
        Ok(Decided {
            decided,
            already: review.relays.len() - decided,
        })
    }

    /// Held relays by rule over the platform (a relay that tripped two rules counts for each).
    pub async fn held_by_rule(pool: &Pool) -> Result<Vec<(Rule, i64)>> {
        let rows = sqlx::query(
            "SELECT h.rule, CAST(COUNT(*) AS BIGINT) AS n FROM relay_holds h JOIN relays r ON r.id = h.relay_id
             WHERE r.status = 'held' GROUP BY h.rule ORDER BY h.rule",
        )
        .fetch_all(pool)
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            if let Some(rule) = Rule::parse(&r.try_get::<String, _>("rule")?) {
                out.push((rule, r.try_get("n")?));
            }
        }
        Ok(out)
    }
}

#[cfg(feature = "db")]
pub use store::{decide, held, held_by_rule, hold};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UserError;

    fn input(relays: &[&str], decision: &str) -> ReviewInput {
        ReviewInput {
            relays: relays.iter().map(|r| (*r).to_owned()).collect(),
            decision: decision.into(),
        }
    }

    #[test]
    fn a_review_names_relays_once_and_a_decision() {
        let r = Review::try_from(&input(&["3", "1", "3"], "approve")).unwrap();
        assert_eq!(r.relays, [1, 3]);
        assert_eq!(r.decision, Decision::Approve);
        let errs = Review::try_from(&input(&[], "maybe")).unwrap_err();
        let got: Vec<_> = errs.iter().map(|e| (e.field.as_str(), e.error)).collect();
        assert_eq!(
            got,
            [
                ("decision", UserError::InvalidChoice),
                ("relays", UserError::Required)
            ]
        );
        let errs = Review::try_from(&input(&["1", "x"], "reject")).unwrap_err();
        assert_eq!(errs[0].error, UserError::InvalidNumber);
        let many: Vec<String> = (1..=MAX_DECIDED as i64 + 1)
            .map(|i| i.to_string())
            .collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(
            Review::try_from(&input(&many, "reject")).unwrap_err()[0].error,
            UserError::OutOfRange
        );
    }
}
