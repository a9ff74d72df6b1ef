//! The portal over real HTTP on a real database: pages, server functions, roles, and whole
//! processes (several instances, mail, shutdown).

mod common;

mod api;
mod authz;
mod candidate;
mod company_agency;
mod import;
mod instances;
mod roles;
mod site;
mod sso;
