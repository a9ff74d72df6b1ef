//! Rate limits: fixed windows counted in the database, so that every instance shares them.
//! Buckets name what is counted (`sign_in_mail:address:…`, `opt_in:client:…`); addresses and
//! client addresses are hashed before they are stored.

/// At most `max` hits per `window_secs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: i64,
    pub window_secs: i64,
}

impl Limit {
    pub const fn per_hour(max: i64) -> Self {
        Self {
            max,
            window_secs: 3600,
        }
    }

    pub const fn per_quarter_hour(max: i64) -> Self {
        Self {
            max,
            window_secs: 900,
        }
    }

    /// The start of the window `now` falls in.
    pub fn window(&self, now: i64) -> i64 {
        now - now.rem_euclid(self.window_secs.max(1))
    }
}

#[cfg(feature = "db")]
mod store {
    use super::*;
    use crate::{db::Pool, error::Result, time::now};

    /// Counts a hit in `bucket`. `None`: allowed. `Some(seconds)`: refused, retry after that long.
    pub async fn hit(pool: &Pool, bucket: &str, limit: Limit) -> Result<Option<i64>> {
        let t = now();
        let window = limit.window(t);
        let hits: i64 = sqlx::query_scalar(
            "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1)
             ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1
             RETURNING hits",
        )
        .bind(crate::token::hash(bucket))
        .bind(window)
        .fetch_one(pool)
        .await?;
        Ok((hits > limit.max).then(|| window + limit.window_secs - t))
    }

    /// Deletes windows that ended more than a day ago.
    pub async fn purge_old(pool: &Pool) -> Result<u64> {
        let r = sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
            .bind(now() - 86_400)
            .execute(pool)
            .await?;
        Ok(r.rows_affected())
    }
}

#[cfg(feature = "db")]
pub use store::{hit, purge_old};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_aligned() {
        let l = Limit::per_hour(5);
        assert_eq!(l.window(7200), 7200);
        assert_eq!(l.window(7199), 3600);
        assert_eq!(Limit::per_quarter_hour(1).window(1000), 900);
    }
}
