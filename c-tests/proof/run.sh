#!/usr/bin/env bash
# The embedded-contract proofs (`make proof` runs this):
#
#   coverage      every function of include/migcfg.h is exercised by the driver (and every
#                 text-taking one by untrusted.c): a new function fails here until added
#   nostd         cargo build -p nostd-check: core builds into a no_std, no-alloc staticlib
#   untrusted     6. page-boundary text, NUL inside, non-UTF-8, 1 MiB shapes (time-limited)
#   linear        6. instructions (callgrind) at 64 KiB vs 1 MiB: linear in the length
#   noheap        1. the malloc family interposed, every function over every input: 0 calls
#   panic         2. the panic-never build linked (-Wl,--gc-sections) with every function
#                 kept: the link succeeds only if no panic path survives (else: the chains
#                 from the exported functions to the panic handler are printed)
#   freestanding  3. -ffreestanding -nostdlib -static, own _start and builtins, against the
#                 freestanding build: undefined references before the builtins are recorded
#                 and must be a subset of memcpy memmove memset memcmp bcmp; the program
#                 parses configs and exits with the right status
#   stack         4. deepest stack per entry point (makecontext stack, guard page): <= 4 KiB
#   size          5. what the library adds to a C program (text + rodata, freestanding,
#                 --gc-sections) <= 48 KiB; sizeof(MigcfgParams) <= 10 KiB,
#                 sizeof(MigcfgIncoming) <= 16 KiB
#
# Shapes that untrusted finds super-linear fail there and in linear; noheap and stack leave
# them out above 4 KiB so that their own verdicts still stand.
# Usage: c-tests/proof/run.sh [item...]   (default: all, in the order above)
# Builds the three libraries it needs: the default one (target/release, as `make lib`), the
# freestanding one (target/freestanding, as `make freestanding`) and the panic-never one
# (target/panic-never). Needs cargo, cc, python3, objdump, and valgrind for `linear`.
# Budgets: PROOF_STACK_BUDGET (4096), PROOF_SIZE_BUDGET (49152), PROOF_LINEAR_MAX (20).
# Guards against growth (size item): PROOF_HOSTED_GUARD, PROOF_EARLY_GUARD, PROOF_INCOMING_GUARD.
# Every item runs; the exit status is 1 if any failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

CARGO=${CARGO:-cargo}
CC=${CC:-cc}
CARGO_FLAGS=${PROOF_CARGO_FLAGS---locked}
TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
OUT=${PROOF_OUT:-$TARGET_DIR/proof}
STD_LIB=$TARGET_DIR/release/libmigcfg.a
FREE_DIR=$TARGET_DIR/freestanding
PN_DIR=$TARGET_DIR/panic-never
HEADER=$root/include/migcfg.h
STACK_BUDGET=${PROOF_STACK_BUDGET:-4096}
SIZE_BUDGET=${PROOF_SIZE_BUDGET:-49152}
# Not a budget: a guard on the default library's whole API (175.0 KiB) that catches a return
# of inlined writers, or of std's panic and formatting code (which would double it).
HOSTED_GUARD=${PROOF_HOSTED_GUARD:-188416}
# Not budgets either: guards on what the smaller uses pay (early init 60.8 KiB, the -incoming
# family 92.4 KiB), so that the figure an early-init caller links cannot grow unseen while
# the whole API stays under its guard.
EARLY_GUARD=${PROOF_EARLY_GUARD:-63488}
INCOMING_GUARD=${PROOF_INCOMING_GUARD:-96256}
PARAMS_BUDGET=10240
INCOMING_BUDGET=16384

HOSTED=(-std=gnu11 -O1 -g -Wall -Wextra -Werror -I"$root/include" -I"$OUT" -I"$here")
FREE=(-std=gnu11 -O2 -ffreestanding -nostdlib -static -fno-stack-protector -fno-pie -no-pie
      -fno-builtin -fno-tree-loop-distribute-patterns -Wall -Wextra -Werror
      -I"$root/include" -I"$OUT" -I"$here")
NATIVE_LIBS=(-lpthread -ldl -lm)
ALLOWED_UNDEFINED="bcmp memcmp memcpy memmove memset"

