//! Credit farming (docs/design.md, "Qualified relay"): signals that a company's relays are not
//! people looking for a job but addresses made up to earn credits. Each signal is a named rule
//! with a threshold in the platform settings; a relay that trips one is held for the admin's
//! review (see `review`) instead of counting.
//!
//! The rules look only at what the portal keeps anyway, and at the network an opt-in came from
//! as a prefix (/24 for IPv4, /64 for IPv6), never the address itself.

use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// A farming rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Rule {
    /// Many opt-ins for one company from one network within an hour before or after a relay's.
    Network,
    /// An address at a disposable mail domain.
    Disposable,
    /// A company whose share of never-confirmed opt-ins is far above the platform's.
    Unconfirmed,
    /// A burst of near-identical profiles for one company within a day.
    Similar,
}

impl Rule {
    pub const ALL: [Rule; 4] = [
        Rule::Network,
        Rule::Disposable,
        Rule::Unconfirmed,
        Rule::Similar,
    ];

    /// The rule's name as stored.
    pub fn code(self) -> &'static str {
        match self {
            Rule::Network => "network",
            Rule::Disposable => "disposable",
            Rule::Unconfirmed => "unconfirmed",
            Rule::Similar => "similar",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// A rule a relay tripped, with the evidence the admin sees: a network prefix or a mail domain
/// (`detail`), and the numbers that tripped it (`amount` against `baseline`: opt-ins from the
/// network against the threshold, the company's share of never-confirmed opt-ins against the
/// platform's, near-identical profiles against the threshold).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signal {
    pub rule: Rule,
    pub detail: String,
    pub amount: i64,
    pub baseline: i64,
}

/// How long the network rule looks either side of an opt-in, and the profile rule back.
pub const NETWORK_WINDOW: i64 = 3600;
pub const SIMILAR_WINDOW: i64 = 86_400;
/// The opt-ins the never-confirmed share is taken over: those of the last 30 days that are at
/// least a day old (younger ones may still confirm).
pub const UNCONFIRMED_SPAN: i64 = 30 * 86_400;
pub const UNCONFIRMED_GRACE: i64 = 86_400;

/// The network an address belongs to, as a prefix: `/24` for IPv4, `/64` for IPv6 (an IPv4
/// address inside IPv6 counts as IPv4). Addresses that are not on the public internet (loopback,
/// private, link-local, unique-local) have none: behind a proxy that does not pass the client's
/// address, every opt-in would share one and all would be held.
pub fn network(ip: IpAddr) -> Option<String> {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            // Also shared address space (carrier-grade NAT, 100.64.0.0/10), the protocol
            // assignments (192.0.0.0/24) and benchmarking (198.18.0.0/15).
            let shared = a == 100 && (64..128).contains(&b);
            let special = (a, b, c) == (192, 0, 0) || (a == 198 && (b == 18 || b == 19));
            if v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || shared
                || special
            {
                return None;
            }
            Some(format!("{a}.{b}.{c}.0/24"))
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let unique_local = s[0] & 0xfe00 == 0xfc00;
            let link_local = s[0] & 0xffc0 == 0xfe80;
            if v6.is_loopback() || v6.is_unspecified() || unique_local || link_local {
                return None;
            }
            Some(format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3]))
        }
    }
}

/// Whether the address's domain (or a domain it is under) is a disposable (throwaway) mail
/// service, by the list the `mailchecker` crate maintains. Only the domain is looked at.
#[cfg(feature = "db")]
pub fn disposable(email: &crate::Email) -> bool {
    let domain = email.domain().to_ascii_lowercase();
    domain.is_ascii() && !mailchecker::is_valid(&format!("x@{domain}"))
}

