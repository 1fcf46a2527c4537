#!/bin/sh
# Check that the unmangled global functions a libmigcfg.a defines are exactly the functions
# include/migcfg.h declares: nothing leaks, nothing vanishes.
#
#   scripts/check-symbols.sh [-v] [LIB.a ...]      (default: target/release/libmigcfg.a,
#                                                  or $CARGO_TARGET_DIR/release/libmigcfg.a)
#
# Symbols are read with `readelf -sW` over the archive members (binutils' nm cannot read the
# LLVM bitcode sections here and silently lists nothing). Considered: every defined GLOBAL or
# WEAK symbol whose name is not Rust-mangled (`_ZN...` legacy, `_R...` v0). Then:
#   - every `migcfg_*` symbol, and every unmangled global defined by a member of our own
#     crates (migcfg, migcfg_core), must be a function declared in the header (except
#     LLVM's hidden `anon.<hash>.N.llvm.<hash>` constants, which several codegen units give);
#   - every function declared in the header must be defined, as a GLOBAL DEFAULT FUNC;
#   - anything else must match a rule of scripts/symbols-allowlist.txt (std and
#     compiler-builtins symbols).
# -v prints what the allowlist let through.
set -eu
cd "$(dirname "$0")/.."
verbose=0
if [ "${1:-}" = "-v" ]; then verbose=1; shift; fi
header=${MIGCFG_HEADER:-include/migcfg.h}
allow=scripts/symbols-allowlist.txt
if [ $# -eq 0 ]; then set -- "${CARGO_TARGET_DIR:-target}/release/libmigcfg.a"; fi
command -v readelf >/dev/null || { echo "check-symbols.sh: readelf (binutils) not found" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Functions the header declares: outside comments and preprocessor lines, every
# `migcfg_name (` (the MIGCFG_ABI_CHECK() macro, a #define, does not count).
awk '
    BEGIN { incomment = 0; cont = 0 }
    {
        line = $0
        if (cont) { cont = (line ~ /\\$/); next }
        out = ""
        while (length(line) > 0) {
            if (incomment) {
                i = index(line, "*/")
                if (i == 0) { line = ""; break }
                line = substr(line, i + 2); incomment = 0
            } else {
                i = index(line, "/*"); j = index(line, "//")
                if (j > 0 && (i == 0 || j < i)) { out = out substr(line, 1, j - 1); line = ""; break }
                if (i == 0) { out = out line; line = ""; break }
                out = out substr(line, 1, i - 1); line = substr(line, i + 2); incomment = 1
            }
        }
        if (out ~ /^[ \t]*#/) { cont = (out ~ /\\$/); next }
        print out
    }' "$header" |
    tr '\n' ' ' | grep -oE '\bmigcfg_[A-Za-z0-9_]+[[:space:]]*\(' | tr -d '( \t' | sort -u >"$tmp/header"
[ -s "$tmp/header" ] || { echo "check-symbols.sh: no functions found in $header" >&2; exit 1; }

status=0
for lib in "$@"; do
    [ -f "$lib" ] || { echo "check-symbols.sh: $lib not found (build it first)" >&2; exit 1; }
    # member crate, type, bind, visibility, name of every defined, unmangled GLOBAL/WEAK symbol
    readelf -sW "$lib" 2>/dev/null | awk '
        /^File: / {
            m = $2; sub(/^.*\(/, "", m); sub(/\)$/, "", m)
            crate = m; sub(/-.*/, "", crate)
            if (crate ~ /^[0-9a-f]+$/ && length(crate) == 16) crate = "compiler-rt"
            next
        }
        NF >= 8 && ($5 == "GLOBAL" || $5 == "WEAK") && $7 != "UND" && $8 !~ /^_ZN/ && $8 !~ /^_R/ {
            print crate, $4, $5, $6, $8
        }' | sort -u >"$tmp/syms"
    [ -s "$tmp/syms" ] || { echo "check-symbols.sh: readelf found no symbols in $lib" >&2; exit 1; }

    # Ours: migcfg_* anywhere, or anything unmangled from our crates' members.
    ours='$5 ~ /^migcfg_/ || (($1 == "migcfg" || $1 == "migcfg_core") && !($4 == "HIDDEN" && $5 ~ /^anon\..*\.llvm\./))'
    awk "$ours" "$tmp/syms" >"$tmp/ours"
    awk '{ print $5 }' "$tmp/ours" | sort -u >"$tmp/ours.names"
    awk '$2 == "FUNC" && $3 == "GLOBAL" && $4 == "DEFAULT" { print $5 }' "$tmp/ours" | sort -u >"$tmp/ours.exported"
    leaked=$(comm -23 "$tmp/ours.names" "$tmp/header")
    missing=$(comm -13 "$tmp/ours.exported" "$tmp/header")
    if [ -n "$leaked" ]; then
        echo "$lib: defines unmangled symbols the header does not declare:" >&2
        for s in $leaked; do grep " $s\$" "$tmp/ours"; done | sed 's/^/    /' | head -n 40 >&2
        status=1
    fi
    if [ -n "$missing" ]; then
        echo "$lib: header functions not defined as global default-visibility functions:" >&2
        printf '    %s\n' $missing >&2
        status=1
    fi

    # Everything else against the allowlist.
    awk "!($ours)" "$tmp/syms" >"$tmp/other"
    awk -v verbose="$verbose" -v lib="$lib" '
        function glob(g) { gsub(/[.+?^$()[\]{}|\\]/, "\\\\&", g); gsub(/\*/, ".*", g); return "^" g "$" }
        FNR == NR {
            if ($0 ~ /^[ \t]*(#|$)/) next
            n++; rc[n] = glob($1); rv[n] = glob($2); rs[n] = glob($3); rule[n] = $1 " " $2 " " $3
            next
        }
        {
            for (i = 1; i <= n; i++)
                if ($1 ~ rc[i] && $4 ~ rv[i] && $5 ~ rs[i]) { hits[i]++; next }
            print lib ": not allowlisted: " $5 " (" $2 " " $3 " " $4 ", from crate " $1 ")" > "/dev/stderr"
            bad = 1
        }
        END {
            if (verbose) for (i = 1; i <= n; i++) printf "  allowlisted by \"%s\": %d\n", rule[i], hits[i]
            exit bad
        }' "$allow" "$tmp/other" || status=1

    if [ "$status" -eq 0 ]; then
        echo "$lib: $(wc -l <"$tmp/header") header functions defined and exported, nothing else leaks ($(wc -l <"$tmp/other") allowlisted std/compiler-builtins symbols)"
    fi
done
exit $status
