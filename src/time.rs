//! Time as unix seconds, the one representation both databases store the same way.

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// Now, in unix seconds.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A unix time as a calendar date (UTC+9, the market's time zone), e.g. `2026-11-21`.
pub fn date(ts: i64) -> String {
    let jst = chrono::FixedOffset::east_opt(9 * 3600).expect("valid offset");
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|t| t.with_timezone(&jst).format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// A unix time with minutes, in Japan time.
pub fn date_time(ts: i64) -> String {
    let jst = chrono::FixedOffset::east_opt(9 * 3600).expect("valid offset");
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|t| t.with_timezone(&jst).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_in_japan_time() {
        // 2026-11-21 20:00 UTC is already the 22nd in Tokyo.
        assert_eq!(super::date(1_795_291_200), "2026-11-22");
    }
}
