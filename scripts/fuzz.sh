#!/usr/bin/env bash
# Run cargo-fuzz targets, one after another, for SECONDS each (default 60):
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# Not part of CI. Needs a nightly toolchain (`rustup toolchain install nightly`;
# without one, RUSTC_BOOTSTRAP=1 lets stable build the sanitizer flags) and
# cargo-fuzz (installed on first use). New inputs go to fuzz/corpus/TARGET
# (git-ignored); the committed seeds in fuzz/seeds/TARGET are read too. A crash
# stops the run and leaves the input in fuzz/artifacts/TARGET/ — reproduce with
#   cd fuzz && cargo +nightly fuzz run TARGET artifacts/TARGET/crash-…
# Set CARGO_TARGET_DIR to keep the (large, sanitizer-built) target elsewhere.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(id_number calendar_parse text_analyze intake_json xlsx_import)
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  run() { cargo +nightly fuzz "$@"; }
else
  run() { RUSTC_BOOTSTRAP=1 cargo fuzz "$@"; }
fi
for t in "${targets[@]}"; do
  echo "== $t (${secs}s)"
  mkdir -p "corpus/$t"
  seeds=()
  [ -d "seeds/$t" ] && seeds=("seeds/$t")
  len=4096
  [ "$t" = xlsx_import ] && len=16384 # whole workbooks
  run run -O "$t" "corpus/$t" "${seeds[@]}" -- -max_total_time="$secs" -max_len="$len" -print_final_stats=1
done
