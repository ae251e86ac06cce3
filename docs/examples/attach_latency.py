#!/usr/bin/env python3
"""Read an sssim JSON Lines trace on standard input and print the distribution of volume
attach times: from each AttachVolume record to the SuccessfulAttachVolume of the same
claim. Quantiles are nearest-rank. Used by docs/validation.md (rows V15 and V16)."""
import json
import sys

started, took = {}, []
for line in sys.stdin:
    r = json.loads(line)
    if r["kind"] != "VolumeAttachment":
        continue
    if r["reason"] == "AttachVolume":
        started[(r["object"], r["node"])] = r["t"]
    elif r["reason"] == "SuccessfulAttachVolume":
        took.append(r["t"] - started.pop((r["object"], r["node"])))
if not took:
    sys.exit("no completed attachments in the trace")
took.sort()


def q(p):
    return took[min(len(took) - 1, int(p * len(took)))]


print(f"attachments {len(took)}: p50 {q(0.5):.1f}s, p90 {q(0.9):.1f}s, p99 {q(0.99):.1f}s, "
      f"max {took[-1]:.1f}s")
