"""The HNSW benchmark's storage comparison (part of make bench-hnsw, or alone): hnsw_index with
storage = 'f32' | 'f16' | 'i8' | 'bit', with and without rescore, against float32, hnswlib and
sqlite-vec's int8 and bit vec0 tables (its vec_quantize_int8 / vec_quantize_binary), in one run, on
the synthetic clustered set and on Fashion-MNIST (784 dimensions, where memory bandwidth binds).
Each index: file size, build time, recall@10 and QPS over an ef_search sweep, QPS at matched recall;
for bit storage, the oversampling (candidates re-ranked by float32 per result) it needs for recall 0.9.

  hnsw_storage.py EXTENSION [--n N] [--queries Q] [--no-fashion]
Rows of each set: the first N (default 20,000) of its base vectors; Q queries (default 500)."""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import hnswlib
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hnsw_data  # noqa: E402
import hnsw_fashion  # noqa: E402
import hnsw_query as hq  # noqa: E402
from hnsw_build import scale_of  # noqa: E402

M, EF_CONSTRUCTION, SEED = 16, 100, 20261201
EF_SEARCH = [10, 16, 24, 32, 48, 64, 96, 128, 192, 256]
TARGETS = [0.95, 0.99]
PASSES = 2
CONFIGS = [("f32", 0), ("f16", 0), ("i8", 0), ("bit", 0), ("f16", 2), ("i8", 2), ("i8", 3), ("bit", 10)]
OVERSAMPLING = [1, 2, 4, 8, 16, 32, 64]
OUT = Path("build/bench/hnsw/storage")
THREADS_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def child(*args):
    cmd = [sys.executable, str(Path(__file__).resolve().parent / "hnsw_build.py")] + [str(a) for a in args]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True, env={**os.environ, **THREADS_ENV})
    return json.loads(done.stdout.strip().splitlines()[-1])


def sweep(run, truth):
    """recall and the best QPS of PASSES passes at each ef_search."""
    curve = []
    for ef in EF_SEARCH:
        best = None
        for _ in range(PASSES):
            qps, found = run(ef)
            best = (qps, found) if best is None or qps > best[0] else best
        curve.append({"ef": ef, "qps": best[0], "recall": hnsw_data.recall(best[1], truth)})
    return curve


def oversampling(db, base, queries, truth):
    """Recall of the bit graph's top N * 10 re-ranked by float32 (what rescore = N does), per N."""
    out = []
    for n in OVERSAMPLING:
        k = n * hq.K
        sql = f"SELECT rowid FROM idx WHERE vector MATCH ? AND k = {k} AND ef_search = {max(k, 64)}"
        found = []
        for q in queries:
            ids = np.array([r[0] for r in db.execute(sql, (q.tobytes(),))], dtype=np.int64)
            d = ((base[ids - 1] - q) ** 2).sum(axis=1)
            found.append(ids[np.argsort(d, kind="stable")[:hq.K]].tolist())
        out.append({"oversampling": n, "recall": hnsw_data.recall(found, truth)})
    return out


def measure(extension, out, n, n_queries):
    base = np.load(out / "base.npy")[:n]
    queries = np.load(out / "queries.npy")[:n_queries]
    work = out / "storage"
    work.mkdir(parents=True, exist_ok=True)
    np.save(work / "base.npy", base)
    truth = hnsw_data.exact_knn(base, queries, hq.K)
    res = {"n": len(base), "dims": base.shape[1], "queries": len(queries), "m": M, "ef_construction": EF_CONSTRUCTION,
           "raw_vector_bytes": base.nbytes, "rows": []}
    for storage, rescore in CONFIGS:
        name = storage + (f" rescore={rescore}" if rescore else "")
        print(f"  {name} ...", file=sys.stderr, flush=True)
        path = work / f"vg_{storage}_{rescore}.db"
        opts = f"storage='{storage}'" + (f", rescore={rescore}" if rescore else "")
        b = child("vec_graph", work / "base.npy", path, extension, M, EF_CONSTRUCTION, SEED, opts)
        db = hq.connect(str(path), extension)
        hq.vec_graph_knn(db, queries, 64, repeat=1)  # the steady state
        row = {"name": f"vec_graph {name}", "storage": storage, "rescore": rescore, "seconds": b["seconds"],
               "file_bytes": b["file_bytes"], "curve": sweep(lambda ef: hq.vec_graph_knn(db, queries, ef, repeat=1), truth)}
        if storage == "bit" and not rescore:
            row["oversampling"] = oversampling(db, base, queries[:200], truth[:200])
        db.close()
        res["rows"].append(row)
        if rescore:
            # the originals are read through SQLite's page cache: the same with the file memory-mapped
            db = hq.connect(str(path), extension)
            db.execute(f"PRAGMA mmap_size = {1 << 30}").fetchall()
            hq.vec_graph_knn(db, queries, 64, repeat=1)
            res["rows"].append({**row, "name": f"vec_graph {name}, PRAGMA mmap_size = 1 GiB", "oversampling": None,
                                "curve": sweep(lambda ef: hq.vec_graph_knn(db, queries, ef, repeat=1), truth)})
            db.close()
    print("  hnswlib ...", file=sys.stderr, flush=True)
    b = child("hnswlib", work / "base.npy", work / "hnswlib.bin", "-", M, EF_CONSTRUCTION, SEED)
    index = hnswlib.Index(space="l2", dim=base.shape[1])
    index.load_index(str(work / "hnswlib.bin"), max_elements=len(base))
    index.set_num_threads(1)
    res["rows"].append({"name": "hnswlib (f32)", "seconds": b["seconds"], "file_bytes": b["file_bytes"],
                        "curve": sweep(lambda ef: hq.hnswlib_knn(index, queries, ef, repeat=1), truth)})
    # sqlite-vec: brute force over its quantized vectors (a slice of the queries is enough)
    scaled = queries[:100] / scale_of(base)
    for kind, quantize in (("int8", "vec_quantize_int8(vec_f32(?), 'unit')"), ("bit", "vec_quantize_binary(vec_f32(?))")):
        print(f"  sqlite-vec {kind} ...", file=sys.stderr, flush=True)
        path = work / f"sqlite_vec_{kind}.db"
        b = child(f"sqlite-vec-{kind}", work / "base.npy", path, "-")
        db = hq.connect(str(path))
        sql = f"SELECT rowid FROM idx WHERE vector MATCH {quantize} AND k = {hq.K}"
        qps, found = hq.best_of(1, hq.sql_runner(db, sql, scaled))
        db.close()
        res["rows"].append({"name": f"sqlite-vec {kind} (brute force)", "seconds": b["seconds"],
                            "file_bytes": b["file_bytes"], "flat": {"qps": qps, "recall": hnsw_data.recall(found, truth[:100])}})
    return res


