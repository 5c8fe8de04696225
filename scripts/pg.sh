#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for the tests (sourced by test.sh).
# PostgreSQL refuses to run as root, so as root the cluster runs as the
# `postgres` user, with data and socket in a postgres-owned temp folder.
# Exports GRIDWORKER_TEST_PG_URL; pg_stop (called from an EXIT trap) removes it.
pg_start() {
  local bin port
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$bin" ]; then
    echo "pg: no PostgreSQL binaries found; PostgreSQL tests will fail" >&2
    return 0
  fi
  local as=()
  if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi
  PG_TMP="$("${as[@]}" mktemp -d /tmp/gridworker-pg.XXXXXX)"
  port="$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  "${as[@]}" "$bin/initdb" -D "$PG_TMP/data" -A trust -U postgres -E UTF8 --no-sync >"$PG_TMP.initdb.log" 2>&1 \
    || { cat "$PG_TMP.initdb.log" >&2; return 1; }
  "${as[@]}" "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
    -o "-p $port -k $PG_TMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200" \
    start >/dev/null
  PG_BIN="$bin"; PG_AS=("${as[@]}")
  export GRIDWORKER_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  echo "pg: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on port $port"
}
pg_stop() {
  if [ -n "${PG_TMP:-}" ] && [ -d "$PG_TMP" ]; then
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_TMP" "$PG_TMP.initdb.log"
  fi
}
