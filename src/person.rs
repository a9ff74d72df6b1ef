//! One person is one candidate, whichever way their address or phone number was written: the
//! canonical forms and the keyed hashes that relays, invitations and the suppression list compare.
//!
//! The keys are HMAC-SHA-256 under a secret of the installation, so the keys that outlive erasure
//! do not lead back to a person without that secret.

#[cfg(feature = "db")]
use crate::Email;
use unicode_normalization::UnicodeNormalization;

/// Characters that Japanese forms and ATS exports put between the digits of a phone number:
/// hyphens of every width and kind, the katakana long-vowel mark typed for one, spaces, brackets
/// and dots.
const PHONE_SEPARATORS: &[char] = &[
    '-', '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}', '\u{2015}', '\u{2212}',
    '\u{30FC}', '\u{FF70}', ' ', '\t', '(', ')', '.', '/',
];

/// A phone number as one person has it, whichever way it was written: separators dropped,
/// full-width digits folded, and Japanese numbers in the international form (`+81 90…`,
/// `+81 (0)90…`, `0081 90…`, `81-90…`) turned into the national one (`090…`). Other
/// international numbers keep their `+`. `None` when there are no digits or something other
/// than a phone number was written.
pub fn canonical_phone(raw: &str) -> Option<String> {
    let folded: String = raw
        .nfkc()
        .filter(|c| !PHONE_SEPARATORS.contains(c))
        .collect();
    let (plus, digits) = match folded.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, folded.as_str()),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let japan = if plus {
        digits.strip_prefix("81")
    } else if let Some(rest) = digits.strip_prefix("0081") {
        Some(rest)
    } else {
        // National numbers start with the trunk 0; eleven or more digits starting with 81 are
        // the international form written without its plus.
        digits.strip_prefix("81").filter(|_| digits.len() >= 11)
    };
    Some(match japan {
        Some(rest) => format!("0{}", rest.trim_start_matches('0')),
        None if plus => format!("+{digits}"),
        None => digits.to_owned(),
    })
}

/// The key of a person's address: the canonical mailbox (without a `+tag`).
#[cfg(feature = "db")]
pub fn email_key(pepper: &str, email: &Email) -> String {
    crate::token::keyed_hash(pepper, &format!("email:{}", email.canonical()))
}

/// The key of a person's address, when there is one (the key of no address otherwise, as rows
/// without one have always had).
#[cfg(feature = "db")]
pub fn email_key_of(pepper: &str, email: Option<&Email>) -> String {
    match email {
        Some(email) => email_key(pepper, email),
        None => crate::token::keyed_hash(pepper, "email:"),
    }
}

/// The key of a person's phone number, however it was written; `None` without a usable number.
#[cfg(feature = "db")]
pub fn phone_key(pepper: &str, raw: &str) -> Option<String> {
    canonical_phone(raw).map(|p| crate::token::keyed_hash(pepper, &format!("phone:{p}")))
}

/// The installation's secret the person keys are made with (created at the first start).
#[cfg(feature = "db")]
pub async fn pepper(conn: &mut sqlx::AnyConnection) -> crate::error::Result<String> {
    crate::db::secret(conn, "person_key").await
}

/// The keyed hash of a person's canonical address under this installation's secret, as relays
/// and the suppression list use it.
#[cfg(feature = "db")]
pub async fn stored_email_key(
    conn: &mut sqlx::AnyConnection,
    email: &Email,
) -> crate::error::Result<String> {
    Ok(email_key(&pepper(conn).await?, email))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_way_of_writing_one_japanese_number_is_the_same_number() {
        let same = [
            "09012345678",
            "090-1234-5678",
            "090 1234 5678",
            "090(1234)5678",
            "(090)1234-5678",
            "０９０－１２３４－５６７８",
            "０９０ー１２３４ー５６７８",
            "090‐1234‐5678",
            "090−1234−5678",
            "090.1234.5678",
            "+819012345678",
            "+81 90-1234-5678",
            "+81-(0)90-1234-5678",
            "+81 090 1234 5678",
            "＋８１　９０　１２３４　５６７８",
            "0081-90-1234-5678",
            "81-90-1234-5678",
        ];
        for raw in same {
            assert_eq!(
                canonical_phone(raw).as_deref(),
                Some("09012345678"),
                "{raw}"
            );
        }
        for (raw, canonical) in [
            ("03-1234-5678", "0312345678"),
            ("+81 3 1234 5678", "0312345678"),
            ("080-1111-2222", "08011112222"),
            ("08011112222", "08011112222"),
            ("+1 (415) 555-0100", "+14155550100"),
        ] {
            assert_eq!(canonical_phone(raw).as_deref(), Some(canonical), "{raw}");
        }
    }

    #[test]
    fn japanese_numbers_compare_in_the_national_form() {
        assert_eq!(
            canonical_phone("+819012345678").as_deref(),
            Some("09012345678")
        );
        assert_eq!(
            canonical_phone("09012345678").as_deref(),
            Some("09012345678")
        );
        assert_eq!(
            canonical_phone("+14155550100").as_deref(),
            Some("+14155550100")
        );
    }

    #[test]
    fn what_is_no_phone_number_has_no_canonical_form() {
        for raw in ["", "  ", "-", "なし", "090-abcd-5678", "+"] {
            assert_eq!(canonical_phone(raw), None, "{raw:?}");
        }
    }

    #[test]
    fn keys_tell_people_apart_only_by_what_identifies_them() {
        let pepper = "secret";
        assert_eq!(
            phone_key(pepper, "080-1111-2222"),
            phone_key(pepper, "08011112222")
        );
        assert_ne!(
            phone_key(pepper, "080-1111-2222"),
            phone_key(pepper, "080-1111-2223")
        );
        assert_ne!(
            phone_key(pepper, "080-1111-2222"),
            phone_key("another secret", "080-1111-2222")
        );
        let taro = Email::parse("Taro+jobs@Example.jp").unwrap();
        let plain = Email::parse("taro@example.jp").unwrap();
        assert_eq!(email_key(pepper, &taro), email_key(pepper, &plain));
        assert_ne!(
            email_key(pepper, &plain),
            crate::token::hash("email:taro@example.jp"),
            "keyed, not a plain hash"
        );
    }
}
