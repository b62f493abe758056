#!/usr/bin/env bash
# Make sure a local PostgreSQL server is running and print a URL for tests
# (each test creates and uses its own database). Prints nothing and exits 0
# when this machine has no PostgreSQL installed: the suite then runs on SQLite.
set -euo pipefail
if ! command -v pg_lsclusters >/dev/null 2>&1; then
  exit 0
fi
version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
[ -n "$version" ] || exit 0
if ! pg_lsclusters --no-header 2>/dev/null | grep -q "online"; then
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2
fi
for _ in $(seq 1 30); do
  if pg_isready -h 127.0.0.1 -p 5432 -q; then
    echo "postgres://postgres@127.0.0.1:5432/postgres"
    exit 0
  fi
  sleep 1
done
echo "PostgreSQL did not become ready" >&2
exit 1
