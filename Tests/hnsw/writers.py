#!/usr/bin/env python3
"""hnsw_index with concurrent writers: two processes write one index in one WAL database file at the
same time (busy_timeout, BEGIN IMMEDIATE), each on its own rows (odd and even rowids), with inserts,
upserts, vector updates and deletes in transactions of 1 to 20 statements, some rolled back, and a
checkpoint every 25 transactions. Each writes the same change to a plain table `truth` in the same
transaction, and keeps what it committed. A third process queries alongside them: in each read
transaction (one snapshot) its exact top-5 equals a brute-force top-5 over `truth`, and the graph's
top-5 holds only rows of `truth`, in order, with their true distances, and min(5, rows) of them.
Afterwards, in a fresh process:
  - 'integrity-check' and PRAGMA integrity_check pass;
  - the index holds exactly the rows both processes committed, each with its last committed vector;
  - every row is its own nearest neighbour at k = 1, by exact = 1 and through the graph;
  - the reader's every query passed, and it saw no error other than busy.

Usage: writers.py EXTENSION   (a Python whose sqlite3 can load extensions, with numpy: the project .venv)
Prints "hnsw writers: N passed, N failed"; exit status 1 on any failure."""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

import numpy as np

DIMS, ROWS_EACH, TXNS, SEED = 16, 600, 200, 20261201


def connect(path, extension):
    db = sqlite3.connect(path, isolation_level=None, timeout=30)
    db.enable_load_extension(True)
    db.load_extension(extension)
    db.execute("PRAGMA busy_timeout = 30000")
    return db


def vector(rng):
    return rng.integers(-8, 9, size=DIMS).astype(np.float32)


def writer(path, extension, parity, out):
    """Writes rows whose rowid % 2 == parity; dumps the committed state {rowid: vector} to out."""
    rng = np.random.default_rng(SEED + parity)
    db = connect(path, extension)
    committed = {}
    ids = [2 * i + parity for i in range(1, ROWS_EACH + 1)]
    for t in range(TXNS):
        pending = dict(committed)
        db.execute("BEGIN IMMEDIATE")
        for _ in range(int(rng.integers(1, 21))):
            rowid = int(rng.choice(ids))
            kind = int(rng.integers(0, 4))
            if kind == 0 or rowid not in pending:
                v = vector(rng)
                db.execute("INSERT OR REPLACE INTO idx(rowid, vector) VALUES (?, ?)", (rowid, v.tobytes()))
                pending[rowid] = v
            elif kind == 1:
                v = vector(rng)
                db.execute("UPDATE idx SET vector = ? WHERE rowid = ?", (v.tobytes(), rowid))
                pending[rowid] = v
            else:
                db.execute("DELETE FROM idx WHERE rowid = ?", (rowid,))
                del pending[rowid]
            if rowid in pending:
                db.execute("REPLACE INTO truth VALUES (?, ?)", (rowid, pending[rowid].tobytes()))
            else:
                db.execute("DELETE FROM truth WHERE rowid = ?", (rowid,))
        if t % 10 == 9:
            db.execute("ROLLBACK")
        else:
            db.execute("COMMIT")
            committed = pending
        if t % 25 == 24:
            db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    db.close()
    with open(out, "w") as f:
        json.dump({str(k): v.tolist() for k, v in committed.items()}, f)


def snapshot_problems(db, q):
    """One read transaction's checks of exact and graph top-5 against brute force over `truth`."""
    truth = db.execute("SELECT rowid, vector FROM truth").fetchall()
    ids = np.array([r for r, _ in truth], dtype=np.int64)
    d = (((np.stack([np.frombuffer(v, dtype=np.float32) for _, v in truth]) - q) ** 2).sum(axis=1)
         if truth else np.zeros(0))  # squared l2, hnsw_index's l2
    true_d = dict(zip(ids.tolist(), d.tolist()))
    want = min(5, len(truth))
    problems = []
    for mode, extra in (("exact", " AND exact = 1"), ("graph", "")):
        hits = db.execute(f"SELECT rowid, distance FROM idx WHERE vector MATCH ? AND k = 5{extra}",
                          (q.tobytes(),)).fetchall()
        dist = [x for _, x in hits]
        if len(hits) != want:
            problems.append(f"{mode}: {len(hits)} rows for {want} live")
        if any(r not in true_d or not np.isclose(x, true_d[r], rtol=1e-5, atol=1e-5) for r, x in hits):
            problems.append(f"{mode}: a row not in truth or with a wrong distance: {hits}")
        if dist != sorted(dist):
            problems.append(f"{mode}: not in order: {hits}")
        if mode == "exact" and not np.allclose(dist, np.sort(d)[:want], rtol=1e-5, atol=1e-5):
            problems.append(f"exact: {dist} is not the brute-force top {want}: {np.sort(d)[:want].tolist()}")
    return problems


