//! Fields as systems send them (the JSON API, ATS exports): a line of text and a date, with the
//! rules the API's document states, so that what the document allows is exactly what is taken.

use crate::UserError;

/// The document's pattern of a line of text: no control characters, and not blank.
pub const LINE_PATTERN: &str =
    r"^[^\u0000-\u001f\u007f]*[^\s\u0000-\u001f\u007f][^\u0000-\u001f\u007f]*$";
/// The document's pattern of a text that may be blank and may have line breaks and tabs.
pub const OPTIONAL_TEXT_PATTERN: &str = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$";

/// The document's pattern of a text that must say something and may have line breaks and tabs.
pub const REQUIRED_TEXT_PATTERN: &str = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*[^\s\u0000-\u001f\u007f][^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$";

/// The API document's schema of a required text (line breaks allowed) of at most `MAX` characters.
#[cfg(feature = "openapi")]
pub fn required_text_schema<const MAX: usize>() -> utoipa::openapi::Object {
    use utoipa::openapi::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(MAX))
        .pattern(Some(REQUIRED_TEXT_PATTERN))
        .build()
}

/// The API document's schema of a required line of at most `MAX` characters.
#[cfg(feature = "openapi")]
pub fn line_schema<const MAX: usize>() -> utoipa::openapi::Object {
    use utoipa::openapi::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(MAX))
        .pattern(Some(LINE_PATTERN))
        .build()
}

/// The API document's schema of an optional date: `YYYY-MM-DD`, empty, or null.
#[cfg(feature = "openapi")]
pub fn optional_date_schema() -> utoipa::openapi::Schema {
    use utoipa::openapi::{
        schema::{AnyOfBuilder, KnownFormat, SchemaFormat},
        ObjectBuilder, Type,
    };
    AnyOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .max_length(Some(0)),
        )
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .build()
        .into()
}

/// The API document's schema of an optional text of at most `MAX` characters (or null).
#[cfg(feature = "openapi")]
pub fn optional_text_schema<const MAX: usize>() -> utoipa::openapi::Object {
    use utoipa::openapi::{schema::SchemaType, ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .max_length(Some(MAX))
        .pattern(Some(OPTIONAL_TEXT_PATTERN))
        .build()
}

/// A line of text: no control characters (they break mail headers, CSV and PostgreSQL's text),
/// at most `max` characters as sent, trimmed. `None` when blank; a required line must not be.
pub fn line(raw: &str, max: usize, required: bool) -> Result<Option<String>, UserError> {
    if raw.chars().any(|c| c.is_ascii_control()) {
        return Err(UserError::InvalidCharacters);
    }
    bounded(raw, max, required)
}

/// A text that may span lines (a cell of an export can): as a line, but line breaks and tabs
/// are kept.
pub fn text(raw: &str, max: usize, required: bool) -> Result<Option<String>, UserError> {
    if raw
        .chars()
        .any(|c| c.is_ascii_control() && !matches!(c, '\r' | '\n' | '\t'))
    {
        return Err(UserError::InvalidCharacters);
    }
    bounded(raw, max, required)
}

/// At most `max` characters as sent, trimmed; `None` when blank, which a required one must not be.
fn bounded(raw: &str, max: usize, required: bool) -> Result<Option<String>, UserError> {
    if raw.chars().count() > max {
        return Err(UserError::TooLong);
    }
    match raw.trim() {
        "" if required => Err(UserError::Required),
        "" => Ok(None),
        s => Ok(Some(s.to_owned())),
    }
}

/// A whole number as people type it into a form: full-width digits (a Japanese IME) and commas
/// are fine, surrounding spaces are trimmed; empty is `None` (refused when `required`); anything
/// else, a minus sign included, is not a number; above `max` is out of range.
pub fn number(raw: &str, max: u32, required: bool) -> Result<Option<u32>, UserError> {
    let s: String = unicode_normalization::UnicodeNormalization::nfkc(raw).collect();
    let s = s.trim().replace(',', "");
    if s.is_empty() {
        return if required {
            Err(UserError::Required)
        } else {
            Ok(None)
        };
    }
    let n: u32 = s.parse().map_err(|_| UserError::InvalidNumber)?;
    if n > max {
        return Err(UserError::OutOfRange);
    }
    Ok(Some(n))
}

/// A date as people and exports write it: `YYYY-MM-DD`, with or without leading zeros and
/// surrounding spaces (a browser without a date picker sends what was typed).
pub fn date(raw: &str) -> Result<chrono::NaiveDate, UserError> {
    chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| UserError::InvalidDate)
}

/// A calendar date written `YYYY-MM-DD` exactly (RFC 3339's full-date), as the API's document
/// states its dates.
pub fn full_date(raw: &str) -> Result<chrono::NaiveDate, UserError> {
    let shape = raw.len() == 10
        && raw.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape {
        return Err(UserError::InvalidDate);
    }
    chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| UserError::InvalidDate)
}

