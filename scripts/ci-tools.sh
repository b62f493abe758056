#!/usr/bin/env bash
# What CI needs beyond a bare machine, made ready once per machine:
#  - the toolchain rust-toolchain.toml names. No toolchain can be fetched
#    here; when the machine's rustup holds it only as `stable`, it gets its
#    version's name too (a link), so rustup never tries to download it.
#  - cargo-deny and cargo-machete, pinned, installed from crates.io into
#    ~/.cargo/bin when missing (measured on this 2-core machine with one job:
#    cargo-deny ~7 min, cargo-machete ~2 min; every later run: nothing).
set -euo pipefail
cd "$(dirname "$0")/.."

want=$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)
rustup_home=${RUSTUP_HOME:-$HOME/.rustup}
host=$(rustc +stable -vV | sed -n 's/^host: //p')
if [ ! -e "$rustup_home/toolchains/$want-$host" ]; then
    have=$(rustc +stable -V | awk '{print $2}')
    if [ "$have" != "$want" ]; then
        echo "rust-toolchain.toml names $want; this machine's stable is $have (none can be fetched): change the pin" >&2
        exit 1
    fi
    ln -s "$rustup_home/toolchains/stable-$host" "$rustup_home/toolchains/$want-$host"
    echo "toolchain $want: linked to stable"
fi

install() { # crate version
    if ! "$1" --version 2>/dev/null | grep -qwF "$2"; then
        echo "installing $1 $2 (once per machine)"
        cargo install --locked "$1" --version "$2"
    fi
}
install cargo-deny 0.20.2
install cargo-machete 0.9.2