items=("$@")
[ ${#items[@]} -gt 0 ] || items=(coverage nostd untrusted linear noheap panic freestanding stack size)

failed=()
passed=()
say() { printf '\n== proof: %s\n' "$*"; }
pass() { passed+=("$1"); }
fail() { failed+=("$1"); printf 'proof: FAILED: %s\n' "$1" >&2; }

mkdir -p "$OUT"

# ---- libraries (only what the chosen items need) ----------------------------------------
need() { for i in "${items[@]}"; do for w in "$@"; do [ "$i" = "$w" ] && return 0; done; done; return 1; }
build_failed=0
if need noheap stack untrusted linear size; then
    say "build: default library ($STD_LIB)"
    $CARGO build --release $CARGO_FLAGS -p migcfg-ffi || build_failed=1
fi
if need freestanding size; then
    say "build: freestanding library ($FREE_DIR)"
    # Built for size, as `make freestanding` builds it.
    CARGO_PROFILE_RELEASE_OPT_LEVEL=z CARGO_PROFILE_RELEASE_LTO=fat \
        $CARGO build --release $CARGO_FLAGS -p migcfg-ffi --no-default-features \
        --target-dir "$FREE_DIR" || build_failed=1
fi
if need panic; then
    say "build: panic-never library ($PN_DIR)"
    $CARGO build --release $CARGO_FLAGS -p migcfg-ffi --no-default-features \
        --features panic-never --target-dir "$PN_DIR" || build_failed=1
fi
if [ $build_failed = 1 ]; then
    fail "cargo build"
    exit 1
fi

# The header's functions and types, and the keep-every-function tables.
python3 "$here/header_fns.py" gen "$HEADER" "$OUT" || { fail "header_fns.py gen"; exit 1; }
nfns=$(wc -l < "$OUT/functions.txt")
echo "proof: $nfns exported functions in include/migcfg.h"

free_objs() { # freestanding objects: mem.o, keep_all.o, keep_none.o
    $CC "${FREE[@]}" -fno-builtin -c "$here/mem.c" -o "$OUT/mem.o" &&
        $CC "${FREE[@]}" -c "$OUT/keep_all.c" -o "$OUT/keep_all.o" &&
        $CC "${FREE[@]}" -c "$OUT/keep_none.c" -o "$OUT/keep_none.o"
}

# Shapes whose 1 MiB parse is too slow natively (untrusted's "slow:" lines): the linear item
# reports them; noheap and stack leave them out above 4 KiB so that their own verdicts stand.
build_untrusted() {
    [ -x "$OUT/untrusted" ] ||
        $CC "${HOSTED[@]}" "$here/untrusted.c" "$STD_LIB" "${NATIVE_LIBS[@]}" -o "$OUT/untrusted"
}
slow_shapes() {
    if [ ! -f "$OUT/untrusted.txt" ]; then
        build_untrusted || return 1
        "$OUT/untrusted" precheck > "$OUT/untrusted.txt" 2> /dev/null
    fi
    sed -n 's/^slow: //p' "$OUT/untrusted.txt"
}
skip_slow() {
    local s list=
    for s in $(slow_shapes); do list="$list,$s:65536,$s:1048576"; done
    if [ -n "$list" ]; then
        echo "proof: leaving out (above 4 KiB) the shapes found super-linear: $(slow_shapes | paste -sd' ' -)" >&2
    fi
    echo "${list#,}"
}

# ---- items ----------------------------------------------------------------------------------
item_coverage() {
    say "coverage: every exported function is exercised"
    python3 "$here/header_fns.py" check "$HEADER" "$here/driver.h" "$here/untrusted.c"
}

item_nostd() {
    say "no_std guard: cargo build -p nostd-check (no std, no alloc in migcfg-core)"
    $CARGO build $CARGO_FLAGS -p nostd-check
}

item_noheap() {
    say "1. no heap: malloc family interposed, every function over every input"
    $CC "${HOSTED[@]}" "$here/noheap.c" "$STD_LIB" "${NATIVE_LIBS[@]}" -o "$OUT/noheap" &&
        PROOF_SKIP=$(skip_slow) "$OUT/noheap"
}

item_panic() {
    say "2. no panic reachable: panic-never build, every function kept, -Wl,--gc-sections"
    free_objs || return 1
    local lib=$PN_DIR/release/libmigcfg.a log=$OUT/panic-never.log
    if $CC "${FREE[@]}" "$here/size_prog.c" "$OUT/keep_all.o" "$OUT/mem.o" \
        -Wl,--gc-sections "$lib" -o "$OUT/panic-never" 2> "$log"; then
        echo "proof: linked: no panic path survives in any of the $nfns functions"
    else
        echo "proof: the panic-never link FAILED; undefined symbols:"
        grep -o "undefined reference to \`[^']*'" "$log" | sort | uniq -c
        if grep -q migcfg_panic_is_reachable "$log"; then
            echo "proof: a panic is reachable; chains of direct calls from the exported functions:"
            echo 'void migcfg_panic_is_reachable(void) { for (;;) { } }' > "$OUT/pn_stub.c"
            $CC "${FREE[@]}" "$here/size_prog.c" "$OUT/keep_all.o" "$OUT/mem.o" \
                "$OUT/pn_stub.c" -Wl,--gc-sections "$lib" -o "$OUT/panic-never-diag" &&
                python3 "$here/frames.py" "$OUT/panic-never-diag" --reaches \
                    migcfg_panic_is_reachable $(cat "$OUT/functions.txt")
        fi
        return 1
    fi
    # The driver too (real calls, not only addresses), and it runs.
    $CC "${FREE[@]}" "$here/freestanding.c" "$OUT/mem.o" -Wl,--gc-sections "$lib" \
        -o "$OUT/freestanding-panic-never" && "$OUT/freestanding-panic-never"
}

item_freestanding() {
    say "3. freestanding link: -ffreestanding -nostdlib -static, own _start and builtins"
    free_objs || return 1
    local lib=$FREE_DIR/release/libmigcfg.a log=$OUT/undefined.log
    # Every function kept, no builtins supplied: the link lists what the library needs.
    $CC "${FREE[@]}" "$here/size_prog.c" "$OUT/keep_all.o" -Wl,--gc-sections "$lib" \
        -o "$OUT/no-builtins" 2> "$log"
    grep -o "undefined reference to \`[^']*'" "$log" | sed "s/.*\`//; s/'//" | sort -u \
        > "$OUT/undefined.txt"
    echo "proof: undefined references of the freestanding library (every function kept):" \
        "$(tr '\n' ' ' < "$OUT/undefined.txt")"
    local extra
    extra=$(grep -vxF -f <(tr ' ' '\n' <<< "$ALLOWED_UNDEFINED") "$OUT/undefined.txt")
    if [ -n "$extra" ]; then
        echo "proof: not in {$ALLOWED_UNDEFINED}: $extra"
        return 1
    fi
    if ! grep -q "undefined reference" "$log" && ! [ -x "$OUT/no-builtins" ]; then
        cat "$log"
        return 1
    fi
    $CC "${FREE[@]}" "$here/freestanding.c" "$OUT/mem.o" -Wl,--gc-sections "$lib" \
        -o "$OUT/freestanding" || return 1
    "$OUT/freestanding" || return 1
    local ok=1 t want got
    while IFS='|' read -r t want; do
        "$OUT/freestanding" "$t" > /dev/null
        got=$?
        printf 'proof: freestanding %-40s exit %d (want %d)\n' "'$t'" "$got" "$want"
        [ "$got" = "$want" ] || ok=0
    done <<'EOF'
multifd-channels=4,max-bandwidth=1G,mode=cpr-transfer|0
|0
multifd-channels=0|6
foo=1|5
tls-creds=a,b|3
mode=bogus|4
EOF
    # The panic-never build proves no panic is reachable; this build, optimised for size,
    # must not carry panic code either (a bounds or radix check the optimiser keeps brings
    # the panic machinery and its messages along).
    $CC "${FREE[@]}" "$here/size_prog.c" "$OUT/keep_all.o" "$OUT/mem.o" -Wl,--gc-sections \
        "$lib" -o "$OUT/freestanding-all" || return 1
    local syms panics
    syms=$(nm -C "$OUT/freestanding-all") && [ -n "$syms" ] || return 1
    panics=$(grep -E 'core::panicking|rust_begin_unwind' <<< "$syms")
    if [ -n "$panics" ]; then
        echo "proof: the freestanding library carries panic code:"
        echo "$panics"
        ok=0
    else
        echo "proof: no panic code in the freestanding library (every function kept)"
    fi
    [ $ok = 1 ]
}

item_stack() {
    say "4. bounded stack: every entry point on a makecontext stack with a guard page"
    $CC "${HOSTED[@]}" "$here/stack.c" "$STD_LIB" "${NATIVE_LIBS[@]}" -o "$OUT/stack" || return 1
    if PROOF_SKIP=$(skip_slow) PROOF_STACK_BUDGET=$STACK_BUDGET "$OUT/stack" |
        tee "$OUT/stack.txt"; then
        return 0
    fi
    # Which frames make the figures big: static chains in the freestanding link.
    local over
    over=$(awk '/OVER BUDGET/ { print $1 }' "$OUT/stack.txt")
    if [ -n "$over" ] && [ -f "$FREE_DIR/release/libmigcfg.a" ] && free_objs &&
        $CC "${FREE[@]}" "$here/size_prog.c" "$OUT/keep_all.o" "$OUT/mem.o" -Wl,--gc-sections \
            "$FREE_DIR/release/libmigcfg.a" -o "$OUT/frames-elf"; then
        echo "proof: frames of 256 bytes or more on the deepest static call chain (freestanding build):"
        python3 "$here/frames.py" "$OUT/frames-elf" $over
    fi
    return 1
}

item_size() {
    say "5. size: what the library adds to a freestanding C program (--gc-sections)"
    free_objs || return 1
    local lib=$FREE_DIR/release/libmigcfg.a
    $CC "${FREE[@]}" "$here/size_prog.c" "$OUT/keep_all.o" "$OUT/mem.o" -Wl,--gc-sections \
        "$lib" -o "$OUT/size-with" || return 1
    $CC "${FREE[@]}" "$here/size_prog.c" "$OUT/keep_none.o" "$OUT/mem.o" -Wl,--gc-sections \
        "$lib" -o "$OUT/size-without" || return 1
    secsum() { size -A "$1" | awk -v re="$2" '$1 ~ re { s += $2 } END { print s + 0 }'; }
    local t1 t0 r1 r0 d1 d0 e1 e0
    t1=$(secsum "$OUT/size-with" '^\.text'); t0=$(secsum "$OUT/size-without" '^\.text')
    r1=$(secsum "$OUT/size-with" '^\.rodata'); r0=$(secsum "$OUT/size-without" '^\.rodata')
    d1=$(secsum "$OUT/size-with" '^\.data\.rel\.ro'); d0=$(secsum "$OUT/size-without" '^\.data\.rel\.ro')
    e1=$(secsum "$OUT/size-with" '^\.eh_frame'); e0=$(secsum "$OUT/size-without" '^\.eh_frame')
    local text=$((t1 - t0)) rodata=$((r1 - r0)) relro=$((d1 - d0)) eh=$((e1 - e0))
    local total=$((text + rodata + relro))
    printf 'proof: added by the library: text %d + rodata %d + data.rel.ro %d (read-only after relocation) = %d bytes (%.1f KiB); budget %d; (.eh_frame %d, not counted)\n' \
        "$text" "$rodata" "$relro" "$total" "$(awk -v n="$total" 'BEGIN { print n / 1024 }')" \
        "$SIZE_BUDGET" "$eh"
    # sizeof the caller-owned types
    cat > "$OUT/sizes.c" <<'EOF'
#include <stdio.h>
#include "migcfg.h"
#include "proof_fns.h"
int main(void)
{
    printf("MigcfgParams %zu\n", sizeof(MigcfgParams));
#if defined(PROOF_HAVE_TYPE_MigcfgIncoming)
    printf("MigcfgIncoming %zu\n", sizeof(MigcfgIncoming));
#endif
    return 0;
}
EOF
    $CC "${HOSTED[@]}" "$OUT/sizes.c" -o "$OUT/sizes" || return 1
    local ok=1 name n
    while read -r name n; do
        local b=$PARAMS_BUDGET
        [ "$name" = MigcfgIncoming ] && b=$INCOMING_BUDGET
        printf 'proof: sizeof(%s) = %d bytes (budget %d)\n' "$name" "$n" "$b"
        [ "$n" -le "$b" ] || ok=0
    done < <("$OUT/sizes")
    grep -q "PROOF_HAVE_TYPE_MigcfgIncoming" "$OUT/proof_fns.h" ||
        echo "proof: MigcfgIncoming does not exist yet"
    # For scale, the same in a hosted program linked with the default library (opt-level 3,
    # for speed; what a VMM such as QEMU links): not budgeted, printed beside each figure.
    hosted_size() { # keep-table source -> bytes of text + rodata + data.rel.ro
        $CC "${HOSTED[@]}" -O2 -DPROOF_HOSTED -Wl,--gc-sections "$here/size_prog.c" "$1" "$STD_LIB" \
            "${NATIVE_LIBS[@]}" -o "$OUT/size-hosted" && secsum "$OUT/size-hosted" '^\.(text|rodata|data\.rel\.ro)'
    }
    local h0 h1
    h0=$(hosted_size "$OUT/keep_none.c") && h1=$(hosted_size "$OUT/keep_all.c") || return 1
    printf 'proof: the default library (hosted, opt-level 3), for scale: %d bytes (%.1f KiB); guard %d\n' \
        "$((h1 - h0))" "$(awk -v n="$((h1 - h0))" 'BEGIN { print n / 1024 }')" "$HOSTED_GUARD"
    if [ $((h1 - h0)) -gt "$HOSTED_GUARD" ]; then
        echo "proof: the default library grew past its guard"
        ok=0
    fi
    # What smaller uses pay (the linker keeps only what is called), and where the bytes of
    # the whole API go, by core module: the figures behind the budget.
    local use fns n guard
    for use in "early init: init, parse, getters" "the -incoming family: init, add, params, getters"; do
        case $use in
        early*) fns="migcfg_params_init migcfg_parse migcfg_parse_ex migcfg_is_set migcfg_get_u64 migcfg_get_bool migcfg_get_str migcfg_get_list_len migcfg_get_list_str"
            guard=$EARLY_GUARD ;;
        *) fns="migcfg_incoming_init migcfg_incoming_add migcfg_incoming_params migcfg_is_set migcfg_get_u64 migcfg_get_bool migcfg_get_str"
            guard=$INCOMING_GUARD ;;
        esac
        {
            echo '#include "migcfg.h"'
            echo 'typedef void (*proof_fp)(void);'
            echo 'proof_fp const proof_keep[] = {'
            for f in $fns; do echo "    (proof_fp)$f,"; done
            echo '};'
            echo "unsigned long const proof_keep_count = $(echo $fns | wc -w);"
        } > "$OUT/keep_use.c"
        $CC "${FREE[@]}" "$here/size_prog.c" "$OUT/keep_use.c" "$OUT/mem.o" -Wl,--gc-sections \
            "$lib" -o "$OUT/size-use" || return 1
        # The baseline's table holds a pointer per exported function; this one fewer.
        n=$(( $(secsum "$OUT/size-use" '^\.(text|rodata|data\.rel\.ro)') - t0 - r0 - d0 +
            8 * (nfns - $(echo $fns | wc -w)) ))
        h1=$(hosted_size "$OUT/keep_use.c") || return 1
        h1=$((h1 - h0 + 8 * (nfns - $(echo $fns | wc -w))))
        printf 'proof: %s: %d bytes (%.1f KiB), guard %d; default library %d bytes (%.1f KiB)\n' \
            "$use" "$n" "$(awk -v n="$n" 'BEGIN { print n / 1024 }')" "$guard" \
            "$h1" "$(awk -v n="$h1" 'BEGIN { print n / 1024 }')"
        if [ "$n" -gt "$guard" ]; then
            echo "proof: ${use%%:*} grew past its guard"
            ok=0
        fi
    done
    nm -S -C "$OUT/size-with" | python3 -c '
import collections, re, sys
by = collections.Counter()
for line in sys.stdin:
    f = line.split(None, 3)
    if len(f) < 4:
        continue
    m = re.search(r"migcfg_core::([a-z_]+)", f[3])
    by[m.group(1) if m else ("ffi" if "migcfg" in f[3] else "other")] += int(f[1], 16)
print("proof: bytes by module (symbols): " + ", ".join("%s %d" % kv for kv in by.most_common()))
'
    if [ "$total" -gt "$SIZE_BUDGET" ]; then
        echo "proof: over the size budget; the biggest symbols:"
        nm -S --size-sort -C "$OUT/size-with" | tail -25 |
            while read -r _ sz _ sym; do printf '  %6d  %s\n' "$((16#$sz))" "$sym"; done
        ok=0
    fi
    [ $ok = 1 ]
}

