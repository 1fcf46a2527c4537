#!/usr/bin/env python3
"""Apply migcfg's change to an unpacked QEMU 10.2 source tree.

    apply.py --tree <qemu-src> --repo <migcfg checkout> [--include dir] [--lib libmigcfg.a]
    apply.py --tree <qemu-src> --stat

The change is ours: this script carries no QEMU code and no patch context. It finds named
places in QEMU's files (a function, an option case, an include line), checks each is there
exactly once, and inserts our own lines next to it; if an anchor is missing or ambiguous it
stops with an error naming it. The glue itself (migcfg-qemu.c/.h) stays in our repository
and is compiled from there by the meson lines added to migration/meson.build.

Re-runnable: the first run keeps a pristine copy of every file it edits under
<tree>/../pristine/; every run starts from those copies and rewrites a file only when its
content changes (so ninja rebuilds only what changed). --stat prints lines added/removed
per file against the pristine copies.
"""
import argparse
import difflib
import os
import re
import sys

MARK = "migcfg"


class AnchorError(Exception):
    pass


def find_once(text, pattern, what, start=0, end=None, flags=re.M):
    end = len(text) if end is None else end
    hits = list(re.compile(pattern, flags).finditer(text, start, end))
    if len(hits) != 1:
        raise AnchorError(f"{what}: expected exactly one match of /{pattern}/, found {len(hits)}")
    return hits[0]


def function_body(text, signature, what):
    """(start, end) of the body of the C function whose definition matches `signature`
    (a regex for the line(s) before its opening brace at column 0)."""
    m = find_once(text, signature + r"\s*\n\{\n", what)
    close = re.compile(r"^\}\n", re.M).search(text, m.end())
    if not close:
        raise AnchorError(f"{what}: no closing brace at column 0")
    return m.end(), close.start()


def insert_after_line(text, pos, lines):
    """Insert `lines` after the line containing `pos`."""
    eol = text.index("\n", pos) + 1
    return text[:eol] + lines + text[eol:]


def insert_before_line(text, pos, lines):
    bol = text.rindex("\n", 0, pos) + 1
    return text[:bol] + lines + text[bol:]


def add_include(text, what):
    """Our header, right after qemu/osdep.h (QEMU's rule: osdep.h comes first)."""
    m = find_once(text, r'^#include "qemu/osdep\.h"$', f"{what}: #include \"qemu/osdep.h\"")
    return insert_after_line(text, m.start(), '#include "migcfg-qemu.h"\n')


def edit_vl(text):
    """system/vl.c, qemu_init(): every -incoming goes through migcfg first."""
    what = "system/vl.c"
    text = add_include(text, what)
    start, end = function_body(text, r"^void qemu_init\(int argc, char \*\*argv\)",
                               f"{what}: function qemu_init")
    case = find_once(text, r"^( *)case QEMU_OPTION_incoming:\n", f"{what}: case QEMU_OPTION_incoming",
                     start, end)
    ind = case.group(1) + "    "
    return insert_after_line(text, case.start(),
                             f"{ind}if (migcfg_qemu_incoming(optarg)) {{\n"
                             f"{ind}    break;      /* config: went to migcfg */\n"
                             f"{ind}}}\n")


def edit_cpr(text):
    """migration/cpr.c, cpr_get_incoming_mode(): before the migration object exists, the
    mode of -incoming config: (CPR state loaded from a cpr channel still comes first)."""
    what = "migration/cpr.c"
    text = add_include(text, what)
    start, end = function_body(text, r"^MigMode cpr_get_incoming_mode\(void\)",
                               f"{what}: function cpr_get_incoming_mode")
    find_once(text, r"^    return incoming_mode;$", f"{what}: cpr_get_incoming_mode returns incoming_mode",
              start, end)
    return text[:start] + (
        "    int early;\n"
        "\n"
        "    if (incoming_mode == MIG_MODE_NONE && migcfg_qemu_early_mode(&early)) {\n"
        "        return early;\n"
        "    }\n") + text[start:]


def edit_migration(text):
    """migration/migration.c, migration_object_init(): once the object exists (compat and
    -global applied), re-check and apply the config, before QEMU checks the object."""
    what = "migration/migration.c"
    text = add_include(text, what)
    start, end = function_body(text, r"^void migration_object_init\(void\)",
                               f"{what}: function migration_object_init")
    find_once(text, r"^( *)current_migration = MIGRATION_OBJ\(object_new\(TYPE_MIGRATION\)\);$",
              f"{what}: migration_object_init creates the object", start, end)
    check = find_once(text, r"^( *)migration_object_check\(current_migration, &error_fatal\);$",
                      f"{what}: migration_object_init checks the object", start, end)
    return insert_before_line(text, check.start(), f"{check.group(1)}migcfg_qemu_apply();\n")


