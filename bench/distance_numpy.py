#!/usr/bin/env python3
"""numpy's side of the distance benchmark: the same scans (one query against N vectors: float32,
float16, int8, bits) as bench/distance_kernels.c.
Prints TSV rows: numpy, metric, dims, ns per vector (the median of the runs, as the C side)."""
import statistics
import sys
import time

import numpy as np


def median_ns(fn, n, runs):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter_ns()
        fn()
        times.append((time.perf_counter_ns() - t0) / n)
    return statistics.median(times)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    rng = np.random.default_rng(1)
    print("kernel\tmetric\tdims\tns_per_vector")
    for dims in (128, 384, 768, 1536):
        x = rng.random((n, dims), dtype=np.float32) - 0.5
        q = rng.random(dims, dtype=np.float32) - 0.5
        # squared L2 without a temporary per row: |x|^2 - 2 x.q + |q|^2 would be faster but less exact;
        # this is the form users write.
        print(f"numpy\tl2\t{dims}\t{median_ns(lambda: ((x - q) ** 2).sum(axis=1), n, runs):.1f}")
        print(f"numpy\tip\t{dims}\t{median_ns(lambda: -(x @ q), n, runs):.1f}")
        # The compact vectors as numpy holds them: float16 rows against a float32 query (numpy
        # converts), int8 rows widened to int32 for the dot product (int8 products would overflow),
        # packed bits: XOR and popcount (np.bitwise_count, numpy >= 2.0).
        h = x.astype(np.float16)
        print(f"numpy\tl2_f16\t{dims}\t{median_ns(lambda: ((h - q) ** 2).sum(axis=1), n, runs):.1f}")
        xi, qi = (x * 254).astype(np.int8), (q * 254).astype(np.int8)
        print(f"numpy\tip_i8\t{dims}\t{median_ns(lambda: xi.astype(np.int32) @ qi.astype(np.int32), n, runs):.1f}")
        xb, qb = np.packbits(x > 0, axis=1), np.packbits(q > 0)
        print(f"numpy\thamming\t{dims}\t{median_ns(lambda: np.bitwise_count(xb ^ qb).sum(axis=1), n, runs):.1f}")


if __name__ == "__main__":
    main()
