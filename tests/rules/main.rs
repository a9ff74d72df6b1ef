//! The core rules against a real database (SQLite, or PostgreSQL through
//! `CAREER_RELAY_TEST_DATABASE`): ledger, qualification, claims, placements.
//!
//! One module per rule module of `src/` that the tests exercise, named after it; `common` builds
//! the database, the company and the agencies they share.

mod common;

mod address;
mod auth;
mod candidate;
mod claim;
mod consent;
mod credit;
mod db;
mod erasure;
mod farming;
mod followup;
mod import;
mod invitation;
mod mail;
mod numbers;
mod placement;
mod pool;
mod qualify;
mod referral;
mod relay;
mod request;
mod retention;
mod review;
