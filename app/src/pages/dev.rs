//! The dev mailbox: mail the portal would have sent, when no SMTP server is configured.

use crate::{api::session::dev_mailbox, components::Loaded, i18n::*};
use leptos::prelude::*;

#[component]
pub fn Mailbox() -> impl IntoView {
    let i18n = crate::components::use_locale();
    let mail = ArcResource::new(|| (), |_| dev_mailbox());
    view! {
        <h1>{td!(i18n, dev.title)}</h1>
        <p>{td!(i18n, dev.explain)}</p>
        <Loaded
            resource=mail
            view={move |messages: Vec<career_relay::mail::OutboxMessage>| {
                messages
                    .into_iter()
                    .map(|m| {
                        view! {
                            <article class="mail">
                                <p class="meta">{career_relay::time::date_time(m.created_at)} " → " <span class="to">{m.to_addr}</span></p>
                                <h2>{m.subject}</h2>
                                <pre>{linkify(&m.body_text)}</pre>
                            </article>
                        }
                    })
                    .collect_view()
            }}
        />
    }
}

/// The body with its URLs as links, so a developer can click the sign-in link.
fn linkify(body: &str) -> impl IntoView {
    body.split_inclusive(char::is_whitespace)
        .map(|word| {
            let trimmed = word.trim_end();
            if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
                let rest = word[trimmed.len()..].to_owned();
                view! { <a href=trimmed.to_owned() rel="external">{trimmed.to_owned()}</a>{rest} }
                    .into_any()
            } else {
                word.to_owned().into_any()
            }
        })
        .collect_view()
}