def reader(path, extension, seconds, out):
    """Queries while the writers run; each query checked against its own snapshot of `truth`."""
    rng = np.random.default_rng(SEED + 7)
    db = connect(path, extension)
    end, queries, problems = time.monotonic() + seconds, 0, []
    while time.monotonic() < end and not problems:
        try:
            db.execute("BEGIN")
            found = snapshot_problems(db, vector(rng))
            db.execute("COMMIT")
            problems += found
            queries += 1
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) and "busy" not in str(e):
                problems.append(str(e))
            if db.in_transaction:
                db.execute("ROLLBACK")
    db.close()
    with open(out, "w") as f:
        json.dump({"queries": queries, "problems": problems}, f)


def main():
    if len(sys.argv) > 2:  # a child: writer PARITY or reader
        role, path, extension, out = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
        if role == "reader":
            reader(path, extension, float(sys.argv[5]), out)
        else:
            writer(path, extension, int(role), out)
        return 0
    extension = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/vec_graph")
    counts = {"passed": 0, "failed": 0}

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        counts["passed" if ok else "failed"] += 1

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "writers.db")
        db = connect(path, extension)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute(f"CREATE VIRTUAL TABLE idx USING hnsw_index(dimensions={DIMS}, m=8, ef_construction=64)")
        db.execute("CREATE TABLE truth(rowid INTEGER PRIMARY KEY, vector BLOB)")
        db.close()
        me = os.path.abspath(__file__)
        outs = [os.path.join(tmp, f"{name}.json") for name in ("w0", "w1", "r")]
        started = time.monotonic()
        children = [subprocess.Popen([sys.executable, me, str(p), path, extension, outs[p]]) for p in (0, 1)]
        children.append(subprocess.Popen([sys.executable, me, "reader", path, extension, outs[2], "5"]))
        codes = [c.wait() for c in children]
        check(codes == [0, 0, 0], f"both writers and the reader finished ({codes}, {time.monotonic() - started:.1f} s)")
        if codes != [0, 0, 0]:
            print(f"hnsw writers: {counts['passed']} passed, {counts['failed']} failed")
            return 1
        want = {}
        for out in outs[:2]:
            with open(out) as f:
                want.update({int(k): np.array(v, dtype=np.float32) for k, v in json.load(f).items()})
        with open(outs[2]) as f:
            r = json.load(f)
        check(r["queries"] > 0 and not r["problems"],
              f"a reader alongside them: {r['queries']} queries, each equal to brute force over its snapshot; "
              f"problems: {r['problems'][:1] or 'none'}")
        db = connect(path, extension)
        db.execute("INSERT INTO idx(idx) VALUES ('integrity-check')")
        check(True, "'integrity-check' passes")
        ok = db.execute("PRAGMA integrity_check").fetchall()
        check(ok == [("ok",)], f"PRAGMA integrity_check: {ok[:2]}")
        have = {rowid: np.frombuffer(v, dtype=np.float32) for rowid, v in db.execute("SELECT rowid, vector FROM idx")}
        same = set(have) == set(want) and all(np.array_equal(have[k], want[k]) for k in want)
        check(same, f"the index holds exactly the {len(want)} committed rows with their last vectors "
                    f"({len(have)} held, {len(set(have) ^ set(want))} differ in rowid)")
        ids = sorted(want)
        matrix = np.stack([want[k] for k in ids])
        lost = {"exact": [], "graph": []}
        for rowid in ids:
            d = ((matrix - want[rowid]) ** 2).sum(axis=1)
            if np.count_nonzero(d == 0) > 1:
                continue  # a duplicate vector: either row is its nearest
            for mode, extra in (("exact", " AND exact = 1"), ("graph", "")):
                got = db.execute(f"SELECT rowid FROM idx WHERE vector MATCH ? AND k = 1{extra}",
                                 (want[rowid].tobytes(),)).fetchall()
                if got != [(rowid,)]:
                    lost[mode].append(rowid)
        for mode in ("exact", "graph"):
            check(not lost[mode], f"every row is its own nearest neighbour ({mode}): {len(lost[mode])} not")
        db.close()
    print(f"hnsw writers: {counts['passed']} passed, {counts['failed']} failed")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
