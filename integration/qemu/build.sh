#!/bin/bash
# Build QEMU 10.2 (Debian's source package) with migcfg's change: qemu-system-x86_64, TCG only,
# -incoming config: parsed by libmigcfg. Prints the path of the binary on its last line.
#
#   integration/qemu/build.sh            # everything that is not done yet
#
# Environment:
#   QEMU_WORK        work dir, outside the repository (default /work/qemu-migcfg)
#   QEMU_VERSION     Debian source version (default 1:10.2.2+ds-1; when the mirror no longer
#                    has it, the newest 10.2.x it has is taken, and said so)
#   JOBS             ninja -j (default 2: the machine is shared)
#   MIGCFG_NO_CARGO  1: do not run cargo, link the library already in target/release
#
# Needs root for apt (a deb-src entry for Debian unstable, build packages, seabios).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=${QEMU_WORK:-/work/qemu-migcfg}
PIN=${QEMU_VERSION:-1:10.2.2+ds-1}
JOBS=${JOBS:-2}
MESON_VERSION=1.9.0
PYCOTAP_VERSION=1.3.1

say() { echo "build.sh: $*" >&2; }
die() { echo "build.sh: error: $*" >&2; exit 1; }

case "$WORK" in "$REPO"|"$REPO"/*) die "QEMU_WORK ($WORK) must be outside the repository";; esac
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

# 1. migcfg itself: the archive and the header generated with it, copied together so a
#    rebuild in the repository during QEMU's link cannot tear them apart.
if [ "${MIGCFG_NO_CARGO:-0}" != 1 ]; then
    say "cargo build --release"
    (cd "$REPO" && cargo build --release --locked >&2) || die "cargo build failed"
fi
LIB_SRC="$REPO/target/release/libmigcfg.a"
[ -f "$LIB_SRC" ] || die "missing $LIB_SRC"
HDR_SRC=$(find "$REPO/target/release/build" -path '*/out/migcfg.h' -printf '%T@ %p\n' 2>/dev/null \
          | sort -n | tail -n 1 | cut -d' ' -f2-)
[ -n "$HDR_SRC" ] || HDR_SRC="$REPO/include/migcfg.h"
mkdir -p "$WORK/migcfg/include" "$WORK/migcfg/lib"
for pair in "$LIB_SRC:$WORK/migcfg/lib/libmigcfg.a" "$HDR_SRC:$WORK/migcfg/include/migcfg.h"; do
    src=${pair%%:*}; dst=${pair#*:}
    if ! cmp -s "$src" "$dst"; then cp "$src" "$dst.tmp" && mv "$dst.tmp" "$dst"; fi
done

# 2. Packages (Debian 12) and the deb-src entry for unstable.
need=()
for p in ninja-build libglib2.0-dev flex bison python3-venv device-tree-compiler libzstd-dev \
         bzip2 xz-utils dpkg-dev seabios gcc make; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || need+=("$p")
done
# (no `| grep -q` under pipefail: grep quits at the first match and apt-cache dies of SIGPIPE)
srcs=$(apt-cache showsrc qemu 2>/dev/null || true)
if ! grep -q '^Version: 1:10\.2\.' <<<"$srcs"; then
    src=/etc/apt/sources.list.d/migcfg-qemu-src.sources
    uris=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    say "adding $src (deb-src, unstable, ${uris:-http://deb.debian.org/debian})"
    cat > "$src" <<EOF
Types: deb-src
URIs: ${uris:-http://deb.debian.org/debian}
Suites: unstable
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    apt-get update -qq >&2
elif [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq >&2
fi
if [ ${#need[@]} -gt 0 ]; then
    say "apt-get install ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
fi

# 3. The source: the pinned version, else the newest 10.2.x the mirror has.
mkdir -p "$WORK/src"
cd "$WORK/src"
if ! ls qemu_*.orig.tar.xz >/dev/null 2>&1; then
    if ! apt-get source --download-only "qemu=$PIN" >&2 2>"$WORK/src/apt-source.log"; then
        alt=$(apt-cache showsrc qemu | awk '/^Version: 1:10\.2\./ {print $2}' | sort -V | tail -n 1)
        [ -n "$alt" ] || die "qemu $PIN is not on the mirror and no 10.2.x is (see $WORK/src/apt-source.log)"
        say "qemu $PIN is gone from the mirror: taking $alt"
        apt-get source --download-only "qemu=$alt" >&2
    fi
fi
TARBALL=$(ls qemu_*.orig.tar.xz | sort -V | tail -n 1)
UPSTREAM=${TARBALL#qemu_}; UPSTREAM=${UPSTREAM%+ds.orig.tar.xz}; UPSTREAM=${UPSTREAM%.orig.tar.xz}
TREE="$WORK/src/qemu-$UPSTREAM"
if [ ! -f "$TREE/VERSION" ]; then
    say "unpacking $TARBALL"
    rm -rf "$TREE" "$WORK/src/pristine"
    tar xf "$TARBALL"
fi
say "QEMU $(cat "$TREE/VERSION") from $TARBALL"

# 4. Our change.
python3 "$HERE/apply.py" --tree "$TREE" --repo "$REPO" --include "$WORK/migcfg/include" \
        --lib "$WORK/migcfg/lib/libmigcfg.a" >&2

# 5. Configure (once): meson from a venv, empty placeholders for the firmware the +ds
#    tarball leaves out.
if [ ! -x "$WORK/venv/bin/meson" ] || [ "$("$WORK/venv/bin/meson" --version)" != "$MESON_VERSION" ] \
   || ! "$WORK/venv/bin/python3" -c 'import pycotap' 2>/dev/null; then
    say "venv with meson $MESON_VERSION (configure also wants pycotap)"
    /usr/bin/python3 -m venv "$WORK/venv"
    "$WORK/venv/bin/pip" install -q "meson==$MESON_VERSION" "pycotap==$PYCOTAP_VERSION" >&2
fi
for f in $(sed -n "s/^ *'\(edk2-[^']*\.fd\)',$/\1/p" "$TREE/pc-bios/meson.build"); do
    [ -f "$TREE/pc-bios/$f.bz2" ] || echo | bzip2 > "$TREE/pc-bios/$f.bz2"
done
BUILD="$TREE/build"
if [ ! -f "$BUILD/build.ninja" ]; then
    say "configure"
    mkdir -p "$BUILD"
    (cd "$BUILD" && ../configure --python="$WORK/venv/bin/python3" \
        --without-default-features --target-list=x86_64-softmmu --enable-tcg \
        --disable-docs --disable-werror --disable-download --disable-install-blobs \
        >"$WORK/configure.log" 2>&1) \
        || { tail -n 30 "$WORK/configure.log" >&2; die "configure failed (see $WORK/configure.log)"; }
fi

# 6. Build. A newer libmigcfg.a relinks the emulator.
BIN="$BUILD/qemu-system-x86_64"
if [ -f "$BIN" ] && [ "$WORK/migcfg/lib/libmigcfg.a" -nt "$BIN" ]; then rm -f "$BIN"; fi
say "ninja -j$JOBS qemu-system-x86_64 (about 3 minutes on 2 cores the first time)"
(cd "$BUILD" && ninja -j"$JOBS" qemu-system-x86_64 >"$WORK/ninja.log" 2>&1) \
    || { grep -E 'error|FAILED' -A3 "$WORK/ninja.log" | head -n 40 >&2; die "build failed (see $WORK/ninja.log)"; }
echo "$BIN"
