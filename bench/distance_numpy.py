#!/usr/bin/env python3
"""numpy's side of the distance benchmark: the same scan (one query against N float32 vectors)
as bench/distance_kernels.c. Prints TSV rows: numpy, metric, dims, ns per vector (best of runs)."""
import sys
import time

import numpy as np


def best_ns(fn, n, runs):
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter_ns()
        fn()
        best = min(best, (time.perf_counter_ns() - t0) / n)
    return best


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
        print(f"numpy\tl2\t{dims}\t{best_ns(lambda: ((x - q) ** 2).sum(axis=1), n, runs):.1f}")
        print(f"numpy\tip\t{dims}\t{best_ns(lambda: -(x @ q), n, runs):.1f}")


if __name__ == "__main__":
    main()
