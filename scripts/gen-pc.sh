#!/bin/sh
# Write migcfg.pc to stdout.
#
#   scripts/gen-pc.sh PREFIX LIBDIR INCLUDEDIR
#
# Libs.private is the compiler's own list of the native libraries libmigcfg.a needs
# (scripts/native-libs.sh); the version comes from the header's MIGCFG_VERSION_* macros
# (the header is what the consumer compiles against). LIBDIR and INCLUDEDIR below PREFIX
# are written relative to ${prefix}, so PKG_CONFIG_SYSROOT_DIR and --define-prefix work.
set -eu
[ $# -eq 3 ] || { echo "usage: $0 PREFIX LIBDIR INCLUDEDIR" >&2; exit 2; }
prefix=$1 libdir=$2 includedir=$3
cd "$(dirname "$0")/.."
libs=$(scripts/native-libs.sh)
ver() { sed -n "s/^#define MIGCFG_VERSION_$1 \([0-9][0-9]*\)\$/\1/p" include/migcfg.h; }
version="$(ver MAJOR).$(ver MINOR).$(ver PATCH)"
case $version in
    *[0-9].*[0-9].*[0-9]) ;;
    *) echo "gen-pc.sh: no MIGCFG_VERSION_* macros in include/migcfg.h" >&2; exit 1 ;;
esac
rel() { case $1 in "$prefix"/*) printf '${prefix}%s' "${1#"$prefix"}" ;; *) printf '%s' "$1" ;; esac; }
cat <<PC
prefix=$prefix
libdir=$(rel "$libdir")
includedir=$(rel "$includedir")

Name: migcfg
Description: QEMU migration parameters from -incoming config: text, for C VMMs (static library)
Version: $version
Cflags: -I\${includedir}
Libs: -L\${libdir} -lmigcfg
Libs.private: $libs
PC