def fmt(x, digits=2):
    return "—" if x is None else f"{x:,.{digits}f}"


def report(res, title):
    f32 = next(r for r in res["rows"] if r["name"] == "vec_graph f32")
    print(f"\n### storage types: {title}, {res['n']:,} x {res['dims']}, {res['queries']} queries, k=10, M={res['m']}, "
          f"ef_construction={res['ef_construction']}\n")
    head = "| index | file MB | vs f32 | build s | recall@10 at ef 64 |"
    for t in TARGETS:
        head += f" QPS at recall {t} | vs f32 |"
    print(head)
    print("|---" * (5 + 2 * len(TARGETS)) + "|")
    for r in res["rows"]:
        mb = r["file_bytes"] / 1e6
        cells = [r["name"], fmt(mb, 1), fmt(r["file_bytes"] / f32["file_bytes"]) + "x", fmt(r["seconds"], 1)]
        if "flat" in r:
            cells.append(f"{r['flat']['recall']:.3f} (exact over its vectors)")
            for _ in TARGETS:
                cells += [f"{fmt(r['flat']['qps'], 1)} at its recall", ""]
        else:
            cells.append(f"{next(p['recall'] for p in r['curve'] if p['ef'] == 64):.3f}")
            for t in TARGETS:
                q, base = hq.at_recall(r["curve"], t), hq.at_recall(f32["curve"], t)
                cells += [fmt(q, 0), fmt(q / base) + "x" if q and base else "—"]
        print("| " + " | ".join(cells) + " |")
    for r in res["rows"]:
        if r.get("oversampling"):
            need = next((o["oversampling"] for o in r["oversampling"] if o["recall"] >= 0.9), None)
            pts = ", ".join(f"{o['oversampling']}: {o['recall']:.3f}" for o in r["oversampling"])
            print(f"\nbit storage, recall@10 when its top N x 10 are re-ranked by float32 (N: recall): {pts}; "
                  f"recall 0.9 needs N = {need if need else f'more than {OVERSAMPLING[-1]}'}")


def run(extension, n, n_queries, fashion, synthetic_dir):
    results = {}
    print("storage types, synthetic ...", file=sys.stderr, flush=True)
    results["synthetic"] = measure(extension, synthetic_dir, n, n_queries)
    report(results["synthetic"], "clustered float32")
    sys.stdout.flush()
    if fashion:
        print("storage types, Fashion-MNIST ...", file=sys.stderr, flush=True)
        fm = synthetic_dir / "fashion-mnist"
        fm.mkdir(parents=True, exist_ok=True)
        if not (fm / "base.npy").exists():
            hnsw_fashion.prepare(fm)
        results["fashion-mnist"] = measure(extension, fm, n, n_queries)
        report(results["fashion-mnist"], "Fashion-MNIST")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(results, indent=1))
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("extension")
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--no-fashion", action="store_true")
    a = ap.parse_args()
    data = Path("build/bench/hnsw")
    if not (data / "base.npy").exists():
        data.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(Path(__file__).resolve().parent / "hnsw_data.py"), str(data),
                        "100000", "1000", "128", str(SEED)], check=True)
    run(a.extension, a.n, a.queries, not a.no_fashion, data)


if __name__ == "__main__":
    main()
