#!/usr/bin/env bash
# Run every cargo-fuzz target for SECONDS each (default 60). cargo-fuzz needs
# nightly features; RUSTC_BOOTSTRAP lets the machine's stable toolchain build them.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz
secs=${1:-60}
for t in id_number calendar_parse text_analyze intake_json xlsx_import; do
  echo "== $t"
  RUSTC_BOOTSTRAP=1 cargo fuzz run -O "$t" -- -max_total_time="$secs" -max_len=4096
done
