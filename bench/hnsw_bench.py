#!/usr/bin/env python3
"""hnsw_index against its peers in one run: hnswlib (the same algorithm in C++, no SQL) and
sqlite-vec's vec0 (brute force through SQL). Seeded clustered float32 data, then Fashion-MNIST (real
data, as ann-benchmarks uses it), exact ground truth by numpy, single thread, M=16,
ef_construction=200, k=10. Builds run in child processes (bench/hnsw_build.py) so each one's peak
memory is its own; builds and query passes of the engines alternate, best kept. Then the everyday
operations (bench/hnsw_app.py), the storage types f16 / i8 / bit with and without rescore against
sqlite-vec's int8 and bit vectors (bench/hnsw_storage.py) and, with --large, 1,000,000 rows
(bench/hnsw_large.py). Writes
build/bench/hnsw/results.json, the recall/QPS plot, and prints the Markdown tables of the README.

With --baseline, vec_graph 0.1.0 (its last source, built by bench/hnsw_run.sh) is built and queried
beside them on both data sets, so the build and steady-state ratios against hnswlib of the two
versions come from the same run.

Usage: hnsw_bench.py EXTENSION [--small] [--seed N] [--plot PNG] [--no-fashion] [--large] [--baseline EXT]"""
import argparse
import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import hnswlib
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_json  # noqa: E402
import hnsw_app  # noqa: E402
import hnsw_data  # noqa: E402
import hnsw_fashion  # noqa: E402
import hnsw_large  # noqa: E402
import hnsw_query as hq  # noqa: E402
import hnsw_storage  # noqa: E402

