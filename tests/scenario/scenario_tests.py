#!/usr/bin/env python3
"""Scenario tests: run the real sssim binary on real scenario files and check what a user
cares about (orders, timings, exit codes, messages). Usage: scenario_tests.py SSSIM SRCDIR TEST
"""
import json
import os
import shutil
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


def incs(summary, name):
    return pod(summary, name)["incarnations"]


@test
def ordered_scale_up():
    """web-0, then web-1, then web-2, each created one informer delay (10ms) after its
    predecessor became Ready, each bound to its own claim www-web-N."""
    r, s = summary_of("ordered-scale-up.json")
    check(r.returncode == 0, f"exit {r.returncode}: {r.stderr}")
    names = [p["name"] for p in s["pods"]]
    check(names == ["web-0", "web-1", "web-2"], f"pods {names}")
    check(approx(incs(s, "web-0")[0]["created"], 0.01), "web-0 created at 0.01s")
    for k in (1, 2):
        prev, cur = incs(s, f"web-{k-1}")[0], incs(s, f"web-{k}")[0]
        check(approx(cur["created"], prev["ready"] + 0.01),
              f"web-{k} created {cur['created']} != web-{k-1} ready {prev['ready']} + 0.01")
        check(len(incs(s, f"web-{k}")) == 1, f"web-{k} has one incarnation")
    claims = {c["name"]: c for c in s["claims"]}
    for k in range(3):
        c = claims.get(f"www-web-{k}")
        check(c is not None and c["volume"], f"www-web-{k} bound")
        node = incs(s, f"web-{k}")[0]["node"]
        check(c and c["attachments"] and c["attachments"][0]["node"] == node,
              f"www-web-{k} attached to web-{k}'s node {node}")
        check(incs(s, f"web-{k}")[0]["attached"] <= incs(s, f"web-{k}")[0]["running"],
              f"web-{k} runs only after its volume is attached")
    st = s["statefulSets"]["web"]
    check(st["readyReplicas"] == 3 and st["currentReplicas"] == 3, f"status {st}")


@test
def node_loss_story():
    """The acceptance story of a crash at 120s with defaults."""
    r, tr = trace_of("node-loss.json")
    check(r.returncode == 0, f"exit {r.returncode}: {r.stderr}")
    crash = [e for e in tr if e["reason"] == "NodeCrashed"]
    check(len(crash) == 1 and crash[0]["t"] == 120.0, "crash at 120s")
    node = crash[0]["object"] if crash else ""
    unknown = [e["t"] for e in tr if e["reason"] == "NodeStatusUnknown" and e["object"] == node]
    check(unknown and 160 <= unknown[0] <= 180, f"node Unknown at {unknown} (expected 160-180)")
    noexec = [e["t"] for e in tr if e["reason"] == "Tainted" and e["object"] == node
              and "unreachable:NoExecute" in e["message"]]
    check(noexec and unknown and 5 <= noexec[0] - unknown[0] <= 15,
          f"NoExecute {noexec} vs Unknown {unknown}")
    deleted = [e["t"] for e in tr if e["reason"] == "Terminating" and e["object"] == "web-1"]
    check(deleted and noexec and abs(deleted[0] - noexec[0] - 300) < 0.1,
          f"web-1 deletion requested {deleted} = taint {noexec} + 300s")
    check(not [e for e in tr if e["reason"] == "SuccessfulCreate" and e["object"] == "web-1"
               and e["t"] > 120], "web-1 never replaced")
    check(not [e for e in tr if e["reason"] in ("SuccessfulDetachVolume", "DetachVolume")
               and e["object"] == "www-web-1"], "www-web-1 never detached")
    r2 = run("run", os.path.join(SCN, "node-loss.json"))
    check("Terminating" in r2.stdout and "blocked: waiting for web-1 to terminate" in r2.stdout,
          "report tells web-1 is Terminating and why the set is blocked:\n" + r2.stdout)
    check("NOT recovered" in r2.stdout, "report says the fault did not recover")


@test
def node_loss_grace_before_1_32():
    """kubernetes.version 1.31 selects the 40s grace period: the same run goes Unknown 10s
    earlier."""
    base = json.load(open(os.path.join(SCN, "node-loss.json")))
    base["kubernetes"] = {"version": "1.31"}
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "old.json")
        json.dump(base, open(path, "w"))
        t_old = os.path.join(d, "old.jsonl")
        t_new = os.path.join(d, "new.jsonl")
        run("run", path, "--quiet", "--trace", t_old)
        run("run", os.path.join(SCN, "node-loss.json"), "--quiet", "--trace", t_new)
        first = lambda f: [json.loads(l)["t"] for l in open(f)
                           if '"NodeStatusUnknown"' in l][0]
        check(abs(first(t_new) - first(t_old) - 10) < 1e-6,
              f"Unknown at {first(t_old)} (1.31) vs {first(t_new)} (1.34)")


