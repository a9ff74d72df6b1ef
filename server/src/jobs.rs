//! The job runner: mail delivery and periodic clean-up. Every instance runs it: delivery takes
//! messages under a lease (rows other instances hold are skipped), and each clean-up job is a
//! single idempotent statement. CSV imports run beside the loop, one at a time per instance,
//! each taken under a lease. On shutdown the job in progress finishes before the loop ends.

use crate::{mailer::Mailer, sessions::Store};
use career_relay::{auth, claim, db::Pool};
use std::time::Duration;
use tokio::sync::watch;

/// How often due mail is looked for.
const DELIVERY_EVERY: Duration = Duration::from_secs(2);
/// How often expired claims, sign-in links, sessions and old mail are cleaned up.
const CLEAN_UP_EVERY: Duration = Duration::from_secs(60);

/// What the jobs work with.
pub struct Jobs {
    pub app: app::state::AppState,
    pub pool: Pool,
    pub sessions: Store,
    pub mailer: Option<Mailer>,
}

impl Jobs {
    /// Runs until `stop` turns true, finishing the round in progress.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut delivery = tokio::time::interval(DELIVERY_EVERY);
        let mut clean_up = tokio::time::interval(CLEAN_UP_EVERY);
        let importing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        loop {
            tokio::select! {
                _ = stop.changed() => break,
                _ = delivery.tick() => {
                    self.deliver().await;
                    self.start_imports(&importing);
                }
                _ = clean_up.tick() => self.clean_up().await,
            }
            if *stop.borrow() {
                break;
            }
        }
        tracing::info!("jobs stopped");
    }

    /// Starts the import runner unless it is running already (an import may take minutes, and
    /// mail must keep flowing meanwhile).
    fn start_imports(&self, importing: &std::sync::Arc<std::sync::atomic::AtomicBool>) {
        use std::sync::atomic::Ordering;
        if importing.swap(true, Ordering::SeqCst) {
            return;
        }
        let (app, importing) = (self.app.clone(), importing.clone());
        tokio::spawn(async move {
            crate::import::run_queued(&app).await;
            importing.store(false, Ordering::SeqCst);
        });
    }

    async fn deliver(&self) {
        let Some(mailer) = &self.mailer else { return };
        match mailer.deliver_due(&self.pool).await {
            Ok(n) if n > 0 => tracing::info!(mail.delivered = n, "mail delivered"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = ?e, "mail delivery round failed"),
        }
    }

    /// One round of clean-up; failures are logged and retried next round.
    #[tracing::instrument(skip_all)]
    pub async fn clean_up(&self) {
        match claim::expire_due(&self.pool).await {
            Ok(n) if n > 0 => tracing::info!(claims.expired = n, "expired claims"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = ?e, "claim expiry failed"),
        }
        if let Err(e) = auth::purge_expired_links(&self.pool).await {
            tracing::warn!(error = ?e, "sign-in link clean-up failed");
        }
        if let Err(e) = career_relay::address::purge_expired(&self.pool).await {
            tracing::warn!(error = ?e, "address change link clean-up failed");
        }
        if let Err(e) = career_relay::mail::purge_old(&self.pool).await {
            tracing::warn!(error = ?e, "outbox clean-up failed");
        }
        if let Err(e) = career_relay::limit::purge_old(&self.pool).await {
            tracing::warn!(error = ?e, "rate limit clean-up failed");
        }
        let days = career_relay::settings::load(&self.pool)
            .await
            .map(|s| s.invitation_days)
            .unwrap_or(30);
        match career_relay::invitation::expire_unanswered(&self.pool, days).await {
            Ok(n) if n > 0 => {
                tracing::info!(invitations.expired = n, "deleted unanswered invitations")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = ?e, "invitation expiry failed"),
        }
        match career_relay::import::finish_held(&self.pool).await {
            Ok(n) if n > 0 => {
                tracing::info!(imports.finished = n, "finished ended imports' held rows")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = ?e, "held import rows not finished"),
        }
        if let Err(e) = career_relay::import::purge_stale(&self.pool, days).await {
            tracing::warn!(error = ?e, "stale upload clean-up failed");
        }
        if let Err(e) = career_relay::invitation::purge_idempotency(&self.pool).await {
            tracing::warn!(error = ?e, "idempotency key clean-up failed");
        }
        let wording = app::api::ssr::MailWording::of(&self.app);
        match career_relay::request::close_due(&self.pool, &wording).await {
            Ok(n) if n > 0 => {
                tracing::info!(requests.closed = n, "closed requests past their deadline")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = ?e, "request deadline job failed"),
        }
        if let Err(e) = career_relay::credit::keep_unknown_lapses(&self.pool).await {
            tracing::warn!(error = ?e, "next lapse job failed");
        }
        match career_relay::credit::expire_due(&self.pool).await {
            Ok(n) if n > 0 => tracing::info!(credits.expired = n, "credits lapsed"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = ?e, "credit expiry failed"),
        }
        if let Err(e) = career_relay::credit::warn_expiring(
            &self.pool,
            &wording,
            career_relay::credit::WARN_DAYS,
        )
        .await
        {
            tracing::warn!(error = ?e, "credit expiry warning failed");
        }
        if let Err(e) = career_relay::credit::announce_earned(&self.pool, &wording).await {
            tracing::warn!(error = ?e, "credit notice failed");
        }
        if let Err(e) = career_relay::claim::announce(&self.pool, &wording).await {
            tracing::warn!(error = ?e, "claim notice failed");
        }
        if let Err(e) = career_relay::placement::announce(&self.pool, &wording).await {
            tracing::warn!(error = ?e, "placement notice failed");
        }
        match career_relay::followup::send_due(&self.pool, &wording).await {
            Ok(n) if n > 0 => tracing::info!(followups = n, "follow-ups queued"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = ?e, "follow-up job failed"),
        }
        match career_relay::retention::ask_due(&self.pool, &wording).await {
            Ok(n) if n > 0 => tracing::info!(renewals = n, "renewals asked"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = ?e, "renewal job failed"),
        }
        match career_relay::retention::anonymise_due(&self.pool).await {
            Ok(n) if n > 0 => tracing::info!(anonymised = n, "unanswered renewals anonymised"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = ?e, "anonymisation job failed"),
        }
        match career_relay::consent::announce(&self.pool, &wording).await {
            Ok(n) if n > 0 => tracing::info!(told = n, "consent notice change announced"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = ?e, "consent notice announcement failed"),
        }
        match career_relay::request::send_digests(&self.pool, &wording).await {
            Ok(n) if n > 0 => tracing::info!(digests = n, "request digests queued"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = ?e, "request digest failed"),
        }
        if let Err(e) = self.sessions.delete_expired().await {
            tracing::warn!(error = ?e, "session clean-up failed");
        }
    }
}
