#!/usr/bin/env python3
"""Proof 6, cost linear in the length: instructions per parse under callgrind (not time),
for every generated shape, at 64 KiB and at 1 MiB (16 times longer). A linear parse costs
at most ~16x more (less when a fixed cost or an early rejection dominates); more than
PROOF_LINEAR_MAX (default 20) times is a failure. Shapes the native 1 MiB run already found
too slow (untrusted's "slow:" lines, passed with --slow) are measured at 4 KiB and 16 KiB
instead, where a quadratic cost still finishes, and fail.

  linear.py UNTRUSTED_BINARY OUTDIR [--slow a,b,...] [--jobs N]
"""
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor


def measure(binary, outdir, size, shapes, tag):
    """One valgrind run: instructions of each parse of `shapes` at `size` bytes."""
    if not shapes:
        return {}
    base = os.path.join(outdir, f"cg-{tag}")
    for f in os.listdir(outdir):
        if f.startswith(f"cg-{tag}"):
            os.unlink(os.path.join(outdir, f))
    cmd = ["valgrind", "--tool=callgrind", "--collect-atstart=no",
           "--toggle-collect=proof_measured", "--dump-after=proof_measured",
           f"--callgrind-out-file={base}", binary, "measure", str(size)] + shapes
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        sys.stderr.write(run.stdout + run.stderr)
        raise SystemExit(f"linear: valgrind failed on {tag}")
    lines = [l.split() for l in run.stdout.splitlines() if l.startswith("measured ")]
    out = {}
    for i, (_, name, _size, length, status) in enumerate(lines, start=1):
        text = open(f"{base}.{i}").read()
        m = re.search(r"^(?:totals|summary):\s*(\d+)", text, re.M)
        out[name] = (int(m.group(1)) if m else 0, int(length), int(status))
    return out


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    binary, outdir = args[0], args[1]
    slow, jobs = set(), 2
    rest = args[2:]
    while rest:
        if rest[0] == "--slow":
            slow = {s for s in rest[1].split(",") if s}
            rest = rest[2:]
        elif rest[0] == "--jobs":
            jobs = int(rest[1])
            rest = rest[2:]
        else:
            sys.exit(__doc__)
    limit = float(os.environ.get("PROOF_LINEAR_MAX", "20"))
    os.makedirs(outdir, exist_ok=True)
    shapes = subprocess.run([binary, "shapes"], check=True, capture_output=True,
                            text=True).stdout.split()
    fast = [s for s in shapes if s not in slow]
    slow_l = [s for s in shapes if s in slow]
    # Split the fast shapes in halves so the two big runs can go in parallel.
    half = (len(fast) + 1) // 2
    work = [(65536, fast, "64k"), (1 << 20, fast[:half], "1m-a"), (1 << 20, fast[half:], "1m-b"),
            (4096, slow_l, "4k"), (16384, slow_l, "16k")]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        res = list(pool.map(lambda w: measure(binary, outdir, *w), work))
    small, big = res[0], {**res[1], **res[2]}
    s4, s16 = res[3], res[4]
    bad = 0
    print(f"linear: instructions per parse (callgrind), 64 KiB vs 1 MiB; limit {limit:g}x")
    print(f"  {'shape':26} {'64 KiB':>12} {'1 MiB':>13} {'ratio':>7} {'Ir/byte':>8}  status")
    for s in fast:
        a, _, _ = small[s]
        b, blen, st = big[s]
        ratio = b / a if a else float("inf")
        flag = ratio > limit
        bad += flag
        print(f"  {s:26} {a:12,d} {b:13,d} {ratio:7.2f} {b / max(blen, 1):8.2f}  {st:3d}"
              f"{'  NON-LINEAR' if flag else ''}")
    for s in slow_l:
        a, _, _ = s4[s]
        b, _, st = s16[s]
        ratio = b / a if a else float("inf")
        bad += 1
        print(f"  {s:26} NON-LINEAR: too slow at 1 MiB natively; 4 KiB {a:,d} -> 16 KiB {b:,d} "
              f"instructions ({ratio:.1f}x for 4x the length)")
    if bad:
        print(f"linear: FAILED: {bad} shape(s) cost more than linear", file=sys.stderr)
        sys.exit(1)
    print(f"linear: ok: {len(fast)} shapes linear")


if __name__ == "__main__":
    main()
