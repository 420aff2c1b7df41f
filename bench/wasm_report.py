#!/usr/bin/env python3
"""make bench-wasm's tables (bench/wasm_run.sh): the distance kernels' ns per vector natively and in
wasm, and the HNSW runs of bench/wasm_hnsw.mjs, with the time ratios wasm / native (above 1: wasm is
slower). usage: wasm_report.py KERNELS_NATIVE.tsv KERNELS_WASM.tsv HNSW.jsonl"""
import csv
import json
import sys


def read_kernels(path):
    """{(metric, dims): {kernel: ns}} from distance_kernels' TSV."""
    table = {}
    with open(path) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            table.setdefault((row["metric"], int(row["dims"])), {})[row["kernel"]] = float(row["ns_per_vector"])
    return table


def kernels_table(native, wasm):
    print("| metric | dims | native scalar | native best | wasm scalar | wasm simd128 | simd128 / native best "
          "| wasm scalar / native scalar | wasm scalar / simd128 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for key in sorted(set(native) & set(wasm)):
        nat, was = native[key], wasm[key]
        if not {"scalar"} <= set(nat) or not {"scalar", "simd128"} <= set(was):
            continue
        best = min(nat, key=nat.get)
        print(f"| {key[0]} | {key[1]} | {nat['scalar']:.1f} | {nat[best]:.1f} ({best}) | {was['scalar']:.1f} "
              f"| {was['simd128']:.1f} | {was['simd128'] / nat[best]:.2f} | {was['scalar'] / nat['scalar']:.2f} "
              f"| {was['scalar'] / was['simd128']:.2f} |")


def hnsw_table(path):
    runs = [json.loads(line) for line in open(path) if line.strip()]
    native = next(r for r in runs if r["engine"] == "native")
    first = runs[0]
    print(f"\nHNSW: {first['n']} vectors of {first['dims']} dimensions (l2, m=16, ef_construction=100), "
          f"{first['queries']} queries k=10 ef_search=64, under Node 24\n")
    print("| engine | kernel | SQLite | build s | query µs (median) | median / native | recall@10 |")
    print("|---|---|---|---:|---:|---:|---:|")
    for r in runs:
        print(f"| {r['engine']} | {r['kernel']} | {r['sqlite']} | {r['build_s']:.2f} | {r['query_us_median']:.1f} "
              f"| {r['query_us_median'] / native['query_us_median']:.2f} | {r['recall']:.3f} |")


def main(native_tsv, wasm_tsv, hnsw_jsonl):
    print("Distance kernels, ns per vector (one query against the whole set):\n")
    kernels_table(read_kernels(native_tsv), read_kernels(wasm_tsv))
    hnsw_table(hnsw_jsonl)


if __name__ == "__main__":
    main(*sys.argv[1:])