item_untrusted() {
    say "6. untrusted input: page-boundary text, NUL inside, non-UTF-8, 1 MiB shapes"
    build_untrusted || return 1
    "$OUT/untrusted" | tee "$OUT/untrusted.txt"
}

item_linear() {
    say "6. cost linear in the length: instructions under callgrind, 64 KiB vs 1 MiB"
    command -v valgrind > /dev/null || { echo "proof: valgrind is not installed"; return 1; }
    build_untrusted || return 1
    local slow
    slow=$(slow_shapes | paste -sd, -)
    python3 "$here/linear.py" "$OUT/untrusted" "$OUT/callgrind" --slow "$slow"
}

rm -f "$OUT/untrusted.txt" "$OUT/untrusted"
for it in "${items[@]}"; do
    if declare -F "item_$it" > /dev/null; then
        start=$SECONDS
        if "item_$it"; then pass "$it"; else fail "$it"; fi
        echo "proof: ($it took $((SECONDS - start)) s)"
    else
        echo "proof: unknown item $it" >&2
        fail "$it"
    fi
done

echo
echo "proof: passed: ${passed[*]:-none}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "proof: failed: ${failed[*]}"
    echo "${#passed[@]} passed, ${#failed[@]} failed"
    exit 1
fi
echo "${#passed[@]} passed, 0 failed"