@test
def out_of_service_taint():
    """With the out-of-service taint at T, web-1 is Ready again within T + 25..75s."""
    r, s = summary_of("node-loss-out-of-service.json")
    check(r.returncode == 0, f"exit {r.returncode}")
    T = s["faults"][1]["at"]
    new = incs(s, "web-1")[-1]
    check(len(incs(s, "web-1")) == 2, "web-1 replaced once")
    check(new["ready"] is not None and T + 5 <= new["ready"] <= T + 90,
          f"web-1 Ready at {new['ready']} (T={T})")
    check(new["node"] != incs(s, "web-1")[0]["node"], "replacement on another node")


@test
def force_delete_waits_six_minutes():
    """After a force delete at T the new web-1 waits for the 6-minute force detach."""
    r, s = summary_of("node-loss-force-delete.json")
    check(r.returncode == 0, f"exit {r.returncode}")
    T = s["faults"][1]["at"]
    new = incs(s, "web-1")[-1]
    check(new["created"] - T < 1, "replacement created at once")
    check(new["attached"] is not None and new["attached"] >= T + 360,
          f"replacement attached {new['attached']} only after T + 6m ({T + 360})")
    old_att = [a for c in s["claims"] if c["name"] == "www-web-1" for a in c["attachments"]]
    check(len(old_att) == 2 and old_att[0]["detached"] is not None
          and old_att[0]["detached"] >= T + 360, f"old attachment force-detached: {old_att}")


@test
def split_brain_breaks_at_most_one():
    """Force-deleting a pod on a partitioned node gives two live web-1 containers."""
    r, s = summary_of("partition-force-delete.json")
    check(r.returncode == 0, f"exit {r.returncode} (the violation is expected by the scenario)")
    v = [x for x in s["violations"] if x["invariant"] == "atMostOnePerIdentity"]
    check(len(v) == 1 and "web-1" in v[0]["message"], f"violations {s['violations']}")


@test
def scheduler_samples_nodes_round_robin():
    """schedule_one.go numFeasibleNodesToFind: with 300 nodes a cycle stops after 144
    feasible nodes (50 - 300/125 = 48 percent), and the next cycle starts where it stopped
    (nextStartNodeIndex). On an empty cluster every node ties, so web-0 lands in nodes
    0-143, web-1 in 144-287, web-2 in 288-299 or 0-131; where in its window is random."""
    scn = {
        "name": "sampling", "seed": 1, "until": "1m",
        "cluster": {"nodePools": [{"prefix": "n", "count": 300, "zones": ["zone-a"]}]},
        "objects": [{
            "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"},
            "spec": {"serviceName": "web", "replicas": 3, "podManagementPolicy": "Parallel",
                     "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "web", "image": "nginx",
                                           "resources": {"requests": {"cpu": "100m"}}}]}}}}],
    }
    windows = [range(0, 144), range(144, 288), list(range(288, 300)) + list(range(0, 132))]
    first = set()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "sampling.json")
        json.dump(scn, open(path, "w"))
        for seed in range(1, 9):
            tr_path = os.path.join(d, "trace.jsonl")
            r = run("run", path, "--quiet", "--seed", str(seed), "--trace", tr_path)
            check(r.returncode == 0, f"seed {seed}: exit {r.returncode}: {r.stderr}")
            tr = [json.loads(l) for l in open(tr_path)]
            bound = [int(e["node"].split("-")[1]) for e in tr if e["reason"] == "Scheduled"]
            check(len(bound) == 3, f"seed {seed}: {len(bound)} pods scheduled")
            for k, node in enumerate(bound[:3]):
                check(node in windows[k], f"seed {seed}: pod {k} on n-{node}, outside its window")
            first.update(bound[:1])
    check(len(first) >= 4, f"web-0 went to {sorted(first)} over 8 seeds: the pick is not random")