/// A cell of a CSV file as spreadsheet programs read it: quoted when it holds a comma, a quote or
/// a line break, and a text a spreadsheet would take for a formula made plain text.
pub fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// Reads a whole number sent as a number (`12`, or `12.0`, which JSON Schema counts as an
/// integer) or as text (`"12"`: form posts send every value as text).
pub fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    struct Whole;
    impl serde::de::Visitor<'_> for Whole {
        type Value = i64;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a whole number")
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<i64, E> {
            Ok(v)
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<i64, E> {
            i64::try_from(v).map_err(E::custom)
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<i64, E> {
            let whole = v.fract() == 0.0 && v >= i64::MIN as f64 && v < i64::MAX as f64;
            whole
                .then_some(v as i64)
                .ok_or_else(|| E::custom("expected a whole number"))
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<i64, E> {
            v.trim().parse().map_err(E::custom)
        }
    }
    d.deserialize_any(Whole)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_number_takes_full_width_digits_and_commas() {
        assert_eq!(number(" １,２００ ", 5000, true), Ok(Some(1200)));
        assert_eq!(number("", 10, false), Ok(None));
        assert_eq!(number("", 10, true), Err(UserError::Required));
        assert_eq!(number("-1", 10, true), Err(UserError::InvalidNumber));
        assert_eq!(number("11", 10, true), Err(UserError::OutOfRange));
    }

    #[test]
    fn a_csv_cell_is_quoted_when_it_must_be_and_never_a_formula() {
        assert_eq!(csv_cell("A-001"), "A-001");
        assert_eq!(csv_cell("山田, 太郎"), "\"山田, 太郎\"");
        assert_eq!(csv_cell("say \"hi\"\n"), "\"say \"\"hi\"\"\n\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
    }

    #[test]
    fn whole_numbers_come_as_numbers_or_text() {
        #[derive(serde::Deserialize)]
        struct Id {
            #[serde(deserialize_with = "whole_number")]
            id: i64,
        }
        let id = |json: &str| serde_json::from_str::<Id>(json).map(|i| i.id).ok();
        assert_eq!(id(r#"{"id": 12}"#), Some(12));
        assert_eq!(id(r#"{"id": 12.0}"#), Some(12));
        assert_eq!(id(r#"{"id": "12"}"#), Some(12));
        assert_eq!(id(r#"{"id": 12.5}"#), None);
        assert_eq!(id(r#"{"id": "twelve"}"#), None);
    }

    #[test]
    fn a_line_is_trimmed_bounded_and_free_of_control_characters() {
        assert_eq!(line("  営業部 ", 10, true), Ok(Some("営業部".into())));
        assert_eq!(line("   ", 10, true), Err(UserError::Required));
        assert_eq!(line("", 10, false), Ok(None));
        assert_eq!(line("a\u{0}b", 10, true), Err(UserError::InvalidCharacters));
        assert_eq!(line("a\nb", 10, true), Err(UserError::InvalidCharacters));
        assert_eq!(line("\u{1c}", 10, false), Err(UserError::InvalidCharacters));
        assert_eq!(line(&"あ".repeat(11), 10, true), Err(UserError::TooLong));
        assert_eq!(
            line(&format!(" {} ", "あ".repeat(9)), 11, true),
            Ok(Some("あ".repeat(9)))
        );
        assert_eq!(
            line(&format!("  {}  ", "あ".repeat(9)), 11, true),
            Err(UserError::TooLong),
            "the length as sent counts"
        );
    }

    #[test]
    fn a_text_keeps_its_line_breaks_but_no_other_control_characters() {
        assert_eq!(
            text("事務\r\n(一般)", 20, false),
            Ok(Some("事務\r\n(一般)".into()))
        );
        assert_eq!(
            text("a\u{0}b", 20, false),
            Err(UserError::InvalidCharacters)
        );
        assert_eq!(text(" \n ", 20, false), Ok(None));
    }

    #[test]
    fn dates_as_typed_may_drop_leading_zeros() {
        let april = chrono::NaiveDate::from_ymd_opt(2027, 4, 1).unwrap();
        assert_eq!(date("2027-04-01"), Ok(april));
        assert_eq!(date(" 2027-4-1 "), Ok(april));
        assert_eq!(date("2027-02-30"), Err(UserError::InvalidDate));
        assert_eq!(date("2027/04/01"), Err(UserError::InvalidDate));
    }

    #[test]
    fn full_dates_are_exactly_rfc_3339_dates() {
        assert_eq!(
            full_date("2027-04-01"),
            Ok(chrono::NaiveDate::from_ymd_opt(2027, 4, 1).unwrap())
        );
        for bad in [
            "2027-4-1",
            " 2027-04-01",
            "2027/04/01",
            "2027-02-30",
            "27-04-01",
            "",
            "2027-04-01T00:00",
        ] {
            assert_eq!(full_date(bad), Err(UserError::InvalidDate), "{bad:?}");
        }
    }
}
