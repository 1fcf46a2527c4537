#!/usr/bin/env python3
"""Inputs for the number readers of the `-incoming` URIs (`qemu_strtosz` for `file:`
offsets, `qemu_strtou64` for inet numbers), with QEMU's answers.

    numbers.py SEED N QEMU_NUMBERS > core/tests/data/numbers.txt

QEMU_NUMBERS is numbers.c built in a QEMU 10.2.2 build tree B (source tree Q) with the
flags QEMU compiles libqemuutil with, and linked with B's libqemuutil.a (non-thin),
glib, -lm -pthread -ldl (as the differential oracle's program is built).

Texts are made of atoms around the readers' edges (signs, spaces, radix prefixes, 2^64 in
every base, fractions at the rounding edge of 1.0, units); each line of the output is a
JSON array [reader, text, answer], reader "z" or "u", answer "OK <n>", "ERANGE" or
"EINVAL". Every OK and ERANGE answer is kept, one EINVAL in four (the common case), so
the file stays small.
"""
import json
import random
import subprocess
import sys

ATOMS = [" ", "\t", "+", "-", "0", "00", "1", "7", "8", "9", "x", "X", "a", "f", "F", "g",
         ".", "5", "k", "K", "m", "M", "G", "t", "T", "p", "P", "e", "E", "b", "B", "i",
         "18446744073709551615", "18446744073709551616", "1844674407370955161",
         "9999999999999999999", "99999999999999999999", "0x", "0X", "ffffffffffffffff",
         "1ffffffffffffffff", "1777777777777777777777", "2000000000000000000000",
         # 1 - 2^-54 (the midpoint below 1.0), a digit short, a digit more, one below.
         "999999999999999944488848768742172978818416595458984375",
         "99999999999999994448884876874217297881841659545898437",
         "9999999999999999444888487687421729788184165954589843751",
         "999999999999999944488848768742172978818416595458984374",
         ".9999999999999999", "17179869184", "16", "15", "8191", "e5", "E+2", "nan", "inf",
         "0b1"]


def main():
    seed, n, prog = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(seed)
    texts = []
    seen = set()
    while len(texts) < n:
        t = "".join(rng.choice(ATOMS) for _ in range(rng.randint(0, 5)))
        if t not in seen:
            seen.add(t)
            texts.append(t)
    lines = "".join("%s %s\n" % (k, t) for t in texts for k in "zu")
    out = subprocess.run([prog], input=lines.encode(), capture_output=True, check=True)
    answers = out.stdout.decode().splitlines()
    rows = [(k, t) for t in texts for k in "zu"]
    # Keep every ERANGE and OK answer, and one EINVAL in four: EINVAL is the common case.
    kept = 0
    for (k, t), a in zip(rows, answers):
        if a == "EINVAL" and rng.randrange(4):
            continue
        print(json.dumps([k, t, a]))
        kept += 1
    print("numbers.py: %d of %d kept" % (kept, len(rows)), file=sys.stderr)


main()