@test
def node_selector_and_taints_at_scale():
    """nodeaffinity and tainttoleration on a 280-node cluster: Pods of db (nodeSelector
    disk=ssd, tolerating dedicated=db:NoSchedule) land only on the ssd nodes, tainted or
    not; Pods of web (no selector, no toleration) never on the tainted ones."""
    def template(app, extra):
        spec = {"containers": [{"name": app, "image": "nginx",
                                "resources": {"requests": {"cpu": "100m"}}}]}
        spec.update(extra)
        return {"metadata": {"labels": {"app": app}}, "spec": spec}

    def sset(name, replicas, extra):
        return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": name},
                "spec": {"serviceName": name, "replicas": replicas,
                         "podManagementPolicy": "Parallel",
                         "selector": {"matchLabels": {"app": name}},
                         "template": template(name, extra)}}
    scn = {
        "name": "selectors", "seed": 1, "until": "2m",
        "cluster": {"nodePools": [
            {"prefix": "plain", "count": 200, "zones": ["zone-a", "zone-b"]},
            {"prefix": "ssd", "count": 40, "zones": ["zone-a", "zone-b"],
             "labels": {"disk": "ssd"}},
            {"prefix": "db", "count": 40, "zones": ["zone-a", "zone-b"],
             "labels": {"disk": "ssd"},
             "taints": [{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]}]},
        "objects": [
            sset("db", 30, {"nodeSelector": {"disk": "ssd"},
                            "tolerations": [{"key": "dedicated", "operator": "Equal",
                                             "value": "db", "effect": "NoSchedule"}]}),
            sset("web", 60, {})],
    }
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "selectors.json")
        json.dump(scn, open(path, "w"))
        for seed in (1, 2, 3):
            tr_path = os.path.join(d, "trace.jsonl")
            r = run("run", path, "--quiet", "--seed", str(seed), "--trace", tr_path)
            check(r.returncode == 0, f"seed {seed}: exit {r.returncode}: {r.stderr}")
            tr = [json.loads(l) for l in open(tr_path)]
            bound = {e["object"]: e["node"] for e in tr if e["reason"] == "Scheduled"}
            db = [n for p, n in bound.items() if p.startswith("db-")]
            web = [n for p, n in bound.items() if p.startswith("web-")]
            check(len(db) == 30 and len(web) == 60, f"seed {seed}: {len(db)} db, {len(web)} web")
            check(all(n.startswith(("ssd-", "db-")) for n in db), f"seed {seed}: db on {db}")
            check(any(n.startswith("db-") for n in db) and any(n.startswith("ssd-") for n in db),
                  f"seed {seed}: db used only one kind of ssd node: {db}")
            check(not any(n.startswith("db-") for n in web), f"seed {seed}: web on {web}")


@test
def determinism():
    """Same scenario and seed: the same trace, byte for byte; another seed: other latencies."""
    for scn in ("node-loss.json", "ordered-scale-up.json", "node-loss-force-delete.json"):
        with tempfile.TemporaryDirectory() as d:
            a, b, c = (os.path.join(d, x) for x in ("a", "b", "c"))
            run("run", os.path.join(SCN, scn), "--quiet", "--trace", a)
            run("run", os.path.join(SCN, scn), "--quiet", "--trace", b)
            run("run", os.path.join(SCN, scn), "--quiet", "--trace", c, "--seed", "2")
            ta, tb, tc = (open(x, "rb").read() for x in (a, b, c))
            check(len(ta) > 1000 and ta == tb, f"{scn}: same seed, same trace")
            check(ta != tc, f"{scn}: another seed changes the trace")


@test
def replications_do_not_depend_on_jobs():
    """--replications N gives the same summary on 1 and 2 threads, and replication 0 is
    the single run with the scenario seed."""
    scn = os.path.join(SCN, "node-loss-out-of-service.json")
    with tempfile.TemporaryDirectory() as d:
        a, b, one = (os.path.join(d, x) for x in ("a.json", "b.json", "one.json"))
        r1 = run("run", scn, "--quiet", "--replications", "40", "--jobs", "1", "--summary", a)
        r2 = run("run", scn, "--quiet", "--replications", "40", "--jobs", "2", "--summary", b)
        check(r1.returncode == 0 and r2.returncode == 0, "exit 0")
        check(open(a).read() == open(b).read(), "identical summaries for --jobs 1 and 2")
        sa = json.load(open(a))
        rec = sa["faults"][0]["recoverySeconds"]
        check(rec["n"] + rec["never"] == 40, f"40 samples: {rec}")
        check(rec["min"] <= rec["p50"] <= rec["p99"] <= rec["max"], f"quantiles ordered {rec}")
        check(rec["ci95"][0] <= rec["mean"] <= rec["ci95"][1], f"CI holds the mean {rec}")
        run("run", scn, "--quiet", "--replications", "1", "--summary", one)
        _, single = summary_of("node-loss-out-of-service.json")
        m = json.load(open(one))["faults"][0]["recoverySeconds"]["mean"]
        check(abs(m - single["faults"][0]["recoverySeconds"]) < 1e-3,
              f"replication 0 = single run ({m} vs {single['faults'][0]['recoverySeconds']})")