DIMS, M, EF_CONSTRUCTION = 128, 16, 200
EF_SEARCH = [16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512]
FILTERS = [0.01, 0.25]
BUILD_RUNS, PASSES = 3, 3
VG, BASELINE = "vec_graph (SQL)", "vec_graph 0.1.0 (SQL)"
PER_QUERY, BATCH = "hnswlib (one call per query)", "hnswlib (one call per batch)"
OUT = Path("build/bench/hnsw")
# Single-threaded peers: no BLAS or OpenMP threads anywhere, children included.
THREADS_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def child(script, *args):
    """Runs bench/<script> in a child process (one thread) and returns its last output line."""
    cmd = [sys.executable, str(Path(__file__).resolve().parent / script)] + [str(a) for a in args]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True, env={**os.environ, **THREADS_ENV})
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def measure(extension, out, seed, filters, res, baseline=None):
    """Builds vec_graph, hnswlib and vec0 (and vec_graph 0.1.0 with a baseline extension) over
    out/base.npy (each BUILD_RUNS times, in turns), then the recall/QPS curves over ef_search, vec0's
    brute force and the filtered queries, into res."""
    base, queries = np.load(out / "base.npy"), np.load(out / "queries.npy")
    dims = base.shape[1]
    res.update({"n": len(base), "queries": len(queries), "dims": dims, "m": M, "ef_construction": EF_CONSTRUCTION,
                "seed": seed, "build": {}, "curve": {}, "filtered": [], "raw_vector_bytes": base.nbytes})
    del base, queries
    paths = {"vec_graph": out / "vec_graph.db", "hnswlib": out / "hnswlib.bin", "sqlite-vec": out / "sqlite_vec.db"}
    exts = {"vec_graph": extension}
    if baseline:
        paths["vec_graph 0.1.0"], exts["vec_graph 0.1.0"] = out / "vec_graph_0.1.0.db", baseline
    # Each build BUILD_RUNS times, the engines taking turns, so a busy moment of the machine does not
    # fall on one of them only: the fastest time, the largest peak.
    for run_no in range(BUILD_RUNS):
        for engine, path in paths.items():
            print(f"building {engine} ({run_no + 1}/{BUILD_RUNS}) ...", file=sys.stderr, flush=True)
            kind = "vec_graph" if engine in exts else engine
            r = json.loads(child("hnsw_build.py", kind, out / "base.npy", path, exts.get(engine, "-"), M,
                                 EF_CONSTRUCTION, seed))
            best = res["build"].setdefault(engine, r)
            best["seconds"] = min(best["seconds"], r["seconds"])
            best["peak_kib"] = max(best["peak_kib"], r["peak_kib"])
    base, queries = np.load(out / "base.npy"), np.load(out / "queries.npy")
    truth = hnsw_data.exact_knn(base, queries, hq.K)

    vg = hq.connect(str(paths["vec_graph"]), extension)
    res["kernel"] = vg.execute("SELECT vec_graph_kernel()").fetchone()[0]
    res["sqlite"] = vg.execute("SELECT sqlite_version()").fetchone()[0]
    hq.vec_graph_knn(vg, queries, repeat=1)  # the steady state: one pass reads what the queries touch
    index = hnswlib.Index(space="l2", dim=dims)
    index.load_index(str(paths["hnswlib"]), max_elements=len(base))
    index.set_num_threads(1)

    print("querying ...", file=sys.stderr, flush=True)
    runners = {VG: lambda ef: hq.vec_graph_knn(vg, queries, ef, repeat=1),
               PER_QUERY: lambda ef: hq.hnswlib_knn(index, queries, ef, repeat=1),
               BATCH: lambda ef: hq.hnswlib_knn(index, queries, ef, repeat=1, batch=True)}
    if baseline:
        old = hq.connect(str(paths["vec_graph 0.1.0"]), baseline)
        hq.vec_graph_knn(old, queries, repeat=1)  # 0.1.0 reads the whole index at its first query
        runners[BASELINE] = lambda ef: hq.vec_graph_knn(old, queries, ef, repeat=1)
    for name in runners:
        res["curve"][name] = []
    # At each ef the engines take turns, PASSES times, and each keeps its fastest pass.
    for ef in EF_SEARCH:
        best = {}
        for _ in range(PASSES):
            for name, runner in runners.items():
                qps, found = runner(ef)
                if name not in best or qps > best[name][0]:
                    best[name] = (qps, found)
        for name, (qps, found) in best.items():
            res["curve"][name].append({"ef": ef, "qps": qps, "recall": hnsw_data.recall(found, truth)})
    qps, found = hq.vec_graph_knn(vg, queries, repeat=PASSES)  # no ef_search: the default
    res["default_ef"] = {"qps": qps, "recall": hnsw_data.recall(found, truth)}

    # vec0 is brute force: a slice of the queries is enough for its (exact) throughput.
    sv = hq.connect(str(paths["sqlite-vec"]))
    n_sv = min(len(queries), 200)
    qps, found = hq.sqlite_vec_knn(sv, queries[:n_sv])
    res["sqlite_vec"] = {"qps": qps, "recall": hnsw_data.recall(found, truth[:n_sv]), "queries": n_sv}

    for fraction in filters:
        ids = hnsw_data.allowed_ids(len(base), fraction, seed)
        ftruth = hnsw_data.exact_knn(base, queries, hq.K, ids)
        vg.execute("CREATE TEMP TABLE IF NOT EXISTS allowed(id INTEGER PRIMARY KEY)")
        vg.execute("DELETE FROM temp.allowed")
        vg.executemany("INSERT INTO temp.allowed VALUES (?)", ((int(i),) for i in ids))
        row = {"fraction": fraction, "allowed": len(ids)}
        qps, found = hq.vec_graph_filtered_in(vg, queries)
        row["vec_graph rowid IN"] = {"qps": qps, "recall": hnsw_data.recall(found, ftruth)}
        qps, found = hq.vec_graph_filtered_blob(vg, queries, ids)
        row["vec_graph allowed BLOB"] = {"qps": qps, "recall": hnsw_data.recall(found, ftruth)}
        try:
            qps, found = hq.hnswlib_knn(index, queries, 64, repeat=1, allowed=set(ids.tolist()))
            row["hnswlib filter, ef 64"] = {"qps": qps, "recall": hnsw_data.recall(found, ftruth)}
        except RuntimeError as e:
            row["hnswlib filter, ef 64"] = {"error": str(e)}
        res["filtered"].append(row)
    vg.close()
    if baseline:
        old.close()
        del paths["vec_graph 0.1.0"]  # the everyday operations are this version's and its peers'
    return paths


