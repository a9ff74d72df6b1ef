#!/usr/bin/env bash
# The benchmark (README "Performance"): builds the release binary and site, then runs
# scripts/bench.py — 100,000 candidates and a million ledger rows on SQLite, and again on the
# PostgreSQL server with two portal instances; wrk on every page; the CSV import of 100,000 rows
# while others use the portal. Prints Markdown tables.
#   scripts/bench.sh [--backend sqlite|postgres|both] [--quick] [--seconds N] …  (see --help)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"

scripts/setup.sh
if ! command -v wrk >/dev/null 2>&1; then
  echo "==> installing wrk (the load generator)" >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; else sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null; fi
fi
if ! command -v wasm-opt >/dev/null 2>&1; then
  echo "==> installing wasm-opt (binaryen, npm): the release bundle is optimised as it ships" >&2
  npm install -g --no-audit --no-fund binaryen >/dev/null
fi
cargo build --release -p career-relay-server
scripts/build.sh --release --site-only
exec python3 scripts/bench.py "$@"