/// A profile's shape for telling near-identical ones apart: everything but the person (name,
/// kana, phone), in NFKC, lower case, without spaces or punctuation, so that profiles copied
/// with other spacing, widths or separators have the same shape.
pub fn profile_shape(fields: &[&str]) -> String {
    use unicode_normalization::UnicodeNormalization;
    fields
        .iter()
        .map(|f| {
            f.nfkc()
                .flat_map(char::to_lowercase)
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("|")
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{email::Email, error::Result, settings::Settings};
    use sqlx::Row;

    /// What the rules found about a relay: the network its opt-in came from, the keyed hash of
    /// the profile's shape, and the rules it tripped (none: it counts).
    #[derive(Debug, Clone, Default)]
    pub struct Examined {
        pub network: Option<String>,
        pub fingerprint: Option<String>,
        pub signals: Vec<Signal>,
    }

    /// Runs every rule on the candidate's relay for the company at `now`.
    pub async fn examine(
        conn: &mut sqlx::AnyConnection,
        candidate_id: i64,
        company_id: i64,
        s: &Settings,
        now: i64,
    ) -> Result<Examined> {
        let row = sqlx::query(
            "SELECT c.email, c.prefecture, c.job_types, c.skills, c.years_experience, c.desired_salary, c.languages, c.summary, e.network, e.created_at AS opted_in
             FROM candidates c LEFT JOIN relay_events e ON e.candidate_id = c.id AND e.company_id = $2
             WHERE c.id = $1",
        )
        .bind(candidate_id)
        .bind(company_id)
        .fetch_one(&mut *conn)
        .await?;
        let mut signals = Vec::new();
        let network: Option<String> = row.try_get("network")?;
        let opted_in: i64 = row.try_get::<Option<i64>, _>("opted_in")?.unwrap_or(now);
        if let Some(net) = &network {
            let opt_ins: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM relay_events WHERE company_id = $1 AND network = $2 AND created_at >= $3 AND created_at <= $4",
            )
            .bind(company_id)
            .bind(net)
            .bind(opted_in - NETWORK_WINDOW)
            .bind(opted_in + NETWORK_WINDOW)
            .fetch_one(&mut *conn)
            .await?;
            if opt_ins >= s.hold_network_optins {
                signals.push(Signal {
                    rule: Rule::Network,
                    detail: net.clone(),
                    amount: opt_ins,
                    baseline: s.hold_network_optins,
                });
            }
        }
        let email = row
            .try_get::<Option<String>, _>("email")?
            .and_then(|e| Email::parse(&e).ok());
        if let Some(email) = email.filter(|e| s.hold_disposable == 1 && disposable(e)) {
            signals.push(Signal {
                rule: Rule::Disposable,
                detail: email.domain().to_owned(),
                amount: 1,
                baseline: 1,
            });
        }
        if let Some(signal) = unconfirmed(conn, company_id, s, now).await? {
            signals.push(signal);
        }
        let text = |name: &str| -> Result<String> {
            Ok(row.try_get::<Option<String>, _>(name)?.unwrap_or_default())
        };
        let number = |name: &str| -> Result<String> {
            Ok(row
                .try_get::<Option<i64>, _>(name)?
                .map_or(String::new(), |n| n.to_string()))
        };
        let (skills, summary) = (text("skills")?, text("summary")?);
        let shape = profile_shape(&[
            &number("prefecture")?,
            &text("job_types")?,
            &skills,
            &number("years_experience")?,
            &number("desired_salary")?,
            &text("languages")?,
            &summary,
        ]);
        let pepper = crate::person::pepper(conn).await?;
        let fingerprint = crate::token::keyed_hash(&pepper, &format!("profile:{shape}"));
        let alike: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM relays WHERE company_id = $1 AND fingerprint = $2 AND qualified_at >= $3",
        )
        .bind(company_id)
        .bind(&fingerprint)
        .bind(now - SIMILAR_WINDOW)
        .fetch_one(&mut *conn)
        .await?;
        // This relay is one of them. A profile without skills or a summary has too little of
        // its own to call a copy: many real people are "Tokyo, sales, 3 years".
        let worded = !skills.trim().is_empty() || !summary.trim().is_empty();
        if worded && alike + 1 >= s.hold_similar_profiles {
            signals.push(Signal {
                rule: Rule::Similar,
                detail: String::new(),
                amount: alike + 1,
                baseline: s.hold_similar_profiles,
            });
        }
        Ok(Examined {
            network,
            fingerprint: Some(fingerprint),
            signals,
        })
    }

    /// The never-confirmed rule: the company's share of never-confirmed opt-ins over the span,
    /// in percent, against the platform's, once the company has enough opt-ins to judge.
    async fn unconfirmed(
        conn: &mut sqlx::AnyConnection,
        company_id: i64,
        s: &Settings,
        now: i64,
    ) -> Result<Option<Signal>> {
        let (from, to) = (now - UNCONFIRMED_SPAN, now - UNCONFIRMED_GRACE);
        let share = |row: sqlx::any::AnyRow| -> Result<(i64, i64)> {
            let all: i64 = row.try_get("all_opt_ins")?;
            let never: i64 = row.try_get("never")?;
            Ok((all, if all == 0 { 0 } else { never * 100 / all }))
        };
        const COUNTS: &str = "SELECT CAST(COUNT(*) AS BIGINT) AS all_opt_ins, CAST(COALESCE(SUM(CASE WHEN email_confirmed_at IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS never FROM candidates";
        let (all, company) = share(
            sqlx::query(&format!(
                "{COUNTS} WHERE company_id = $1 AND created_at >= $2 AND created_at < $3"
            ))
            .bind(company_id)
            .bind(from)
            .bind(to)
            .fetch_one(&mut *conn)
            .await?,
        )?;
        // The platform's share is at least 0, so a company below the margin cannot be above it.
        if all < s.hold_unconfirmed_min || company < s.hold_unconfirmed_points {
            return Ok(None);
        }
        let (_, platform) = share(
            sqlx::query(&format!(
                "{COUNTS} WHERE created_at >= $1 AND created_at < $2"
            ))
            .bind(from)
            .bind(to)
            .fetch_one(&mut *conn)
            .await?,
        )?;
        Ok(
            (company >= platform + s.hold_unconfirmed_points).then_some(Signal {
                rule: Rule::Unconfirmed,
                detail: String::new(),
                amount: company,
                baseline: platform,
            }),
        )
    }
}

