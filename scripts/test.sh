#!/usr/bin/env bash
# Runs the whole test suite, then the accuracy ratchet (every figure in eval/thresholds.toml
# must stay at or above its floor). Sets up first when the gazetteer is missing, so it works
# on a fresh clone. Needs ../shared beside the clone (or SITREP_DATA): tests that read the
# gold data fail without it.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)" >&2; }

SITREP_SETUP_NO_SAMPLE=1 bash scripts/setup.sh

step "cargo test (release profile, whole workspace)"
cargo test --release --locked --workspace

if [ -f eval/thresholds.toml ]; then
  step "accuracy ratchet: sitrep eval all --check eval/thresholds.toml"
  ./target/release/sitrep eval all --check eval/thresholds.toml
fi
