#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for sitrep's PostgreSQL tests and measurements.
#
#   eval "$(scripts/pg-test-cluster.sh start)"   # exports SITREP_TEST_PG_URL and SITREP_TEST_PG_DIR
#   cargo test -p sitrep_pg
#   scripts/pg-test-cluster.sh stop              # stops it (by the pid pg_ctl recorded) and deletes it
#
# start: initdb into a fresh temporary directory, pg_ctl on a free loopback port (TCP on 127.0.0.1
# only, plus a Unix socket inside the directory), trust authentication for the superuser `sitrep`,
# a database `sitrep`; prints `export` lines. PostgreSQL refuses to run as root, so when run as
# root the cluster belongs to an unprivileged user ($PG_TEST_USER, default `postgres`, else
# `nobody`). PG_TEST_FAST=1 (the default) turns fsync and synchronous commit off: a test cluster
# is thrown away, so durability only costs time; PG_TEST_FAST=0 keeps the server's defaults
# (use it for throughput figures).
# stop [DIR]: stops the cluster in DIR (default $SITREP_TEST_PG_DIR) and removes DIR.
#
# Binaries: $PG_BIN, else the newest /usr/lib/postgresql/*/bin, else `pg_config --bindir`, else
# PATH. Debian: `apt-get install postgresql postgresql-15-postgis-3`.
set -euo pipefail

find_bin() {
    if [[ -n "${PG_BIN:-}" ]]; then
        if [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]]; then echo "$PG_BIN"; return; fi
        echo "pg-test-cluster: PG_BIN=$PG_BIN holds no initdb/pg_ctl; install PostgreSQL (Debian: apt-get install postgresql postgresql-15-postgis-3) or fix PG_BIN" >&2
        exit 3
    fi
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then echo "$d"; return; fi
    done
    if command -v pg_config >/dev/null && [[ -x "$(pg_config --bindir)/initdb" ]]; then pg_config --bindir; return; fi
    if command -v initdb >/dev/null; then dirname "$(command -v initdb)"; return; fi
    echo "pg-test-cluster: PostgreSQL server binaries (initdb, pg_ctl) not found; install them (Debian: apt-get install postgresql postgresql-15-postgis-3) or set PG_BIN" >&2
    exit 3
}

# Runs a command as the cluster's owner.
as_owner() {
    if [[ $(id -u) -ne 0 ]]; then "$@"; return; fi
    if command -v runuser >/dev/null; then runuser -u "$OWNER" -- "$@"; else su -s /bin/sh "$OWNER" -c "$(printf '%q ' "$@")"; fi
}

pick_owner() {
    if [[ $(id -u) -ne 0 ]]; then OWNER=$(id -un); return; fi
    OWNER=${PG_TEST_USER:-postgres}
    if ! id "$OWNER" >/dev/null 2>&1; then OWNER=nobody; fi
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
    local bin dir port opts attempt
    bin=$(find_bin)
    pick_owner
    # Under /tmp (or $PG_TEST_TMPDIR), not $TMPDIR: the unprivileged owner must be able to reach
    # it, and a root session's TMPDIR may sit under /root.
    dir=$(mktemp -d "${PG_TEST_TMPDIR:-/tmp}/sitrep-pg.XXXXXX")
    mkdir "$dir/data" "$dir/socket"
    chmod 755 "$dir"
    chmod 700 "$dir/data"
    # The owner writes the data, the socket and the server log; root can still read and delete.
    chown -R "$OWNER" "$dir"
    # Run from a directory the owner can read: initdb and pg_ctl stat the current directory.
    (cd "$dir" && as_owner "$bin/initdb" -D "$dir/data" -U sitrep -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1) || {
        echo "pg-test-cluster: initdb failed:" >&2; cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1; }
    opts="-c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir/socket -c max_connections=100"
    if [[ "${PG_TEST_FAST:-1}" == 1 ]]; then
        opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        # The port can be taken between picking and binding: try another.
        if (cd "$dir" && as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "-p $port $opts" start >/dev/null 2>&1); then
            break
        fi
        port=""
    done
    if [[ -z "$port" ]]; then
        echo "pg-test-cluster: the server did not start; its log:" >&2; cat "$dir/server.log" >&2 || true; rm -rf "$dir"; exit 1
    fi
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U sitrep sitrep
    local url="postgres://sitrep@127.0.0.1:$port/sitrep"
    as_owner sh -c 'echo "$1" >"$2/bin"; echo "$3" >"$2/url"' sh "$bin" "$dir" "$url"
    echo "export SITREP_TEST_PG_URL=$url"
    echo "export SITREP_TEST_PG_DIR=$dir"
}

stop() {
    local dir=${1:-${SITREP_TEST_PG_DIR:-}}
    if [[ -z "$dir" || ! -d "$dir/data" ]]; then
        echo "pg-test-cluster: no cluster directory given (stop DIR, or SITREP_TEST_PG_DIR)" >&2; exit 2
    fi
    local bin pid
    bin=$(cat "$dir/bin" 2>/dev/null || find_bin)
    pick_owner
    if [[ -f "$dir/data/postmaster.pid" ]]; then
        (cd "$dir" && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1) || {
            # pg_ctl could not stop it: end the postmaster by the pid it recorded, never by name.
            pid=$(head -1 "$dir/data/postmaster.pid" 2>/dev/null || true)
            if [[ -n "$pid" ]]; then kill -TERM "$pid" 2>/dev/null || true; sleep 2; kill -KILL "$pid" 2>/dev/null || true; fi
        }
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    start) start ;;
    stop) shift; stop "$@" ;;
    *) echo "usage: $0 start | stop [DIR]" >&2; exit 2 ;;
esac
