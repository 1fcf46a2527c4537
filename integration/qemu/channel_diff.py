#!/usr/bin/env python3
"""Channel differential: migcfg's -incoming channel readers against QEMU's own parser.

Runs the patched QEMU twice per input, each time with one parser alone judging the channel
arguments (MIGCFG_QEMU_CHANNELS=qemu, then =migcfg; migcfg-qemu.c reads it), and compares
what each printed. `-machine` names no machine, so a run whose arguments all pass ends at
QEMU's "unsupported machine type" before anything starts. `config:` arguments are left
out: migcfg judges them in both runs.

Inputs: the `-incoming` fuzz corpus (each file: a flags byte, then up to four arguments
separated by newlines), and with --mutate N, N more made by mutating corpus arguments
(numbers, keywords, string escapes, quotes, cuts) with --seed.

    channel_diff.py [--corpus DIR] [--limit N] [--mutate N] [--seed S] [--jobs J] [--show K]

Differences that are migcfg's documented limits are counted apart, by kind, and do not fail
the run: a message cut at MIGCFG_ERROR_MAX with `...`; a capacity error ("do not fit");
which of several unexpected members is named when a level has more keys than migcfg replays
QEMU's hash table for (ghash::EXACT_KEYS: migcfg then names the first in the input); list indexes spelled with leading zeros; a duplicate
key past the JSON reader's search bounds (JSON_DUP_DEPTH, JSON_DUP_KEYS). Prints every
other difference (up to --show) and `N inputs, D differences (known: ...)`; exit 1 if D > 0.
Needs the QEMU of `make qemu-check` (QEMU_WORK, default /work/qemu-migcfg).
"""
import argparse
import concurrent.futures
import glob
import json
import os
import random
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORK = os.path.abspath(os.environ.get("QEMU_WORK", "/work/qemu-migcfg"))
BASE = ["-L", "/usr/share/seabios", "-display", "none", "-nodefaults"]
STOP = ["-machine", "no-such-machine-migcfg"]


def qemu_path():
    found = sorted(glob.glob(os.path.join(WORK, "src", "qemu-*", "build", "qemu-system-x86_64")))
    if not found:
        sys.exit(f"channel_diff: no QEMU under {WORK}; run `make qemu-check` first")
    return found[-1]


def corpus_inputs(path):
    out = []
    for f in sorted(os.listdir(path)):
        data = open(os.path.join(path, f), "rb").read()[1:]
        args = [a for a in data.split(b"\n")[:4] if not a.startswith(b"config:")]
        # argv cannot carry NUL: both parsers would see the text up to it.
        args = [a.split(b"\0")[0] for a in args]
        if args:
            out.append(args)
    return out


NUMBERS = [b"0", b"-0", b"0e5", b"-0e5", b"0.5e3", b"1e3", b"1E+2", b"1.5", b"00", b"01",
           b"-1", b"4294967296", b"65536", b"18446744073709551616", b"9223372036854775808",
           b"-9223372036854775809", b"0x10", b"1.", b".5", b"-", b"1e", b"2e-1"]
WORDS = [b"true", b"false", b"null", b"tru", b"nul", b"True", b"on", b"yes"]
STRINGS = [b'"a"', b"'a'", b'"\\u0041"', b'"\\ud800"', b'"\\ud83d\\ude00"', b'"\\x"', b'"\\\'"',
           b'""', b'"\\u00"', b'"a\\/b"', b'"\xc3\xa9"', b'"\xff"', b'"\\u0000"', b'"5"']


def mutate(rng, a):
    kind = rng.randrange(9)
    if kind == 0 and re.search(rb"-?\d[\d.eE+-]*", a):
        ms = list(re.finditer(rb"-?\d[\d.eE+-]*", a))
        m = rng.choice(ms)
        return a[:m.start()] + rng.choice(NUMBERS) + a[m.end():]
    if kind == 1 and re.search(rb"\b(true|false|null)\b", a):
        m = rng.choice(list(re.finditer(rb"\b(true|false|null)\b", a)))
        return a[:m.start()] + rng.choice(WORDS) + a[m.end():]
    if kind == 2 and re.search(rb'"[^"]*"', a):
        m = rng.choice(list(re.finditer(rb'"[^"]*"', a)))
        return a[:m.start()] + rng.choice(STRINGS + NUMBERS + WORDS) + a[m.end():]
    if kind == 3 and a:
        i = rng.randrange(len(a) + 1)
        return a[:i]
    if kind == 4 and a:
        i = rng.randrange(len(a))
        return a[:i] + a[i + 1:]
    if kind == 5:
        i = rng.randrange(len(a) + 1)
        return a[:i] + rng.choice([b" ", b",", b"{", b"}", b"[", b"]", b":", b"'", b'"',
                                   b"\\", b".", b"=", b",,", b"\t", b"0"]) + a[i:]
    if kind == 6 and b'"' in a:
        return a.replace(b'"', b"'", rng.randrange(1, 4))
    if kind == 7 and re.search(rb'"[a-z-]+": *[^,}]+', a):
        m = rng.choice(list(re.finditer(rb'"[a-z-]+": *[^,}]+', a)))
        return a[:m.end()] + b", " + m.group(0) + a[m.end():]
    if kind == 8 and re.search(rb"[a-z.-]+=[^,]*", a):
        m = rng.choice(list(re.finditer(rb"[a-z.-]+=[^,]*", a)))
        return a[:m.start()] + a[m.end():].lstrip(b",")
    return a + rng.choice([b"}", b",", b" x", b"]"])


