//! Delivery of the outbox over SMTP (lettre). Each instance takes due messages under a lease,
//! so several instances never send the same message; failures are retried with back-off.

use crate::Config;
use anyhow::Context;
use career_relay::{db::Pool, mail};
use lettre::{
    message::{header::ContentType, Mailbox},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

/// How many messages one round takes.
const BATCH: i64 = 50;

/// The SMTP connection settings and the sender.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// The mailer the configuration asks for; `None` in dev mode (no SMTP URL).
    pub fn from_config(config: &Config) -> anyhow::Result<Option<Self>> {
        let Some(url) = &config.smtp_url else {
            return Ok(None);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .context("CAREER_RELAY_SMTP_URL is not a valid SMTP URL")?
            .build();
        let from = config
            .mail_from
            .parse()
            .context("CAREER_RELAY_MAIL_FROM is not a valid mailbox")?;
        Ok(Some(Self { transport, from }))
    }

    /// Sends every due message (in batches) and returns how many were delivered.
    pub async fn deliver_due(&self, pool: &Pool) -> career_relay::error::Result<usize> {
        let mut delivered = 0;
        loop {
            let batch = mail::take_due(pool, BATCH).await?;
            if batch.is_empty() {
                return Ok(delivered);
            }
            for m in &batch {
                match self.send(m).await {
                    Ok(()) => {
                        mail::mark_sent(pool, m.id).await?;
                        delivered += 1;
                    }
                    Err((permanent, error)) => {
                        // The server's reply often repeats the address, which is personal data:
                        // the log gets the message id only, the outbox row the whole reply.
                        tracing::warn!(mail.id = m.id, permanent, "mail delivery failed");
                        mail::mark_failed(pool, m, permanent, &error).await?;
                    }
                }
            }
        }
    }

    /// One message over SMTP; the error says whether trying again could help.
    async fn send(&self, m: &mail::Outgoing) -> Result<(), (bool, String)> {
        let to: Mailbox = m
            .to_addr
            .parse()
            .map_err(|e: lettre::address::AddressError| (true, e.to_string()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(m.body_text.clone())
            .map_err(|e| (true, e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| (e.is_permanent(), e.to_string()))
    }
}
