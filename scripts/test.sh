#!/usr/bin/env bash
# Runs every test: formatting and lints, the Rust unit and integration tests (on real SQLite files
# and on a real PostgreSQL server), and the end-to-end tests in a real Chromium. Installs what it
# needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --e2e

cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
# The whole Rust suite runs on both backends: SQLite files, then the PostgreSQL server (each
# test gets a database of its own there, dropped afterwards). `cargo test` also builds the
# career-relay binary the browser tests run.
cargo test --workspace
# The API does what its OpenAPI document says (schemathesis, both kinds of key, every check).
scripts/api-contract.sh
postgres="${CAREER_RELAY_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
if [ "$postgres" = off ]; then
  echo "warning: CAREER_RELAY_TEST_POSTGRES=off: the PostgreSQL run is skipped" >&2
else
  CAREER_RELAY_TEST_DATABASE="$postgres" cargo test --workspace
fi

scripts/build.sh --site-only
(cd end2end && npx playwright test)
if [ "$postgres" != off ]; then
  # The browser tests again, on a fresh PostgreSQL database.
  e2e_db=career_relay_e2e
  export PGOPTIONS="-c client_min_messages=warning"
  psql "$postgres" -q -c "DROP DATABASE IF EXISTS $e2e_db WITH (FORCE)" -c "CREATE DATABASE $e2e_db"
  (cd end2end && E2E_DATABASE_URL="${postgres%/*}/$e2e_db" npx playwright test)
  psql "$postgres" -q -c "DROP DATABASE IF EXISTS $e2e_db WITH (FORCE)"
fi
