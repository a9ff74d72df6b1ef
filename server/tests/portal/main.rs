//! The portal over real HTTP on a real SQLite file: pages, server functions and roles.

mod common;

mod candidate;
mod company_agency;
mod roles;
mod site;
