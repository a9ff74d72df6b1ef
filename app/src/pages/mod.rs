//! The portal's pages, one module per audience.

pub mod admin;
pub mod agency;
pub mod analytics;
pub mod answer;
pub mod company;
pub mod dev;
pub mod home;
pub mod import;
pub mod me;
pub mod members;
pub mod numbers;
pub mod relay;
pub mod requests;
pub mod returns;
pub mod review;
pub mod signin;

use crate::components::ErrorView;
use leptos::prelude::*;

/// Any path the portal does not know: 404.
#[component]
pub fn NotFound() -> impl IntoView {
    view! { <ErrorView error=crate::error::AppError::User(career_relay::UserError::NotFound) /> }
}
