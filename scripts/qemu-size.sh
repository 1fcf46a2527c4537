#!/usr/bin/env bash
# What QEMU's own code for the job migcfg's early init does takes in a program: text + rodata
# + data.rel.ro of a program that parses a config string as `-incoming config:` would
# (qobject_input_visitor_new_str, visit_type_MigrationParameters) and runs
# migrate_params_check, QEMU built -Os with one section per function and linked with
# --gc-sections, so the figure compares with the size proof's (opt-level z, --gc-sections).
# GLib is linked dynamically and not counted, unless GLIB_SRC names an unpacked GLib source
# tree (the version the build's GLib headers are: 2.74.6 on Debian 12): then that GLib is built
# static the same way (-Os, a section per function) and linked in, and its bytes are printed
# too. Not part of CI: it configures and builds QEMU's utility library (about 3 minutes on 2
# cores) and GLib (under a minute).
#
#   [GLIB_SRC=DIR] scripts/qemu-size.sh QEMU_SRC [PYTHON]
#
# QEMU_SRC: an unpacked QEMU 10.2.2 source tree; PYTHON: a python3 with meson (QEMU's
# configure needs one when the tree has no python/wheels). Needs the build dependencies of
# QEMU's tools (glib, ninja, flex, bison). Work dir: QEMU_SIZE_WORK (default a temp dir).
set -euo pipefail
src=$(cd "${1:?usage: qemu-size.sh QEMU_SRC [PYTHON]}" && pwd)
python=${2:-python3}
work=${QEMU_SIZE_WORK:-$(mktemp -d)}
mkdir -p "$work/build" "$work/gen/trace"
cd "$work/build"
if [ ! -f build.ninja ]; then
    "$src/configure" --python="$python" --without-default-features --disable-system \
        --disable-user --disable-tools --disable-docs --disable-werror --disable-download \
        --disable-install-blobs --enable-zstd \
        --extra-cflags="-Os -ffunction-sections -fdata-sections" > "$work/configure.log"
fi
ninja -j"$(nproc)" libqemuutil.a libqom.a > "$work/ninja.log"
# migration/trace-events is not generated in a build without system emulators.
./pyvenv/bin/python3 "$src/scripts/tracetool.py" --backend=nop --group=migration \
    --format=h "$src/migration/trace-events" "$work/gen/trace/trace-migration.h"

cat > "$work/prog.c" <<'EOF'
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/qapi-visit-migration.h"
#include "qapi/visitor.h"
bool migrate_params_check(MigrationParameters *params, Error **errp);
int main(int argc, char **argv)
{
    Error *err = NULL;
    MigrationParameters *p = NULL;
    Visitor *v = qobject_input_visitor_new_str(argc > 1 ? argv[1] : "", NULL, &err);
    if (!v) {
        return 1;
    }
    if (!visit_type_MigrationParameters(v, NULL, &p, &err)) {
        return 2;
    }
    visit_free(v);
    return migrate_params_check(p, &err) ? 0 : 3;
}
EOF
# migrate_params_check reads the migration state (capabilities off, no TLS: a QEMU that has
# just started) and the target page size (4 KiB).
cat > "$work/stubs.c" <<'EOF'
#include "qemu/osdep.h"
#include "exec/page-vary.h"
#include "migration/migration.h"
static MigrationState state;
MigrationState *migrate_get_current(void) { return &state; }
const TargetPageBits target_page = { .decided = true, .bits = 12, .mask = (uint64_t)-1 << 12 };
EOF
B=$work/build
CFLAGS=(-std=gnu11 -Os -ffunction-sections -fdata-sections -fPIE -pthread -D_GNU_SOURCE
        -D_FILE_OFFSET_BITS=64 -fno-strict-aliasing -fno-common -fwrapv
        -I"$B" -I"$B/qapi" -I"$B/trace" -I"$src/include" $(pkg-config --cflags glib-2.0)
        -iquote "$work/gen" -iquote "$B" -iquote "$src" -iquote "$src/include"
        -iquote "$src/host/include/x86_64" -iquote "$src/host/include/generic"
        -iquote "$src/migration" -isystem "$src/linux-headers")
objs=()
for f in "$work/prog.c" "$work/stubs.c" "$src/migration/options.c" \
         "$src/migration/block-dirty-bitmap.c"; do
    o=$work/$(basename "$f" .c).o
    cc "${CFLAGS[@]}" -c "$f" -o "$o"
    objs+=("$o")
