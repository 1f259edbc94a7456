#!/usr/bin/env bash
# A throw-away PostgreSQL 15 server for tests, in a folder of your choice.
#
#   scripts/pg-test-server.sh start DIR   # initdb DIR/pgdata if needed, start on 127.0.0.1 and a
#                                         # free port, print postgres://postgres@127.0.0.1:PORT/postgres
#   scripts/pg-test-server.sh stop DIR    # stop it (a no-op when it is not running)
#   scripts/pg-test-server.sh url DIR     # print the URL of the running server again
#
# Typical use:
#   dir=$(mktemp -d)
#   export DATABASE_URL=$(scripts/pg-test-server.sh start "$dir")
#   npm test
#   scripts/pg-test-server.sh stop "$dir" && rm -rf "$dir"
#
# The cluster trusts every local connection (-A trust) and listens on 127.0.0.1 only: for tests,
# never for data you care about. PostgreSQL refuses to run as root, so when run as root the server
# runs as the `postgres` user and DIR is handed to that user. The Unix socket lives in DIR too,
# so DIR's path must stay under about 90 characters.
# PG_BIN overrides the folder of initdb/pg_ctl (default /usr/lib/postgresql/15/bin).
set -euo pipefail

usage() {
  echo "usage: $0 start|stop|url DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
cmd=$1
dir=$2

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PG_BIN/initdb" ]; then
  if command -v initdb >/dev/null 2>&1; then
    PG_BIN=$(dirname "$(command -v initdb)")
  else
    echo "initdb not found in $PG_BIN nor on PATH: install postgresql-15 (apt-get install -y postgresql-15)" >&2
    exit 1
  fi
fi

# Runs a command as the user that owns the cluster: `postgres` when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

pgdata() { echo "$dir/pgdata"; }
port_of() { cat "$dir/port"; }
url_of() { echo "postgres://postgres@127.0.0.1:$(port_of)/postgres"; }

free_port() {
  node -e 'const s=require("node:net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

start() {
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
  if [ -f "$dir/port" ] && as_owner "$PG_BIN/pg_ctl" -D "$(pgdata)" status >/dev/null 2>&1; then
    url_of
    return
  fi
  if [ ! -f "$(pgdata)/PG_VERSION" ]; then
    as_owner "$PG_BIN/initdb" -D "$(pgdata)" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      exit 1
    }
  fi
  local attempt port
  for attempt in 1 2 3; do
    port=$(free_port)
    echo "$port" >"$dir/port"
    # -w waits until the server accepts connections (or fails); the log says why it failed.
    if as_owner "$PG_BIN/pg_ctl" -D "$(pgdata)" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" \
      start >/dev/null; then
      break
    fi
    echo "PostgreSQL did not start on port $port (attempt $attempt):" >&2
    tail -n 20 "$dir/server.log" >&2 || true
    [ "$attempt" -lt 3 ] || exit 1
  done
  local i
  for i in $(seq 1 60); do
    if pg_isready -q -h 127.0.0.1 -p "$port" -U postgres; then
      url_of
      return
    fi
    sleep 0.5
  done
  echo "PostgreSQL on port $port never answered pg_isready; log:" >&2
  tail -n 50 "$dir/server.log" >&2 || true
  exit 1
}

stop() {
  [ -d "$dir" ] || return 0
  dir=$(cd "$dir" && pwd)
  [ -f "$(pgdata)/PG_VERSION" ] || return 0
  if as_owner "$PG_BIN/pg_ctl" -D "$(pgdata)" status >/dev/null 2>&1; then
    as_owner "$PG_BIN/pg_ctl" -D "$(pgdata)" -m fast -w -t 60 stop >/dev/null
  fi
}

case "$cmd" in
start) start ;;
stop) stop ;;
url) url_of ;;
*) usage ;;
esac
