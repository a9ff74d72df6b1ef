//! The one job runner: periodic clean-up that is safe to run on every instance at once
//! (each job is a single idempotent statement).

use career_relay::{auth, claim, db::Pool};
use std::time::Duration;

/// Runs the periodic jobs until the task is aborted.
pub async fn run(pool: Pool) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        run_once(&pool).await;
    }
}

/// One round of every job; failures are logged and retried next round.
#[tracing::instrument(skip_all)]
pub async fn run_once(pool: &Pool) {
    match claim::expire_due(pool).await {
        Ok(n) if n > 0 => tracing::info!(claims.expired = n, "expired claims"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = ?e, "claim expiry failed"),
    }
    if let Err(e) = auth::purge_expired_links(pool).await {
        tracing::warn!(error = ?e, "sign-in link clean-up failed");
    }
}
