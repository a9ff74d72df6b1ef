//! Fields as systems send them (the JSON API, ATS exports): a line of text and a date, with the
//! rules the API's document states, so that what the document allows is exactly what is taken.

use crate::UserError;

/// The document's pattern of a line of text: no control characters, and not blank.
pub const LINE_PATTERN: &str =
    r"^[^\u0000-\u001f\u007f]*[^\s\u0000-\u001f\u007f][^\u0000-\u001f\u007f]*$";
/// The document's pattern of a text that may be blank and may have line breaks and tabs.
pub const OPTIONAL_TEXT_PATTERN: &str = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$";

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

/// A calendar date written `YYYY-MM-DD`, exactly (RFC 3339's full-date).
pub fn date(raw: &str) -> Result<chrono::NaiveDate, UserError> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn dates_are_full_dates_only() {
        assert_eq!(
            date("2027-04-01"),
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
            assert_eq!(date(bad), Err(UserError::InvalidDate), "{bad:?}");
        }
    }
}
