#!/usr/bin/env python3
"""node2vec_train end to end through SQLite: on a seeded planted-partition graph (4 communities),
5-nearest-neighbour classification through the hnsw_index recovers the communities (accuracy >= 0.9),
with INTEGER and with TEXT node ids; the same call writes byte-identical vectors; and a call stopped
by sqlite3_interrupt (from another thread, mid-training) or by a progress handler (a time limit that
ends training; a step count reached at several points, most of them while writing) fails with "interrupted" and leaves the output index as it was.

Usage: python3 Tests/node2vec/quality.py [path/to/vec_graph]
(a Python whose sqlite3 module can load extensions, e.g. Debian's /usr/bin/python3).
Prints "node2vec quality: N passed, N failed"; exit status 1 on any failure."""
import random
import sqlite3
import sys
import threading
import time
from collections import Counter

SEED = 20261126
COMMUNITIES, SIZE, P_IN, P_OUT = 4, 60, 0.2, 0.01
TRAIN = "SELECT node2vec_train(?, 'src', 'dst', ?, 32, 1, 0.5, 10, 30, 5, 5, 0.025, 1, 7)"
results = {"passed": 0, "failed": 0}


def check(ok, what):
    results["passed" if ok else "failed"] += 1
    print(("ok    " if ok else "FAIL  ") + what, flush=True)


def connect(extension):
    db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    db.enable_load_extension(True)
    db.load_extension(extension)
    db.enable_load_extension(False)
    return db


