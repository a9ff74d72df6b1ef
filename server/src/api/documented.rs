//! What the document states more strictly than the portal's forms take it: people typing into a
//! form get full-width characters folded, spaces trimmed and commas in fees forgiven; the API takes
//! values exactly as its document writes them, so that what it allows is exactly what is taken.

use career_relay::field;

/// Whether `raw` matches one of the document's patterns (each compiled once).
macro_rules! matches_pattern {
    ($pattern:expr, $raw:expr) => {{
        static PATTERN: std::sync::LazyLock<regex::Regex> =
            // The patterns are constants of the core, checked by its tests and the contract run.
            std::sync::LazyLock::new(|| regex::Regex::new($pattern).expect("a valid pattern"));
        PATTERN.is_match($raw)
    }};
}

/// An address as the document states it: the dot-atom pattern, at most 64 characters before the
/// `@` and 254 in all.
pub fn email(raw: &str) -> bool {
    use career_relay::invitation::{EMAIL_PATTERN, MAILBOX_PATTERN};
    raw.len() <= 254
        && matches_pattern!(EMAIL_PATTERN, raw)
        && matches_pattern!(MAILBOX_PATTERN, raw)
}

/// A fee as the document states it: plain digits, at most 100,000,000, or nothing.
pub fn fee(raw: &str) -> bool {
    matches_pattern!(career_relay::placement::FEE_PATTERN, raw)
}

/// A date as the document states it: `YYYY-MM-DD` exactly.
pub fn date(raw: &str) -> bool {
    field::full_date(raw).is_ok()
}

/// Reads an integer as the document writes one: a JSON number without a fraction (`12`, or
/// `12.0`, which JSON Schema counts as an integer); text is refused.
pub fn integer<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    optional_integer(d)?.ok_or_else(|| serde::de::Error::custom("expected an integer"))
}

/// An integer as `integer` reads it, or `null`.
pub fn optional_integer<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    use serde::Deserialize;
    match Option::<serde_json::Number>::deserialize(d)? {
        None => Ok(None),
        Some(n) => n
            .as_i64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= i64::MIN as f64 && *f < i64::MAX as f64)
                    .map(|f| f as i64)
            })
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom("expected an integer")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_takes_values_as_the_document_writes_them() {
        assert!(email("taro.yamada+jobs@example.co.jp"));
        assert!(!email(" taro@example.jp"));
        assert!(!email("ｔａｒｏ@example.jp"));
        assert!(!email(&format!("{}@example.jp", "a".repeat(65))));
        assert!(fee("") && fee("1200000") && fee("100000000"));
        assert!(!fee("1,200,000") && !fee("100000001") && !fee("¥100"));
        assert!(date("2027-04-01") && !date("2027-4-1") && !date(" 2027-04-01"));
    }

    #[test]
    fn integers_come_as_json_numbers_only() {
        #[derive(serde::Deserialize)]
        struct N {
            #[serde(default, deserialize_with = "optional_integer")]
            n: Option<i64>,
        }
        let n = |json: &str| serde_json::from_str::<N>(json).map(|v| v.n).ok();
        assert_eq!(n(r#"{"n": 12}"#), Some(Some(12)));
        assert_eq!(n(r#"{"n": 12.0}"#), Some(Some(12)));
        assert_eq!(n(r#"{"n": null}"#), Some(None));
        assert_eq!(n(r#"{}"#), Some(None));
        assert_eq!(n(r#"{"n": "12"}"#), None);
        assert_eq!(n(r#"{"n": 12.5}"#), None);
    }
}