done
echo 'int main(int argc, char **argv) { (void)argv; return argc > 5; }' > "$work/base.c"
cc -pie -o "$work/base" "$work/base.c"
glib=$(pkg-config --libs glib-2.0)
if [ -n "${GLIB_SRC:-}" ]; then
    if [ ! -f "$work/glib/build.ninja" ]; then
        (cd "$GLIB_SRC" && CFLAGS="-Os -ffunction-sections -fdata-sections" meson setup \
            "$work/glib" --default-library=static --buildtype=plain -Dtests=false \
            -Dnls=disabled -Dlibmount=disabled -Dselinux=disabled -Dxattr=false) \
            > "$work/glib-setup.log"
    fi
    ninja -C "$work/glib" -j"$(nproc)" glib/libglib-2.0.a > "$work/glib-ninja.log"
    glib=$work/glib/glib/libglib-2.0.a
fi
cc -pie -Wl,--gc-sections -Wl,-Map="$work/prog.map" -o "$work/prog" "${objs[@]}" \
    -Wl,--start-group "$B/libqom.a" "$B/libqemuutil.a" $glib -Wl,--end-group \
    -lm -pthread -ldl
"$work/prog" 'multifd-channels=4,mode=cpr-transfer' || { echo "qemu-size: parse failed"; exit 1; }

# Bytes by object file, from the link map: the path proper (what the parse runs) and the rest
# (QOM, threads, tracing and logging that the path's objects reference).
python3 - "$work/prog.map" <<'EOF'
import collections, re, sys
path = ("keyval", "json-lexer", "json-parser", "json-streamer", "qjson", "qdict", "qlist",
        "qstring", "qnum", "qbool", "qnull", "qobject.c", "qobject-input-visitor",
        "qapi-visit-core", "qapi-dealloc-visitor", "qapi-util", "visit-migration",
        "types-migration", "builtin-visit", "builtin-types", "cutils", "util_error.c",
        "unicode", "options.o", "block-dirty-bitmap.o", "prog.o", "stubs.o")
by = collections.Counter()
lines = open(sys.argv[1]).read().split("\n")
start = next(i for i, l in enumerate(lines) if l.startswith("Linker script and memory map"))
sec = False
for l in lines[start:]:
    m = re.match(r"^ \.(text|rodata|data\.rel\.ro)\S*\s*(0x[0-9a-f]+)?\s*(0x[0-9a-f]+)?\s*(\S+)?", l)
    if m:
        sec = True
        if m.group(3) and m.group(4):
            by[m.group(4)] += int(m.group(3), 16)
            sec = False
        continue
    m = re.match(r"^\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+(\S+\.(o|a\(.*\)))\s*$", l)
    if m and sec:
        by[m.group(2)] += int(m.group(1), 16)
        sec = False
def name(k):
    k = re.sub(r"^.*\((.*)\)$", r"\1", k.split("/")[-1])
    return re.sub(r"^(meson-generated_\.\._)?(qapi_|qobject_|util_|qom_|trace_)?", "", k).replace(".c.o", "")
mine = {k: v for k, v in by.items() if any(p in k for p in path) and "crt" not in k}
glib = {k: v for k, v in by.items() if "libglib-2.0.a" in k}
rest = {k: v for k, v in by.items()
        if k not in mine and k not in glib and not k.startswith("/usr/")}
total = sum(mine.values())
print("qemu-size: the path: %d bytes (%.1f KiB)" % (total, total / 1024))
for k, v in sorted(mine.items(), key=lambda kv: -kv[1]):
    print("  %6d  %s" % (v, name(k)))
other = sum(rest.values())
print("qemu-size: what the path's references drag in besides: %d bytes (%.1f KiB): %s"
      % (other, other / 1024, ", ".join(name(k) for k, _ in
                                           sorted(rest.items(), key=lambda kv: -kv[1])[:8])))
if not glib:
    print("qemu-size: GLib (dynamic) not counted")
    sys.exit(0)
g = sum(glib.values())
print("qemu-size: GLib, static: %d bytes (%.1f KiB); everything: %d bytes (%.1f KiB)"
      % (g, g / 1024, total + other + g, (total + other + g) / 1024))
for k, v in sorted(glib.items(), key=lambda kv: -kv[1])[:10]:
    print("  %6d  %s" % (v, name(k)))
EOF
