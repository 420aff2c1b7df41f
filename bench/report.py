#!/usr/bin/env python3
"""Turns the kernel and numpy benchmark TSVs into the Markdown table of the README:
ns per vector for each path, and each SIMD path's speed-up over scalar and over numpy."""
import csv
import sys
from collections import defaultdict


def main(paths):
    ns = defaultdict(dict)  # (metric, dims) -> {path: ns}
    for path in paths:
        with open(path) as f:
            for row in csv.DictReader(f, delimiter="\t"):
                ns[(row["metric"], int(row["dims"]))][row["kernel"]] = float(row["ns_per_vector"])
    paths_seen = sorted({k for v in ns.values() for k in v}, key=lambda k: (k == "numpy", k != "scalar", k))
    simd = [p for p in paths_seen if p not in ("scalar", "numpy")]
    head = ["metric", "dims"] + [f"{p} ns" for p in paths_seen]
    head += [f"{p} vs scalar" for p in simd] + [f"{p} vs numpy" for p in simd]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for (metric, dims), row in sorted(ns.items()):
        cells = [metric, str(dims)] + [f"{row[p]:.0f}" for p in paths_seen]
        cells += [f"{row['scalar'] / row[p]:.1f}x" for p in simd]
        cells += [f"{row['numpy'] / row[p]:.1f}x" for p in simd]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
