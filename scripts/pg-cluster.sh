#!/usr/bin/env bash
# A replicated PostgreSQL 15 on this one machine, run by pg_auto_failover
# (Debian: postgresql-15-auto-failover): a monitor and two data nodes, one
# primary and one synchronous standby, with automatic failover and rejoin.
#
#   scripts/pg-cluster.sh up     [--dir DIR] [--port BASE]   build and start
#   scripts/pg-cluster.sh down   [--dir DIR]                 stop and remove
#   scripts/pg-cluster.sh status [--dir DIR]                 nodes and roles
#   scripts/pg-cluster.sh url    [--dir DIR]                 multi-host URL
#   scripts/pg-cluster.sh primary [--dir DIR]                host:port of the primary
#   scripts/pg-cluster.sh kill NODE [--dir DIR]              SIGKILL a node (keeper + postgres)
#   scripts/pg-cluster.sh start NODE [--dir DIR]             restart a node's keeper (rejoin)
#   scripts/pg-cluster.sh wait-standby NODE [--dir DIR]      until NODE is a healthy secondary
#
# Ports: monitor BASE (default 5433), node1 BASE+1, node2 BASE+2. Runs the
# Debian binaries as the `postgres` user (the tests run as root). Every
# setting is explained in docs/OPERATIONS.md. Installs the package with apt
# when pg_autoctl is missing (set XINFANG_NO_APT=1 to refuse).
set -euo pipefail

cmd=${1:-status}
shift || true
node_arg=""
case "$cmd" in kill | start | wait-standby) node_arg=${1:?node name (node1 or node2)}; shift ;; esac
dir=/tmp/xinfang-pg-cluster
base=5433
while [ $# -gt 0 ]; do
  case "$1" in
  --dir) dir=$2; shift 2 ;;
  --port) base=$2; shift 2 ;;
  *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ -f "$dir/base_port" ] && base=$(cat "$dir/base_port")

