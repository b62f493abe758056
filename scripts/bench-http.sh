#!/usr/bin/env bash
# End-to-end HTTP benchmark (issue #17): a release `xinfang serve` with all
# its background jobs on a fresh demo store of N cases, driven by wrk at C
# connections for T seconds — intake only, or mixed with staff reads at a
# stated ratio. Prints one JSON line (throughput, p50/p99/p99.9, worst).
#
#   scripts/bench-http.sh [--cases 2000] [--connections 16] [--duration 30]
#                         [--read-ratio 0] [--database-url postgres://…]
#
# SQLite by default (a temporary file); a PostgreSQL URL is emptied first.
set -euo pipefail
cd "$(dirname "$0")/.."
CASES=2000 CONNS=16 DURATION=30 RATIO=0 DB=""
while [ $# -gt 0 ]; do
  case "$1" in
    --cases) CASES=$2; shift 2 ;;
    --connections) CONNS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --read-ratio) RATIO=$2; shift 2 ;;
    --database-url) DB=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)" >&2
  (apt-get install -y wrk >/dev/null 2>&1 || sudo apt-get install -y wrk >/dev/null)
fi
cargo build --release --quiet -p xinfang
BIN=target/release/xinfang
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
if [ -z "$DB" ]; then
  DB="sqlite://$WORK/bench.db"
else
  psql "$DB" -qc 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;' >/dev/null
fi
export XINFANG_DATABASE_URL="$DB"
export XINFANG_SEARCH_INDEX="$WORK/search-index"
"$BIN" demo --cases "$CASES" >&2
PORT=$((20000 + RANDOM % 20000))
"$BIN" serve --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$PORT/" >/dev/null && break
  sleep 0.2
done
TOKEN=$(curl -sf -H 'Content-Type: application/json' \
  -d '{"username":"shangcheng_xfj","password":"xinfang2026"}' \
  "http://127.0.0.1:$PORT/api/v1/auth/login" | sed -E 's/.*"token":"([^"]+)".*/\1/')
THREADS=$(( CONNS < 2 ? 1 : 2 ))
READ_RATIO=$RATIO STAFF_TOKEN=$TOKEN wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" \
  -s scripts/bench-http.lua "http://127.0.0.1:$PORT" | tail -1 |
  sed -E "s/\\}\$/,\"connections\":$CONNS,\"cases\":$CASES,\"database\":\"${DB%%:*}\"}/"
