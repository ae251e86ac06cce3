#!/usr/bin/env python3
"""Scenario tests: run the real sssim binary on real scenario files and check what a user
cares about (orders, timings, exit codes, messages). Usage: scenario_tests.py SSSIM SRCDIR TEST
"""
import json
import os
import subprocess
import sys
import tempfile

SSSIM, SRC, NAME = sys.argv[1], sys.argv[2], sys.argv[3]
SCN = os.path.join(SRC, "scenarios")
ENV = dict(os.environ, LC_ALL="C")
ENV.pop("SSSIM_TEST_MUTATION", None)
failures = []


def run(*args, env=None):
    return subprocess.run([SSSIM, *args], capture_output=True, text=True, env=env or ENV,
                          timeout=300)


def check(cond, what):
    if not cond:
        failures.append(what)


def summary_of(scenario, *extra, env=None):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "summary.json")
        r = run("run", os.path.join(SCN, scenario), "--quiet", "--summary", path, *extra, env=env)
        data = json.load(open(path)) if os.path.exists(path) else None
        return r, data


def trace_of(scenario, *extra):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "trace.jsonl")
        r = run("run", os.path.join(SCN, scenario), "--quiet", "--trace", path, *extra)
        lines = open(path).read().splitlines() if os.path.exists(path) else []
        return r, [json.loads(l) for l in lines]


def pod(summary, name):
    for p in summary["pods"]:
        if p["name"] == name:
            return p
    raise KeyError(name)


TESTS = {}


def test(fn):
    TESTS[fn.__name__] = fn
    return fn


def approx(a, b, eps=1e-6):
    return a is not None and b is not None and abs(a - b) <= eps