def run(extension, n, n_queries, seed, plot_path, fashion, large, baseline):
    """Measures each data set in turn and prints its tables as soon as they are measured (a failure
    later loses nothing printed); build/bench/hnsw/results.json grows the same way."""
    OUT.mkdir(parents=True, exist_ok=True)
    versions = {p: metadata.version(p) for p in ("hnswlib", "sqlite-vec", "numpy")}
    results = {}

    def keep(name, value):
        results[name] = value
        (OUT / "results.json").write_text(json.dumps(results, indent=1))

    # Data and builds come from children while this process is still small: a child's ru_maxrss
    # starts from its parent's peak at the fork.
    child("hnsw_data.py", OUT, n, n_queries, DIMS, seed)
    res = {"versions": versions}
    paths = measure(extension, OUT, seed, FILTERS, res, baseline)
    keep("synthetic", res)
    report(res, "clustered float32 (a seeded mixture of 100 Gaussians)")
    import hnsw_plot  # matplotlib only now, after the measurements
    hnsw_plot.plot(res, plot_path)
    print("everyday operations ...", file=sys.stderr, flush=True)
    res["app"] = hnsw_app.run(paths, extension, OUT / "base.npy", OUT / "queries.npy", OUT, M, EF_CONSTRUCTION, seed)
    keep("synthetic", res)
    hnsw_app.report(res["app"])
    sys.stdout.flush()
    if fashion:
        print("Fashion-MNIST ...", file=sys.stderr, flush=True)
        fm_out = OUT / "fashion-mnist"
        fm_out.mkdir(exist_ok=True)
        hnsw_fashion.prepare(fm_out)
        fm = {"versions": versions}
        measure(extension, fm_out, seed, [], fm, baseline)
        keep("fashion-mnist", fm)
        report(fm, "Fashion-MNIST (Debian's dataset-fashion-mnist: 60,000 training images as the index, "
               "its 10,000 test images as queries, squared L2 on raw pixels)")
        sys.stdout.flush()
    bench_json.write(OUT / "ratios.json", [r for name, res in results.items() for r in ratios(name, res)])
    # the storage types (f16, i8, bit, rescore) on the first 20,000 rows of each set
    keep("storage", hnsw_storage.run(extension, 20_000, 500, fashion, OUT))
    if large:
        print("1,000,000 x 128 ...", file=sys.stderr, flush=True)
        keep("large", hnsw_large.run(extension, OUT / "large", seed))
        hnsw_large.report(results["large"])


def ratios(data, res):
    """Wall-clock ratios vec_graph / peer (time per build, time per query at equal recall), for bench_json."""
    b, vg_curve, per_query = res["build"], res["curve"][VG], res["curve"][PER_QUERY]
    out = [bench_json.ratio_entry(f"hnsw {data}: build vs hnswlib", b["vec_graph"]["seconds"], b["hnswlib"]["seconds"], "hnswlib")]
    if "vec_graph 0.1.0" in b:
        out.append(bench_json.ratio_entry(f"hnsw {data}: build vs vec_graph 0.1.0", b["vec_graph"]["seconds"],
                                          b["vec_graph 0.1.0"]["seconds"], "vec_graph 0.1.0"))
    for target in (0.95, 0.99):
        v, h = hq.at_recall(vg_curve, target), hq.at_recall(per_query, target)
        if v and h:
            out.append(bench_json.ratio_entry(f"hnsw {data}: query at recall {target} vs hnswlib", 1 / v, 1 / h, "hnswlib"))
        if v:
            out.append(bench_json.ratio_entry(f"hnsw {data}: query at recall {target} vs sqlite-vec vec0", 1 / v,
                                              1 / res["sqlite_vec"]["qps"], "sqlite-vec"))
    return out


def fmt_ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "n/a"


