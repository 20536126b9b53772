#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Slims the output of ../shared/tools/hrv_oracle.py into the reference values Lull's tests read.

Regenerate (see README.md beside this file):
    python3 ../shared/tools/hrv_oracle.py ../shared/data/rr/NAME.txt --out /tmp/NAME.json --no-nk-default-freq
    python3 Tests/HRVCoreTests/Fixtures/slim_oracle.py /tmp/NAME.json > Tests/HRVCoreTests/Fixtures/oracle/NAME.json
"""
import json
import sys

KEYS = ["n_rr", "mean_rr_ms", "mean_hr_bpm", "sdnn_ms", "rmssd_ms", "pnn50_pct_nminus1", "sd1_ms", "sd2_ms",
        "lf_ms2", "hf_ms2", "lf_hf"]


def slim(block):
    return {k: block.get(k) for k in KEYS if k in block}


o = json.load(open(sys.argv[1]))
out = {
    "file": o["file"], "sha256": o["sha256"], "tool": o["tool"], "versions": o["versions"],
    "whole": slim(o["whole"]["raw"]),
    "windows": [dict(index=w["index"], partial=w.get("partial", False), **slim(w)) for w in o["windows"]["raw"]["items"]],
}
if "kubios_corrected" in o["windows"]:
    out["kubios_first_pass_counts"] = o["kubios"]["first_pass_counts"]
    out["corrected_windows"] = [{"index": w["index"], "n_rr": w.get("n_rr"), "rmssd_ms": w.get("rmssd_ms")}
                                for w in o["windows"]["kubios_corrected"]["items"]]
json.dump(out, sys.stdout, indent=0, separators=(",", ":"))
sys.stdout.write("\n")
