//! Career Relay core: the rules of DESIGN.md, storage and mail, with no web framework.
//!
//! Domain types compile everywhere (the browser build uses them for forms and views);
//! everything that touches the database sits behind the `db` feature.

pub mod consent;
pub mod email;
pub mod error;
pub mod profile;
pub mod time;

pub mod apikey;
pub mod audit;
pub mod auth;
pub mod candidate;
pub mod claim;
pub mod credit;
pub mod import;
pub mod invitation;
pub mod limit;
pub mod mail;
pub mod org;
pub mod placement;
pub mod provision;
pub mod referral;
pub mod relay;
pub mod settings;
pub mod sso;

#[cfg(feature = "db")]
pub mod db;
#[cfg(feature = "db")]
pub mod demo;
#[cfg(feature = "db")]
pub mod scratch;

pub use email::Email;
pub use error::{Error, FieldError, UserError};
