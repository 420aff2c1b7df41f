#!/usr/bin/env python3
"""node2vec_train end to end through SQLite: on a seeded planted-partition graph (4 communities),
5-nearest-neighbour classification through the hnsw_index recovers the communities (accuracy >= 0.9),
with INTEGER and with TEXT node ids; the same call writes byte-identical vectors; and a call stopped
by sqlite3_interrupt (from another thread, mid-training) or by a progress handler (a time limit that
ends training; a step count reached at several points, most of them while writing; every stop point
of a small call, outside and inside the caller's transaction; inside one walk of days of work, at
extreme p and q) fails with "interrupted" and leaves the output index as it was, readable, with no
transaction of its own left open.

Each test runs in a child process of its own: an exception becomes a failed check with its message,
a crash or a hang (aborted after TEST_TIMEOUT s) a failed check naming it, faulthandler's stack dump
before it, so the closing line is always printed.

Usage: python3 Tests/node2vec/quality.py [path/to/vec_graph]
(a Python whose sqlite3 module can load extensions, e.g. Debian's /usr/bin/python3).
Prints "node2vec quality: N passed, N failed"; exit status 1 on any failure."""
import faulthandler
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter

SEED = 20261126
COMMUNITIES, SIZE, P_IN, P_OUT = 4, 60, 0.2, 0.01
TRAIN = "SELECT node2vec_train(?, 'src', 'dst', ?, 32, 1, 0.5, 10, 30, 5, 5, 0.025, 1, 7)"
TEST_TIMEOUT = 900
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
    returned = threading.Event()

    def interrupter():
        """From 0.5 s on, every 0.25 s until the call returns: SQLite drops an interrupt sent before
        the statement starts (a loaded machine may start it late)."""
        if not returned.wait(0.5):
            db.interrupt()
            while not returned.wait(0.25):
                db.interrupt()
    thread = threading.Thread(target=interrupter)
    started = time.perf_counter()
    thread.start()
    try:
        call_big(db, 50)
        error = None
    except sqlite3.OperationalError as e:
        error = str(e)
    elapsed = time.perf_counter() - started
    returned.set()
    thread.join()
    check(error is not None and "interrupted" in error, f"sqlite3_interrupt mid-training: error {error!r}")
    check(elapsed < 5.5, f"stopped {elapsed - 0.5:.2f} s after the first interrupt (within 5 s)")
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
    check(late < 5, f"stopped {late:.2f} s after the deadline (within 5 s)")
    check(snapshot(db, "emb") == before and not db.in_transaction, "output index unchanged after the time limit")


def test_interrupt_progress(extension):
    db = prepared_db(extension, 3000, 6)
    before = snapshot(db, "emb")
    big = lambda db: call_big(db, 1)  # noqa: E731
    total = progress_calls(db, big, 1000, "SAVEPOINT probe", ("ROLLBACK TO probe", "RELEASE probe"), runs=1)
    check(total > 100 and snapshot(db, "emb") == before, f"a full call runs the progress handler {total} times")
    for fraction in (0.02, 0.3, 0.6, 0.9, 0.999):
        error = stopped_at(db, big, max(1, int(total * fraction)), 1000)
        check(error is not None and "interrupted" in error and snapshot(db, "emb") == before and not db.in_transaction,
              f"progress handler stops the call at {fraction:.1%} of its run: {error!r}, index unchanged")
    check(call_big(db, 1) > 0 and db.execute("SELECT count(*) FROM emb").fetchone()[0] > 2,
          "the same call then completes")


def sweep_db(extension):
    """A 40-node graph (a ring and 40 random chords) and an index holding two rows, one the graph replaces."""
    db = connect(extension)
    rng = random.Random(SEED)
    db.execute("CREATE TABLE edges(src INTEGER, dst INTEGER)")
    db.executemany("INSERT INTO edges VALUES (?, ?)", ((u, (u + 1) % 40) for u in range(40)))
    db.executemany("INSERT INTO edges VALUES (?, ?)", ((rng.randrange(40), rng.randrange(40)) for _ in range(40)))
    db.execute("CREATE VIRTUAL TABLE emb USING hnsw_index(dimensions=8)")
    db.execute("INSERT INTO emb(rowid, vector) VALUES (0, '[1,2,3,4,5,6,7,8]'), (-5, '[0,0,0,0,0,0,0,1]')")
    db.execute("CREATE TABLE mine(x)")
    return db


SMALL = "SELECT node2vec_train('edges', 'src', 'dst', 'emb', 8, 1, 1, 1, 5, 2, 1, 0.025, 1)"


def small(db):
    return db.execute(SMALL).fetchone()[0]