@test
def sweep_grid_with_common_random_numbers():
    """sweep runs every combination; with common random numbers a setting that cannot
    matter (the grace period, once the operator acts at 10m) gives identical figures, and
    a slower attach shifts recovery later."""
    r = run("sweep", os.path.join(SCN, "node-loss-out-of-service.json"),
            "--set", "kubernetes.nodeMonitorGracePeriod=40s,50s",
            "--set", "timings.attach=5s,20s", "--replications", "30", "--csv", "-", "--quiet")
    check(r.returncode == 0, f"exit {r.returncode}: {r.stderr}")
    rows = [l.split(",") for l in r.stdout.strip().splitlines()]
    check(rows[0][:3] == ["kubernetes.nodeMonitorGracePeriod", "timings.attach", "fault"],
          f"header {rows[0]}")
    crash = {(x[0], x[1]): float(x[6]) for x in rows[1:] if x[2] == "0"}
    check(len(crash) == 4, f"4 grid points: {crash}")
    check(crash[("40s", "5s")] == crash[("50s", "5s")], "grace period does not matter here")
    check(crash[("50s", "20s")] > crash[("50s", "5s")] + 5, "a slower attach recovers later")


@test
def check_all_scenarios():
    """Every shipped scenario is a regression test."""
    r = run("check", SCN)
    check(r.returncode == 0, f"sssim check scenarios/ failed:\n{r.stdout}{r.stderr}")
    check(" 0 failed" in r.stdout, r.stdout)


MUTATIONS = [
    ("sts-ignore-order", "ordered-scale-up.json", "orderedCreation"),
    ("sts-scale-down-low", "scale-down.json", "orderedTermination"),
    ("sts-wrong-claim", "parallel-scale-up.json", "stableStorage"),
    ("adc-multi-attach", "node-loss-force-delete.json", "singleAttachRWO"),
    ("sts-update-low-first", "rolling-update.json", "updateOrder"),
    ("sts-no-at-most-one", "network-partition-long.json", "atMostOnePerIdentity"),
    ("sts-update-no-wait", "../tests/scenario/cases/rolling-update-parallel.json", "updateOrder"),
]


@test
def mutations_are_caught():
    """Each invariant: the shipped scenario keeps it, and a controller rule broken on
    purpose (test-only switch) is caught by sssim check with the invariant's name."""
    for mutation, scn, invariant in MUTATIONS:
        ok = run("check", os.path.join(SCN, scn))
        check(ok.returncode == 0, f"{scn} passes unmutated: {ok.stdout}")
        env = dict(ENV, SSSIM_TEST_MUTATION=mutation)
        bad = run("check", os.path.join(SCN, scn), env=env)
        check(bad.returncode == 1 and invariant in bad.stdout,
              f"{mutation} on {scn}: expected {invariant} to fail, got {bad.returncode}: "
              f"{bad.stdout}{bad.stderr}")
    # With replications, the first failing seed is printed and replays the failure alone.
    env = dict(ENV, SSSIM_TEST_MUTATION="sts-ignore-order")
    bad = run("check", "--replications", "5", os.path.join(SCN, "ordered-scale-up.json"), env=env)
    seed = bad.stdout.split("--seed ")[-1].split(")")[0] if "--seed " in bad.stdout else ""
    check(bad.returncode == 1 and seed.isdigit(), f"failing seed reported: {bad.stdout}")
    replay = run("run", os.path.join(SCN, "ordered-scale-up.json"), "--seed", seed or "0",
                 "--quiet", env=env)
    check(replay.returncode == 1, "the reported seed replays the failure with sssim run")


