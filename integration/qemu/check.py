#!/usr/bin/env python3
"""make qemu-check: QEMU 10.2 with migcfg's change, end to end.

Builds what is missing (build.sh), then starts patched QEMUs and checks, one line per check:
the destination takes `-incoming config:multifd=on,multifd-channels=4,downtime-limit=500`
beside `-incoming unix:<sock>` and shows it over QMP before any migration; a source configured
over QMP with migcfg's formatters migrates to it with multifd; the destination runs; bad
configs, help, a second config, `-global` precedence, the 10.2 target and the re-check over
the migration object's real values. Ends with `N passed, N failed`; exit 0 only if all passed.

    check.py                 # the checks
    check.py --startup 11    # also: exec to QMP greeting, with and without a config (medians)

Environment: QEMU_WORK (default /work/qemu-migcfg), JOBS, MIGCFG_NO_CARGO (see build.sh).
QMP goes over unix sockets in a temporary directory; nothing listens on the network.
"""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.abspath(os.environ.get("QEMU_WORK", "/work/qemu-migcfg"))
CONFIG = "multifd=on,multifd-channels=4,downtime-limit=500"
BIOS_DIR = "/usr/share/seabios"
BASE = ["-M", "q35", "-m", "128", "-nodefaults", "-display", "none", "-L", BIOS_DIR]

results = []


def report(name, ok, detail=""):
    results.append(ok)
    line = f"{'PASS' if ok else 'FAIL'}  {name}"
    if detail:
        line += f"  ({detail})"
    print(line, flush=True)


