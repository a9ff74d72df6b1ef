//! The portal over real HTTP on a real database: pages, server functions, roles, and whole
//! processes (several instances, mail, shutdown).
//!
//! The tests are grouped by the module of `app/` or `server/` they exercise (`api` mirrors
//! `server/src/api/`); `authz`, `roles` and `instances` cut across modules.

mod common;

mod admin;
mod agency;
mod answer;
mod api;
mod authz;
mod candidate;
mod company;
mod export;
mod import;
mod instances;
mod members;
mod middleware;
mod numbers;
mod requests;
mod returns;
mod review;
mod roles;
mod routes;
mod session;
mod sso;