@test
def cli_contract():
    r = run("--help")
    check(r.returncode == 0 and "run" in r.stdout and "check" in r.stdout, "--help")
    r = run("--version")
    check(r.returncode == 0 and r.stdout.startswith("sssim "), "--version")
    for args in (["frobnicate"], ["run"], ["run", "a.json", "b.json"],
                 ["run", os.path.join(SCN, "node-loss.json"), "--seed", "-1"],
                 ["run", os.path.join(SCN, "node-loss.json"), "--until", "soon"],
                 ["run", os.path.join(SCN, "node-loss.json"), "--trace-format", "xml"],
                 ["run", os.path.join(SCN, "node-loss.json"), "--bogus"],
                 ["check", "--replications", "0", SCN], []):
        r = run(*args)
        check(r.returncode == 2, f"{args}: exit {r.returncode}, expected 2")
    # Option values: named when missing; numbers are decimal digits only.
    nl = os.path.join(SCN, "node-loss.json")
    for opt in ("--seed", "--until", "--replications", "--jobs"):
        r = run("run", nl, opt)
        check(r.returncode == 2 and f"{opt}: expected a value" in r.stderr,
              f"run {opt} without a value: {r.returncode} {r.stderr!r}")
    # run --set: one setting changed, as sweep --set with one value.
    r1, s1 = summary_of("node-loss.json")
    r2, s2 = summary_of("node-loss.json", "--set", "kubernetes.nodeMonitorGracePeriod=40s")
    d1, d2 = s1["faults"][0]["timeToDeletionRequest"], s2["faults"][0]["timeToDeletionRequest"]
    check(r2.returncode == 0 and approx(d1 - d2, 10.0, 1e-3),
          f"--set grace 40s: deletion requested 10 s sooner ({d1} -> {d2})")
    for bad, sub in (("=1", "expected PATH=VALUE"), ("nope.x=1", "expected a path whose parent")):
        r = run("run", nl, "--quiet", "--set", bad)
        check(r.returncode == 2 and sub in r.stderr, f"--set {bad}: {r.returncode} {r.stderr}")
    for args in (["check", "--replications"], ["sweep", nl, "--set"]):
        r = run(*args)
        check(r.returncode == 2 and f"{args[-1]}: expected a value" in r.stderr,
              f"{args}: {r.returncode} {r.stderr!r}")
    for bad in (" 5", "+5", "5x", "0x10"):
        r = run("run", nl, "--quiet", "--seed", bad)
        check(r.returncode == 2, f"--seed {bad!r}: exit {r.returncode}")
    for sub in ("run", "check", "validate", "bench", "sweep"):
        r = run(sub, "--help")
        check(r.returncode == 0 and "usage: sssim " + sub in r.stdout, f"{sub} --help")


@test
def event_cap_stops_a_run_clearly():
    """A run that reaches maxEvents stops there with exit 1 and a message saying so."""
    base = json.load(open(os.path.join(SCN, "node-loss.json")))
    base["maxEvents"] = 100
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "capped.json")
        json.dump(base, open(path, "w"))
        r = run("run", path, "--quiet")
        check(r.returncode == 1, f"exit {r.returncode}")
        check("event cap (maxEvents 100)" in r.stderr and "raise maxEvents" in r.stderr,
              r.stderr)


@test
def outputs_written_whole():
    """A summary that cannot be written fails with exit 2 and leaves nothing behind; csv
    traces have a header; '-' writes to standard output."""
    with tempfile.TemporaryDirectory() as d:
        target = os.path.join(d, "missing-dir", "s.json")
        r = run("run", os.path.join(SCN, "ordered-scale-up.json"), "--quiet", "--summary", target)
        check(r.returncode == 2 and "cannot write summary" in r.stderr, r.stderr)
        check(not os.path.exists(os.path.dirname(target)), "nothing created")
        leftovers = [f for f in os.listdir(d)]
        check(leftovers == [], f"no temporary files left: {leftovers}")
    r = run("run", os.path.join(SCN, "ordered-scale-up.json"), "--quiet", "--trace", "-",
            "--trace-format", "csv")
    check(r.stdout.startswith("t,seq,kind,object,node,reason,message\n"), "csv header")
    r = run("run", os.path.join(SCN, "ordered-scale-up.json"), "--summary", "-")
    check(json.loads(r.stdout)["scenario"] == "ordered-scale-up", "summary on stdout is JSON")
    # A scenario named after a file name that is not UTF-8: the summary stays UTF-8 JSON.
    # A name with a line break: the data files' comment headers stay one line.
    scn = json.load(open(os.path.join(SCN, "ordered-scale-up.json")))
    with tempfile.TemporaryDirectory() as d:
        scn.pop("name", None)
        path = os.path.join(os.fsencode(d), b"odd-\xff.json")
        json.dump(scn, open(path, "w"))
        r = subprocess.run([SSSIM, "run", path, "--quiet", "--summary", "-"],
                           capture_output=True, env=ENV, timeout=300)
        check(r.returncode == 0 and json.loads(r.stdout.decode("utf-8"))["scenario"] == "odd-?",
              f"file name not UTF-8: {r.returncode} {r.stdout[:80]!r}")
        scn["name"] = "two\nlines"
        path = os.path.join(d, "nl.json")
        json.dump(scn, open(path, "w"))
        out = os.path.join(d, "plots")
        r = run("run", path, "--quiet", "--plots", out, "--plots-format", "dumb")
        head = open(os.path.join(out, "timeline.dat")).readline() if r.returncode == 0 else ""
        check(head.startswith("# sssim timeline of two lines, seed"), f"header: {head!r}")


