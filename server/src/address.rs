//! `POST /me/email/{token}/confirm`: the button of the page a new address's confirmation link
//! opens. The link is the proof; no session is needed.

use crate::error::{HandlerError, OrBack};
use app::state::AppState;
use axum::{
    extract::{Path, State},
    response::Redirect,
    routing::post,
    Router,
};

pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/me/email/{token}/confirm", post(confirm))
        .with_state(state)
}

async fn confirm(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Redirect, HandlerError> {
    let back = format!(
        "/me/email/{}?error=",
        token
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect::<String>()
    );
    career_relay::address::confirm(&state.pool, &token)
        .await
        .or_back(&back)?;
    Ok(Redirect::to("/me?saved=email"))
}
