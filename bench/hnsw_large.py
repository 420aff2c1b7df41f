"""1,000,000 x 128 for the HNSW benchmark (hnsw_bench.py --large): one vec_graph build (a child
process), a new process's first k=10 query (median of several processes), and recall@10 and QPS at the
default ef_search with the index's cache held to 64 MB against a cache that holds it all, the budget
set per process with INSERT INTO idx(idx) VALUES ('cache_mb=N')."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hnsw_data  # noqa: E402
import hnsw_query as hq  # noqa: E402

N, DIMS, QUERIES, M, EFC = 1_000_000, 128, 1000, 16, 200
FIRST_QUERY_PROCESSES = 5


def child(script, *args):
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, str(Path(__file__).resolve().parent / script)] + [str(a) for a in args]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(extension, out, seed):
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, str(Path(__file__).resolve().parent / "hnsw_data.py")]
                   + [str(a) for a in (out, N, QUERIES, DIMS, seed + 1)], check=True)
    path = out / "vec_graph.db"
    build = child("hnsw_build.py", "vec_graph", out / "base.npy", path, extension, M, EFC, seed)
    first = [child("hnsw_app.py", "first_query", "vec_graph", path, extension, out / "queries.npy", i)
             for i in range(FIRST_QUERY_PROCESSES)]
    base, queries = np.load(out / "base.npy"), np.load(out / "queries.npy")
    truth = hnsw_data.exact_knn(base, queries, hq.K)
    del base
    res = {"n": N, "dims": DIMS, "build_s": build["seconds"], "file_bytes": build["file_bytes"],
           "first_query_ms": sorted(r["query_ms"] for r in first)[FIRST_QUERY_PROCESSES // 2],
           "first_total_ms": sorted(r["total_ms"] for r in first)[FIRST_QUERY_PROCESSES // 2], "budgets": {}}
    for mb in (64, 4096):
        db = hq.connect(str(path), extension)
        db.execute(f"INSERT INTO idx(idx) VALUES ('cache_mb={mb}')")
        hq.vec_graph_knn(db, queries, repeat=1)  # the steady state for this budget
        qps, found = hq.vec_graph_knn(db, queries, repeat=2)
        res["budgets"][mb] = {"qps": qps, "recall": hnsw_data.recall(found, truth)}
        db.close()
    return res


def report(res):
    print(f"\n1,000,000 x 128: build {res['build_s']:.0f} s, file {res['file_bytes'] / 1e6:.0f} MB; a new process's "
          f"first k=10 query {res['first_query_ms']:.1f} ms ({res['first_total_ms']:.1f} ms with connect and load)\n")
    print("| cache budget | recall@10 (ef 64) | QPS |")
    print("|---|---|---|")
    for mb, r in res["budgets"].items():
        print(f"| {mb} MB | {r['recall']:.3f} | {r['qps']:,.0f} |")