class Qmp:
    """A QMP client on a unix socket (stdlib only)."""

    def __init__(self, path, proc, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"QEMU exited with status {proc.returncode}")
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        self.sock.settimeout(timeout)
        self.buf = b""
        self.greeting = self._read()
        self.cmd("qmp_capabilities")

    def _read(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise RuntimeError("QMP connection closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            r = self._read()
            if "return" in r:
                return r["return"]
            if "error" in r:
                raise RuntimeError(f"{name}: {r['error'].get('desc')}")
            # an event: skip

    def close(self):
        self.sock.close()


class Qemu:
    def __init__(self, binary, tmp, name, extra):
        self.qmp_path = os.path.join(tmp, f"{name}.qmp")
        self.log = open(os.path.join(tmp, f"{name}.log"), "w+")
        self.proc = subprocess.Popen(
            [binary] + BASE + ["-qmp", f"unix:{self.qmp_path},server=on,wait=off"] + extra,
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        self.qmp = Qmp(self.qmp_path, self.proc)

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read().strip()

    def stop(self):
        try:
            self.qmp.cmd("quit")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.qmp.close()
        self.log.close()


def run_exit(binary, extra, timeout=60):
    """Run QEMU expecting it to exit by itself: (status, stdout, stderr)."""
    try:
        p = subprocess.run([binary] + BASE + extra, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr.strip()
    except subprocess.TimeoutExpired:
        return None, "", "did not exit"


def build():
    p = subprocess.run([os.path.join(HERE, "build.sh")], stdout=subprocess.PIPE, text=True)
    if p.returncode != 0:
        return None, None
    binary = p.stdout.strip().splitlines()[-1]
    fmt = os.path.join(WORK, "migcfg-fmt")
    src = os.path.join(HERE, "migcfg-fmt.c")
    lib = os.path.join(WORK, "migcfg", "lib", "libmigcfg.a")
    if (not os.path.exists(fmt) or os.path.getmtime(fmt) < max(os.path.getmtime(src),
                                                               os.path.getmtime(lib))):
        c = subprocess.run(["cc", "-std=gnu11", "-O1", "-Wall", "-Werror",
                            "-I", os.path.join(WORK, "migcfg", "include"), "-o", fmt, src, lib,
                            "-lpthread", "-ldl", "-lm"])
        if c.returncode != 0:
            return binary, None
    return binary, fmt


def poll(fn, timeout, interval=0.2):
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v is not None or time.monotonic() > deadline:
            return v
        time.sleep(interval)


def check_migration(binary, fmt, tmp):
    sock = os.path.join(tmp, "mig.sock")
    dst = src = None
    try:
        dst = Qemu(binary, tmp, "dst", ["-incoming", f"config:{CONFIG}", "-incoming", f"unix:{sock}"])
        params = dst.qmp.cmd("query-migrate-parameters")
        caps = {c["capability"]: c["state"] for c in dst.qmp.cmd("query-migrate-capabilities")}
        status = dst.qmp.cmd("query-status")["status"]
        report("destination shows the config before any migration",
               params.get("multifd-channels") == 4 and params.get("downtime-limit") == 500
               and caps.get("multifd") is True and status == "inmigrate",
               f"multifd-channels={params.get('multifd-channels')} "
               f"downtime-limit={params.get('downtime-limit')} multifd={caps.get('multifd')} "
               f"status={status}")

        f = subprocess.run([fmt, CONFIG], capture_output=True, text=True)
        lines = f.stdout.splitlines()
        if f.returncode != 0 or len(lines) != 2:
            report("migcfg formats the same config for the source", False, f.stderr.strip())
            return
        set_params, set_caps = json.loads(lines[0]), json.loads(lines[1])
        src = Qemu(binary, tmp, "src", [])
        src.qmp.cmd("migrate-set-parameters", **set_params)
        src.qmp.cmd("migrate-set-capabilities", **set_caps)
        sparams = src.qmp.cmd("query-migrate-parameters")
        scaps = {c["capability"]: c["state"] for c in src.qmp.cmd("query-migrate-capabilities")}
        same = (all(sparams.get(k) == params.get(k) for k in set_params)
                and all(scaps.get(c["capability"]) == caps.get(c["capability"])
                        for c in set_caps["capabilities"]))
        report("source configured over QMP from migcfg's formatters matches the destination",
               same, f"{lines[0]} {lines[1]}")

        t0 = time.monotonic()
        src.qmp.cmd("migrate", uri=f"unix:{sock}")
        info = poll(lambda: (lambda i: i if i.get("status") in ("completed", "failed", "cancelled")
                             else None)(src.qmp.cmd("query-migrate")), 300)
        info = info or src.qmp.cmd("query-migrate")
        ram = info.get("ram", {})
        report("migration completes with multifd",
               info.get("status") == "completed" and ram.get("multifd-bytes", 0) > 0,
               f"status={info.get('status')} multifd-bytes={ram.get('multifd-bytes')} "
               f"transferred={ram.get('transferred')} in {time.monotonic() - t0:.1f}s"
               + (f" error={info.get('error-desc')}" if info.get("error-desc") else ""))
        running = poll(lambda: "running" if dst.qmp.cmd("query-status")["status"] == "running"
                       else None, 30)
        report("destination runs after the migration", running == "running",
               f"status={dst.qmp.cmd('query-status')['status']}")
    except Exception as e:  # a QEMU died or QMP failed: say so, keep going
        report("migration scenario", False, f"{type(e).__name__}: {e}; "
               f"dst: {dst.output() if dst else ''} src: {src.output() if src else ''}")
    finally:
        for q in (src, dst):
            if q:
                q.stop()


def check_params(binary, tmp, name, extra, expect):
    check_status(binary, tmp, name, extra, None, expect)


def check_exit(binary, name, extra, status, needles):
    rc, out, err = run_exit(binary, extra)
    text = out + err
    ok = rc == status and all(n in text for n in needles)
    shown = err if err else (out.splitlines()[0] + " ..." if out else "")
    report(name, ok, f"exit {rc}: {shown}")
    return out


def check_status(binary, tmp, name, extra, status, expect):
    try:
        q = Qemu(binary, tmp, f"p{len(results)}", extra)
    except Exception as e:
        report(name, False, f"{e}")
        return
    try:
        params = q.qmp.cmd("query-migrate-parameters")
        got = {k: params.get(k) for k in expect}
        shown = " ".join(f"{k}={v}" for k, v in got.items())
        if status is None:  # the parameters only
            report(name, got == expect, shown)
            return
        st = poll(lambda: status if q.qmp.cmd("query-status")["status"] == status else None, 10)
        report(name, got == expect and st == status,
               f"status={q.qmp.cmd('query-status')['status']} {shown}")
    finally:
        q.stop()


def startup(binary, runs, tmp):
    """Start-up time, with and without a config, runs interleaved, median of `runs`:
    exec to the QMP greeting (QMP's own I/O thread sends it as soon as the monitor exists,
    after the command line was walked: it includes migcfg's parse), and exec to the answer
    to the first command (dispatched by the main loop, so after all of qemu_init(),
    migcfg's re-check and apply at migration-object creation included)."""
    variants = {
        "without config": ["-incoming", "defer"],
        "with config": ["-incoming", f"config:{CONFIG}", "-incoming", "defer"],
    }
    greet = {k: [] for k in variants}
    ready = {k: [] for k in variants}
    path = os.path.join(tmp, "t.qmp")
    for _ in range(runs):
        for k, extra in variants.items():
            if os.path.exists(path):
                os.unlink(path)
            t0 = time.perf_counter()
            p = subprocess.Popen([binary] + BASE + ["-qmp", f"unix:{path},server=on,wait=off"] + extra,
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            while True:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    s.connect(path)
                    break
                except OSError:
                    s.close()
                    time.sleep(0.0002)
            f = s.makefile("rb")
            f.readline()
            greet[k].append((time.perf_counter() - t0) * 1000)
            s.sendall(b'{"execute": "qmp_capabilities"}\n')
            f.readline()
            ready[k].append((time.perf_counter() - t0) * 1000)
            s.sendall(b'{"execute": "quit"}\n')
            p.wait()
            f.close()
            s.close()
    for what, times in (("QMP greeting", greet), ("first QMP answer", ready)):
        for k, v in times.items():
            print(f"startup, exec to {what}, {k}: median {statistics.median(v):.2f} ms "
                  f"over {runs} runs (min {min(v):.2f}, max {max(v):.2f})")
        d = statistics.median(times["with config"]) - statistics.median(times["without config"])
        print(f"startup, exec to {what}: a config adds {d:+.2f} ms (difference of the medians)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--startup", type=int, metavar="RUNS", help="also time start-up")
    args = ap.parse_args()
    t_start = time.monotonic()

    binary, fmt = build()
    report("build: QEMU 10.2 with migcfg, and migcfg-fmt", bool(binary and fmt),
           binary or "see build.sh output")
    if not (binary and fmt):
        print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
        return 1
    if not os.path.exists(os.path.join(BIOS_DIR, "bios-256k.bin")):
        report("seabios installed", False, BIOS_DIR)

    tmp = tempfile.mkdtemp(prefix="migcfg-qemu-check.")
    try:
        check_migration(binary, fmt, tmp)
        check_exit(binary, "config:multifd-channels=0 exits 1 with the message",
                   ["-incoming", "config:multifd-channels=0"], 1,
                   ["-incoming config:multifd-channels=0: ",
                    "multifd-channels expects a value between 1 and 255"])
        check_exit(binary, "config:help lists the parameters and exits 0",
                         ["-incoming", "config:help"], 0,
                         ["multifd-channels", "downtime-limit", "cpr-exec-command", "multifd"])
        check_exit(binary, "a second config: is refused",
                   ["-incoming", "config:multifd-channels=4", "-incoming", "config:downtime-limit=500"],
                   1, ["-incoming config:downtime-limit=500: ",
                       "Only one '-incoming config:' is allowed"])
        check_exit(binary, "config:local=on is refused as unexpected (10.2 target)",
                   ["-incoming", "config:local=on"], 1,
                   ["-incoming config:local=on: ", "Parameter 'local' is unexpected"])
        check_exit(binary, "a bad channel is refused with QEMU's message",
                   ["-incoming", "foo:bar"], 1,
                   ["-incoming foo:bar: unknown migration protocol: foo:bar"])
        check_status(binary, tmp, "config: alone is no incoming migration: the guest runs with it",
                     ["-incoming", "config:multifd-channels=4"], "running",
                     {"multifd-channels": 4})
        check_params(binary, tmp, "-global migration.multifd-channels=8 alone yields 8 (control)",
                     ["-global", "migration.multifd-channels=8", "-incoming", "defer"],
                     {"multifd-channels": 8})
        check_params(binary, tmp, "-global ...multifd-channels=2 with config:multifd-channels=4 "
                     "yields 4 (other -global values stay)",
                     ["-global", "migration.multifd-channels=2",
                      "-global", "migration.x-downtime-limit=700",
                      "-incoming", "config:multifd-channels=4", "-incoming", "defer"],
                     {"multifd-channels": 4, "downtime-limit": 700})
        check_params(binary, tmp, "config with mode and sizes, beside -incoming defer",
                     ["-incoming", "config:mode=cpr-transfer,max-bandwidth=1G,xbzrle-cache-size=32M",
                      "-incoming", "defer"],
                     {"mode": "cpr-transfer", "max-bandwidth": 1 << 30,
                      "xbzrle-cache-size": 32 << 20})
        check_params(binary, tmp, "JSON config, beside -incoming defer",
                     ["-incoming", 'config:{"multifd-channels": 3, "zero-page-detection": "legacy"}',
                      "-incoming", "defer"],
                     {"multifd-channels": 3, "zero-page-detection": "legacy"})
        check_exit(binary, "re-checked over the object's -global values at creation",
                   ["-global", "migration.x-cpu-throttle-initial=50",
                    "-incoming", "config:max-cpu-throttle=40", "-incoming", "defer"], 1,
                   ["-incoming config:max-cpu-throttle=40: ",
                    "Option max-cpu-throttle expects an integer in the range of cpu-throttle-initial to 99"])
        if args.startup:
            startup(binary, args.startup, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed "
          f"({time.monotonic() - t_start:.0f}s)")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
