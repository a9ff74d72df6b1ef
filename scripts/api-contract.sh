#!/usr/bin/env bash
# Checks that the API does what its OpenAPI document says: starts the portal on a fresh SQLite
# database with the demo data, makes a company key and an agency key, and runs schemathesis
# (every check; the examples and fuzzing phases) against /api/v1/openapi.json with each key. The
# address's schema is two patterns at once (the form, and at most 64 characters before the `@`),
# which hypothesis meets by filtering, so its "too much filtered" health check is off.
# Fails on any finding, and on a panic in the server's log.
#   scripts/api-contract.sh [path/to/career-relay]   (default: the debug build)
set -euo pipefail
cd "$(dirname "$0")/.."

target="${CARGO_TARGET_DIR:-target}"
bin="${1:-$target/debug/career-relay}"
[ -x "$bin" ] || { echo "no $bin: build it first (cargo build -p career-relay-server)" >&2; exit 1; }
python3 -c 'import schemathesis' 2>/dev/null || scripts/setup.sh --e2e

work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DATABASE_URL="sqlite://$work/contract.db"
export CAREER_RELAY_ADDR="127.0.0.1:$port"
export RUST_LOG="warn"
"$bin" demo >/dev/null
key() { "$bin" admin create-api-key "$@" --name contract --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])'; }
company_key=$(key --company 1)
agency_key=$(key --agency 1)

"$bin" serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

status=0
for who in company agency; do
  k="${who}_key"
  echo "==> schemathesis with the $who key" >&2
  SCHEMATHESIS_HOOKS=api_contract_hooks PYTHONPATH=scripts \
  python3 -m schemathesis.cli --config-file scripts/schemathesis.toml \
    run "http://127.0.0.1:$port/api/v1/openapi.json" \
    --checks all --phases examples,fuzzing \
    --suppress-health-check filter_too_much \
    --header "Authorization: Bearer ${!k}" \
    --max-examples "${CONTRACT_EXAMPLES:-60}" --seed 1 --no-color || status=1
done

if grep -q "panicked" "$work/server.log"; then
  echo "the server panicked:" >&2
  cat "$work/server.log" >&2
  status=1
fi
exit $status