#[cfg(feature = "db")]
pub use store::{examine, Examined};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_network_is_the_prefix_never_the_address() {
        let net = |s: &str| network(s.parse().unwrap());
        assert_eq!(net("203.0.113.57").as_deref(), Some("203.0.113.0/24"));
        assert_eq!(net("::ffff:203.0.113.9").as_deref(), Some("203.0.113.0/24"));
        assert_eq!(
            net("2001:db8:12:34:abcd::1").as_deref(),
            Some("2001:db8:12:34::/64")
        );
    }

    #[test]
    fn addresses_off_the_internet_have_no_network() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.5",
            "169.254.1.1",
            "100.64.0.9",
            "100.127.1.1",
            "198.18.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
        ] {
            assert_eq!(network(ip.parse().unwrap()), None, "{ip}");
        }
    }

    #[test]
    fn profiles_copied_with_other_spacing_or_widths_have_one_shape() {
        assert_eq!(
            profile_shape(&["13", "sales", "法人営業, Excel", "経理の経験があります。"]),
            profile_shape(&[
                "13",
                "sales",
                "法人営業、 ＥＸＣＥＬ",
                "経理の経験が あります"
            ])
        );
        assert_ne!(
            profile_shape(&["13", "sales", "法人営業", ""]),
            profile_shape(&["14", "sales", "法人営業", ""])
        );
    }

    #[cfg(feature = "db")]
    #[test]
    fn disposable_domains_come_from_the_kept_list() {
        let d = |e: &str| disposable(&crate::Email::parse(e).unwrap());
        assert!(d("someone@mailinator.com"));
        assert!(d("someone@sub.yopmail.com"));
        assert!(!d("someone@example.jp"));
        assert!(!d("someone@docomo.ne.jp"));
    }

    #[test]
    fn rules_read_back_by_their_names() {
        for r in Rule::ALL {
            assert_eq!(Rule::parse(r.code()), Some(r));
        }
        assert_eq!(Rule::parse("other"), None);
    }
}