def run(qemu, args, who):
    cmd = [qemu] + BASE
    for a in args:
        cmd += ["-incoming", os.fsdecode(a)]
    cmd += STOP
    env = dict(os.environ, MIGCFG_QEMU_CHANNELS=who)
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, timeout=20)
    except subprocess.TimeoutExpired:
        return (None, b"timeout")
    return (p.returncode, p.stderr)


def short(s, n=160):
    return s if len(s) <= n else s[:n // 2] + " ... " + s[-n // 2:]


def message(err, args):
    """The message without QEMU's `<prog>: -incoming <arg>: ` location, shortened."""
    for a in args:
        pre = b": -incoming " + a + b": "
        i = err.find(pre)
        if i >= 0:
            err = b"[" + short(repr(a)[1:], 40).encode() + b"] " + err[i + len(pre):]
            break
    return short(err.decode("utf-8", "replace").strip(), 400)


def known(args, q, m):
    """The documented limit a difference comes from, or None."""
    a, b = q[1], m[1]
    if b.endswith(b"...\n") and a.startswith(b[:-4]):
        return "message cut"
    if b"do not fit" in b:
        return "capacity"
    if a.endswith(b"is unexpected\n") and b.endswith(b"is unexpected\n") and any(
            many_keys(x) for x in args):
        return "unexpected member past ghash::EXACT_KEYS"
    if b"are unexpected" in a and any(re.search(rb"\.0\d", x) for x in args):
        return "index spelling"
    if a.endswith(b"duplicate key\n") and not b.endswith(b"duplicate key\n") and any(
            past_dup_bounds(x) for x in args):
        return "duplicate-key search bounds"
    return None


def many_keys(arg, exact=32):
    """Whether a level of channel argument `arg` has more distinct keys than migcfg replays
    QEMU's hash table for (ghash::EXACT_KEYS); those name the first unexpected key."""
    if arg.lstrip().startswith(b"{"):
        try:
            root = json.loads(arg)
        except ValueError:
            return False
        levels = [root, root.get("addr")] if isinstance(root, dict) else []
        return any(isinstance(d, dict) and len(d) > exact for d in levels)
    keys = [i.split(b"=")[0] for i in arg.replace(b",,", b"").split(b",")]
    top = {k.split(b".")[0] for k in keys}
    addr = {k.split(b".")[1] for k in keys if k.startswith(b"addr.") and k.count(b".") >= 1}
    return len(top) > exact or len(addr) > exact


def past_dup_bounds(text, depth_max=4, keys_max=32):
    """Whether JSON `text` has an object nested (in objects and lists) deeper than the
    duplicate-key search goes (channel.rs JSON_DUP_DEPTH) or one with more members than it
    compares (JSON_DUP_KEYS)."""
    stack, i, quote = [], 0, None
    while i < len(text):
        c = text[i:i + 1]
        if quote:
            if c == b"\\":
                i += 1
            elif c == quote:
                quote = None
        elif c in (b'"', b"'"):
            quote = c
        elif c in (b"{", b"["):
            if c == b"{" and len(stack) >= depth_max:
                return True
            stack.append([c, 1])
        elif c in (b"}", b"]") and stack:
            stack.pop()
        elif c == b"," and stack:
            stack[-1][1] += 1
            if stack[-1][0] == b"{" and stack[-1][1] > keys_max:
                return True
        i += 1
    return False


def compare(qemu, args):
    q = run(qemu, args, "qemu")
    m = run(qemu, args, "migcfg")
    return args, q, m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=os.path.join(ROOT, "fuzz", "corpus", "incoming"))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--mutate", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--show", type=int, default=20)
    ap.add_argument("--dump", help="write each unexplained difference's arguments here, one "
                    "Python bytes literal list per line")
    o = ap.parse_args()
    qemu = qemu_path()
    inputs = corpus_inputs(o.corpus)
    if o.limit:
        inputs = inputs[:o.limit]
    rng = random.Random(o.seed)
    flat = [a for args in inputs for a in args]
    for _ in range(o.mutate):
        a = rng.choice(flat)
        for _ in range(rng.randrange(1, 4)):
            a = mutate(rng, a)
        inputs.append([a.split(b"\0")[0]])
    diffs = 0
    kinds = {}
    with concurrent.futures.ThreadPoolExecutor(o.jobs) as ex:
        for args, q, m in ex.map(lambda a: compare(qemu, a), inputs, chunksize=8):
            if q != m:
                k = known(args, q, m)
                if k:
                    kinds[k] = kinds.get(k, 0) + 1
                    continue
                diffs += 1
                if o.dump:
                    with open(o.dump, "a") as f:
                        f.write(repr(args) + "\n")
                if diffs <= o.show:
                    print("DIFF", " ".join(short(repr(a)[1:]) for a in args))
                    print(f"  qemu   ({q[0]}): {message(q[1], args)}")
                    print(f"  migcfg ({m[0]}): {message(m[1], args)}")
    summary = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "none"
    print(f"{len(inputs)} inputs, {diffs} differences (known: {summary})")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
