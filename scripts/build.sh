#!/usr/bin/env bash
# Builds the portal: the server binary and the site under target/site (the public assets, and
# under pkg/ the content-hashed bundle and stylesheet: career-relay.<hash>.js,
# career-relay.<hash>_bg.wasm, career-relay.<hash>.css; a file's name changes with its content, so
# browsers keep each one for good, and the server finds the newest when it starts).
#   scripts/build.sh [--release] [--site-only]
# --site-only skips the server binary (the test command already built it with `cargo test`).
# Without the wasm target or wasm-bindgen the server still builds and serves plain HTML
# (hydration off); the script says so.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=dev; dir=debug; cargo_profile=(); server=yes
for arg in "$@"; do
  case "$arg" in
    --release) profile=release; dir=release; cargo_profile=(--release) ;;
    --site-only) server=no ;;
  esac
done
target="${CARGO_TARGET_DIR:-target}"
site=target/site
mkdir -p "$site/pkg"

# The first 16 hex digits of the SHA-256 of what is read from standard input.
content_hash() { sha256sum | cut -c1-16; }

cp -R public/. "$site/"
rm -f "$site"/pkg/career-relay*
cp style/main.css "$site/pkg/career-relay.$(content_hash < style/main.css).css"

if [ "$server" = yes ]; then cargo build -p career-relay-server "${cargo_profile[@]}"; fi

if rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown && command -v wasm-bindgen >/dev/null 2>&1; then
  wasm_profile=dev; wasm_dir=debug
  if [ "$profile" = release ]; then wasm_profile=wasm-release; wasm_dir=wasm-release; fi
  cargo rustc -p app --lib --crate-type cdylib --target wasm32-unknown-unknown --features hydrate --profile "$wasm_profile"
  out=$(mktemp -d)
  wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name career-relay \
    "$target/wasm32-unknown-unknown/$wasm_dir/app.wasm"
  if [ "$profile" = release ] && command -v wasm-opt >/dev/null 2>&1; then
    wasm-opt -Oz "$out/career-relay_bg.wasm" -o "$out/career-relay_bg.wasm"
  fi
  hash=$(cat "$out/career-relay.js" "$out/career-relay_bg.wasm" | content_hash)
  mv "$out/career-relay.js" "$site/pkg/career-relay.$hash.js"
  mv "$out/career-relay_bg.wasm" "$site/pkg/career-relay.${hash}_bg.wasm"
  if [ -d "$out/snippets" ]; then cp -R "$out/snippets" "$site/pkg/"; fi
  rm -rf "$out"
else
  echo "note: wasm target or wasm-bindgen missing: hydration is off, pages work as plain HTML" >&2
fi
echo "built $target/$dir/career-relay and $site" >&2
