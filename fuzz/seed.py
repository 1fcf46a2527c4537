#!/usr/bin/env python3
"""Seed fuzz/corpus/{keyval,json,incoming}/ from the tests: the conformance inputs
(core/tests/data/conformance-smoke.txt), the string literals of core/tests/*.rs and the C
proof inputs (c-tests/proof/inputs.h). Files are named by the SHA-1 of their content, as
libFuzzer names them; byte 0 of each is the flags byte of the targets (fuzz/src/props.rs).

    python3 fuzz/seed.py          (from anywhere; adds files, removes none)
"""
import hashlib
import os
import re
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
URI = (b"defer", b"tcp:", b"unix:", b"vsock:", b"fd:", b"file:", b"exec:", b"rdma:",
       b"config:", b"channel-type", b"main,", b"cpr,")


def rust_unescape(s):
    out, i = bytearray(), 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            out += c.encode()
            i += 1
            continue
        n = s[i + 1] if i + 1 < len(s) else ""
        if n == "x":
            out.append(int(s[i + 2:i + 4], 16))
            i += 4
        elif n == "u":
            j = s.index("}", i)
            out += chr(int(s[i + 3:j], 16)).encode()
            i = j + 1
        elif n == "\n":
            i += 2
            while i < len(s) and s[i] in " \t\n":
                i += 1
        else:
            out += {"n": b"\n", "t": b"\t", "r": b"\r", "0": b"\0", "\\": b"\\", "\"": b"\"",
                    "'": b"'"}.get(n, n.encode())
            i += 2
    return bytes(out)


def from_rust_tests():
    found = set()
    tests = os.path.join(ROOT, "core", "tests")
    for name in sorted(os.listdir(tests)):
        if not name.endswith(".rs") or name == "fuzz_corpus.rs":
            continue
        src = open(os.path.join(tests, name), encoding="utf-8").read()
        for m in re.finditer(r'b?r#"(.*?)"#', src, re.S):
            found.add(m.group(1).encode())
        for m in re.finditer(r'b?"((?:[^"\\]|\\.)*)"', src, re.S):
            try:
                found.add(rust_unescape(m.group(1)))
            except (ValueError, IndexError):
                pass
    return {s for s in found if b"=" in s or s.startswith(b"{") or s.startswith(URI)}


def from_conformance():
    path = os.path.join(ROOT, "core", "tests", "data", "conformance-smoke.txt")
    out = set()
    for line in open(path, encoding="utf-8"):
        if line.startswith("IN:"):
            out.add(line[3:].rstrip("\n").removeprefix(" ").encode())
    return out


def from_c_inputs():
    prog = r'''
#include <stdio.h>
#include "inputs.h"
static void put(const struct proof_input *in, char tag) {
    size_t n = in->len ? in->len : proof_strlen(in->text);
    printf("%c%u ", tag, (unsigned)in->flags);
    for (size_t i = 0; i < n; i++) printf("%02x", (unsigned char)in->text[i]);
    printf("\n");
}
int main(void) {
    for (size_t i = 0; i < PROOF_FIXED_COUNT; i++) put(&proof_fixed[i], 'c');
    for (size_t i = 0; i < PROOF_INCOMING_COUNT; i++) put(&proof_incoming[i], 'i');
    static char buf[300];
    for (size_t i = 0; i < PROOF_SHAPE_COUNT; i++) {
        size_t n = proof_shape_fill(&proof_shapes[i], buf, 200);
        printf("%c0 ", proof_shapes[i].incoming_only ? 'i' : 'c');
        for (size_t k = 0; k < n; k++) printf("%02x", (unsigned char)buf[k]);
        printf("\n");
    }
    return 0;
}
'''
    with tempfile.TemporaryDirectory() as d:
        src, exe = os.path.join(d, "dump.c"), os.path.join(d, "dump")
        open(src, "w").write(prog)
        subprocess.run(["cc", "-I", os.path.join(ROOT, "c-tests", "proof"), src, "-o", exe],
                       check=True)
        lines = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    config, incoming = set(), set()
    for line in lines.splitlines():
        tag, rest = line[0], line[1:]
        flags, _, hexs = rest.partition(" ")
        data = bytes([int(flags) & 3]) + bytes.fromhex(hexs)
        (config if tag == "c" else incoming).add(data)
    return config, incoming


def write(target, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def main():
    texts = from_rust_tests() | from_conformance()
    c_config, c_incoming = from_c_inputs()
    config = {bytes([1 if b"multifd=" in t else 0]) + t for t in texts if not t.startswith(URI)}
    config |= c_config
    incoming = {b"\x00" + t for t in texts if t.startswith(URI)} | c_incoming
    counts = {"keyval": 0, "json": 0, "incoming": 0}
    for data in sorted(config):
        target = "json" if data[1:2] == b"{" else "keyval"
        write(target, data)
        counts[target] += 1
        write("incoming", data[:1] + b"config:" + data[1:])
        counts["incoming"] += 1
    for data in sorted(incoming):
        write("incoming", data)
        counts["incoming"] += 1
    # A few command lines of several arguments.
    args = sorted(t[1:] for t in incoming)[:40]
    for i in range(0, len(args) - 2, 2):
        write("incoming", b"\x00" + b"\n".join(args[i:i + 3]))
        counts["incoming"] += 1
    print("seeded:", ", ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
