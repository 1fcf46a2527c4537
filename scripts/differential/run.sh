#!/usr/bin/env bash
# Differential test against QEMU's own parser: random config strings through the QEMU 10.2.2
# oracle (built outside the project, see the oracle's HOWTO) and through migcfg; prints the
# differences that are not documented ones. Not part of CI (it needs the oracle).
#   scripts/differential/run.sh [seed] [count]    ORACLE=/path/to/oracle
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
oracle=${ORACLE:-/work/oracle/oracle}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo build --release -q --manifest-path "$top/Cargo.toml" -p migcfg-core --example check
python3 "$here/gen.py" "${1:-1}" "${2:-4000}" > "$tmp/in.txt"
"$oracle" check < "$tmp/in.txt" > "$tmp/qemu.txt"
"$top/target/release/examples/check" < "$tmp/in.txt" > "$tmp/migcfg.txt"
python3 "$here/cmp.py" "$tmp/in.txt" "$tmp/qemu.txt" "$tmp/migcfg.txt"