def stopped_at(db, call, stop_at, every):
    """Runs call(db) with a progress handler (every `every` VM steps) that asks to stop from its
    stop_at-th call on, as time limits do; returns the error, or None if the call completed."""
    calls = [0]

    def stopping():
        calls[0] += 1
        return calls[0] >= stop_at
    db.set_progress_handler(stopping, every)
    try:
        call(db)
        return None
    except sqlite3.Error as e:
        return f"{type(e).__name__}: {e}"
    finally:
        db.set_progress_handler(None, every)


def progress_calls(db, call, every, begin, undo, runs):
    """How often a progress handler every `every` VM steps runs during call(db) between begin and
    undo, on the last of `runs` runs (the first reads the edges, later ones may find them cached)."""
    calls = [0]

    def counting():
        calls[0] += 1
        return 0
    for _ in range(runs):
        calls[0] = 0
        db.set_progress_handler(counting, every)
        db.execute(begin)
        call(db)
        for sql in undo:
            db.execute(sql)
        db.set_progress_handler(None, every)
    return calls[0]


def readable(db):
    try:
        return snapshot(db, "emb"), None
    except sqlite3.Error as e:
        return None, f"{type(e).__name__}: {e}"


def test_interrupt_every_point(extension):
    """Every stop point of a small call (a progress handler every 10 VM steps: reading the edges,
    training, each write into the index, its commit) on one connection. Outside a transaction:
    the call fails with "interrupted", the index reads as before, no transaction is left open.
    Inside the caller's transaction (every 3rd point): either the transaction is still open with
    the caller's row and the index as before, or SQLite rolled it all back (an interrupted write
    does), and both are as before it began. Fails at the first point that breaks this."""
    every = 10
    db = sweep_db(extension)
    before = snapshot(db, "emb")
    total = progress_calls(db, small, every, "SAVEPOINT probe", ("ROLLBACK TO probe", "RELEASE probe"), runs=2)
    bad = None
    for stop_at in range(1, total):
        error = stopped_at(db, small, stop_at, every)
        rows, unreadable = readable(db)
        if error is None or "interrupted" not in error or rows != before or db.in_transaction:
            bad = (f"stop at progress call {stop_at} of {total}: error {error!r}, index "
                   f"{unreadable or ('as before' if rows == before else 'changed')}, "
                   f"transaction {'left open' if db.in_transaction else 'closed'}")
            break
    check(total > 100 and bad is None,
          f"every one of {total - 1} stop points outside a transaction: {bad or 'index as before, none left open'}")
    db.close()
    db = sweep_db(extension)  # on a connection of its own, whatever the first sweep left
    total = progress_calls(db, small, every, "BEGIN", ("ROLLBACK",), runs=2)  # no COMMIT: fewer calls
    bad = None
    for stop_at in range(1, total, 3):
        db.execute("BEGIN")
        db.execute("INSERT INTO mine VALUES (?)", (stop_at,))
        error = stopped_at(db, small, stop_at, every)
        rows, unreadable = readable(db)
        open_ = db.in_transaction
        mine = db.execute("SELECT count(*) FROM mine WHERE x = ?", (stop_at,)).fetchone()[0]
        if error is None or "interrupted" not in error or rows != before or mine != (1 if open_ else 0):
            bad = (f"stop at progress call {stop_at} of {total}: error {error!r}, index "
                   f"{unreadable or ('as before' if rows == before else 'changed')}, caller's transaction "
                   f"{'open' if open_ else 'rolled back'} with {mine} of its rows")
        if open_:
            db.execute("ROLLBACK")
        if bad:
            break
    check(bad is None, f"every 3rd stop point inside the caller's transaction: "
          f"{bad or 'index as before, the transaction whole or wholly rolled back'}")
    check(small(db) == 40 and db.execute("SELECT count(*) FROM emb").fetchone()[0] == 41,
          "the call then completes on the same connection")


def extreme_db(extension, edges):
    """The graph `edges` and an index already holding two rows (node 0's, which the call would replace)."""
    db = connect(extension)
    db.execute("CREATE TABLE edges(src INTEGER, dst INTEGER)")
    db.executemany("INSERT INTO edges VALUES (?, ?)", edges)
    db.execute("CREATE VIRTUAL TABLE emb USING hnsw_index(dimensions=4)")
    db.execute("INSERT INTO emb(rowid, vector) VALUES (0, '[1,2,3,4]'), (-5, '[0,0,0,1]')")
    return db


def extreme(db, p, q, walk_length):
    return db.execute("SELECT node2vec_train('edges', 'src', 'dst', 'emb', 4, ?, ?, 1, ?, 1, 1, 0.025, 1)",
                      (p, q, walk_length)).fetchone()[0]


