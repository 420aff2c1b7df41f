#!/usr/bin/env python3
"""hnsw_index under churn, against a fresh build of the same rows. 20,000 float32 vectors of 32
dimensions from a seeded mixture of 100 Gaussians, M=16, default ef_construction and ef_search; then
20% of the rows are deleted and another 20% updated to new vectors from the same mixture, in
transactions of 100. Two mixtures: overlapping clusters (spread 2.0, where a fresh build's recall@10
is about 0.95) and separated ones (spread 1.0, where a fresh build finds every row as its own nearest
neighbour, which the test checks first). Checks, with numpy brute force as the oracle:
  - recall@10 at the default ef_search stays within 0.02 of a fresh build over the same live rows,
    after the churn and after 'optimize';
  - searches return only live rows, k of them;
  - every live row is its own nearest neighbour at k = 1 (all of them, through the graph);
  - after 'optimize' and VACUUM the file is within 1.2x of the fresh build's.

Usage: churn.py EXTENSION   (a Python whose sqlite3 can load extensions, with numpy: the project .venv)
Prints "hnsw churn: N passed, N failed"; exit status 1 on any failure."""
import os
import sqlite3
import sys
import tempfile

import numpy as np

N, DIMS, K, QUERIES, BATCH = 20000, 32, 10, 1000, 100
SEED = 20261201


def clustered(rng, centers, spread, n):
    """n points of the mixture of Gaussians of standard deviation spread around centers."""
    return (centers[rng.integers(0, len(centers), n)] + spread * rng.normal(size=(n, DIMS))).astype(np.float32)


def connect(path, extension):
    db = sqlite3.connect(path, isolation_level=None)
    db.enable_load_extension(True)
    db.load_extension(extension)
    return db


def build(path, extension, ids, vectors):
    db = connect(path, extension)
    db.execute(f"CREATE VIRTUAL TABLE idx USING hnsw_index(dimensions={DIMS}, m=16)")
    db.execute("BEGIN")
    db.executemany("INSERT INTO idx(rowid, vector) VALUES (?, ?)",
                   ((int(i), v.tobytes()) for i, v in zip(ids, vectors)))
    db.execute("COMMIT")
    return db


def search(db, q, k):
    return [r for (r,) in db.execute("SELECT rowid FROM idx WHERE vector MATCH ? AND k = ?", (q.tobytes(), k))]


def recall(db, queries, truth):
    hits = sum(len(set(search(db, q, K)) & set(want.tolist())) for q, want in zip(queries, truth))
    return hits / (len(queries) * K)


def self_lost(db, ids, vectors):
    """The rows not found as their own nearest neighbour at k = 1."""
    return [int(r) for r in ids if search(db, vectors[r - 1], 1)[:1] != [r]]


def churn(db, rng, centers, spread, vectors):
    """Deletes 20% of the rows and updates another 20%; returns the live rowids."""
    order = rng.permutation(N) + 1
    deleted, updated = order[: N // 5], order[N // 5: 2 * N // 5]
    ops = [("delete", int(r)) for r in deleted] + [("update", int(r)) for r in updated]
    ops = [ops[i] for i in rng.permutation(len(ops))]
    for start in range(0, len(ops), BATCH):
        db.execute("BEGIN")
        for kind, r in ops[start:start + BATCH]:
            if kind == "delete":
                db.execute("DELETE FROM idx WHERE rowid = ?", (r,))
            else:
                vectors[r - 1] = clustered(rng, centers, spread, 1)[0]
                db.execute("UPDATE idx SET vector = ? WHERE rowid = ?", (vectors[r - 1].tobytes(), r))
        db.execute("COMMIT")
    return np.setdiff1d(np.arange(1, N + 1), deleted)


def run(extension, spread, check):
    rng = np.random.default_rng(SEED)
    centers = rng.normal(size=(100, DIMS)).astype(np.float32)
    vectors = clustered(rng, centers, spread, N)
    queries = clustered(rng, centers, spread, QUERIES)
    with tempfile.TemporaryDirectory() as tmp:
        db = build(os.path.join(tmp, "churned.db"), extension, range(1, N + 1), vectors)
        live = churn(db, rng, centers, spread, vectors)
        live_vectors = vectors[live - 1]
        d = ((queries[:, None, :] - live_vectors[None, :, :]) ** 2).sum(-1)
        truth = live[np.argsort(d, axis=1)[:, :K]]
        fresh = build(os.path.join(tmp, "fresh.db"), extension, live, live_vectors)
        name = f"spread {spread}"
        r_churned, r_fresh = recall(db, queries, truth), recall(fresh, queries, truth)
        check(r_churned >= r_fresh - 0.02,
              f"{name}: recall@{K} at the default ef_search: {r_churned:.3f} after churn, {r_fresh:.3f} fresh")
        live_set, wrong = set(live.tolist()), 0
        for q in queries[:200]:
            hits = search(db, q, K)
            wrong += len(hits) != K or any(h not in live_set for h in hits)
        check(wrong == 0, f"{name}: searches return {K} live rows each ({wrong} of 200 did not)")
        if spread <= 1.0:
            fresh_lost = self_lost(fresh, live, vectors)
            check(not fresh_lost, f"{name}: a fresh build finds every row as its own nearest neighbour "
                                  f"({len(fresh_lost)} not), so the data can show what churn loses")
            lost = self_lost(db, live, vectors)
            check(not lost, f"{name}: after churn, every one of the {len(live)} live rows is its own nearest "
                            f"neighbour at k = 1 ({len(lost)} are not{': ' + str(lost[:10]) if lost else ''})")
        db.execute("INSERT INTO idx(idx) VALUES ('optimize')")
        db.execute("INSERT INTO idx(idx) VALUES ('integrity-check')")
        r_optimized = recall(db, queries, truth)
        check(r_optimized >= r_fresh - 0.02, f"{name}: recall@{K} after optimize: {r_optimized:.3f}")
        db.execute("VACUUM")
        fresh.execute("VACUUM")
        ratio = os.path.getsize(os.path.join(tmp, "churned.db")) / os.path.getsize(os.path.join(tmp, "fresh.db"))
        check(ratio <= 1.2, f"{name}: after optimize and VACUUM the file is {ratio:.2f}x the fresh build's")
        db.close()
        fresh.close()


def main():
    extension = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/vec_graph")
    counts = {"passed": 0, "failed": 0}

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        counts["passed" if ok else "failed"] += 1

    for spread in (2.0, 1.0):
        run(extension, spread, check)
    print(f"hnsw churn: {counts['passed']} passed, {counts['failed']} failed")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
