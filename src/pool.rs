//! The pool: the candidates agencies may claim, with filters and keyset paging. Nothing in it
//! identifies a person.

use serde::{Deserialize, Serialize};

/// Candidates per pool page.
pub const POOL_PAGE: i64 = 20;

/// Longest skill or keyword a search takes, in characters.
pub const MAX_TERM: usize = 100;

/// The pool's filters, as typed in the search form (every one optional; empty means none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolQuery {
    /// A job type the candidate is looking for.
    #[serde(default)]
    pub job_type: String,
    /// The prefecture's JIS code (1 Hokkaido … 13 Tokyo … 47 Okinawa).
    #[serde(default)]
    pub prefecture: String,
    /// A skill, as candidates list them (case and width do not matter).
    #[serde(default)]
    pub skill: String,
    /// Years of experience at least.
    #[serde(default)]
    pub min_years: String,
    /// A keyword in the skills, languages or summary (two-character Japanese terms work).
    #[serde(default)]
    pub q: String,
    /// The `next` of the previous page.
    #[serde(default)]
    pub after: String,
}

/// One candidate in the pool, without anything that identifies them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "db", derive(sqlx::FromRow))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PoolEntry {
    pub id: i64,
    pub prefecture: Option<i64>,
    pub job_types: String,
    pub skills: String,
    pub years_experience: Option<i64>,
    pub desired_salary: Option<i64>,
    pub qualified_at: Option<i64>,
}

