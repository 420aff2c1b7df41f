#!/usr/bin/env python3
"""Turns the kernel and numpy benchmark TSVs into the Markdown tables of the README:
ns per vector for each path, and each SIMD path's speed-up over scalar and over numpy; then each
compact type's speed-up over float32 on the same path (l2_f16 over l2, ip_i8 over ip, hamming over l2)."""
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
    print_compact_vs_f32(ns, paths_seen)


def ratio(r):
    return f"{r:.2f}x" if r < 1 else f"{r:.1f}x"


COMPACT_VS_F32 = [("l2_f16", "l2"), ("ip_i8", "ip"), ("hamming", "l2")]


def print_compact_vs_f32(ns, paths):
    dims_seen = sorted({d for (m, d) in ns if m == "l2"})
    head = ["compact vs float32", "dims"] + list(paths)
    print()
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for compact, f32 in COMPACT_VS_F32:
        for dims in dims_seen:
            if (compact, dims) not in ns or (f32, dims) not in ns:
                continue
            row, base = ns[(compact, dims)], ns[(f32, dims)]
            cells = [f"{compact} vs {f32}", str(dims)]
            cells += [ratio(base[p] / row[p]) if p in row and p in base else "" for p in paths]
            print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