@test
def bad_inputs():
    """Each bad input: exit 2, one line on stderr naming the problem, never a crash."""
    bad = os.path.join(SRC, "tests", "bad")
    expected = {}
    for line in open(os.path.join(bad, "EXPECTED.txt")):
        if line.strip() and not line.startswith("#"):
            f, sub = line.rstrip("\n").split("\t", 1)
            expected[f] = sub
    check(len(expected) >= 10, "at least 10 bad inputs")
    cases = [(os.path.join(bad, f), sub) for f, sub in sorted(expected.items())]
    cases += [(os.path.join(bad, "does-not-exist.json"), "no such file"), (bad, "directory")]
    for path, sub in cases:
        # sssim check takes a directory as a list of scenarios; run and validate do not.
        for cmd in ("run", "validate") if path == bad else ("run", "validate", "check"):
            r = run(cmd, path)
            lines = [l for l in r.stderr.splitlines() if l.startswith("sssim: ")]
            check(r.returncode == 2, f"{cmd} {os.path.basename(path)}: exit {r.returncode}")
            check(len(lines) == 1 and sub in lines[0],
                  f"{cmd} {os.path.basename(path)}: stderr {r.stderr!r} lacks {sub!r}")
            check(r.returncode >= 0, f"{cmd} {path}: killed by signal {-r.returncode}")


