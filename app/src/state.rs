//! What the server gives every request: the pool and the portal's configuration.

use career_relay::db::Pool;

/// Shared by every server function through Leptos context.
#[derive(Clone, Debug)]
pub struct AppState {
    pub pool: Pool,
    /// The public base URL, used in links and mails (no trailing slash).
    pub base_url: String,
    /// No SMTP server is configured: mail is shown in the dev mailbox instead.
    pub dev_mode: bool,
    /// The site's content-hashed files (pages load the hydration scripts only when the wasm
    /// bundle was built).
    pub assets: Assets,
    /// Set on shutdown: `/healthz` answers 503 so that load balancers stop sending requests.
    pub draining: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// `(id, name)` of the configured identity providers for staff single sign-on.
    pub sso_providers: Vec<(String, String)>,
    /// The origins of those providers, where the sign-in form's redirects may lead.
    pub sso_origins: Vec<String>,
    /// Bytes done of the CSV imports this instance is running, by import id.
    pub import_progress: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<i64, i64>>>,
    /// The platform's numbers by month, as this instance last read them: summing a year of every
    /// company's history on each view of the analytics would not stay fast at a million ledger
    /// rows, and a minute old is fresh enough for them.
    pub platform_numbers: Kept<career_relay::numbers::Numbers>,
}

/// A value kept for a while by one instance, and the turn to read it anew.
#[derive(Clone, Debug)]
pub struct Kept<T> {
    value: std::sync::Arc<std::sync::Mutex<Option<(std::time::Instant, T)>>>,
    reading: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Self {
            value: Default::default(),
            reading: Default::default(),
        }
    }
}

impl<T: Clone> Kept<T> {
    /// The value kept less than `max_age` ago, or else what `read` gives, kept from now on. One
    /// caller reads at a time; those who come meanwhile wait for its value rather than each
    /// reading the same again (sixty views at once of a page whose numbers take seconds would
    /// otherwise hold every connection of the pool).
    pub async fn get_or_read<E, Fut>(
        &self,
        max_age: std::time::Duration,
        read: impl FnOnce() -> Fut,
    ) -> Result<T, E>
    where
        Fut: std::future::Future<Output = Result<T, E>>,
    {
        if let Some(kept) = self.fresh(max_age) {
            return Ok(kept);
        }
        let _turn = self.reading.lock().await;
        if let Some(kept) = self.fresh(max_age) {
            return Ok(kept);
        }
        let value = read().await?;
        self.keep(value.clone());
        Ok(value)
    }

    /// The value, if it was kept less than `max_age` ago.
    fn fresh(&self, max_age: std::time::Duration) -> Option<T> {
        let kept = self.value.lock().ok()?;
        kept.as_ref()
            .filter(|(at, _)| at.elapsed() < max_age)
            .map(|(_, v)| v.clone())
    }

    /// Keeps `value` from now on.
    fn keep(&self, value: T) {
        if let Ok(mut kept) = self.value.lock() {
            *kept = Some((std::time::Instant::now(), value));
        }
    }
}

/// The site's content-hashed files under `pkg/`, found when the server starts: a file's name
/// changes with its content, so browsers may keep each one for good.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assets {
    /// The wasm bundle's output name, `career-relay.<hash>` (`<name>.js` and `<name>_bg.wasm`).
    pub bundle: Option<String>,
    /// The stylesheet's path, `/pkg/career-relay.<hash>.css`.
    pub stylesheet: Option<String>,
}

impl Assets {
    /// Finds the newest hashed bundle and stylesheet in `pkg_dir` (none when absent).
    #[cfg(feature = "ssr")]
    pub fn find(pkg_dir: &std::path::Path) -> Self {
        // `career-relay.<hash>.<extension>`, with the hash as `scripts/build.sh` writes it.
        let hashed = |name: &str, extension: &str| {
            let hash = name
                .strip_prefix("career-relay.")?
                .strip_suffix(extension)?;
            (!hash.is_empty() && hash.chars().all(|c| c.is_ascii_hexdigit()))
                .then(|| hash.to_owned())
        };
        let mut files: Vec<(std::time::SystemTime, String)> = std::fs::read_dir(pkg_dir)
            .map(|dir| {
                dir.flatten()
                    .filter_map(|e| {
                        let modified = e.metadata().and_then(|m| m.modified()).ok()?;
                        Some((modified, e.file_name().to_str()?.to_owned()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        let newest = |extension: &str| {
            files
                .iter()
                .rev()
                .find_map(|(_, name)| hashed(name, extension))
        };
        let bundle = newest(".js")
            .filter(|h| pkg_dir.join(format!("career-relay.{h}_bg.wasm")).exists())
            .map(|h| format!("career-relay.{h}"));
        Assets {
            bundle,
            stylesheet: newest(".css").map(|h| format!("/pkg/career-relay.{h}.css")),
        }
    }
}

impl AppState {
    /// The state provided by the server for this request. A page whose client went away
    /// disposes of its context while its resources may still run: they get `Internal` (and
    /// nobody to show it to), never a panic.
    pub fn get() -> Result<AppState, crate::error::AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            tracing::debug!("request context gone: the client went away");
            crate::error::AppError::User(career_relay::UserError::Internal)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Kept;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_views_at_once_read_the_kept_value_once() {
        let kept: Kept<i64> = Kept::default();
        let reads = std::sync::Arc::new(AtomicUsize::new(0));
        let views = (0..60).map(|_| {
            let (kept, reads) = (kept.clone(), reads.clone());
            tokio::spawn(async move {
                kept.get_or_read(Duration::from_secs(60), || async {
                    reads.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Ok::<_, ()>(42)
                })
                .await
            })
        });
        for view in views.collect::<Vec<_>>() {
            assert_eq!(view.await.unwrap(), Ok(42));
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1);

        // Once too old, the next view reads again.
        let again = kept
            .get_or_read(Duration::ZERO, || async { Ok::<_, ()>(7) })
            .await;
        assert_eq!((again, reads.load(Ordering::SeqCst)), (Ok(7), 1));
    }
}
