#!/usr/bin/env bash
# Runs every test: formatting and lints, the Rust unit and integration tests (real SQLite files),
# and the end-to-end tests in a real Chromium. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --e2e

cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
# `cargo test` also builds the career-relay binary the browser tests run.
cargo test --workspace

scripts/build.sh --site-only
(cd end2end && npx playwright test)
