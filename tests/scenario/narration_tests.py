#!/usr/bin/env python3
"""Narration tests: run the real sssim binary with --explain (and --lang ja) on
scenarios/node-loss.json and check the key lines of the story a reader should see.
Usage: narration_tests.py SSSIM SRCDIR. Exit status 0 when every check passes, else 1."""
import os
import re
import subprocess
import sys

SSSIM, SRC = sys.argv[1], sys.argv[2]
SCN = os.path.join(SRC, "scenarios")
ENV = dict(os.environ, LC_ALL="C")
ENV.pop("SSSIM_TEST_MUTATION", None)
failures = []


def run(*args):
    return subprocess.run([SSSIM, *args], capture_output=True, env=ENV, timeout=300)


def check(cond, what):
    if not cond:
        failures.append(what)


def story(scenario, *extra):
    r = run("run", os.path.join(SCN, scenario), "--explain", "--quiet", *extra)
    check(r.returncode == 0, f"{scenario} {extra}: exit {r.returncode}: {r.stderr!r}")
    return r.stdout.decode("utf-8")


def line_with(text, *needles):
    """The first line holding every needle, or None."""
    for line in text.splitlines():
        if all(n in line for n in needles):
            return line
    return None


def told(text, *needles):
    check(line_with(text, *needles) is not None, f"no line with {needles}")


# English: the headline story, each step with its setting.
en = story("node-loss.json")
lines = en.splitlines()
check(all(re.match(r"^\d\d:\d\d:\d\d \S", l) for l in lines), "every line starts HH:MM:SS")
check(lines == sorted(lines, key=lambda l: l[:8]), "lines in time order")
check(20 <= len(lines) <= 40, f"{len(lines)} lines: a story, not a trace")
told(en, "web-0 created", "stable name web-0", "DNS web-0.nginx.default.svc.cluster.local",
     "its own claim www-web-0")
told(en, "web-1 created only now: OrderedReady waits until web-0 is Running and Ready")
told(en, "00:02:50 node-a Unknown: no Lease renewal for nodeMonitorGracePeriod (50s)")
told(en, "00:07:55 web-1 Terminating: evicted after tolerationSeconds 300",
     "at most one pod per identity")
told(en, "00:07:55 web waits for web-1 to be gone",
     "kubectl taint nodes node-a node.kubernetes.io/out-of-service=nodeshutdown:NoExecute",
     "kubectl delete pod web-1 --grace-period=0 --force", "only partitioned")
told(en, "00:40:00 web-1 is still Terminating on node-a, since 00:07:55")
told(en, "00:40:00 every invariant held")

# Japanese: the same story in the words of the concept documents.
ja = story("node-loss.json", "--lang", "ja")
check(len(ja.splitlines()) == len(lines), "the Japanese story has as many lines")
for term in ("安定したネットワーク識別子", "永続ストレージ", "順序付きのデプロイ", "障害復旧",
             "データの整合性"):
    check(term in ja, f"Japanese story lacks {term}")
told(ja, "00:02:50 node-a が Unknown", "nodeMonitorGracePeriod（50s）")
told(ja, "00:07:55 web-1 が Terminating", "tolerationSeconds 300", "1つの識別子につきPodは最大1つ")
told(ja, "out-of-service", "kubectl taint nodes node-a")

# The story goes to standard error when the trace takes standard output, and the
# options are checked.
r = run("run", os.path.join(SCN, "node-loss.json"), "--explain", "--quiet", "--trace", "-")
check(r.returncode == 0, f"--explain --trace -: exit {r.returncode}")
check(r.stdout.decode().startswith('{"t":'), "the trace owns standard output")
check("nodeMonitorGracePeriod (50s)" in r.stderr.decode(), "the story went to standard error")
r = run("run", os.path.join(SCN, "node-loss.json"), "--explain", "--lang", "fr")
check(r.returncode == 2, f"--lang fr: exit {r.returncode}, expected 2")
check(b"--lang" in r.stderr, "--lang fr: the error names the option")

# The broken invariant of the split-brain scenario is explained (exit 0: it is expected).
pf = story("partition-force-delete.json")
told(pf, "INVARIANT BROKEN (atMostOnePerIdentity)", "at most one Pod per identity")
told(pf, "web-1's old container still runs on node-a")

for f in failures:
    print("FAIL:", f)
print(f"narration: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
