"""Keyval inputs whose keys nest and index in many ways, mostly outside the schema's shape:
they exercise the order in which QEMU's keyval reports conflicts and list-conversion errors.
Without --past-capacity, indices are spelled without leading zeros and stay within migcfg's
list capacities under the list parameters. With it, indices past those capacities appear under
every key, and spellings like `01` under keys outside the schema (under `cpr-exec-command` and
`block-bitmap-mapping` migcfg takes `1` and `01` for one element, QEMU does not).
    python3 shapes.py SEED COUNT [--past-capacity] > inputs.txt"""
import random, sys

r = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
WIDE = sys.argv[3:4] == ["--past-capacity"]
B = "block-bitmap-mapping"
TOPS = ["foo", "a", "cpr-exec-command", B, B, B, "multifd-channels"]
# `ic` and `jc` share QDict buckets with `x` and `y`, so their order is insertion order.
NAMES = ["x", "y", "ic", "jc", "node-name", "alias", "bitmaps", "name", "transform", "persistent"]


def frag(big=False):
    # Without --past-capacity, indices of 64 and more only under keys outside the schema.
    c = r.random()
    if c < 0.45:
        past = ["63", "64"] if big or WIDE else []
        zeros = ["00", "01", "001"] if big and WIDE else []
        return r.choice(["0", "1", "2", "0", "1", "3"] + past + zeros + (["8", "31", "32", "70"] if WIDE else []))
    return r.choice(NAMES)


def bbm_key():
    # Mostly the schema's shape, with a wrong turn now and then.
    n = r.choice(["0", "0", "1", "2", "x"] + (["8"] if WIDE else []))
    parts = [B, n]
    tail = r.choice([["node-name"], ["alias"], ["bitmaps", "B", "name"], ["bitmaps", "B", "alias"],
                     ["bitmaps", "B", "transform", "persistent"], ["bitmaps", "B"], ["bitmaps"],
                     ["bitmaps", "B", "transform"], ["F"], ["bitmaps", "B", "F"],
                     ["bitmaps", "B", "transform", "F"], ["node-name", "F"]])
    for t in tail:
        parts.append(r.choice(["0", "0", "1", "2", "x"] + (["32"] if WIDE else [])) if t == "B" else frag() if t == "F" else t)
    return ".".join(parts)


def key():
    top = r.choice(TOPS)
    if top == B and r.random() < 0.8:
        return bbm_key()
    big = top in ("foo", "a")
    return ".".join([top] + [frag(big) for _ in range(r.randint(1 if top != "multifd-channels" else 0, 3))])


for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 1000):
    keys = []
    for _ in range(r.randint(2, 8)):
        # Now and then a key again: the last value wins.
        keys.append(r.choice(keys) if keys and r.random() < 0.15 else key())
    print(",".join(k + "=" + r.choice(["1", "on", "a"]) for k in keys))
