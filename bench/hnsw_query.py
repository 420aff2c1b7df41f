"""The HNSW benchmark's query runners: each runs a list of query vectors one at a time on one thread
and returns (queries per second, the ids found), best of `repeat` timed passes.
vec_graph and sqlite-vec go through SQL (Python's sqlite3, the statement prepared once and reused);
hnswlib through its Python binding, one knn_query call per query, or one call for the whole batch."""
import sqlite3
import time

import numpy as np

K = 10


def best_of(repeat, run_all):
    """(queries per second of the fastest pass, the result of the last pass)."""
    best, found = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        found, count = run_all()
        best = min(best, time.perf_counter() - start)
    return count / best, found


def connect(path, extension=None):
    db = sqlite3.connect(path, isolation_level=None)
    db.enable_load_extension(True)
    if extension:
        db.load_extension(extension)
    else:
        import sqlite_vec
        sqlite_vec.load(db)
    db.enable_load_extension(False)
    return db


def sql_runner(db, sql, queries, extra=()):
    """Runs sql (a KNN query with the vector as first parameter) once per query."""
    blobs = [q.tobytes() for q in queries]
    params = tuple(extra)

    def run_all():
        return [[r[0] for r in db.execute(sql, (b,) + params)] for b in blobs], len(blobs)
    return run_all


def vec_graph_knn(db, queries, ef=None, repeat=3):
    if ef is None:
        sql = f"SELECT rowid FROM idx WHERE vector MATCH ? AND k = {K}"
        return best_of(repeat, sql_runner(db, sql, queries))
    sql = f"SELECT rowid FROM idx WHERE vector MATCH ? AND k = {K} AND ef_search = ?"
    return best_of(repeat, sql_runner(db, sql, queries, (ef,)))


def vec_graph_filtered_in(db, queries, repeat=3):
    """rowid IN (SELECT id FROM allowed): the temp table `allowed` holds the allowed ids."""
    sql = f"SELECT rowid FROM idx WHERE vector MATCH ? AND k = {K} AND rowid IN (SELECT id FROM temp.allowed)"
    return best_of(repeat, sql_runner(db, sql, queries))


def vec_graph_filtered_blob(db, queries, ids, repeat=3):
    """allowed = ?: the allowed ids as one BLOB of little-endian int64."""
    sql = f"SELECT rowid FROM idx WHERE vector MATCH ? AND k = {K} AND allowed = ?"
    return best_of(repeat, sql_runner(db, sql, queries, (np.asarray(ids, dtype="<i8").tobytes(),)))


def sqlite_vec_knn(db, queries, repeat=1):
    sql = f"SELECT rowid FROM idx WHERE vector MATCH ? AND k = {K}"
    return best_of(repeat, sql_runner(db, sql, queries))


def hnswlib_knn(index, queries, ef, repeat=3, batch=False, allowed=None):
    index.set_ef(ef)
    if batch:
        def run_all():
            labels, _ = index.knn_query(queries, k=K, num_threads=1)
            return labels.tolist(), len(queries)
    else:
        keep = allowed.__contains__ if allowed is not None else None

        def run_all():
            return [index.knn_query(q, k=K, num_threads=1, filter=keep)[0][0].tolist() for q in queries], len(queries)
    return best_of(repeat, run_all)


def at_recall(curve, target):
    """QPS at recall `target`, interpolated (log QPS, linear recall) between the two ef points around it;
    the lowest ef's QPS when that one already reaches it; None when the curve never does."""
    pts = sorted((p["recall"], p["qps"]) for p in curve)
    if pts[0][0] >= target:
        return pts[0][1]
    for (r0, q0), (r1, q1) in zip(pts, pts[1:]):
        if r0 < target <= r1:
            t = (target - r0) / (r1 - r0) if r1 > r0 else 1.0
            return float(np.exp(np.log(q0) + t * (np.log(q1) - np.log(q0))))
    return None
