"""The HNSW benchmark's everyday operations, side by side with hnswlib and sqlite-vec's vec0 on the
benchmark's own data and indexes (bench/hnsw_bench.py builds them first):
  first_query  a new process opens the index and answers one k=10 query (vec_graph: connect, load,
               query; hnswlib: load_index, query; vec0: connect, query), median of several processes
  writes       insert, delete and update of one row in its own transaction, and 1,000 deletes in one
               (hnswlib: add_items, mark_deleted, add_items over an existing label)
  churn        20% of the rows deleted and 20% updated (transactions of 100); recall@10 against a
               fresh build of the same rows, for vec_graph and hnswlib
  exact        the exact top 10 (vec_graph exact = 1, vec0) against the floor: numpy reading the same
               vectors once
  memory       what 1 and 8 connections of one process hold after the same queries (RSS added)
  threads      4 reader threads and 1 writer thread, each with its own connection, WAL, 5 seconds
Each step runs in a child process where memory or a cold start matters (hnsw_app.py CHILD ...)."""
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hnsw_data  # noqa: E402
import hnsw_query as hq  # noqa: E402

FIRST_QUERY_PROCESSES = 7
WRITES = 200


def child(*args):
    """Runs this file as a child process (one thread for BLAS) and returns its JSON line."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, __file__] + [str(a) for a in args], check=True, capture_output=True,
                          text=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


# ---- children ----

def first_query(engine, path, extension, queries_path, i):
    q = np.load(queries_path)[int(i)]
    start = time.perf_counter()
    if engine == "hnswlib":
        import hnswlib
        index = hnswlib.Index(space="l2", dim=len(q))
        index.load_index(path)
        opened = time.perf_counter()
        index.knn_query(q, k=hq.K)
    else:
        db = hq.connect(path, extension if engine == "vec_graph" else None)
        opened = time.perf_counter()
        db.execute(f"SELECT rowid FROM idx WHERE vector MATCH ? AND k = {hq.K}", (q.tobytes(),)).fetchall()
    end = time.perf_counter()
    return {"open_ms": (opened - start) * 1e3, "query_ms": (end - opened) * 1e3, "total_ms": (end - start) * 1e3}


def memory(path, extension, queries_path):
    queries = np.load(queries_path)[:300]
    before = rss_kib()
    conns = [hq.connect(path, extension)]
    for q in queries:
        conns[0].execute(f"SELECT rowid FROM idx WHERE vector MATCH ? AND k = {hq.K}", (q.tobytes(),)).fetchall()
    one = rss_kib()
    for _ in range(7):
        c = hq.connect(path, extension)
        for q in queries:
            c.execute(f"SELECT rowid FROM idx WHERE vector MATCH ? AND k = {hq.K}", (q.tobytes(),)).fetchall()
        conns.append(c)
    eight = rss_kib()
    return {"one_mb": (one - before) / 1024, "eight_mb": (eight - before) / 1024}


# ---- the measurements ----

def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def run_first_query(paths, extension, queries_path):
    out = {}
    for engine, path in paths.items():
        runs = [child("first_query", engine, path, extension, queries_path, i) for i in range(FIRST_QUERY_PROCESSES)]
        out[engine] = {k: median([r[k] for r in runs]) for k in runs[0]}
    return out


def timed(n, fn):
    start = time.perf_counter()
    for i in range(n):
        fn(i)
    return (time.perf_counter() - start) / n * 1e3


def run_writes(paths, extension, base, work):
    """ms per row; on copies of the indexes."""
    dims = base.shape[1]
    fresh = (base[:WRITES] + 0.05).astype(np.float32)
    moved = (base[WRITES:2 * WRITES] * 0.97).astype(np.float32)
    out = {}
    for engine in ("vec_graph", "sqlite-vec"):
        copy = work / f"writes_{engine}.db"
        shutil.copy(paths[engine], copy)
        db = hq.connect(str(copy), extension if engine == "vec_graph" else None)
        db.execute(f"SELECT rowid FROM idx WHERE vector MATCH ? AND k = {hq.K}", (base[0].tobytes(),)).fetchall()
        n = len(base)
        r = {"insert": timed(WRITES, lambda i: db.execute("INSERT INTO idx(rowid, vector) VALUES (?, ?)",
                                                           (n + 1 + i, fresh[i].tobytes()))),
             "delete": timed(WRITES, lambda i: db.execute("DELETE FROM idx WHERE rowid = ?", (1 + i,))),
             "update": timed(WRITES, lambda i: db.execute("UPDATE idx SET vector = ? WHERE rowid = ?",
                                                           (moved[i].tobytes(), WRITES + 1 + i)))}
        start = time.perf_counter()
        db.execute("BEGIN")
        for i in range(1000):
            db.execute("DELETE FROM idx WHERE rowid = ?", (10 * WRITES + i,))
        db.execute("COMMIT")
        r["delete_1000_in_one_s"] = time.perf_counter() - start
        db.close()
        out[engine] = r
    import hnswlib
    index = hnswlib.Index(space="l2", dim=dims)
    index.load_index(str(paths["hnswlib"]), max_elements=len(base) + 2 * WRITES, allow_replace_deleted=False)
    index.set_num_threads(1)
    n = len(base)
    r = {"insert": timed(WRITES, lambda i: index.add_items(fresh[i:i + 1], [n + 1 + i], num_threads=1)),
         "delete": timed(WRITES, lambda i: index.mark_deleted(1 + i)),
         "update": timed(WRITES, lambda i: index.add_items(moved[i:i + 1], [WRITES + 1 + i], num_threads=1))}
    start = time.perf_counter()
    for i in range(1000):
        index.mark_deleted(10 * WRITES + i)
    r["delete_1000_in_one_s"] = time.perf_counter() - start
    out["hnswlib"] = r
    return out


def run_churn(paths, extension, base, queries, work, m, efc, seed):
    """Churns copies of the vec_graph and hnswlib indexes the same way; recall against fresh builds."""
    import hnswlib
    rng = np.random.default_rng(seed + 7)
    n = len(base)
    order = rng.permutation(n) + 1
    deleted, updated = order[: n // 5], order[n // 5: 2 * n // 5]
    vectors = base.copy()
    replacement, _ = hnsw_data.mixture(len(updated), 0, base.shape[1], seed + 8)
    vectors[updated - 1] = replacement
    ops = [("delete", int(r)) for r in deleted] + [("update", int(r)) for r in updated]
    ops = [ops[i] for i in rng.permutation(len(ops))]
    live = np.setdiff1d(np.arange(1, n + 1), deleted)
    truth = hnsw_data.exact_knn(vectors, queries, hq.K, live)
    out = {}

    copy = work / "churn_vec_graph.db"
    shutil.copy(paths["vec_graph"], copy)
    db = hq.connect(str(copy), extension)
    start = time.perf_counter()
    for at in range(0, len(ops), 100):
        db.execute("BEGIN")
        for kind, r in ops[at:at + 100]:
            if kind == "delete":
                db.execute("DELETE FROM idx WHERE rowid = ?", (r,))
            else:
                db.execute("UPDATE idx SET vector = ? WHERE rowid = ?", (vectors[r - 1].tobytes(), r))
        db.execute("COMMIT")
    seconds = time.perf_counter() - start
    _, found = hq.vec_graph_knn(db, queries, repeat=1)
    fresh_path = work / "churn_fresh.db"
    if fresh_path.exists():
        fresh_path.unlink()
    fresh = hq.connect(str(fresh_path), extension)
    fresh.execute(f"CREATE VIRTUAL TABLE idx USING hnsw_index(dimensions={base.shape[1]}, m={m}, ef_construction={efc})")
    fresh.execute("BEGIN")
    fresh.executemany("INSERT INTO idx(rowid, vector) VALUES (?, ?)", ((int(r), vectors[r - 1].tobytes()) for r in live))
    fresh.execute("COMMIT")
    _, fresh_found = hq.vec_graph_knn(fresh, queries, repeat=1)
    out["vec_graph"] = {"churn_s": seconds, "recall": hnsw_data.recall(found, truth),
                        "fresh_recall": hnsw_data.recall(fresh_found, truth)}

    index = hnswlib.Index(space="l2", dim=base.shape[1])
    index.load_index(str(paths["hnswlib"]), max_elements=n)
    index.set_num_threads(1)
    start = time.perf_counter()
    for kind, r in ops:
        if kind == "delete":
            index.mark_deleted(r)
        else:
            index.add_items(vectors[r - 1:r], [r], num_threads=1)
    seconds = time.perf_counter() - start
    _, found = hq.hnswlib_knn(index, queries, 64, repeat=1)
    fresh_index = hnswlib.Index(space="l2", dim=base.shape[1])
    fresh_index.init_index(max_elements=len(live), M=m, ef_construction=efc, random_seed=seed)
    fresh_index.add_items(vectors[live - 1], live, num_threads=1)
    _, fresh_found = hq.hnswlib_knn(fresh_index, queries, 64, repeat=1)
    out["hnswlib"] = {"churn_s": seconds, "recall": hnsw_data.recall(found, truth),
                      "fresh_recall": hnsw_data.recall(fresh_found, truth)}
    return out


def run_exact(paths, extension, base, queries):
    vg = hq.connect(str(paths["vec_graph"]), extension)
    sql = f"SELECT rowid FROM idx WHERE vector MATCH ? AND k = {hq.K} AND exact = 1"
    start = time.perf_counter()
    vg.execute(sql, (queries[0].tobytes(),)).fetchall()
    first_ms = (time.perf_counter() - start) * 1e3
    qps, found = hq.best_of(3, hq.sql_runner(vg, sql, queries[:200]))
    sv = hq.connect(str(paths["sqlite-vec"]))
    sv_qps, sv_found = hq.sqlite_vec_knn(sv, queries[:100], repeat=2)
    # the floor: reading every vector once, as numpy's single-thread matrix-vector product and sum do
    floor = float("inf")
    for _ in range(5):
        for q in queries[:20]:
            start = time.perf_counter()
            base @ q
            floor = min(floor, time.perf_counter() - start)
            start = time.perf_counter()
            base.sum()
            floor = min(floor, time.perf_counter() - start)
    truth = hnsw_data.exact_knn(base, queries[:200], hq.K)
    return {"first_ms": first_ms, "ms": 1e3 / qps, "recall": hnsw_data.recall(found, truth),
            "sqlite_vec_ms": 1e3 / sv_qps, "sqlite_vec_recall": hnsw_data.recall(sv_found, truth[:100]),
            "floor_ms": floor * 1e3, "bytes": base.nbytes}


def run_threads(paths, extension, base, queries, work, seconds=5.0):
    copy = work / "threads.db"
    shutil.copy(paths["vec_graph"], copy)
    db = hq.connect(str(copy), extension)
    db.execute("PRAGMA journal_mode = WAL")
    db.close()
    counts = {"queries": 0, "commits": 0, "errors": 0}
    lock = threading.Lock()
    end = time.perf_counter() + seconds

    def reader(k):
        c = sqlite3.connect(str(copy), isolation_level=None, timeout=30, check_same_thread=False)
        c.enable_load_extension(True)
        c.load_extension(extension)
        i = k
        while time.perf_counter() < end:
            c.execute(f"SELECT rowid FROM idx WHERE vector MATCH ? AND k = {hq.K}",
                      (queries[i % len(queries)].tobytes(),)).fetchall()
            i += 4
            with lock:
                counts["queries"] += 1

    def writer():
        c = sqlite3.connect(str(copy), isolation_level=None, timeout=30, check_same_thread=False)
        c.enable_load_extension(True)
        c.load_extension(extension)
        rng = np.random.default_rng(3)
        n = len(base)
        while time.perf_counter() < end:
            c.execute("BEGIN IMMEDIATE")
            for _ in range(5):
                r = int(rng.integers(1, n + 1))
                c.execute("INSERT OR REPLACE INTO idx(rowid, vector) VALUES (?, ?)", (r, (base[r - 1] * 0.99).tobytes()))
            c.execute("COMMIT")
            with lock:
                counts["commits"] += 1

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(4)] + [threading.Thread(target=writer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"seconds": seconds, **counts}


def run(paths, extension, base_path, queries_path, work, m, efc, seed):
    base, queries = np.load(base_path), np.load(queries_path)
    res = {}
    print("  first query of a new process ...", file=sys.stderr, flush=True)
    res["first_query"] = run_first_query(paths, extension, queries_path)
    print("  writes ...", file=sys.stderr, flush=True)
    res["writes"] = run_writes(paths, extension, base, work)
    print("  exact search ...", file=sys.stderr, flush=True)
    res["exact"] = run_exact(paths, extension, base, queries)
    print("  memory of 1 and 8 connections ...", file=sys.stderr, flush=True)
    res["memory"] = child("memory", paths["vec_graph"], extension, queries_path)
    print("  4 readers and 1 writer ...", file=sys.stderr, flush=True)
    res["threads"] = run_threads(paths, extension, base, queries, work)
    print("  churn ...", file=sys.stderr, flush=True)
    res["churn"] = run_churn(paths, extension, base, queries, work, m, efc, seed)
    return res


def report(res):
    fq = res["first_query"]
    print("\n| a new process's first k=10 query | open ms | query ms | total ms |")
    print("|---|---|---|---|")
    labels = {"vec_graph": "vec_graph (connect, load, query)", "hnswlib": "hnswlib (load_index, query)",
              "sqlite-vec": "sqlite-vec vec0 (connect, query)"}
    for engine, r in fq.items():
        print(f"| {labels[engine]} | {r['open_ms']:.1f} | {r['query_ms']:.1f} | {r['total_ms']:.1f} |")
    w = res["writes"]
    print("\n| one row, own transaction (ms) | vec_graph | hnswlib | sqlite-vec vec0 |")
    print("|---|---|---|---|")
    for op in ("insert", "delete", "update"):
        print(f"| {op} | {w['vec_graph'][op]:.2f} | {w['hnswlib'][op]:.3f} | {w['sqlite-vec'][op]:.2f} |")
    print(f"| 1,000 deletes in one transaction (s) | {w['vec_graph']['delete_1000_in_one_s']:.3f} | "
          f"{w['hnswlib']['delete_1000_in_one_s']:.3f} | {w['sqlite-vec']['delete_1000_in_one_s']:.3f} |")
    print(f"\ndelete / insert: {w['vec_graph']['delete'] / w['vec_graph']['insert']:.2f}, "
          f"update / insert: {w['vec_graph']['update'] / w['vec_graph']['insert']:.2f}")
    c = res["churn"]
    print("\n| churn: 20% deleted, 20% updated | recall@10 after | fresh build | difference | churn seconds |")
    print("|---|---|---|---|---|")
    for engine, r in c.items():
        print(f"| {engine} (ef 64) | {r['recall']:.3f} | {r['fresh_recall']:.3f} | {r['recall'] - r['fresh_recall']:+.3f} | "
              f"{r['churn_s']:.1f} |")
    e = res["exact"]
    print(f"\n| exact top 10, {e['bytes'] / 1e6:.0f} MB of vectors | ms per query | vs floor | recall |")
    print("|---|---|---|---|")
    print(f"| vec_graph exact = 1 | {e['ms']:.2f} | {e['ms'] / e['floor_ms']:.2f}x | {e['recall']:.3f} |")
    print(f"| sqlite-vec vec0 | {e['sqlite_vec_ms']:.2f} | {e['sqlite_vec_ms'] / e['floor_ms']:.2f}x | "
          f"{e['sqlite_vec_recall']:.3f} |")
    print(f"| floor: numpy reads the vectors once | {e['floor_ms']:.2f} | 1.00x | |")
    print(f"\nvec_graph exact is {e['sqlite_vec_ms'] / e['ms']:.1f}x faster than vec0; its first exact query "
          f"(which copies the vectors into the flat array) took {e['first_ms']:.0f} ms.")
    mem = res["memory"]
    print(f"\nmemory added by connections of one process after 300 queries each: 1 connection "
          f"{mem['one_mb']:.0f} MB, 8 connections {mem['eight_mb']:.0f} MB")
    t = res["threads"]
    print(f"\n4 reader threads and 1 writer thread, own connections, WAL, {t['seconds']:.0f} s: {t['queries']:,} queries "
          f"({t['queries'] / t['seconds']:,.0f} per second), {t['commits']:,} commits of 5 upserts")


if __name__ == "__main__":
    kind, args = sys.argv[1], sys.argv[2:]
    result = {"first_query": first_query, "memory": memory}[kind](*args)
    print(json.dumps(result))
