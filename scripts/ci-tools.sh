#!/usr/bin/env bash
# What CI needs beyond a bare machine, made ready once per machine:
#  - cargo-deny and cargo-machete, pinned, installed from crates.io into
#    ~/.cargo/bin when missing (measured on this 2-core machine with one job:
#    cargo-deny ~7 min, cargo-machete ~2 min; every later run: nothing).
set -euo pipefail
cd "$(dirname "$0")/.."

install() { # crate version
    if ! "$1" --version 2>/dev/null | grep -qwF "$2"; then
        echo "installing $1 $2 (once per machine)"
        cargo install --locked "$1" --version "$2"
    fi
}
install cargo-deny 0.20.2
install cargo-machete 0.9.2
