#!/usr/bin/env python3
"""Benchmark: instructions and cache misses per event as the cluster grows.

Runs `bench-scale --events 1000000` (in one process, each size repeated until it has
handled a million events, so that starting the process weighs nothing) under valgrind's
cachegrind at each size and prints, per event,
the instructions executed and the data reads and writes that miss the first-level cache
and the last-level cache. Unlike bench-scale's times, these counts do not depend on the
neighbours of a shared machine, nor on the machine: the caches simulated are the reference
machine's (48 KiB 12-way L1 data, 32 KiB 8-way L1 instructions, 32 MiB 16-way last level).
They change only with the code, so they compare two versions exactly (docs/performance.md).

usage: cachegrind-scale.py BENCH_SCALE SCENARIO [SIZE...]   (sizes default to 1 10 100 1000)
Exit status 0, or 2 when valgrind is missing or a run fails. It takes a few minutes:
cachegrind runs about fifty times slower than the program.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

CACHES = ["--I1=32768,8,64", "--D1=49152,12,64", "--LL=33554432,16,64"]


def measure(bench, scenario, size, tmp):
    out = os.path.join(tmp, "cachegrind.%d.out" % size)
    cmd = ["valgrind", "--tool=cachegrind", "--cache-sim=yes", *CACHES,
           "--cachegrind-out-file=" + out, bench, "--events", "1000000", scenario, str(size)]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError("%s: exit %d\n%s" % (" ".join(cmd), run.returncode, run.stderr[-2000:]))
    events = None
    for line in run.stdout.splitlines():
        f = line.split()
        if len(f) > 5 and f[0] == str(size) and f[1] == "x":
            events = int(f[5]) * int(f[6])  # events of one run, runs
    if not events:
        raise RuntimeError("no event count in the output of " + " ".join(cmd))
    names = totals = None
    with open(out) as fh:
        for line in fh:
            if line.startswith("events:"):
                names = line.split()[1:]
            elif line.startswith("summary:"):
                totals = [int(x) for x in line.split()[1:]]
    c = dict(zip(names, totals))
    return {
        "events": events,
        "ir": c["Ir"] / events,
        "l1": (c["D1mr"] + c["D1mw"]) / events,
        "ll": (c["DLmr"] + c["DLmw"]) / events,
    }


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[-3], file=sys.stderr)
        return 2
    if shutil.which("valgrind") is None:
        print("cachegrind-scale: valgrind is not installed (Debian package valgrind)",
              file=sys.stderr)
        return 2
    bench, scenario = argv[1], argv[2]
    sizes = [int(s) for s in argv[3:]] or [1, 10, 100, 1000]
    print("%-6s %10s %13s %13s %13s" % ("size", "events", "instr/event", "L1 miss/ev",
                                          "LL miss/ev"))
    rows = {}
    with tempfile.TemporaryDirectory(prefix="sssim-cg-") as tmp:
        for size in sizes:
            try:
                r = measure(bench, scenario, size, tmp)
            except RuntimeError as e:
                print("cachegrind-scale: %s" % e, file=sys.stderr)
                return 2
            rows[size] = r
            print("%-5dx %10d %13.0f %13.2f %13.2f" % (size, r["events"], r["ir"], r["l1"],
                                                          r["ll"]), flush=True)
    irs = [r["ir"] for r in rows.values()]
    print("most / fewest instructions per event: %.2f" % (max(irs) / min(irs)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