bin=/usr/lib/postgresql/15/bin
export PATH="$bin:$PATH"
export PG_CONFIG="$bin/pg_config"
# No libpq call of this script (psql, pg_autoctl show) waits on a node that
# accepts but does not answer: a connection that takes over 5 s fails.
export PGCONNECT_TIMEOUT=5
monitor_port=$base
monitor_url="postgres://autoctl_node@127.0.0.1:$monitor_port/pg_auto_failover?sslmode=disable"
# A node's number is its place in the list: node1 on BASE+1, node2 on BASE+2.
node_port() { echo $((base + ${1#node})); }

as_pg() { runuser -u postgres -- env PATH="$PATH" PG_CONFIG="$PG_CONFIG" HOME="$dir" PGCONNECT_TIMEOUT=5 "$@"; }
# The same, killed after SECS: creating a node waits on the monitor and on
# the other node, and must fail rather than wait for ever.
as_pg_within() { # SECS COMMAND...
  local secs=$1
  shift
  timeout -k 5 "$secs" runuser -u postgres -- env PATH="$PATH" PG_CONFIG="$PG_CONFIG" HOME="$dir" PGCONNECT_TIMEOUT=5 "$@"
}

ensure_package() {
  if command -v pg_autoctl >/dev/null 2>&1; then return; fi
  if [ "${XINFANG_NO_APT:-}" = "1" ]; then
    echo "pg_autoctl missing (apt-get install postgresql-15-auto-failover)" >&2
    exit 3
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15-auto-failover >/dev/null ||
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15-auto-failover >/dev/null; }
}

# Start the keeper (`pg_autoctl run`) of a data directory in its own session,
# so that `kill` can take the keeper and its postgres down together.
# The recorded pid is the session's (= its process group's) id.
run_keeper() {
  local name=$1
  setsid runuser -u postgres -- env PATH="$PATH" PG_CONFIG="$PG_CONFIG" HOME="$dir" \
    pg_autoctl run --pgdata "$dir/$name" >>"$dir/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/$name.pid"
}

# Settings this cluster adds to PostgreSQL's (pg_auto_failover adds its own
# replication settings in postgresql-auto-failover.conf): small, for 2 cores.
small_settings() {
  cat >>"$1/postgresql.conf" <<EOF
# xinfang pg-cluster.sh (docs/OPERATIONS.md)
shared_buffers = 32MB
max_connections = 60
wal_log_hints = on
synchronous_commit = on
wal_keep_size = 128MB
EOF
}

state() { timeout -k 2 15 runuser -u postgres -- env PATH="$PATH" PG_CONFIG="$PG_CONFIG" HOME="$dir" PGCONNECT_TIMEOUT=5 \
  pg_autoctl show state --pgdata "$dir/monitor" 2>/dev/null; }

# host:port of the node the monitor reports as primary (empty when none).
primary() {
  state | awk -F'|' 'NR>2 && $6 ~ /primary/ && $7 ~ /primary/ {gsub(/ /,"",$3); print $3}' | head -n 1
}

wait_state() { # NAME STATE SECONDS
  for _ in $(seq 1 "$3"); do
    if state | awk -F'|' -v n="$1" -v s="$2" '{gsub(/ /,"",$1); gsub(/ /,"",$6); gsub(/ /,"",$7)} $1==n && $6==s && $7==s {ok=1} END {exit !ok}'; then
      return 0
    fi
    sleep 1
  done
  echo "$1 did not reach $2 in $3 s" >&2
  state >&2 || true
  return 1
}

up() {
  ensure_package
  if [ -f "$dir/monitor.pid" ] && kill -0 "$(cat "$dir/monitor.pid")" 2>/dev/null; then
    echo "cluster already running in $dir" >&2
    return 0
  fi
  # Another server on one of the ports would answer in this cluster's
  # place (a killed run's leftovers): refuse at once rather than hang.
  for p in "$monitor_port" "$(node_port node1)" "$(node_port node2)"; do
    if pg_isready -q -h 127.0.0.1 -p "$p" -t 2 || (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "port $p is in use: choose another --port" >&2
      return 1
    fi
  done
  rm -rf "$dir"
  mkdir -p "$dir"
  echo "$base" >"$dir/base_port"
  chown postgres:postgres "$dir"
  # Monitor: its own small PostgreSQL with the pgautofailover extension.
  as_pg_within 120 pg_autoctl create monitor --pgdata "$dir/monitor" --pgport "$monitor_port" \
    --hostname 127.0.0.1 --auth trust --no-ssl --pgctl "$bin/pg_ctl" >>"$dir/monitor.log" 2>&1
  as_pg pg_ctl -D "$dir/monitor" -m fast -w stop >/dev/null 2>&1 || true
  small_settings "$dir/monitor"
  # Failure detection in seconds, not the defaults' tens of seconds: health
  # check every 1 s, a node unheard of for 4 s is unhealthy, an unreachable
  # primary is given 4 s to demote itself before the standby is promoted.
  cat >>"$dir/monitor/postgresql.conf" <<EOF
pgautofailover.health_check_period = 1000
pgautofailover.health_check_timeout = 1000
pgautofailover.health_check_max_retries = 1
pgautofailover.health_check_retry_delay = 500
pgautofailover.node_considered_unhealthy_timeout = 4000
pgautofailover.primary_demote_timeout = 4000
EOF
  cat >"$dir/monitor/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
EOF
  run_keeper monitor
  local ready=0
  for _ in $(seq 1 60); do
    if pg_isready -q -h 127.0.0.1 -p "$monitor_port"; then ready=1; break; fi
    sleep 1
  done
  if [ $ready = 0 ]; then
    echo "monitor not accepting connections on port $monitor_port after 60 s" >&2
    tail -n 30 "$dir/monitor.log" >&2 || true
    return 1
  fi
  # node1: our own initdb (so the small settings are in place before the
  # first start), then pg_autoctl takes it over and registers it as primary.
  as_pg initdb -D "$dir/node1" --auth=trust --data-checksums -U postgres >>"$dir/node1.log" 2>&1
  small_settings "$dir/node1"
  for n in node1 node2; do
    if [ "$n" = node2 ]; then
      wait_state node1 single 60 || wait_state node1 primary 5
    fi
    as_pg_within 180 pg_autoctl create postgres --pgdata "$dir/$n" --pgport "$(node_port "$n")" \
      --hostname 127.0.0.1 --name "$n" --monitor "$monitor_url" --auth trust --no-ssl \
      --dbname xinfang --username postgres --pgctl "$bin/pg_ctl" >>"$dir/$n.log" 2>&1
    if [ "$n" = node1 ]; then
      cat >"$dir/node1/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
EOF
      as_pg pg_ctl -D "$dir/node1" reload >/dev/null 2>&1 || true
    fi
    run_keeper "$n"
  done
  wait_state node1 primary 90
  wait_state node2 secondary 90
  # Replication must be synchronous before anyone writes.
  for _ in $(seq 1 60); do
    if [ "$(as_pg psql -h 127.0.0.1 -p "$(node_port node1)" -U postgres -d xinfang -Atc \
      "SELECT count(*) FROM pg_stat_replication WHERE sync_state IN ('sync','quorum')")" = 1 ]; then
      echo "cluster up: $(url)"
      return 0
    fi
    sleep 1
  done
  echo "standby not synchronous" >&2
  return 1
}

url() {
  echo "postgres://postgres@127.0.0.1:$(node_port node1),127.0.0.1:$(node_port node2)/xinfang?target_session_attrs=read-write"
}

down() {
  # Keepers first (each takes its postgres down with it), then whatever is
  # left is killed: a test must not leave servers behind.
  local pids=""
  for n in node1 node2 monitor; do
    if [ -f "$dir/$n.pid" ]; then
      kill -TERM -- "-$(cat "$dir/$n.pid")" 2>/dev/null || true
      pids="$pids $(cat "$dir/$n.pid")"
    fi
    if [ -f "$dir/$n/postmaster.pid" ]; then
      kill -QUIT "$(head -n 1 "$dir/$n/postmaster.pid")" 2>/dev/null || true
    fi
  done
  for _ in $(seq 1 10); do
    local alive=0
    for p in $pids; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.5
  done
  for n in node1 node2 monitor; do
    kill_node "$n"
  done
  rm -rf "$dir" 2>/dev/null || { sleep 1; rm -rf "$dir"; }
  # pg_autoctl's own pid files for these data directories.
  rm -rf "/tmp/pg_autoctl$dir"
}

kill_node() {
  local n=$1
  [ -f "$dir/$n.pid" ] && kill -KILL -- "-$(cat "$dir/$n.pid")" 2>/dev/null || true
  if [ -f "$dir/$n/postmaster.pid" ]; then
    kill -KILL "$(head -n 1 "$dir/$n/postmaster.pid")" 2>/dev/null || true
  fi
}

case "$cmd" in
up) up ;;
down) down ;;
status) state ;;
url) url ;;
primary) primary ;;
kill) kill_node "$node_arg" ;;
start) run_keeper "$node_arg" ;;
wait-standby) wait_state "$node_arg" secondary 120 ;;
*) echo "usage: $0 up|down|status|url|primary|kill NODE|start NODE|wait-standby NODE [--dir DIR] [--port BASE]" >&2; exit 2 ;;
esac