/// A page of the pool; `next` is the cursor for the following page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PoolPage {
    pub entries: Vec<PoolEntry>,
    pub next: Option<i64>,
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{
        db::{self, Pool},
        error::Result,
        profile::{JobType, Prefecture},
        UserError,
    };

    /// The filters of a pool query, validated.
    #[derive(Debug, Default)]
    struct Filters {
        job_type: Option<JobType>,
        prefecture: Option<Prefecture>,
        skill: Option<String>,
        min_years: Option<i64>,
        q: Option<String>,
        after: Option<i64>,
    }

    fn filters(q: &PoolQuery) -> Result<Filters> {
        let opt = |s: &str| {
            let s = s.trim();
            (!s.is_empty()).then(|| s.to_owned())
        };
        let norm = |s: String| {
            unicode_normalization::UnicodeNormalization::nfkc(s.as_str())
                .collect::<String>()
                .to_lowercase()
        };
        // The length as sent, so that what the API document allows is exactly what is taken.
        let term = |s: &str| -> Result<Option<String>> {
            if s.chars().count() > MAX_TERM {
                return Err(UserError::TooLong.into());
            }
            Ok(opt(s).map(norm))
        };
        Ok(Filters {
            job_type: opt(&q.job_type).map(|j| JobType::parse(&j)).transpose()?,
            prefecture: opt(&q.prefecture)
                .map(|p| Prefecture::parse(&p))
                .transpose()?,
            skill: term(&q.skill)?,
            min_years: opt(&q.min_years)
                .map(|y| {
                    norm(y)
                        .parse::<u8>()
                        .map(i64::from)
                        .map_err(|_| UserError::InvalidNumber)
                })
                .transpose()?,
            q: term(&q.q)?,
            after: opt(&q.after)
                .map(|a| a.parse::<i64>().map_err(|_| UserError::InvalidNumber))
                .transpose()?,
        })
    }

    /// The index a pool search walks, newest first, with the value it walks: the pair of a job
    /// type and a prefecture (a six-hundredth of the pool or so) when both are chosen; else a
    /// keyword's gram, unless a prefecture is chosen (a fiftieth); else a skill's, unless a
    /// prefecture is; else a job type's (a twelfth) alone; else the pool's, or the prefecture's,
    /// as the planner finds. What the walk does not settle is checked candidate by candidate
    /// (`Checks`); a filter checked that way that few have (a skill nobody has) would read the
    /// whole pool.
    #[derive(Debug, Clone, Copy)]
    enum Walk<'a> {
        JobAndPrefecture(JobType, Prefecture),
        Gram(&'a str),
        Skill(&'a str),
        JobType(JobType),
        Candidates,
    }

    /// The filters a walk leaves to be checked for each candidate it meets.
    struct Checks<'a> {
        grams: Vec<&'a str>,
        job_type: Option<JobType>,
        prefecture: Option<Prefecture>,
        skill: Option<&'a str>,
    }

    impl<'a> Walk<'a> {
        fn of(f: &'a Filters, keyword: Option<&'a QueryGrams>) -> Self {
            match (f.job_type, f.prefecture, keyword, f.skill.as_deref()) {
                (Some(j), Some(p), ..) => Walk::JobAndPrefecture(j, p),
                (_, None, Some(k), _) => Walk::Gram(&k.first),
                (_, None, None, Some(s)) => Walk::Skill(s),
                (Some(j), None, None, None) => Walk::JobType(j),
                _ => Walk::Candidates,
            }
        }

        /// What the statement walks: its table (with its alias), the columns the candidate is
        /// found by (`join`), and the walk's own conditions, each value pushed on `s` in turn.
        /// The walk's candidate column (`Walked::id`) orders the page.
        fn walked(self, s: &mut Statement<'a>) -> Walked {
            let mut owner = Vec::new();
            let mut condition = |column: &'static str, value: Value<'a>| {
                owner.push((column, s.number("$?", value)));
            };
            let (table, columns, join, id) = match self {
                Walk::Gram(gram) => {
                    condition("g.gram", gram.into());
                    (
                        "candidate_grams g",
                        "g.candidate_id",
                        "c.id = g.candidate_id",
                        "g.candidate_id",
                    )
                }
                Walk::JobAndPrefecture(job_type, prefecture) => {
                    condition("j.job_type", job_type.code().into());
                    condition("j.prefecture", prefecture.into());
                    (
                        "candidate_job_types j",
                        "j.candidate_id, j.prefecture",
                        "c.id = j.candidate_id AND c.prefecture = j.prefecture",
                        "j.candidate_id",
                    )
                }
                Walk::JobType(job_type) => {
                    condition("j.job_type", job_type.code().into());
                    (
                        "candidate_job_types j",
                        "j.candidate_id",
                        "c.id = j.candidate_id",
                        "j.candidate_id",
                    )
                }
                Walk::Skill(skill) => {
                    condition("s.skill", skill.into());
                    (
                        "candidate_skills s",
                        "s.candidate_id",
                        "c.id = s.candidate_id",
                        "s.candidate_id",
                    )
                }
                Walk::Candidates => {
                    return Walked {
                        table: None,
                        columns: "",
                        join: "",
                        id: "c.id",
                        owner,
                        cursor_twice: false,
                    }
                }
            };
            Walked {
                table: Some(table),
                columns,
                join,
                id,
                owner,
                cursor_twice: matches!(self, Walk::JobAndPrefecture(..) | Walk::JobType(_)),
            }
        }

        fn checks(self, f: &'a Filters, keyword: Option<&'a QueryGrams>) -> Checks<'a> {
            let grams = keyword.map_or_else(Vec::new, |k| {
                let first = (!matches!(self, Walk::Gram(_))).then_some(k.first.as_str());
                first
                    .into_iter()
                    .chain(k.also.iter().map(String::as_str))
                    .collect()
            });
            let by_job = matches!(self, Walk::JobAndPrefecture(..) | Walk::JobType(_));
            let by_place = matches!(self, Walk::JobAndPrefecture(..));
            Checks {
                grams,
                job_type: f.job_type.filter(|_| !by_job),
                prefecture: f.prefecture.filter(|_| !by_place),
                skill: f
                    .skill
                    .as_deref()
                    .filter(|_| !matches!(self, Walk::Skill(_))),
            }
        }
    }

    /// What a walk reads (`Walk::walked`); the pool itself (`Walk::Candidates`) has no table of
    /// its own.
    struct Walked {
        table: Option<&'static str>,
        columns: &'static str,
        join: &'static str,
        id: &'static str,
        /// The walked index's leading columns, each with the parameter of its value.
        owner: Vec<(&'static str, String)>,
        /// Whether the cursor is written a second time as the index's own key.
        cursor_twice: bool,
    }

    impl Walked {
        /// The walk's own conditions, each followed by `AND`.
        fn conditions(&self) -> String {
            self.owner
                .iter()
                .map(|(column, value)| format!("{column} = {value} AND "))
                .collect()
        }

        /// The cursor and the walk's order. A job type's walks write the cursor a second time
        /// as their index's own key (`db::owner_keyset`): PostgreSQL otherwise read and sorted
        /// the whole pair (a thousand rows for a common one) before it took the page.
        fn keyset(&self, cursor: &str) -> (String, String) {
            if self.cursor_twice {
                let owner: Vec<(&str, &str)> =
                    self.owner.iter().map(|(c, v)| (*c, v.as_str())).collect();
                db::owner_keyset(&owner, self.id, cursor)
            } else {
                let id = self.id;
                (format!("{id} < {cursor}"), format!("ORDER BY {id} DESC"))
            }
        }
    }

    /// A value a pool statement binds.
    enum Value<'a> {
        Text(&'a str),
        Number(i64),
    }

    impl<'a> From<&'a str> for Value<'a> {
        fn from(text: &'a str) -> Self {
            Value::Text(text)
        }
    }

    impl From<i64> for Value<'_> {
        fn from(number: i64) -> Self {
            Value::Number(number)
        }
    }

    impl From<Prefecture> for Value<'_> {
        fn from(prefecture: Prefecture) -> Self {
            Value::Number(prefecture.code() as i64)
        }
    }

    /// A pool statement as it is built: its text, and its values in the order it numbers them.
    /// The statement's shape depends only on which filters are set; every value is bound.
    struct Statement<'a> {
        sql: String,
        values: Vec<Value<'a>>,
    }

    impl<'a> Statement<'a> {
        /// A clause with one value, its `$?` numbered in turn; the value is kept in that order.
        fn number(&mut self, clause: &str, value: Value<'a>) -> String {
            self.values.push(value);
            clause.replace("$?", &format!("${}", self.values.len()))
        }

        /// The next number after the values kept.
        fn next(&self, after: usize) -> String {
            format!("${}", self.values.len() + after)
        }
    }

    /// One page of the pool, newest first, with keyset paging. Claimed candidates are not listed.
    /// The search walks one index (`Walk`) and checks the other filters for each candidate it
    /// meets; a keyword's grams (see `grams`) are checked before its text, which is read only for
    /// the candidates that have them.
    #[tracing::instrument(skip_all)]
    pub async fn pool_page(pool: &Pool, query: &PoolQuery) -> Result<PoolPage> {
        let f = filters(query)?;
        let keyword = f.q.as_deref().map(query_grams);
        // A keyword longer than two characters is checked against the text (see below).
        let check = f.q.as_deref().filter(|q| q.chars().count() > 2);
        let mut s = Statement {
            sql: String::from(
                "SELECT c.id, c.prefecture, c.job_types, c.skills, c.years_experience, c.desired_salary, c.qualified_at",
            ),
            values: Vec::new(),
        };
        if check.is_some() {
            s.sql.push_str(", c.search_text");
        }
        // Which index the search walks, newest first (`Walk`): its values come first. Its order
        // is the page's; ordered by the other side of the join, SQLite would read every match
        // and sort it.
        let walk = Walk::of(&f, keyword.as_ref());
        let walked = walk.walked(&mut s);
        // On PostgreSQL a walk of a value (any walk with a table of its own: how many candidates
        // have a job type, a pair, a gram or a skill differs a thousandfold, and with it the
        // best plan) cuts its page first (`db::plans_per_value`), and checks
        // each candidate it met in the select list, where `OFFSET 0` keeps each lookup a probe of
        // its index: without it PostgreSQL may read every open claim (or every holder of a gram)
        // into a hash table on each run.
        let cut = walked.table.is_some() && db::plans_per_value(pool);
        let probe = if cut { " OFFSET 0" } else { "" };
        // What the walk leaves to check for each candidate it meets. The time is the database's:
        // a bound one would change on every run, and SQLite plans a statement again whenever a
        // value it compares with an indexed column changes.
        let mut checks = vec![format!(
            "c.in_pool = 1 AND NOT EXISTS (SELECT 1 FROM claims k WHERE k.candidate_id = c.id AND k.ended_at IS NULL AND k.expires_at > {}{probe})",
            db::now_sql(pool)
        )];
        let checked = walk.checks(&f, keyword.as_ref());
        for gram in checked.grams {
            let clause = format!("EXISTS (SELECT 1 FROM candidate_grams h WHERE h.gram = $? AND h.candidate_id = c.id{probe})");
            checks.push(s.number(&clause, gram.into()));
        }
        if let Some(j) = checked.job_type {
            let clause = format!("EXISTS (SELECT 1 FROM candidate_job_types j WHERE j.candidate_id = c.id AND j.job_type = $?{probe})");
            checks.push(s.number(&clause, j.code().into()));
        }
        if let Some(p) = checked.prefecture {
            checks.push(s.number("c.prefecture = $?", p.into()));
        }
        if let Some(skill) = checked.skill {
            let clause = format!("EXISTS (SELECT 1 FROM candidate_skills s WHERE s.candidate_id = c.id AND s.skill = $?{probe})");
            checks.push(s.number(&clause, skill.into()));
        }
        if let Some(y) = f.min_years {
            checks.push(s.number("c.years_experience >= $?", y.into()));
        }
        let checks = checks.join(" AND ");
        // The cursor and the size of the batch come last: they change from round to round.
        let (cursor, order) = walked.keyset(&s.next(1));
        let limit = s.next(2);
        let walk_conditions = walked.conditions();
        let Walked {
            table,
            columns,
            join,
            id,
            ..
        } = walked;
        match table {
            Some(table) if cut => {
                // The page of the walk is cut from its index first, and every candidate it meets
                // comes back, with whether the checks leave it out: one plan serves every value.
                let alias = table.rsplit(' ').next().unwrap_or_default();
                s.sql.push_str(&format!(
                    ", CAST(CASE WHEN {checks} THEN 0 ELSE 1 END AS BIGINT) AS left_out
                     FROM (SELECT {columns} FROM {table} WHERE {walk_conditions}{cursor} {order} LIMIT {limit}) {alias}
                     CROSS JOIN candidates c WHERE {join} ORDER BY {id} DESC"
                ));
            }
            // `CROSS JOIN` keeps SQLite from walking another index instead.
            Some(table) => s.sql.push_str(&format!(
                " FROM {table} CROSS JOIN candidates c WHERE {join} AND {walk_conditions}{checks} AND {cursor} {order} LIMIT {limit}"
            )),
            None => s.sql.push_str(&format!(
                " FROM candidates c WHERE {checks} AND {cursor} {order} LIMIT {limit}"
            )),
        }
        // The grams find every candidate whose text has the keyword, and for a keyword of one or
        // two characters only those; a longer one is checked against the text here, not with
        // LIKE in the statement: a planner that sees a LIKE guesses it rare and scans every
        // candidate's text instead of the index. Unchecked rows are fetched, in growing batches,
        // until a page is full; a keyword whose pairs are common but whose whole is rare stops
        // after a few rounds with what it found and a link to search on from there.
        let mut batch = if check.is_some() {
            4 * (POOL_PAGE + 1)
        } else if cut {
            2 * (POOL_PAGE + 1)
        } else {
            POOL_PAGE + 1
        };
        let mut entries: Vec<PoolEntry> = Vec::new();
        let mut before = f.after.unwrap_or(i64::MAX);
        let mut rounds = 0;
        let capped = loop {
            rounds += 1;
            let mut query = sqlx::query_as::<_, Found>(&s.sql);
            for value in &s.values {
                query = match *value {
                    Value::Text(text) => query.bind(text),
                    Value::Number(number) => query.bind(number),
                };
            }
            let rows = query.bind(before).bind(batch).fetch_all(pool).await?;
            let fetched = rows.len() as i64;
            before = rows.last().map_or(before, |r| r.entry.id);
            entries.extend(
                rows.into_iter()
                    .filter(|r| {
                        r.left_out == 0
                            && check.is_none_or(|q| {
                                r.search_text.as_deref().unwrap_or_default().contains(q)
                            })
                    })
                    .map(|r| r.entry),
            );
            if entries.len() as i64 > POOL_PAGE || fetched < batch {
                break false;
            }
            if rounds == MAX_ROUNDS {
                break true;
            }
            batch = (batch * 2).min(MAX_BATCH);
        };
        // A search that stopped after its last round goes on from where it stopped.
        let next =
            crate::keyset::cut(&mut entries, POOL_PAGE, |e| e.id).or(capped.then_some(before));
        Ok(PoolPage { entries, next })
    }

    /// Most rounds of a keyword search checked against the text, and most rows in one round.
    const MAX_ROUNDS: u32 = 5;
    const MAX_BATCH: i64 = 1024;

    /// A row of the pool query: the entry, and the text a longer keyword is checked against.
    #[derive(sqlx::FromRow)]
    struct Found {
        #[sqlx(flatten)]
        entry: PoolEntry,
        /// Only read when a keyword is checked against it.
        #[sqlx(default)]
        search_text: Option<String>,
        /// 1 for a candidate the walk met that the checks leave out (only where the walk's page
        /// is cut first, see `db::plans_per_value`).
        #[sqlx(default)]
        left_out: i64,
    }

    /// Keeps a candidate's grams in step with their search text (in the profile's transaction).
    pub async fn index(
        conn: &mut sqlx::AnyConnection,
        candidate_id: i64,
        text: &str,
    ) -> Result<()> {
        sqlx::query("DELETE FROM candidate_grams WHERE candidate_id = $1")
            .bind(candidate_id)
            .execute(&mut *conn)
            .await?;
        // A statement per hundred grams: one per gram would make saving a profile slow.
        for chunk in grams(text).chunks(100) {
            let columns = ["candidate_id", "gram"];
            let sql = db::insert_rows(conn, "candidate_grams", &columns, chunk.len())
                + " ON CONFLICT DO NOTHING";
            let mut insert = sqlx::query(&sql);
            for gram in chunk {
                insert = insert.bind(candidate_id).bind(gram.clone());
            }
            insert.execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// Indexes the candidates whose search text has no grams yet (a database from before the
    /// index); nothing to do on a database that always had it.
    pub async fn index_missing(pool: &Pool) -> Result<u64> {
        let mut done = 0;
        loop {
            let rows: Vec<(i64, String)> = sqlx::query_as(
                "SELECT c.id, c.search_text FROM candidates c WHERE c.search_text IS NOT NULL AND c.search_text <> ''
                 AND NOT EXISTS (SELECT 1 FROM candidate_grams g WHERE g.candidate_id = c.id) ORDER BY c.id LIMIT 1000",
            )
            .fetch_all(pool)
            .await?;
            let missing: Vec<_> = rows.iter().filter(|(_, t)| !grams(t).is_empty()).collect();
            if missing.is_empty() {
                return Ok(done);
            }
            let mut tx = crate::db::begin(pool).await?;
            for (id, text) in missing {
                index(&mut tx, *id, text).await?;
                done += 1;
            }
            tx.commit().await?;
        }
    }
}

/// The grams of a search text: every character but spaces, and every pair of adjacent characters
/// (a space included, so that a term with a space finds itself), each once.
pub fn grams(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<String> = chars
        .iter()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_string())
        .chain(chars.windows(2).map(|w| w.iter().collect()))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Which grams a keyword search looks up: it starts from the first pair of characters (or the
/// one character of a one-character keyword) and needs up to four more of its pairs.
#[cfg(feature = "db")]
struct QueryGrams {
    first: String,
    also: Vec<String>,
}

#[cfg(feature = "db")]
fn query_grams(q: &str) -> QueryGrams {
    let chars: Vec<char> = q.chars().collect();
    let mut pairs: Vec<String> = chars.windows(2).map(|w| w.iter().collect()).collect();
    let first = if pairs.is_empty() {
        chars.first().map(|c| c.to_string()).unwrap_or_default()
    } else {
        pairs.remove(0)
    };
    pairs.sort();
    pairs.dedup();
    pairs.retain(|p| *p != first);
    pairs.truncate(4);
    QueryGrams { first, also: pairs }
}

#[cfg(feature = "db")]
pub use store::{index, index_missing, pool_page};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_has_its_characters_and_pairs_once() {
        assert_eq!(grams("経理 経理"), vec![" 経", "理", "理 ", "経", "経理"]);
        assert!(grams("excel").contains(&"xc".to_owned()));
    }

    #[test]
    fn a_search_starts_from_its_first_pair() {
        let q = query_grams("経理部");
        assert_eq!(
            (q.first.as_str(), q.also),
            ("経理", vec!["理部".to_owned()])
        );
        let one = query_grams("営");
        assert_eq!((one.first.as_str(), one.also.len()), ("営", 0));
    }
}
