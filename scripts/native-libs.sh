#!/bin/sh
# Print the native libraries a C program must link after libmigcfg.a, as the compiler itself
# states them (`--print native-static-libs`), on one line: these become `Libs.private` of
# migcfg.pc.
#
#   scripts/native-libs.sh           print the list
#   scripts/native-libs.sh --check   also fail unless it equals the pinned list in
#                                    scripts/native-static-libs.expected (one line; the pin
#                                    is for x86_64/aarch64 Linux with glibc; another
#                                    platform records its own)
#
# Uses $CARGO (default cargo) and honours CARGO_TARGET_DIR. When the library is already
# built, cargo replays rustc's note from its cache, so this costs well under a second.
set -eu
cd "$(dirname "$0")/.."
out=$(${CARGO:-cargo} rustc --release --locked --color never -p migcfg-ffi --lib \
      --crate-type staticlib -- --print native-static-libs 2>&1) || {
    printf '%s\n' "$out" >&2
    echo "native-libs.sh: cargo rustc failed" >&2
    exit 1
}
libs=$(printf '%s\n' "$out" | sed -n 's/^note: native-static-libs: *//p' | tail -n 1)
if [ -z "$libs" ]; then
    printf '%s\n' "$out" >&2
    echo "native-libs.sh: rustc printed no 'native-static-libs' note" >&2
    exit 1
fi
if [ "${1:-}" = "--check" ]; then
    expected=$(cat scripts/native-static-libs.expected)
    if [ "$libs" != "$expected" ]; then
        echo "native-libs.sh: the compiler's native static libraries changed:" >&2
        echo "  pinned:   $expected" >&2
        echo "  compiler: $libs" >&2
        echo "Check the link line in README.md and c-tests/Makefile, then update" >&2
        echo "scripts/native-static-libs.expected." >&2
        exit 1
    fi
fi
printf '%s\n' "$libs"
