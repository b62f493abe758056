#!/usr/bin/env bash
# Backup and point-in-time recovery drill (docs/OPERATIONS.md): a throwaway
# PostgreSQL 15 with WAL archiving, a xinfang database on it, a base backup
# (pg_basebackup), more registrations, then an "accident" (every event's
# payload overwritten: the audit chain breaks). The drill restores the base
# backup, replays the archived WAL up to the moment before the accident
# (recovery_target_time), and checks: the cases registered after the backup
# are there, the accident is not, and `xinfang audit verify` passes.
#
#   scripts/pg-pitr-drill.sh [--dir DIR] [--port PORT] [--bin PATH/TO/xinfang]
#
# Runs the Debian binaries as `postgres` (call it as root); ports PORT and
# PORT+1 (default 5590, 5591). Prints one line of numbers; exits non-zero
# if any check fails. Leaves nothing running.
set -euo pipefail
dir=/tmp/xinfang-pitr-drill
port=5590
xf=${CARGO_TARGET_DIR:-$(dirname "$0")/../target}/debug/xinfang
while [ $# -gt 0 ]; do
  case "$1" in
  --dir) dir=$2; shift 2 ;;
  --port) port=$2; shift 2 ;;
  --bin) xf=$2; shift 2 ;;
  *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ -x "$xf" ] || { echo "xinfang binary not found at $xf (--bin)" >&2; exit 2; }
xf=$(realpath "$xf")
bin=/usr/lib/postgresql/15/bin
as_pg() { runuser -u postgres -- "$@"; }
psql_at() { as_pg "$bin/psql" -h 127.0.0.1 -p "$1" -U postgres -d xinfang -Atc "$2"; }
now_ms() { date +%s%3N; }

cleanup() {
  for d in primary restored; do
    [ -f "$dir/$d/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$dir/$d" -m immediate stop >/dev/null 2>&1 || true
  done
  rm -rf "$dir"
}
trap cleanup EXIT
cleanup
mkdir -p "$dir/archive"
chown -R postgres:postgres "$dir"

# 1. A primary that archives every WAL segment (archive_command) and closes
#    a segment at least every 10 s (archive_timeout).
as_pg "$bin/initdb" -D "$dir/primary" --auth=trust -U postgres >/dev/null
cat >>"$dir/primary/postgresql.conf" <<EOF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
shared_buffers = 32MB
max_connections = 30
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $dir/archive/%f && cp %p $dir/archive/%f'
archive_timeout = 10
EOF
as_pg "$bin/pg_ctl" -D "$dir/primary" -l "$dir/primary.log" -w start >/dev/null
as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres xinfang
url="postgres://postgres@127.0.0.1:$port/xinfang"
"$xf" demo --cases 200 --database-url "$url" >/dev/null 2>&1

cases_at_backup=$(psql_at "$port" "SELECT count(*) FROM cases")
# 2. The base backup (plain format, with the WAL needed to make it consistent).
t=$(now_ms)
as_pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$port" -U postgres -D "$dir/base" -X stream -c fast
backup_ms=$(( $(now_ms) - t ))
backup_mb=$(du -sm "$dir/base" | cut -f1)

# 3. Registrations after the backup: only the archived WAL has them.
for i in $(seq 1 20); do
  curl_body=$(printf '{"petitioners":[{"name":"演练%s","address":"上城区"}],"request":"演练第%s件：要求修复路灯","region_code":"330102"}' "$i" "$i")
  echo "$curl_body" >"$dir/p$i.json"
done
# Through the real server, so the registrations are chained events.
(cd "$dir" && exec "$xf" serve --listen 127.0.0.1:0 --database-url "$url" >"$dir/serve.out" 2>/dev/null) &
serve=$!
for _ in $(seq 1 100); do grep -q http "$dir/serve.out" 2>/dev/null && break; sleep 0.2; done
base=$(grep -o 'http://[0-9.:]*' "$dir/serve.out" | head -n 1)
for i in $(seq 1 20); do
  curl -sf -H 'content-type: application/json' --data-binary @"$dir/p$i.json" "$base/api/v1/petitions" >/dev/null
done
kill "$serve"; wait "$serve" 2>/dev/null || true
cases_before=$(psql_at "$port" "SELECT count(*) FROM cases")
events_before=$(psql_at "$port" "SELECT count(*) FROM events")
sleep 1
target=$(psql_at "$port" "SELECT now()")
sleep 1

# 4. The accident: every event's payload overwritten.
psql_at "$port" "UPDATE events SET payload = '{}'" >/dev/null
if "$xf" audit verify --database-url "$url" >/dev/null 2>&1; then
  echo "drill broken: the accident did not break the chain" >&2
  exit 1
fi
psql_at "$port" "SELECT pg_switch_wal()" >/dev/null
sleep 2
as_pg "$bin/pg_ctl" -D "$dir/primary" -m fast -w stop >/dev/null

# 5. Restore: the base backup, the archive, and a target time.
t=$(now_ms)
cp -a "$dir/base" "$dir/restored"
cat >>"$dir/restored/postgresql.conf" <<EOF
port = $((port + 1))
archive_mode = off
restore_command = 'cp $dir/archive/%f %p'
recovery_target_time = '$target'
recovery_target_action = 'promote'
EOF
as_pg touch "$dir/restored/recovery.signal"
as_pg "$bin/pg_ctl" -D "$dir/restored" -l "$dir/restored.log" -w -t 120 start >/dev/null
for _ in $(seq 1 120); do
  [ "$(psql_at $((port + 1)) "SELECT pg_is_in_recovery()")" = f ] && break
  sleep 0.5
done
restore_ms=$(( $(now_ms) - t ))
rurl="postgres://postgres@127.0.0.1:$((port + 1))/xinfang"
cases_after=$(psql_at $((port + 1)) "SELECT count(*) FROM cases")
events_after=$(psql_at $((port + 1)) "SELECT count(*) FROM events")
"$xf" audit verify --database-url "$rurl" >/dev/null 2>&1 || { echo "restored chain does not verify" >&2; exit 1; }
[ "$cases_before" = $((cases_at_backup + 20)) ] || { echo "registrations after the backup: $cases_before, expected $((cases_at_backup + 20))" >&2; exit 1; }
[ "$cases_after" = "$cases_before" ] || { echo "cases: $cases_after restored, $cases_before before the accident" >&2; exit 1; }
[ "$events_after" = "$events_before" ] || { echo "events: $events_after restored, $events_before expected" >&2; exit 1; }
echo "pitr drill ok: base backup ${backup_mb} MB in ${backup_ms} ms; restored to ${target} in ${restore_ms} ms; ${cases_after} cases (${cases_at_backup} in the backup + 20 from the archive), ${events_after} events, audit chain verifies"