def edit_options_hx(text):
    """qemu-options.hx, DEF("incoming"): one more form in -help."""
    what = "qemu-options.hx"
    start = find_once(text, r'^DEF\("incoming", ', f"{what}: DEF(\"incoming\"").start()
    end = find_once(text, r"^    QEMU_ARCH_ALL\)$", f"{what}: end of DEF(\"incoming\")", start,
                    text.index("SRST", start)).start()
    defer = find_once(text, r'^    "-incoming defer\\n" \\$', f"{what}: -incoming defer help line",
                      start, end)
    return insert_before_line(text, defer.start(),
                              '    "-incoming config:<parameters>\\n" \\\n'
                              '    "                initial migration parameters and capabilities\\n" \\\n'
                              '    "                (keyval or JSON; config:help lists them)\\n" \\\n')


def edit_meson(text, repo, inc, lib):
    """migration/meson.build: our glue (from our repository) and libmigcfg.a, for the
    system emulators."""
    find_once(text, r"^system_ss\.add\(files\($", "migration/meson.build: system_ss.add(files(")
    glue = os.path.join(repo, "integration", "qemu")
    # The glue is written against the -incoming family.
    with open(os.path.join(inc, "migcfg.h")) as f:
        if "migcfg_incoming_add(" not in f.read():
            raise AnchorError(f"{inc}/migcfg.h has no migcfg_incoming_add: migcfg is too old")
    # The native libraries a Rust staticlib needs, as the repository pins them.
    pinned = os.path.join(repo, "scripts", "native-static-libs.expected")
    native = open(pinned).read().split() if os.path.exists(pinned) else ["-lpthread", "-ldl", "-lm"]
    libs = ", ".join(f"'{x}'" for x in [lib] + native)
    return text + (
        "\n"
        "# migcfg: -incoming config: through libmigcfg (added by migcfg's integration/qemu/apply.py)\n"
        f"system_ss.add(files('{glue}/migcfg-qemu.c'), declare_dependency(\n"
        f"  include_directories: include_directories('{inc}', '{glue}'),\n"
        f"  link_args: [{libs}]))\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tree", required=True, help="unpacked QEMU source tree")
    ap.add_argument("--repo", help="migcfg checkout (include/, integration/qemu/)")
    ap.add_argument("--include", help="dir of migcfg.h (default: <repo>/include)")
    ap.add_argument("--lib", help="libmigcfg.a (default: <repo>/target/release/libmigcfg.a)")
    ap.add_argument("--stat", action="store_true", help="print lines changed, change nothing")
    args = ap.parse_args()
    tree = os.path.abspath(args.tree)
    pristine = os.path.join(os.path.dirname(tree), "pristine")

    if args.stat:
        return stat(tree, pristine)
    if not args.repo:
        ap.error("--repo is required")
    repo = os.path.abspath(args.repo)
    lib = os.path.abspath(args.lib or os.path.join(repo, "target", "release", "libmigcfg.a"))
    inc = os.path.abspath(args.include or os.path.join(repo, "include"))

    edits = {
        "system/vl.c": edit_vl,
        "migration/cpr.c": edit_cpr,
        "migration/migration.c": edit_migration,
        "qemu-options.hx": edit_options_hx,
        "migration/meson.build": lambda t: edit_meson(t, repo, inc, lib),
    }
    results = {}
    for rel, edit in edits.items():
        path = os.path.join(tree, rel)
        orig = os.path.join(pristine, rel)
        if not os.path.exists(orig):
            with open(path) as f:
                text = f.read()
            if MARK in text:
                sys.exit(f"apply.py: {rel} already holds a migcfg change but there is no pristine "
                         f"copy in {pristine}: unpack the source again")
            os.makedirs(os.path.dirname(orig), exist_ok=True)
            with open(orig, "w") as f:
                f.write(text)
        with open(orig) as f:
            text = f.read()
        try:
            results[rel] = edit(text)
        except AnchorError as e:
            sys.exit(f"apply.py: anchor not found, QEMU's code has moved: {e}")
    # Write only after every anchor was found, and only what changed.
    for rel, new in results.items():
        path = os.path.join(tree, rel)
        with open(path) as f:
            cur = f.read()
        if cur != new:
            with open(path, "w") as f:
                f.write(new)
            print(f"apply.py: edited {rel}")
        else:
            print(f"apply.py: {rel} up to date")
    return 0


def stat(tree, pristine):
    tot_add = tot_del = 0
    for root, _, files in os.walk(pristine):
        for name in sorted(files):
            orig = os.path.join(root, name)
            rel = os.path.relpath(orig, pristine)
            with open(orig) as f:
                a = f.read().splitlines()
            with open(os.path.join(tree, rel)) as f:
                b = f.read().splitlines()
            add = dele = 0
            for line in difflib.unified_diff(a, b, lineterm="", n=0):
                if line.startswith("+") and not line.startswith("+++"):
                    add += 1
                elif line.startswith("-") and not line.startswith("---"):
                    dele += 1
            tot_add += add
            tot_del += dele
            print(f" {rel:<28} +{add}/-{dele}")
    print(f" QEMU's files: +{tot_add}/-{tot_del}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
