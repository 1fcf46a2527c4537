#!/usr/bin/env python3
"""JSON config inputs for the differential test (one per line, for `oracle check` and the
`check` example), of two kinds:

  json_shapes.py dups SEED N [RARE]   objects of up to 60 keys from small pools, nested, with
                                      escaped and single-quoted spellings of one key: the
                                      duplicate-key log overflows and the fallback search
                                      decides which duplicate QEMU reports; 1 in RARE values
                                      (default 30) is a grammar error (`1"x"`, `tru`, ...)
  json_shapes.py bbm SEED N           `block-bitmap-mapping` and `cpr-exec-command` with
                                      unknown members at every level, wrong types, escaped
                                      names, and element counts at and (without --within)
                                      past the capacities
      [--within]                      bbm: stay within migcfg's capacities
"""
import json
import random
import sys

args = [a for a in sys.argv[1:] if not a.startswith("--")]
within = "--within" in sys.argv
kind, seed, count = args[0], int(args[1]), int(args[2])
rare = int(args[3]) if len(args) > 3 else 30
r = random.Random(seed)
PARAMS = ["multifd-channels", "max-bandwidth", "mode", "tls-creds",
          "block-bitmap-mapping", "cpr-exec-command"]


def dup_key(pool):
    k = r.randrange(pool)
    return r.choice([
        "'k%d'" % k, '"\\u006b%d"' % k, '"k\\\\%d"' % k, '"k\\"%d"' % k, "'k\\'%d'" % k,
        '"%s"' % r.choice(PARAMS)] + ['"k%d"' % k] * 6)


def dup_scalar(i):
    c = r.randrange(rare)
    odd = ['1"x"', '1{}', "true'a'", '"{"', "'}]'", '[1 2]', 'tru', '"a\\"{"', '1:2']
    return odd[c] if c < len(odd) else str(i)


def dups(depth):
    n = r.randrange(60) if depth == 0 else r.randrange(6)
    pool = 1 + r.randrange(80)
    out = ['{']
    for i in range(n):
        if i:
            out.append(',' if r.randrange(200) else '')
        out.append(dup_key(pool))
        out.append(':' if r.randrange(300) else ' ')
        c = r.randrange(12)
        if c == 0 and depth < 20:
            out.append(dups(depth + 1))
        elif c == 1 and depth < 20:
            out.append('[' + dups(depth + 1) + ',1]')
        else:
            out.append(dup_scalar(i))
    out.append('}')
    if r.randrange(40) == 0:
        out.pop()
    return ''.join(out)


def s(x):
    if r.randrange(8) == 0:
        return '"' + ''.join('\\u%04x' % ord(c) if r.randrange(3) == 0 else c for c in x) + '"'
    return json.dumps(x)


def member(name, val):
    return s(name) + ": " + val


def extra():
    return member(r.choice(["x", "y", "zz", "b", "q", "name", "alias", "persistent"]), "1")


def struct(ms):
    r.shuffle(ms)
    return "{" + ", ".join(ms) + "}"


def transform():
    if r.randrange(6) == 0:
        return r.choice(["7", "[]", '"t"'])
    ms = []
    if r.randrange(3):
        ms.append(member("persistent", r.choice(["true", "false", "1"])))
    if r.randrange(5) == 0:
        ms.append(extra())
    return struct(ms)


def obj(wrong, members):
    """A struct of the mapping: 1 in 15 a value of a wrong type, else its members (each
    present when its test says so, in random order) and now and then an unknown one."""
    if r.randrange(15) == 0:
        return r.choice(wrong)
    ms = [member(name, value()) for name, present, value in members if present()]
    if r.randrange(8) == 0:
        ms.append(extra())
    return struct(ms)


def bitmap(i):
    return obj(["5", '"b"', "[]", "null"], [
        ("name", lambda: r.randrange(20), lambda: s("b%d" % i)),
        ("alias", lambda: r.randrange(20), lambda: s("a%d" % i)),
        ("transform", lambda: r.randrange(3) == 0, transform),
    ])


def node(i, nb):
    def bitmaps():
        if r.randrange(15) == 0:
            return r.choice(["{}", "3", '"x"'])
        return "[" + ", ".join(bitmap(j) for j in range(nb)) + "]"
    return obj(["5", '"n"', "[]", "null"], [
        ("node-name", lambda: r.randrange(20), lambda: s("n%d" % i)),
        ("alias", lambda: r.randrange(20), lambda: s("na%d" % i)),
        ("bitmaps", lambda: r.randrange(25), bitmaps),
    ])


def bbm():
    ms = []
    nn = r.choice([0, 1, 2, 3, 7, 8] + ([] if within else [9, 10]))
    big = r.randrange(3) == 0
    left = 32
    nodes = []
    for i in range(nn):
        nb = r.choice([0, 1, 2, 5, 12, 20, 33]) if big else r.randrange(3)
        if within:
            nb = min(nb, left)
            left -= nb
        nodes.append(node(i, nb))
    ms.append(member("block-bitmap-mapping", "[" + ", ".join(nodes) + "]"))
    if r.randrange(3) == 0:
        ne = r.choice([1, 63, 64] + ([] if within else [65, 70]))
        ms.insert(r.randrange(2), member("cpr-exec-command", "[" + ", ".join(
            s("c%d" % i) if r.randrange(40) else "1" for i in range(ne)) + "]"))
    if r.randrange(10) == 0:
        ms.append(member("unknown-thing", "1"))
    return "{" + ", ".join(ms) + "}"


for _ in range(count):
    print(dups(0) if kind == "dups" else bbm())