@test
def plots_of_runs_replications_and_sweeps():
    """--plots writes each plot's data and script and, with gnuplot, its image, for a run
    (timeline and pods by phase), replications (also when no replication recovers) and a
    sweep, with exit 0."""
    gnuplot = shutil.which("gnuplot") is not None
    node_loss = os.path.join(SCN, "node-loss.json")
    force = os.path.join(SCN, "node-loss-force-delete.json")
    cases = [
        (["run", node_loss], ["timeline", "phases"],
         ["web-1", "nodeCrash node-a", "StatefulSet Pods by phase, 3 identities"]),
        (["run", node_loss, "--replications", "20"], ["timeline", "phases", "recovery-0"],
         ["no replication recovered", "n = 0 recovered, 20 never recovered"]),
        (["run", force, "--replications", "20"], ["timeline", "phases", "recovery-0"],
         ["n = 20 recovered, 0 never recovered", "p50 ="]),
        (["sweep", force, "--set", "kubernetes.nodeMonitorGracePeriod=40s,50s",
          "--replications", "5"], ["sweep-0"], ["kubernetes.nodeMonitorGracePeriod"]),
    ]
    for args, plots, texts in cases:
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "plots")
            r = run(*args, "--quiet", "--plots", out, "--plots-format", "dumb")
            what = " ".join(args[:1] + args[2:])
            check(r.returncode == 0, f"{what} --plots: exit {r.returncode}, {r.stderr[-300:]}")
            for name in plots:
                for ext in (".dat", ".gp"):
                    check(os.path.exists(os.path.join(out, name + ext)), f"{what}: {name}{ext}")
            if gnuplot:
                for t in texts:
                    check(t in r.stdout, f"{what}: the dumb plot lacks {t!r}")
    # A run of no length still plots; a long fault schedule plots its first 20 faults.
    with tempfile.TemporaryDirectory() as d:
        r = run("run", node_loss, "--until", "0", "--quiet", "--plots", d, "--plots-format",
                "dumb")
        check(r.returncode == 0, f"--until 0 --plots: exit {r.returncode} {r.stderr[-300:]}")
        many = json.load(open(node_loss))
        many["faults"] = [{"at": f"{60 + i}s", "do": "nodeCrash" if i % 2 == 0 else
                           "nodeRecover", "node": "node-a"} for i in range(30)]
        path = os.path.join(d, "many.json")
        json.dump(many, open(path, "w"))
        out = os.path.join(d, "many")
        r = run("run", path, "--replications", "2", "--plots", out, "--plots-format", "dumb")
        plots = sorted(f for f in os.listdir(out) if f.startswith("recovery-") and
                       f.endswith(".dat")) if os.path.isdir(out) else []
        check(r.returncode in (0, 1) and len(plots) == 20 and "recovery-19.dat" in plots,
              f"30 faults: {len(plots)} recovery plots, exit {r.returncode}")
        check("recovery plots for faults #0 to #19 only, of 30" in r.stderr, r.stderr[-300:])
    if gnuplot:
        with tempfile.TemporaryDirectory() as d:
            r = run("run", node_loss, "--quiet", "--plots", d)
            png = os.path.join(d, "timeline.png")
            check(r.returncode == 0 and os.path.exists(png) and
                  open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n", f"timeline.png: {r.stderr}")


@test
def an_attach_to_a_deleted_node_holds_nothing():
    """An attach still in flight when its Node is deleted fails and leaves an uncertain
    VolumeAttachment; upstream's Multi-Attach check counts confirmed attachments only, so
    the replacement Pod's node attaches the volume without waiting for the 6-minute force
    detach of the uncertain one, and singleAttachRWO holds."""
    case = os.path.join(SRC, "tests", "scenario", "cases", "attach-to-deleted-node.json")
    for seed in range(1, 31):
        r = run("run", case, "--quiet", "--seed", str(seed))
        check(r.returncode == 0, f"seed {seed}: exit {r.returncode} {r.stderr[-300:]}")
    r = run("run", case, "--quiet", "--seed", "6", "--trace", "-")
    recs = [json.loads(l) for l in r.stdout.splitlines()]
    def first(obj, node, reason):
        return next((x["t"] for x in recs if x.get("object") == obj and x.get("node") == node
                     and x.get("reason") == reason), None)
    attach_b = first("www-web-0", "node-b", "AttachVolume")
    forced_a = first("www-web-0", "node-a", "ForceDetach")
    check(attach_b is not None and forced_a is not None and attach_b < forced_a,
          f"www-web-0 attaches to node-b ({attach_b}) before node-a's force detach ({forced_a})")
    check(not any(x.get("reason") == "InvariantViolated" for x in recs), "no violation")


@test
def update_order_follows_upstream_without_the_gate():
    """With MaxUnavailableStatefulSet off, a Parallel set's rolling update waits only for
    the Pods above its target: web-0 crash-looping below the partition does not stop it,
    web-4 crash-looping does (web-3 is replaced only once web-4 is Ready again). A Pod
    deleted with grace 0 leaves the set's index before its deletion is checked: it does not
    count itself as missing."""
    cases = os.path.join(SRC, "tests", "scenario", "cases")
    r, recs = trace_of(os.path.join(cases, "rolling-update-parallel.json"))
    check(r.returncode == 0, f"parallel: exit {r.returncode} {r.stderr[-300:]}")
    def t(obj, reason, after=0.0):
        return next((x["t"] for x in recs if x["object"] == obj and x["reason"] == reason
                     and x["t"] >= after), None)
    killed3 = t("web-3", "Killing", 180.0)
    ready4 = t("web-4", "Ready", 200.0)
    check(t("web-4", "Killing", 179.0) is not None and t("web-4", "Killing", 179.0) < 200,
          "web-4 replaced at the update although web-0 crash-loops")
    check(killed3 is not None and ready4 is not None and killed3 >= ready4,
          f"web-3 replaced ({killed3}) only after the new web-4 is Ready ({ready4})")
    r = run("run", os.path.join(cases, "rolling-update-grace0.json"), "--quiet")
    check(r.returncode == 0, f"grace 0: exit {r.returncode} {r.stderr[-300:]}")


@test
def run_judges_the_expect_block():
    """sssim run judges the scenario's expect block as sssim check does: a metric out of
    its bounds, or an expected violation that did not happen, is exit 1 with a line saying
    which; with replications the report names the first failing seed, which replays it."""
    base = json.load(open(os.path.join(SCN, "ordered-scale-up.json")))
    with tempfile.TemporaryDirectory() as d:
        tight = dict(base, expect={"invariants": "all",
                                   "metrics": [{"metric": "fullReadySeconds", "max": 10}]})
        path = os.path.join(d, "tight.json")
        json.dump(tight, open(path, "w"))
        r = run("run", path, "--quiet")
        check(r.returncode == 1, f"tight: exit {r.returncode}")
        check("does not meet the scenario's expect block: fullReadySeconds = " in r.stderr
              and "expected <= 10" in r.stderr, r.stderr)
        r = run("run", path, "--replications", "5")
        check(r.returncode == 1, f"tight, replications: exit {r.returncode}")
        line = [l for l in r.stdout.splitlines() if l.startswith("expect: ")]
        check(line and line[0].startswith("expect: not met in 5 replication(s); first: sssim "
                                          "run "), f"replications report: {line}")
        seed = line[0].split("--seed ")[-1] if line else "x"
        r = run("run", path, "--quiet", "--seed", seed)
        check(r.returncode == 1, f"the named seed {seed} replays the failure")
        # --set makes another experiment: the block is not judged (nor with --until).
        r = run("run", path, "--quiet", "--set", "kubernetes.nodeMonitorGracePeriod=40s")
        check(r.returncode == 0 and r.stderr == "", f"tight with --set: {r.returncode} {r.stderr}")
        never = dict(base, expect={"invariants": "all", "violations": ["singleAttachRWO"]})
        json.dump(never, open(path, "w"))
        r = run("run", path, "--quiet")
        check(r.returncode == 1 and "singleAttachRWO was expected to break and held" in r.stderr,
              f"expected violation: exit {r.returncode} {r.stderr}")
        loose = dict(base, expect={"invariants": "all",
                                   "metrics": [{"metric": "fullReadySeconds", "max": 600}]})
        json.dump(loose, open(path, "w"))
        r = run("run", path, "--replications", "5")
        check(r.returncode == 0 and "expect: met in every replication" in r.stdout,
              f"loose: exit {r.returncode} {r.stdout[-200:]}")


@test
def a_rebooted_kubelet_corrects_volumes_in_use():
    """After a reboot the Node still lists the volumes in use before the crash; the kubelet
    corrects the list at its first status update after the volume manager's sync (10 s
    after it starts), the attach/detach controller detaches the volume, and the new web-0
    on another node attaches it and starts."""
    case = os.path.join(SRC, "tests", "scenario", "cases", "reboot-volumes-in-use.json")
    r, recs = trace_of(case)
    check(r.returncode == 0, f"exit {r.returncode} {r.stderr[-300:]}")
    def first(reason, obj=None, after=0.0):
        return next((x for x in recs if x["reason"] == reason and x["t"] >= after and
                     (obj is None or x["object"] == obj)), None)
    started = first("KubeletStarted")
    refreshed = first("VolumesInUse", after=started["t"] if started else 0)
    detach = first("DetachVolume")
    ready = first("Ready", "web-0", after=started["t"] if started else 0)
    check(started and refreshed and refreshed["t"] == started["t"] + 10 and
          refreshed["node"] == started["node"] and "0 volume(s)" in refreshed["message"],
          f"volumesInUse corrected 10 s after the kubelet starts: {started} {refreshed}")
    check(detach and refreshed and detach["t"] >= refreshed["t"] and detach["t"] < refreshed["t"] + 1,
          f"detach right after: {detach}")
    check(ready is not None and ready["node"] != started["node"], f"web-0 Ready elsewhere: {ready}")


@test
def summary_figures_follow_their_definitions():
    """docs/scenario-reference.md defines each metric; three cases an oracle recomputing
    them from the trace caught: a replacement bound where its volume already is counts as
    attached when bound; a scale-down is no downtime; a Multi-Attach wait still open at the
    end has not ended (null), where it was counted up to the end."""
    r, s = summary_of("network-partition-long.json")
    inc = incs(s, "web-1")[-1]
    check(inc["attached"] is not None and approx(inc["attached"], inc["scheduled"]),
          f"web-1 bound where its volume is: attached {inc['attached']} = scheduled "
          f"{inc['scheduled']}")
    f0 = s["faults"][0]
    check(f0["timeToReplacementAttached"] is not None, f"timeToReplacementAttached {f0}")
    r, s = summary_of("scale-down.json")
    down = {p["name"]: p["downtimeSeconds"] for p in s["pods"]}
    check(all(v == 0 for v in down.values()), f"downtime after a scale-down: {down}")
    r, s = summary_of("node-loss-force-delete.json", "--until", "12m")
    f1 = s["faults"][1]
    check(f1["multiAttachWaitSeconds"] is None and f1["timeToReplacementAttached"] is None,
          f"open Multi-Attach wait at 12m: {f1['multiAttachWaitSeconds']}")
    r, s = summary_of("node-loss-force-delete.json")
    f1 = s["faults"][1]
    check(f1["multiAttachWaitSeconds"] is not None and f1["multiAttachWaitSeconds"] > 360,
          f"the full wait, after the 6-minute force detach: {f1['multiAttachWaitSeconds']}")


if __name__ == "__main__":
    if NAME not in TESTS:
        print(f"unknown test {NAME}; known: {', '.join(TESTS)}")
        sys.exit(2)
    TESTS[NAME]()
    for f in failures:
        print("FAIL:", f)
    print("ok" if not failures else f"{len(failures)} check(s) failed")
    sys.exit(1 if failures else 0)