def test_interrupt_inside_walk(extension):
    """A single walk that alone is days of work: walk_length 1,000,000 at p = q = 1e6 on a star of 5
    leaves (each step from the centre takes about 1e6 proposals of the rejection sampler: every
    neighbour weighs 1e-6 under an envelope of 1), and at p = 1e6, q = 1e-6 on a 5-clique (the
    envelope 1e6 over 4 neighbours, 3 of them weighing 1: about 1.3e6 a step); Tests/c/test_node2vec.c
    checks both derivations at 1e4. A progress handler every 1000 VM steps asks to stop from its
    STOP-th call on, STOP being 20 more calls than a whole call with walk_length 1 makes (reading,
    training, writing), so the stop comes in training, at most 20 polls (each about 131,072
    proposals) into the first walk. The call must fail with SQLITE_INTERRUPT ("node2vec_train:
    interrupted") at that very handler call, and leave the index, the schema and the transaction
    state as before; then the same graph and p, q with short walks embed it. Before the walk polled,
    the first poll came after the first walk (the test's timeout ends it)."""
    star = [(0, leaf) for leaf in range(1, 6)]
    clique = [(u, v) for u in range(5) for v in range(u + 1, 5)]
    for name, edges, p, q in (("star", star, 1e6, 1e6), ("clique", clique, 1e6, 1e-6)):
        db = extreme_db(extension, edges)
        before = snapshot(db, "emb"), db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        short = progress_calls(db, lambda db: extreme(db, p, q, 1), 1000, "SAVEPOINT probe",
                               ("ROLLBACK TO probe", "RELEASE probe"), runs=1)
        stop = short + 20
        calls = [0]

        def stopping():
            calls[0] += 1
            return calls[0] >= stop
        db.set_progress_handler(stopping, 1000)
        try:
            extreme(db, p, q, 1000000)
            error = None
        except sqlite3.Error as e:
            error = (e.sqlite_errorname, str(e))
        db.set_progress_handler(None, 1000)
        after = snapshot(db, "emb"), db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        check(error == ("SQLITE_INTERRUPT", "node2vec_train: interrupted") and calls[0] == stop,
              f"{name}, p {p:g} q {q:g}, walk_length 1e6: stopped inside the first walk at progress call "
              f"{calls[0]} (asked from call {stop}; a call with walk_length 1 makes {short}): {error!r}")
        check(after == before and not db.in_transaction, f"{name}: index and schema as before, no transaction left open")
        nodes = len({u for edge in edges for u in edge})
        check(extreme(db, p, q, 3) == nodes and db.execute("SELECT count(*) FROM emb").fetchone()[0] == nodes + 1,
              f"{name}: the same p and q with walks of 3 nodes then embed its {nodes} nodes")
        db.close()


TESTS = [test_quality, test_interrupt_thread, test_progress_deadline, test_interrupt_progress,
         test_interrupt_every_point, test_interrupt_inside_walk]


def run_one(name, extension):
    """In the child: one test; an exception is a failed check with its message and traceback."""
    faulthandler.enable()
    try:
        next(t for t in TESTS if t.__name__ == name)(extension)
    except Exception as e:
        traceback.print_exc()
        check(False, f"{name} raised {type(e).__name__}: {e}")
    print(f"RESULT {results['passed']} {results['failed']}", flush=True)


def run_child(name, extension):
    """Runs one test in a child process, echoing its lines; a crash, a hang or a missing RESULT
    line is one failed check naming it."""
    child = subprocess.Popen([sys.executable, "-X", "faulthandler", __file__, "--one", name, extension],
                             stdout=subprocess.PIPE, text=True)
    counted = None
    timed_out = threading.Event()

    def abort():
        """SIGABRT: faulthandler prints every thread's stack before the child dies."""
        timed_out.set()
        child.send_signal(signal.SIGABRT)
    timer = threading.Timer(TEST_TIMEOUT, abort)
    timer.start()
    for line in child.stdout:
        if line.startswith("RESULT "):
            counted = [int(x) for x in line.split()[1:3]]
        else:
            print(line, end="", flush=True)
    status = child.wait()
    timer.cancel()
    if counted:
        results["passed"] += counted[0]
        results["failed"] += counted[1]
    if status < 0:
        how = f"did not finish in {TEST_TIMEOUT} s" if timed_out.is_set() else f"crashed: {signal.Signals(-status).name}"
        check(False, f"{name} {how} (faulthandler's stack dump above)")
    elif not counted:
        check(False, f"{name} exited with status {status} before reporting")


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        run_one(sys.argv[2], sys.argv[3])
        return
    extension = sys.argv[1] if len(sys.argv) > 1 else "build/vec_graph"
    for test in TESTS:
        run_child(test.__name__, extension)
    print(f"node2vec quality: {results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