def planted_partition(rng, communities, size, p_in, p_out):
    n = communities * size
    return [(u, v) for u in range(n) for v in range(u + 1, n)
            if rng.random() < (p_in if u // size == v // size else p_out)]


def knn_accuracy(db, index, community_of, k=5):
    """Majority vote of each node's k nearest other nodes through the index."""
    vectors = dict(db.execute(f"SELECT rowid, vector FROM {index}"))
    correct = 0
    for rowid, vector in vectors.items():
        hits = db.execute(f"SELECT rowid FROM {index} WHERE vector MATCH ? AND k = ?", (vector, k + 1)).fetchall()
        votes = Counter(community_of[r] for (r,) in hits if r != rowid).most_common()
        correct += votes[0][0] == community_of[rowid]
    return correct / len(vectors)


def snapshot(db, index):
    return db.execute(f"SELECT rowid, vector FROM {index} ORDER BY rowid").fetchall()


def test_quality(extension):
    db = connect(extension)
    edges = planted_partition(random.Random(SEED), COMMUNITIES, SIZE, P_IN, P_OUT)
    db.execute("CREATE TABLE edges(src INTEGER, dst INTEGER)")
    db.executemany("INSERT INTO edges VALUES (?, ?)", edges)
    db.execute("CREATE TABLE named(src TEXT, dst TEXT)")
    db.executemany("INSERT INTO named VALUES (?, ?)", ((f"n{u}", f"n{v}") for u, v in edges))
    for name in ("emb", "again", "byname"):
        db.execute(f"CREATE VIRTUAL TABLE {name} USING hnsw_index(dimensions=32, metric='cosine')")
    n = COMMUNITIES * SIZE
    check(db.execute(TRAIN, ("edges", "emb")).fetchone()[0] == n, f"{n} nodes embedded")
    accuracy = knn_accuracy(db, "emb", {u: u // SIZE for u in range(n)})
    check(accuracy >= 0.9, f"5-NN community accuracy through hnsw_index {accuracy:.3f} >= 0.9 (INTEGER ids)")
    db.execute(TRAIN, ("edges", "again"))
    check(snapshot(db, "emb") == snapshot(db, "again"), "same call, byte-identical vectors")
    db.execute(TRAIN, ("named", "byname"))
    ids = dict(db.execute("SELECT id, node FROM byname_node_ids"))
    check(len(ids) == n, "TEXT ids: one byname_node_ids row per node")
    accuracy = knn_accuracy(db, "byname", {i: int(node[1:]) // SIZE for i, node in ids.items()})
    check(accuracy >= 0.9, f"5-NN community accuracy through hnsw_index {accuracy:.3f} >= 0.9 (TEXT ids)")


def prepared_db(extension, nodes, degree):
    """A random graph and an index already holding two rows (one the graph will want to replace)."""
    db = connect(extension)
    rng = random.Random(SEED)
    db.execute("CREATE TABLE edges(src INTEGER, dst INTEGER)")
    db.executemany("INSERT INTO edges VALUES (?, ?)",
                   ((rng.randrange(nodes), rng.randrange(nodes)) for _ in range(nodes * degree // 2)))
    db.execute("CREATE VIRTUAL TABLE emb USING hnsw_index(dimensions=16)")
    db.execute("INSERT INTO emb(rowid, vector) VALUES (0, '[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]'), "
               "(-5, '[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1]')")
    return db


def call_big(db, epochs):
    return db.execute("SELECT node2vec_train('edges', 'src', 'dst', 'emb', 16, 1, 0.5, 10, 40, 5, 5, 0.025, ?)",
                      (epochs,)).fetchone()[0]


def test_interrupt_thread(extension):
    db = prepared_db(extension, 20000, 8)
    before = snapshot(db, "emb")
    timer = threading.Timer(0.5, db.interrupt)
    timer.start()
    started = time.perf_counter()
    try:
        call_big(db, 50)
        error = None
    except sqlite3.OperationalError as e:
        error = str(e)
    elapsed = time.perf_counter() - started
    timer.join()
    check(error is not None and "interrupted" in error, f"sqlite3_interrupt mid-training: error {error!r}")
    check(elapsed < 5, f"stopped {elapsed - 0.5:.2f} s after the interrupt")
    check(snapshot(db, "emb") == before, "output index unchanged after the interrupt")
    check(db.execute("SELECT count(*) FROM emb").fetchone()[0] == 2 and db.in_transaction is False,
          "no transaction left open, connection usable")


def test_progress_deadline(extension):
    """A time limit as apps set one: a progress handler every 1000 VM steps, failing after 1 s."""
    db = prepared_db(extension, 20000, 8)
    before = snapshot(db, "emb")
    deadline = time.perf_counter() + 1.0
    db.set_progress_handler(lambda: time.perf_counter() > deadline, 1000)
    try:
        call_big(db, 50)
        error = None
    except sqlite3.OperationalError as e:
        error = str(e)
    late = time.perf_counter() - deadline
    db.set_progress_handler(None, 1000)
    check(error == "node2vec_train: interrupted", f"a progress-handler time limit stops training: error {error!r}")
    check(late < 1, f"stopped {late:.2f} s after the deadline")
    check(snapshot(db, "emb") == before and not db.in_transaction, "output index unchanged after the time limit")


def test_interrupt_progress(extension):
    db = prepared_db(extension, 3000, 6)
    before = snapshot(db, "emb")
    calls = [0]

    def counting():
        calls[0] += 1
        return 0
    db.set_progress_handler(counting, 1000)
    db.execute("SAVEPOINT probe")
    call_big(db, 1)
    db.execute("ROLLBACK TO probe")
    db.execute("RELEASE probe")
    total = calls[0]
    check(total > 100 and snapshot(db, "emb") == before, f"a full call runs the progress handler {total} times")
    for fraction in (0.02, 0.3, 0.6, 0.9, 0.999):
        stop_at = max(1, int(total * fraction))
        calls[0] = 0

        def stopping():
            calls[0] += 1
            return calls[0] >= stop_at
        db.set_progress_handler(stopping, 1000)
        try:
            call_big(db, 1)
            error = None
        except sqlite3.OperationalError as e:
            error = str(e)
        db.set_progress_handler(None, 1000)
        check(error is not None and "interrupted" in error and snapshot(db, "emb") == before and not db.in_transaction,
              f"progress handler stops the call at {fraction:.1%} of its run: {error!r}, index unchanged")
    check(call_big(db, 1) > 0 and db.execute("SELECT count(*) FROM emb").fetchone()[0] > 2,
          "the same call then completes")


def main():
    extension = sys.argv[1] if len(sys.argv) > 1 else "build/vec_graph"
    test_quality(extension)
    test_interrupt_thread(extension)
    test_progress_deadline(extension)
    test_interrupt_progress(extension)
    print(f"node2vec quality: {results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
