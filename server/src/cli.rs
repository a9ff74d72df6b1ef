//! The command line: `serve` (default), `migrate`, `demo`, and admin commands.

use crate::Config;
use clap::{Parser, Subcommand};

/// Career Relay: rejection mail turned into a consented hand-off.
#[derive(Debug, Parser)]
#[command(name = "career-relay", version)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the portal (the default).
    Serve {
        /// Load the demo data first when the database is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Load the demo data into an empty database and print sign-in links.
    Demo,
    /// Fill an empty database with the benchmark's data (scripts/bench.sh): 100,000 candidates,
    /// 5,000 claims and 1,000,000 ledger rows over 50 companies and 20 agencies by default.
    BenchSeed {
        #[arg(long, default_value_t = 50)]
        companies: usize,
        #[arg(long, default_value_t = 20)]
        agencies: usize,
        #[arg(long, default_value_t = 100_000)]
        candidates: usize,
        #[arg(long, default_value_t = 5_000)]
        claims: usize,
        #[arg(long, default_value_t = 1_000_000)]
        ledger_rows: usize,
    },
    /// Administration commands.
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a company (with its relay link).
    CreateCompany {
        #[arg(long)]
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Create a recruitment agency.
    CreateAgency {
        #[arg(long)]
        name: String,
        /// Approve it at once.
        #[arg(long)]
        approved: bool,
        #[arg(long)]
        json: bool,
    },
    /// Add a member to a company or an agency.
    AddMember {
        #[arg(long, conflicts_with = "agency", required_unless_present = "agency")]
        company: Option<i64>,
        #[arg(long)]
        agency: Option<i64>,
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = ["admin", "member"], default_value = "member")]
        role: String,
        #[arg(long)]
        json: bool,
    },
    /// Create a platform admin.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        json: bool,
    },
    /// Create an API key for a company or an agency; the key is printed once and stored hashed.
    CreateApiKey {
        #[arg(long, conflicts_with = "agency", required_unless_present = "agency")]
        company: Option<i64>,
        #[arg(long)]
        agency: Option<i64>,
        /// What the key is for, e.g. the name of the ATS.
        #[arg(long, default_value = "command line")]
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Print a one-time sign-in URL for an address.
    SignInLink {
        #[arg(long)]
        email: String,
        #[arg(long)]
        json: bool,
    },
}
