//! `Idempotency-Key`: a retry of a request with the same key and body gets the first answer
//! again; the same key with another body is refused.

use super::problem::Problem;
use app::state::AppState;
use axum::{
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};

/// The header, as a client sends it.
pub const HEADER: &str = "idempotency-key";

/// A request's key and the hash of its body.
pub struct Idempotency {
    key: Option<String>,
    request_hash: String,
    api_key_id: i64,
}

impl Idempotency {
    /// The request's key (if it sent one) for the API key `api_key_id`; a key of the wrong length
    /// is refused.
    pub fn of(headers: &HeaderMap, raw_body: &[u8], api_key_id: i64) -> Result<Self, Problem> {
        let key = headers
            .get(HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if key.as_ref().is_some_and(|k| k.is_empty() || k.len() > 200) {
            return Err(Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_idempotency_key",
                "An Idempotency-Key has 1 to 200 characters.",
            ));
        }
        Ok(Self {
            key,
            request_hash: career_relay::token::hash(&String::from_utf8_lossy(raw_body)),
            api_key_id,
        })
    }

    /// The answer given the first time this key was sent, if it was.
    pub async fn earlier_answer(&self, state: &AppState) -> Result<Option<Response>, Problem> {
        let Some(key) = &self.key else {
            return Ok(None);
        };
        let Some((hash, status, response)) =
            career_relay::invitation::idempotent_answer(&state.pool, self.api_key_id, key).await?
        else {
            return Ok(None);
        };
        if hash != self.request_hash {
            return Err(Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "This Idempotency-Key was used with another body.",
            ));
        }
        let status = StatusCode::from_u16(status as u16).unwrap_or(StatusCode::OK);
        Ok(Some(
            (
                status,
                [(header::CONTENT_TYPE, "application/json")],
                response,
            )
                .into_response(),
        ))
    }

    /// Remembers the answer, when the request sent a key.
    pub async fn remember(&self, state: &AppState, response: &str) -> Result<(), Problem> {
        if let Some(key) = &self.key {
            career_relay::invitation::remember_answer(
                &state.pool,
                self.api_key_id,
                key,
                &self.request_hash,
                200,
                response,
            )
            .await?;
        }
        Ok(())
    }
}
