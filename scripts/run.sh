#!/usr/bin/env bash
# Builds and runs the portal on the embedded SQLite database with demo data.
#   scripts/run.sh [--release]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh "$@"
dir=debug; [ "${1:-}" = "--release" ] && dir=release
exec "${CARGO_TARGET_DIR:-target}/$dir/career-relay" serve --demo
