//! E-mail addresses, normalised so one person is one address.

use crate::error::UserError;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// A syntactically valid, normalised e-mail address (NFKC, trimmed, lower-case).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Normalises and checks an address typed by a person or exported by an ATS.
    pub fn parse(raw: &str) -> Result<Self, UserError> {
        // NFKC folds full-width characters (ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ) that Japanese IMEs produce.
        let s: String = raw.nfkc().collect::<String>().trim().to_lowercase();
        if s.is_empty() {
            return Err(UserError::Required);
        }
        if s.len() > 254 {
            return Err(UserError::TooLong);
        }
        let (local, domain) = s.rsplit_once('@').ok_or(UserError::InvalidEmail)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let domain_ok = domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok {
            Ok(Self(s))
        } else {
            Err(UserError::InvalidEmail)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
    }

    /// The mailbox behind the address, for telling people apart: without a `+tag`
    /// (`taro+1@example.jp` and `taro@example.jp` are one person).
    pub fn canonical(&self) -> String {
        match self.0.rsplit_once('@') {
            Some((local, domain)) => {
                let local = local.split_once('+').map_or(local, |(base, _)| base);
                format!("{local}@{domain}")
            }
            None => self.0.clone(),
        }
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

impl TryFrom<String> for Email {
    type Error = UserError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalises_case_space_and_full_width() {
        assert_eq!(
            Email::parse("  Taro@Example.JP ").unwrap().as_str(),
            "taro@example.jp"
        );
        assert_eq!(
            Email::parse("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ")
                .unwrap()
                .as_str(),
            "taro@example.jp"
        );
    }

    #[test]
    fn rejects_malformed_addresses() {
        for bad in [
            "",
            "taro",
            "taro@",
            "@example.jp",
            "taro@example",
            "ta ro@example.jp",
            "a..b@example.jp",
            "taro@-x.jp",
            "太郎@example.jp",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be rejected");
        }
        assert_eq!(Email::parse("   "), Err(UserError::Required));
    }

    proptest! {
        #[test]
        fn parsing_is_idempotent(local in "[a-z0-9._-]{1,20}", domain in "[a-z0-9]{1,10}\\.[a-z]{2,4}") {
            if let Ok(e) = Email::parse(&format!("{local}@{domain}")) {
                prop_assert_eq!(Email::parse(e.as_str()).unwrap(), e);
            }
        }
    }

    #[test]
    fn json_cannot_build_an_address_that_parse_refuses() {
        assert!(serde_json::from_str::<Email>("\"not an address\"").is_err());
        let e: Email = serde_json::from_str("\" Taro@Example.JP\"").unwrap();
        assert_eq!(e.as_str(), "taro@example.jp");
        assert_eq!(serde_json::to_string(&e).unwrap(), "\"taro@example.jp\"");
    }

    #[test]
    fn the_canonical_address_drops_the_plus_tag() {
        assert_eq!(
            Email::parse("Taro+jobs@Example.jp").unwrap().canonical(),
            "taro@example.jp"
        );
        assert_eq!(
            Email::parse("taro@example.jp").unwrap().canonical(),
            "taro@example.jp"
        );
    }
}
