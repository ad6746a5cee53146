#!/usr/bin/env bash
# Load benchmark of `sitrep serve` (not a test): builds a database of about 10,000 stored events from
# invented articles (bench/articles.py), serves it on a loopback port, and runs wrk (Debian's) on
# /api/events for 30 s: first paced to about 500 requests/s (wrk has no rate flag and Debian has no wrk2,
# so a Lua delay() paces each connection: 15 connections / (22 ms pause + latency) ~ 500 req/s), then
# unpaced, to show the ceiling. Prints wrk's latency distribution (p50/p75/p90/p99) and requests/s.
# Everything stays on 127.0.0.1; each wrk run is bounded by -d.
#   usage: crates/sitrep_serve/bench/load.sh [ARTICLES=11300] [SECONDS=30]
#   BENCH_DB=FILE keeps (or reuses) the database there; CONNECTIONS (15) and PACE_MS (22) tune the pacing.
# Needs the release binary (scripts/setup.sh, or cargo build --release -p sitrep) and the gazetteer.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
articles="${1:-11300}"
secs="${2:-30}"
bin="${SITREP_BIN:-$root/target/release/sitrep}"
[ -x "$bin" ] || { echo "load.sh: no $bin (build it: cargo build --release -p sitrep, or set SITREP_BIN)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "load.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }
export SITREP_GAZETTEER="${SITREP_GAZETTEER:-$root/data/gazetteer}"

work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
db="${BENCH_DB:-$work/bench.db}"
if [ ! -f "$db" ]; then
  python3 "$here/articles.py" "$articles" 7 > "$work/feed.jsonl"
  "$bin" ingest "$work/feed.jsonl" --db "$db" >&2
fi
events="$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM stored_events WHERE version > 0').fetchone()[0])" "$db")"
echo "stored events: $events" >&2

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$bin" serve --db "$db" --addr "127.0.0.1:$port" --quiet &
server=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/api/stats" >/dev/null 2>&1 && break; sleep 0.1; done

conns="${CONNECTIONS:-15}"
pace="${PACE_MS:-22}"
cat > "$work/pace.lua" <<LUA
-- $pace ms between a connection's requests: $conns connections / ($pace ms + latency) ~ 500 requests/s.
function delay() return $pace end
LUA
url="http://127.0.0.1:$port/api/events"
echo "== paced (~500 req/s target), $secs s, GET /api/events (100 full events a page)" >&2
wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$work/pace.lua" "$url"
echo "== paced, a filtered page: ?country=SY&type=battles" >&2
wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$work/pace.lua" "$url?country=SY&type=battles"
echo "== unpaced ceiling, 20 connections" >&2
wrk -t2 -c20 -d"${secs}s" --latency "$url"
