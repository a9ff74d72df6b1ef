//! Delivery of the outbox over SMTP (lettre). Each instance takes due messages under a lease,
//! so several instances never send the same message; failures are retried with back-off.

use crate::Config;
use anyhow::Context;
use career_relay::{db::Pool, mail};
use lettre::{
    message::{
        header::{Header, HeaderName, HeaderValue},
        Mailbox, MultiPart,
    },
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
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone());
        if let Some(url) = &m.unsubscribe_url {
            builder = builder
                .header(ListUnsubscribe(format!("<{url}>")))
                .header(ListUnsubscribePost);
        }
        let message = builder
            .multipart(MultiPart::alternative_plain_html(
                m.body_text.clone(),
                html_of(&m.body_text),
            ))
            .map_err(|e| (true, e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| (e.is_permanent(), e.to_string()))
    }
}

/// The HTML part of a mail: its text, escaped, with line breaks kept and web addresses as links.
pub fn html_of(text: &str) -> String {
    let mut body = String::new();
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            body.push_str("<br>\n");
        }
        for (j, word) in line.split(' ').enumerate() {
            if j > 0 {
                body.push(' ');
            }
            let escaped = html_escape::encode_double_quoted_attribute(word);
            if word.starts_with("https://") || word.starts_with("http://") {
                body.push_str(&format!("<a href=\"{escaped}\">{escaped}</a>"));
            } else {
                body.push_str(&escaped);
            }
        }
    }
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head>\
         <body style=\"font-family: sans-serif; line-height: 1.6\">{body}</body></html>"
    )
}

/// `List-Unsubscribe: <https://…/u/TOKEN>` (RFC 2369).
#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): mail programs may unsubscribe
/// with a POST to the link, without opening it.
#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_html_part_escapes_the_text_and_links_addresses() {
        let html = super::html_of("<b>こんにちは</b>\nhttps://relay.example/i/abc?x=1&y=2");
        assert!(html.contains("&lt;b&gt;こんにちは&lt;/b&gt;<br>"));
        assert!(html.contains("<a href=\"https://relay.example/i/abc?x=1&amp;y=2\">"));
    }
}
