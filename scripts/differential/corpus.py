#!/usr/bin/env python3
"""The keyval and JSON fuzz corpora, and mutations of them, through QEMU 10.2.2's own parser
(the oracle) and through migcfg, one answer per input; prints the differences that are not
documented ones (`cmp.py`'s rules, plus those below). Not part of CI (it needs the oracle).

    python3 scripts/differential/corpus.py [SEED [MUTATIONS]]     ORACLE=/path/to/oracle

SEED 0 runs the corpora as they are; any other seed runs MUTATIONS mutated inputs (byte
edits, schema words and JSON tokens put in, pieces of other corpus files spliced in).
Inputs with a newline, CR or NUL (one input per line; NUL is refused before parsing) or
asking for help (its answer is many lines) are left out. Answers may hold newlines (a JSON
key's `\\n` is quoted decoded), so a batch whose answers do not line up runs input by input.

Set aside besides `cmp.py`'s, each a documented difference (README, "Which QEMU, and where
migcfg differs"):
- a message migcfg cut at MIGCFG_ERROR_MAX (508 bytes, fewer rather than split a character,
  and `...`) where QEMU's goes on the same;
- parameters and enum values of master that 10.2.2 lacks (`local`, `x-rdma-chunk-size`,
  `qatzip`, `qpl`, `uadk`);
- keyval inputs with more than 16 dictionaries that have a list index among their keys
  (`LIST_DICT_CAPACITY`), more than 12 keys outside the schema's shape (`ODD_CAPACITY`), or
  an index of a list parameter spelled with a leading zero (`.01`, one element for migcfg),
  where both reject the input and migcfg's error may be another than QEMU's.
"""
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
ORACLE = os.environ.get("ORACLE", "/work/oracle/oracle")
CHECK = os.path.join(TOP, "target", "release", "examples", "check")
CORPORA = [os.path.join(TOP, "fuzz", "corpus", d) for d in ("keyval", "json")]
MASTER_ONLY = (b"local", b"x-rdma-chunk-size", b"qatzip", b"qpl", b"uadk")
TOKENS = [b",", b".", b"=", b".0", b".1", b'"', b"{", b"}", b"[", b"]", b":", b" ", b"\\u00e9",
          b"\\", b"null", b"true", b"1e3", b"-1", b"0x10", b"multifd-channels",
          b"block-bitmap-mapping", b"bitmaps", b"node-name", b"alias", b"cpr-exec-command",
          b"tls-creds", b"mode", b"zstd", b"1G", b",,", b"\xc3\xa9", b"\xff"]
LISTS = (b"cpr-exec-command", b"block-bitmap-mapping")


def param_names():
    """The parameters' names, from the header's MIGCFG_PARAM_ constants."""
    names = set()
    with open(os.path.join(TOP, "include", "migcfg.h"), "rb") as fh:
        for line in fh:
            w = line.split()
            if w and w[0].startswith(b"MIGCFG_PARAM_") and b"=" in w:
                names.add(w[0][len(b"MIGCFG_PARAM_"):].lower().replace(b"_", b"-"))
    return names - {b"-count"}


NAMES = param_names()


def corpus():
    out = []
    for d in CORPORA:
        for f in sorted(os.listdir(d)):
            with open(os.path.join(d, f), "rb") as fh:
                out.append(fh.read())
    return out


def mutate(r, files, b):
    b = bytearray(b)
    for _ in range(r.randint(1, 4)):
        op, p = r.randrange(5), r.randint(0, len(b))
        if op == 0 and b:
            del b[r.randrange(len(b))]
        elif op == 1:
            b[p:p] = r.choice(TOKENS)
        elif op == 2 and b:
            b[r.randrange(len(b))] = r.randrange(32, 256)
        elif op == 3:
            o = r.choice(files)
            i = r.randint(0, len(o))
            b[p:p] = o[i:r.randint(i, min(len(o), i + 40))]
        elif op == 4 and len(b) > 2:
            i = r.randrange(len(b))
            b[i:r.randint(i, len(b))] = b""
    return bytes(b)


def usable(s):
    return s and not any(c in s for c in b"\n\r\0") and b"help" not in s.lower() and b"?" not in s


def key_frags(s):
    """The key fragments of each keyval item (escaped commas dropped, which no key holds)."""
    for item in s.replace(b",,", b"").split(b","):
        yield item.split(b"=")[0].split(b".")


def index_dicts(s):
    """Key prefixes followed by a list index, as keyval's list conversion sees them."""
    return len({b".".join(f[:i]) for f in key_frags(s) for i in range(1, len(f))
                if f[i].isdigit()})


def odd_keys(s):
    """Keys outside the schema's shape (approximately: any key below a list parameter counts
    as inside it)."""
    return sum(1 for f in key_frags(s)
               if f[0] not in NAMES or (len(f) > 1 and f[0] not in LISTS))


def zero_led_index(s):
    """An index spelled with a leading zero (`01`) under a list parameter."""
    return any(f[0] in LISTS and any(x[:1] == b"0" and len(x) > 1 and x.isdigit() for x in f)
               for f in key_frags(s))


def answers(cmd, inputs):
    """One answer per input: a batch, or input by input when answers hold newlines."""
    run = lambda data: subprocess.run(cmd, input=data, capture_output=True, check=True).stdout
    out = run(b"".join(s + b"\n" for s in inputs)).split(b"\n")[:-1]
    if len(out) == len(inputs):
        return out
    return [run(s + b"\n")[:-1] for s in inputs]


def documented(s, q, m):
    # Cut at 508 bytes, or up to 3 fewer so as not to split a character, then `...`.
    kept = len(m) - len(b"ERR ...")
    if m.endswith(b"...") and 505 <= kept <= 508 and q.startswith(m[:-3]):
        return True
    if any(w in s for w in MASTER_ONLY):
        return True
    if not s.startswith(b"{") and q.startswith(b"ERR ") and m.startswith(b"ERR "):
        return index_dicts(s) > 16 or odd_keys(s) > 12 or zero_led_index(s)
    return False


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    subprocess.run(["cargo", "build", "--release", "-q", "--manifest-path",
                    os.path.join(TOP, "Cargo.toml"), "-p", "migcfg-core", "--example", "check"],
                   check=True)
    files = corpus()
    if seed == 0:
        inputs = [s for s in files if usable(s)]
    else:
        r, inputs = random.Random(seed), []
        while len(inputs) < count:
            s = mutate(r, files, r.choice(files))
            if usable(s):
                inputs.append(s)
    q = answers([ORACLE, "check"], inputs)
    m = answers([CHECK], inputs)
    left = [(s, a, b) for s, a, b in zip(inputs, q, m) if a != b and not documented(s, a, b)]
    with tempfile.TemporaryDirectory() as tmp:
        paths = [os.path.join(tmp, n) for n in ("in", "qemu", "migcfg")]
        for path, col in zip(paths, zip(*left) if left else ((), (), ())):
            with open(path, "wb") as fh:
                # One line each: a newline inside an answer is written `\n`.
                fh.write(b"".join(x.replace(b"\n", b"\\n") + b"\n" for x in col))
        res = subprocess.run([sys.executable, os.path.join(HERE, "cmp.py")] + paths,
                             capture_output=True, check=True).stdout.decode("latin-1")
    lines = res.splitlines()
    print("\n".join(lines[:-1]))
    bad = int(lines[-1].split()[1]) if lines else 0
    print("differences: %d of %d (%s)" % (bad, len(inputs),
                                         "corpora" if seed == 0 else "seed %d" % seed))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
