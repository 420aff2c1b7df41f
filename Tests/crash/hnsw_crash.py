#!/usr/bin/env python3
"""Crash consistency of hnsw_index: a writer process inserts (and deletes) in transactions and is
killed with SIGKILL at a random moment, several times over; after each kill the database is reopened
and checked: exactly the committed rows are there, each is found by a KNN query for its own vector,
the shadow tables agree with each other, and PRAGMA integrity_check passes. Runs once with the
rollback journal and once in WAL mode.

Usage: python3 Tests/crash/hnsw_crash.py [path/to/vec_graph] [rounds]
(a Python whose sqlite3 module can load extensions, e.g. Debian's /usr/bin/python3).
Prints "hnsw crash: N passed, N failed"; exit status 1 on any failure."""
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

BATCH, DIMS = 25, 8


def vector(rowid):
    """A distinct vector per rowid (integers, so distances are exact)."""
    return "[" + ",".join(str((rowid * (i + 3)) % 17 - 8 + (rowid // 17) * (i == 0)) for i in range(DIMS)) + "]"


def connect(path, extension):
    db = sqlite3.connect(path, isolation_level=None, timeout=30)
    db.enable_load_extension(True)
    db.load_extension(extension)
    return db


def writer(path, extension, journal):
    """Commits batches forever; after each COMMIT prints the batch's last rowid and what was deleted."""
    db = connect(path, extension)
    db.execute(f"PRAGMA journal_mode = {journal}")
    db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS idx USING hnsw_index(dimensions={DIMS}, m=8, ef_construction=32)")
    start = db.execute("SELECT coalesce(max(id), 0) FROM idx_nodes").fetchone()[0]
    rng = random.Random(start)
    while True:
        db.execute("BEGIN")
        for rowid in range(start + 1, start + BATCH + 1):
            db.execute("INSERT INTO idx(rowid, vector) VALUES (?, ?)", (rowid, vector(rowid)))
        victim = rng.randint(1, start + BATCH)
        db.execute("DELETE FROM idx WHERE rowid = ?", (victim,))
        db.execute("COMMIT")
        start += BATCH
        print(start, victim, flush=True)


def check(path, extension):
    """Reopens the database: its rows, and what is wrong with the index apart from which rows it holds."""
    db = connect(path, extension)
    rows = {r[0] for r in db.execute("SELECT rowid FROM idx")}
    nodes = {r[0] for r in db.execute("SELECT id FROM idx_nodes")}
    edges = {r[0] for r in db.execute("SELECT id FROM idx_edges")}
    problems = []
    if not (rows == nodes == edges):
        problems.append("idx, idx_nodes and idx_edges disagree")
    for rowid in sorted(rows):
        hits = db.execute("SELECT rowid, distance FROM idx WHERE vector MATCH ? AND k = 1 AND ef_search = 64",
                          (vector(rowid),)).fetchall()
        if not hits or hits[0][1] != 0.0:
            problems.append(f"row {rowid} not found by its own vector: {hits}")
            break
    result = db.execute("PRAGMA integrity_check").fetchall()
    if result != [("ok",)]:
        problems.append(f"integrity_check: {result}")
    db.close()
    return rows, problems


def run(extension, journal, rounds, rng):
    """Kills the writer rounds times; returns (passed, failed, rows at the end)."""
    passed = failed = 0
    committed, deleted, rows = 0, set(), set()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "crash.db")
        for round_no in range(rounds):
            proc = subprocess.Popen([sys.executable, __file__, "--writer", path, extension, journal],
                                    stdout=subprocess.PIPE, text=True)
            time.sleep(rng.uniform(0.2, 0.8))
            os.kill(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
            for line in out.splitlines():
                committed, victim = map(int, line.split())
                deleted.add(victim)
            rows, problems = check(path, extension)
            want = set(range(1, committed + 1)) - deleted
            # the kill may land after a COMMIT but before its report: then that whole batch is there,
            # less the one row the batch deleted
            unreported = set(range(1, committed + BATCH + 1)) - deleted
            if rows != want and len(unreported - rows) <= 1 and rows <= unreported:
                committed += BATCH
                deleted |= unreported - rows
            elif rows != want:
                problems.append(f"{len(rows)} rows, {len(want)} committed: extra {sorted(rows - want)[:5]}, "
                                f"missing {sorted(want - rows)[:5]}")
            if problems:
                failed += 1
                print(f"FAIL {journal} round {round_no}: " + "; ".join(problems))
            else:
                passed += 1
    return passed, failed, len(rows)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--writer":
        writer(*sys.argv[2:5])
        return 0
    extension = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/vec_graph")
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    rng = random.Random(20261126)
    passed = failed = 0
    for journal in ("delete", "wal"):
        p, f, n = run(extension, journal, rounds, rng)
        print(f"{journal} journal: {rounds} kills, {n} rows committed and checked")
        passed += p
        failed += f
    print(f"hnsw crash: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
