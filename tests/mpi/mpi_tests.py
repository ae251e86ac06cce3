#!/usr/bin/env python3
"""MPI tests (only in builds configured with -Dmpi=enabled): `sssim run --replications N --mpi`
and `sssim sweep --mpi` under mpirun give byte for byte what one process gives.
Usage: mpi_tests.py SSSIM MPIRUN SRCDIR
"""
import os
import subprocess
import sys
import tempfile

SSSIM, MPIRUN, SRC = sys.argv[1], sys.argv[2], sys.argv[3]
SCN = os.path.join(SRC, "scenarios", "node-loss.json")
ENV = dict(os.environ, LC_ALL="C")
ENV.pop("SSSIM_TEST_MUTATION", None)
MPI = [MPIRUN, "--allow-run-as-root", "--oversubscribe"]
failures = []


def run(argv):
    r = subprocess.run(argv, capture_output=True, text=True, env=ENV, timeout=600)
    if r.returncode != 0:
        failures.append("%s: exit %d: %s" % (" ".join(argv), r.returncode, r.stderr.strip()))
    return r


def read(path):
    with open(path, "rb") as f:
        return f.read()


with tempfile.TemporaryDirectory() as d:
    one = os.path.join(d, "one.json")
    run([SSSIM, "run", SCN, "--replications", "100", "--quiet", "--summary", one])
    for np in ("2", "3"):
        many = os.path.join(d, "mpi-%s.json" % np)
        r = run(MPI + ["-np", np, SSSIM, "run", SCN, "--replications", "100", "--mpi",
                       "--summary", many])
        if os.path.exists(many) and read(many) != read(one):
            failures.append("run --mpi -np %s: the summary differs from one process" % np)
        # Rank 0 alone reports: one report, not one per rank.
        if r.stdout.count("replications (seeds derived from") != 1:
            failures.append("run --mpi -np %s: expected one report, got:\n%s" % (np, r.stdout))

    sweep = ["sweep", SCN, "--set", "kubernetes.nodeMonitorGracePeriod=40s,50s",
             "--replications", "20", "--quiet"]
    run([SSSIM] + sweep + ["--json", os.path.join(d, "sweep-one.json")])
    run(MPI + ["-np", "2", SSSIM] + sweep + ["--mpi", "--json", os.path.join(d, "sweep-mpi.json")])
    if read(os.path.join(d, "sweep-one.json")) != read(os.path.join(d, "sweep-mpi.json")):
        failures.append("sweep --mpi: the table differs from one process")

for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
