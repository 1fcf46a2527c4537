#!/usr/bin/env python3
"""Static stack frames of a linked x86-64 program (objdump of the final ELF, so Rust code
that is only LLVM bitcode in the archive shows as machine code): per function, the bytes
its prologue takes (pushes + `sub $N,%rsp` + the return address), and for each root the
deepest chain of direct calls (tail jumps included; indirect calls and recursion ignored).

  frames.py ELF [ROOT...]          chains from the roots (default: every migcfg_* symbol)
  frames.py ELF --top N            the N biggest frames
  frames.py ELF --reaches SYMBOL [ROOT...]
                                   the chains from the roots to SYMBOL (panic-never report)

Used by run.sh to say which frames make a stack figure big, and which functions pull a
panic into the panic-never link."""
import re
import struct
import subprocess
import sys

HEAD = re.compile(r"^([0-9a-f]+) <(.+)>:$")
INSN = re.compile(r"^\s*([0-9a-f]+):\s+(.*)$")
TARGET = re.compile(r"\b(call|jmp|j[a-z]+)\s+([0-9a-f]+) <")
GOTCALL = re.compile(r"\b(call|jmp)\s+\*0x[0-9a-f]+\(%rip\)\s+# ([0-9a-f]+)")


def words(elf):
    """Address -> 8-byte word of every allocated section with contents (the GOT of a
    static link holds the final addresses: Rust calls other functions through it)."""
    data = open(elf, "rb").read()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    out = {}
    for i in range(shnum):
        _, typ, flags, addr, off, size = struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
        if typ == 1 and flags & 2 and not flags & 4 and size % 8 == 0:  # PROGBITS, ALLOC, !EXEC
            for k in range(0, size, 8):
                out[addr + k], = struct.unpack_from("<Q", data, off + k)
    return out
SUB = re.compile(r"\bsub\s+\$0x([0-9a-f]+),%rsp")
PUSH = re.compile(r"\bpush\s+%")


def load(elf):
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", "-C", "-w", elf],
                         check=True, capture_output=True, text=True).stdout
    got = words(elf)
    names = {}
    for line in out.splitlines():
        m = HEAD.match(line)
        if m:
            names[int(m.group(1), 16)] = m.group(2)
    frames, calls, cur, prologue = {}, {}, None, True
    for line in out.splitlines():
        m = HEAD.match(line)
        if m:
            cur = m.group(2)
            frames[cur] = 8
            calls[cur] = set()
            prologue = True
            continue
        m = INSN.match(line)
        if not m or cur is None:
            continue
        ins = m.group(2)
        if prologue:
            s = SUB.search(ins)
            if PUSH.search(ins):
                frames[cur] += 8
            elif s:
                frames[cur] += int(s.group(1), 16)
            elif re.search(r"\bsub\s+\$0x([0-9a-f]+),%r11", ins):
                frames[cur] += int(re.search(r"\$0x([0-9a-f]+)", ins).group(1), 16)
            elif not re.match(r"(movq\s+\$0x0,\(%rsp\)|mov\s+%rsp,%r11|mov|lea|endbr|xor|test|cmp|j)", ins):
                prologue = False
        tgt = None
        t = TARGET.search(ins)
        if t:
            tgt = names.get(int(t.group(2), 16))
        g = GOTCALL.search(ins)
        if g:
            tgt = names.get(got.get(int(g.group(2), 16), -1))
        if tgt and tgt != cur:
            calls[cur].add(tgt)
    return frames, calls


def deepest(frames, calls, root):
    memo, active = {}, set()

    def go(f):
        if f in memo:
            return memo[f]
        if f in active or f not in frames:
            return (0, [])
        active.add(f)
        best = (0, [])
        for c in calls.get(f, ()):
            d = go(c)
            if d[0] > best[0]:
                best = d
        active.discard(f)
        memo[f] = (frames[f] + best[0], [f] + best[1])
        return memo[f]

    return go(root)


def short(name, width=110):
    return name if len(name) <= width else name[: width - 3] + "..."


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    elf = args.pop(0)
    frames, calls = load(elf)
    if args[:1] == ["--top"]:
        for f, n in sorted(frames.items(), key=lambda x: -x[1])[: int(args[1])]:
            print(f"{n:7d}  {short(f)}")
        return
    if args[:1] == ["--reaches"]:
        goal, roots = args[1], args[2:] or sorted(f for f in frames if f.startswith("migcfg_"))
        for root in roots:
            # breadth-first: the shortest chain of direct calls from root to goal
            prev, todo, seen = {}, [root], {root}
            while todo and goal not in seen:
                nxt = []
                for f in todo:
                    for c in calls.get(f, ()):
                        if c not in seen:
                            seen.add(c)
                            prev[c] = f
                            nxt.append(c)
                todo = nxt
            if goal in seen:
                chain, f = [goal], goal
                while f != root:
                    f = prev[f]
                    chain.append(f)
                print(f"{root} reaches {goal}:")
                for f in reversed(chain):
                    print(f"    {short(f)}")
        return
    roots = args or sorted(f for f in frames if f.startswith("migcfg_"))
    for root in roots:
        total, chain = deepest(frames, calls, root)
        print(f"{root}: static deepest chain {total} bytes")
        for f in chain:
            if frames[f] >= 256 or f == root:
                print(f"    {frames[f]:6d}  {short(f)}")


if __name__ == "__main__":
    main()
