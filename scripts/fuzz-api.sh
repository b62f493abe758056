#!/usr/bin/env bash
# OpenAPI-driven fuzzing (schemathesis from PyPI) against a real server on a
# demo database: fails on any 500, any response that violates the documented
# schema, and any undocumented status code.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v schemathesis >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check schemathesis
fi
cargo build --quiet -p xinfang
bin="$PWD/target/debug/xinfang"
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
"$bin" demo --cases 50 >/dev/null 2>&1
token=$("$bin" token --user shangcheng_xfj 2>/dev/null | tail -n 1)
"$bin" serve --listen 127.0.0.1:0 > banner.txt 2> server.log &
server=$!
for _ in $(seq 1 50); do grep -q http banner.txt 2>/dev/null && break; sleep 0.2; done
url=$(grep -o 'http://[^ ]*' banner.txt | sed 's#/$##')
schemathesis run "$url/api/openapi.json" --url "$url" \
  -H "Authorization: Bearer $token" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance \
  --max-examples "${FUZZ_EXAMPLES:-40}"
if grep -qi panic server.log; then
  echo "server panicked:" >&2
  grep -i -A3 panic server.log >&2
  exit 1
fi
