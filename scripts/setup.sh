#!/usr/bin/env bash
# Installs what building and testing need, only when missing. Safe to run again.
#   scripts/setup.sh          toolchain pieces for the build (wasm target, wasm-bindgen)
#   scripts/setup.sh --e2e    also what the tests need: Chromium, the end-to-end test packages,
#                             aiosmtpd (a real SMTP server for the mail tests) and schemathesis
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

if ! rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown || say "no wasm target: the portal will run without hydration"
fi

# wasm-bindgen must be exactly the version in Cargo.lock.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ -n "$want" ] && [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "$want" || say "wasm-bindgen unavailable: the portal will run without hydration"
fi

if [ "${1:-}" = "--e2e" ]; then
  if ! command -v chromium >/dev/null 2>&1; then
    say "installing Chromium for the browser tests"
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi
  fi
  if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
    say "installing aiosmtpd (the SMTP server the mail tests start)"
    python3 -m pip install --quiet aiosmtpd
  fi
  if ! python3 -c 'import schemathesis' 2>/dev/null; then
    say "installing schemathesis (the API contract check)"
    python3 -m pip install --quiet 'schemathesis==4.32.5'
  fi
  if [ ! -d end2end/node_modules ]; then
    say "installing the end-to-end test packages"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
fi
