#!/bin/sh
# Check a staged `make install DESTDIR=STAGE PREFIX=PREFIX`: the four files are there, the
# .pc file's Libs.private is the pinned list of native libraries
# (scripts/native-static-libs.expected, itself checked against the compiler by
# `scripts/native-libs.sh --check`), and a C program built with nothing but
# `pkg-config --static --cflags --libs migcfg` links and runs (the plain-Makefile route;
# tests/meson-consumer is the meson one).
#
#   scripts/check-install.sh STAGE PREFIX
set -eu
[ $# -eq 2 ] || { echo "usage: $0 STAGE PREFIX" >&2; exit 2; }
stage=$1 prefix=$2
cd "$(dirname "$0")/.."
root=$stage$prefix
fail() { echo "check-install.sh: $*" >&2; exit 1; }

for f in lib/libmigcfg.a lib/libmigcfg-freestanding.a include/migcfg.h lib/pkgconfig/migcfg.pc; do
    [ -s "$root/$f" ] || fail "$root/$f missing"
done
cmp -s include/migcfg.h "$root/include/migcfg.h" || fail "installed header differs from include/migcfg.h"

pinned=$(cat scripts/native-static-libs.expected)
private=$(sed -n 's/^Libs\.private: *//p' "$root/lib/pkgconfig/migcfg.pc")
[ "$private" = "$pinned" ] || fail "Libs.private is '$private', pinned '$pinned'"

export PKG_CONFIG_PATH="$root/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage"
pkg-config --exists --print-errors migcfg || fail "pkg-config cannot find migcfg"
libs=$(pkg-config --static --libs migcfg)
cflags=$(echo $(pkg-config --cflags migcfg))
libs=$(echo $libs) # squeeze blanks
[ "$libs" = "-L$root/lib -lmigcfg $pinned" ] ||
    fail "pkg-config --static --libs migcfg gave '$libs', expected '-L$root/lib -lmigcfg $pinned'"
[ "$cflags" = "-I$root/include" ] || fail "pkg-config --cflags migcfg gave '$cflags'"
version=$(pkg-config --modversion migcfg)

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# shellcheck disable=SC2086 # word splitting of pkg-config output is intended
${CC:-cc} -std=gnu11 -Wall -Wextra -Werror $cflags -o "$out/consumer" \
    tests/meson-consumer/consumer.c $libs
"$out/consumer" "$version" >/dev/null || fail "the pkg-config-built consumer failed"
echo "install OK: $root ($version; Libs.private: $private)"
