//! Time as unix seconds, the one representation both databases store the same way.

use chrono::{Datelike, Timelike};

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// Japan time (UTC+9), the market's time zone. Evaluated when compiling, so the check never runs
/// on the server: an offset of nine hours is always valid.
pub const JST: chrono::FixedOffset = match chrono::FixedOffset::east_opt(9 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+9 is a valid offset"),
};

/// Now, in unix seconds.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A unix time as a calendar date (UTC+9, the market's time zone), e.g. `2026-11-21`.
pub fn date(ts: i64) -> String {
    in_japan(ts)
        .map(|t| {
            let mut out = String::with_capacity(10);
            push_date(&mut out, &t);
            out
        })
        .unwrap_or_default()
}

/// A unix time with minutes, in Japan time.
pub fn date_time(ts: i64) -> String {
    in_japan(ts)
        .map(|t| {
            let mut out = String::with_capacity(16);
            push_date(&mut out, &t);
            out.push(' ');
            push_two(&mut out, t.hour());
            out.push(':');
            push_two(&mut out, t.minute());
            out
        })
        .unwrap_or_default()
}

/// `YYYY-MM-DD`, written digit by digit: a page prints dozens of dates, and the formatting
/// machinery cost each one ten times this.
fn push_date(out: &mut String, t: &chrono::NaiveDateTime) {
    match u32::try_from(t.year()) {
        Ok(year) if year <= 9999 => {
            push_two(out, year / 100);
            push_two(out, year % 100);
        }
        _ => out.push_str(&format!("{:04}", t.year())),
    }
    out.push('-');
    push_two(out, t.month());
    out.push('-');
    push_two(out, t.day());
}

/// A number below 100 as two digits.
fn push_two(out: &mut String, n: u32) {
    out.push(char::from(b'0' + (n / 10 % 10) as u8));
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// A unix time on the clock in Japan (pages print many dates: the fields are read directly
/// rather than through a format string parsed on every call).
fn in_japan(ts: i64) -> Option<chrono::NaiveDateTime> {
    chrono::DateTime::from_timestamp(ts, 0).map(|t| t.with_timezone(&JST).naive_local())
}

/// Today in Japan time.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&JST).date_naive()
}

/// The moment a day ends in Japan time (the next day's midnight there), in unix seconds.
pub fn end_of_day(day: chrono::NaiveDate) -> i64 {
    day.succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t| t.and_local_timezone(JST).single())
        .map_or(i64::MAX, |t| t.timestamp())
}

/// The moment `months` calendar months before `at`, in Japan time (the 31st becomes the
/// month's last day).
pub fn months_before(at: i64, months: i64) -> i64 {
    let months = chrono::Months::new(u32::try_from(months.max(0)).unwrap_or(u32::MAX));
    chrono::DateTime::from_timestamp(at, 0)
        .map(|t| t.with_timezone(&JST))
        .and_then(|t| t.checked_sub_months(months))
        .map_or(i64::MIN, |t| t.timestamp())
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_in_japan_time() {
        // 2026-11-21 20:00 UTC is already the 22nd in Tokyo.
        assert_eq!(super::date(1_795_291_200), "2026-11-22");
        assert_eq!(super::date_time(1_795_291_200), "2026-11-22 05:00");
        assert_eq!(super::date_time(-62_135_596_800), "0001-01-01 09:00");
        assert_eq!(
            super::date(1_767_193_200),
            "2026-01-01",
            "midnight in Tokyo"
        );
        assert_eq!(
            super::date(253_402_300_800),
            "10000-01-01",
            "past four digits"
        );
    }

    #[test]
    fn months_before_counts_calendar_months_in_japan_time() {
        // 2027-08-31 12:00 JST, six months back: the last day of February.
        let at = 1_819_681_200;
        assert_eq!(super::date(at), "2027-08-31");
        assert_eq!(super::date(super::months_before(at, 6)), "2027-02-28");
        assert_eq!(super::months_before(at, 0), at);
    }
}