def report(res, data):
    vg_curve, per_query, batch = res["curve"][VG], res["curve"][PER_QUERY], res["curve"][BATCH]
    print(f"\nhnsw_index vs peers: {res['n']:,} x {res['dims']} {data} (seed {res['seed']}), "
          f"{res['queries']:,} queries, k=10, M={res['m']}, ef_construction={res['ef_construction']}, one thread; "
          f"SQLite {res['sqlite']}, kernel {res['kernel']}; "
          + ", ".join(f"{p} {v}" for p, v in res["versions"].items()) + "\n")
    b = res["build"]
    raw = res["raw_vector_bytes"]
    print("| build | seconds | vs hnswlib | file MB | file vs raw vectors | peak RSS MB (added by the build) |")
    print("|---|---|---|---|---|---|")
    for engine, r in b.items():
        added = (r["peak_kib"] - r["peak_before_kib"]) / 1024
        print(f"| {engine} | {r['seconds']:.1f} | {fmt_ratio(r['seconds'], b['hnswlib']['seconds'])} | "
              f"{r['file_bytes'] / 1e6:.1f} | {r['file_bytes'] / raw:.2f}x | {r['peak_kib'] / 1024:.0f} ({added:.0f}) |")
    print(f"\nraw vectors: {raw / 1e6:.1f} MB. Peak RSS is the child's ru_maxrss; in brackets, beyond what it held "
          "after loading Python, numpy and the vectors.\n")
    d = res["default_ef"]
    print(f"recall@10 at the default ef_search (64): {d['recall']:.3f}, {d['qps']:,.0f} QPS through SQL\n")
    print("| ef_search | vec_graph recall | vec_graph QPS | hnswlib recall | hnswlib QPS (per query) | "
          "hnswlib QPS (batch) | vec_graph vs hnswlib per query | vs batch |")
    print("|---|---|---|---|---|---|---|---|")
    for v, h, hb in zip(vg_curve, per_query, batch):
        print(f"| {v['ef']} | {v['recall']:.3f} | {v['qps']:,.0f} | {h['recall']:.3f} | {h['qps']:,.0f} | "
              f"{hb['qps']:,.0f} | {fmt_ratio(v['qps'], h['qps'])} | {fmt_ratio(v['qps'], hb['qps'])} |")
    print("\n| at equal recall | vec_graph QPS | hnswlib per query | hnswlib batch | vs per query | vs batch | "
          "vs sqlite-vec vec0 |")
    print("|---|---|---|---|---|---|---|")
    sv = res["sqlite_vec"]
    for target in (0.95, 0.99):
        v, h, hb = (hq.at_recall(c, target) for c in (vg_curve, per_query, batch))
        print(f"| {target} | {v or 0:,.0f} | {h or 0:,.0f} | {hb or 0:,.0f} | {fmt_ratio(v, h)} | {fmt_ratio(v, hb)} | "
              f"{fmt_ratio(v, sv['qps'])} |")
    print(f"\nsqlite-vec vec0 (brute force, {sv['queries']} queries): {sv['qps']:,.1f} QPS, recall {sv['recall']:.3f}\n")
    if BASELINE in res["curve"]:
        report_baseline(res)
    if not res["filtered"]:
        return
    print("| filter | allowed ids | vec_graph rowid IN recall | QPS | vec_graph allowed BLOB recall | QPS | "
          "hnswlib filter (ef 64) recall | QPS |")
    print("|---|---|---|---|---|---|---|---|")
    for row in res["filtered"] if res["filtered"] else []:
        cells = [f"{row['fraction']:.0%}", f"{row['allowed']:,}"]
        for key in ("vec_graph rowid IN", "vec_graph allowed BLOB", "hnswlib filter, ef 64"):
            r = row[key]
            cells += [f"{r['recall']:.3f}", f"{r['qps']:,.0f}"] if "recall" in r else ["error", "-"]
        print("| " + " | ".join(cells) + " |")


def report_baseline(res):
    """This version against 0.1.0, each as a ratio to hnswlib of the same run (build time, QPS)."""
    b, old = res["build"], res["curve"][BASELINE]
    print("| against hnswlib, same run | vec_graph | vec_graph 0.1.0 | change |")
    print("|---|---|---|---|")
    now, then = b["vec_graph"]["seconds"] / b["hnswlib"]["seconds"], b["vec_graph 0.1.0"]["seconds"] / b["hnswlib"]["seconds"]
    print(f"| build time | {now:.2f}x | {then:.2f}x | {now / then - 1:+.0%} |")
    for target in (0.95, 0.99):
        h, v, o = (hq.at_recall(res["curve"][k], target) for k in (PER_QUERY, VG, BASELINE))
        if h and v and o:
            print(f"| QPS at recall {target} | {v / h:.2f}x | {o / h:.2f}x | {v / o - 1:+.0%} |")
    print("\n| ef_search | vec_graph 0.1.0 recall | QPS | vs hnswlib per query |")
    print("|---|---|---|---|")
    for o, h in zip(old, res["curve"][PER_QUERY]):
        print(f"| {o['ef']} | {o['recall']:.3f} | {o['qps']:,.0f} | {fmt_ratio(o['qps'], h['qps'])} |")
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("extension")
    ap.add_argument("--small", action="store_true", help="20,000 vectors instead of 100,000")
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument("--plot", help="the PNG to write (default: bench/hnsw_recall_qps.png, with --small "
                    "build/bench/hnsw/recall_qps_small.png)")
    ap.add_argument("--no-fashion", action="store_true", help="skip the Fashion-MNIST run")
    ap.add_argument("--large", action="store_true", help="also 1,000,000 x 128 (first query, a 64 MB budget)")
    ap.add_argument("--baseline", help="vec_graph 0.1.0's extension, built and queried beside this one")
    a = ap.parse_args()
    plot = a.plot or (str(OUT / "recall_qps_small.png") if a.small else "bench/hnsw_recall_qps.png")
    run(a.extension, 20_000 if a.small else 100_000, 1_000, a.seed, plot, not a.no_fashion, a.large, a.baseline)


if __name__ == "__main__":
    main()
