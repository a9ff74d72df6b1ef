//! Keyset paging: a page is the rows before a cursor (an id), newest first, fetched with one row
//! more than shown; that extra row says whether an older page exists. Every page costs the same,
//! however long the list.

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
    use super::cut;

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
