//! Keyset paging: a page is the rows before a cursor (an id), newest first, fetched with one row
//! more than shown; that extra row says whether an older page exists. Every page costs the same,
//! however long the list.

/// The cursor a page link carries (`?after=`): an id, or none (the newest page) when the
/// parameter is missing or is not a positive whole number.
pub fn cursor(after: &str) -> Option<i64> {
    after.trim().parse().ok().filter(|id| *id > 0)
}

/// Cuts a list fetched with one row more than `rows` to `rows`; the cursor of the older page
/// (the last shown row's id) when the extra row was there.
pub fn cut<T>(list: &mut Vec<T>, rows: i64, id: impl Fn(&T) -> i64) -> Option<i64> {
    let rows = usize::try_from(rows).unwrap_or(0);
    if list.len() <= rows {
        return None;
    }
    list.truncate(rows);
    list.last().map(id)
}

#[cfg(test)]
mod tests {
    use super::{cursor, cut};

    #[test]
    fn a_cursor_is_a_positive_id_and_anything_else_is_the_newest_page() {
        assert_eq!(cursor("42"), Some(42));
        assert_eq!(cursor(" 7 "), Some(7));
        for newest in ["", "0", "-3", "abc", "1.5", "99999999999999999999"] {
            assert_eq!(cursor(newest), None, "{newest:?}");
        }
    }

    #[test]
    fn a_full_page_and_one_more_row_point_to_the_older_page() {
        let mut ids = vec![9, 8, 7, 6];
        assert_eq!(cut(&mut ids, 3, |i| *i), Some(7));
        assert_eq!(ids, [9, 8, 7]);
    }

    #[test]
    fn a_page_without_the_extra_row_is_the_last() {
        let mut ids = vec![9, 8, 7];
        assert_eq!(cut(&mut ids, 3, |i| *i), None);
        assert_eq!(ids, [9, 8, 7]);
        let mut none: Vec<i64> = Vec::new();
        assert_eq!(cut(&mut none, 0, |i| *i), None);
    }
}
