#!/usr/bin/env python3
"""Crash consistency of hnsw_index under churn: a writer process inserts, deletes and updates rows in
transactions, and now and then runs 'optimize'; it is killed with SIGKILL at a random moment, several
times over. Before each transaction it prints its plan, after the COMMIT that it committed. After each
kill the database is reopened and checked: the rows are exactly those of the last committed plan (or of
the one after it, when the kill fell between its COMMIT and the report), each with its committed
vector, each found by a KNN query for that vector, and the index passes its integrity check. Runs once
with the rollback journal and once in WAL mode.

Usage: python3 Tests/crash/hnsw_crash.py [path/to/vec_graph] [rounds]
(a Python whose sqlite3 module can load extensions, e.g. Debian's /usr/bin/python3).
Prints "hnsw crash: N passed, N failed"; exit status 1 on any failure."""
import json
import os
import random
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time

BATCH, CHURN, DIMS, OPTIMIZE_EVERY = 20, 4, 8, 7


def vector(rowid, version):
    """A vector per (rowid, version): small integers (so distances are exact) drawn from a generator
    seeded by both, with the version itself as the last element (so it can be read back)."""
    rng = random.Random(rowid * 1000003 + version)
    return [float(rng.randint(-8, 8)) for _ in range(DIMS - 1)] + [float(version)]


def version_of(rowid, blob):
    return int(struct.unpack(f"<{DIMS}f", blob)[-1])


def connect(path, extension):
    db = sqlite3.connect(path, isolation_level=None, timeout=30)
    db.enable_load_extension(True)
    db.load_extension(extension)
    return db


def rows_of(db):
    """rowid -> version, as the index holds them."""
    return {r: version_of(r, v) for r, v in db.execute("SELECT rowid, vector FROM idx")}


def writer(path, extension, journal):
    """Plans and commits transactions forever, printing each plan before and "committed" after."""
    db = connect(path, extension)
    db.execute(f"PRAGMA journal_mode = {journal}")
    db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS idx USING hnsw_index(dimensions={DIMS}, m=6, ef_construction=32)")
    rows = rows_of(db)
    next_id = max(rows, default=0) + 1
    rng = random.Random(next_id)
    for txn in range(10**9):
        if txn % OPTIMIZE_EVERY == OPTIMIZE_EVERY - 1:
            print(json.dumps({"optimize": True}), flush=True)
            db.execute("INSERT INTO idx(idx) VALUES ('optimize')")
            print("committed", flush=True)
            continue
        live = sorted(rows)
        plan = {"insert": list(range(next_id, next_id + BATCH)),
                "delete": rng.sample(live, min(CHURN, len(live)))}
        rest = [r for r in live if r not in plan["delete"]]
        plan["update"] = {str(r): rows[r] + 1 for r in rng.sample(rest, min(CHURN, len(rest)))}
        print(json.dumps(plan), flush=True)
        db.execute("BEGIN")
        for r in plan["insert"]:
            db.execute("INSERT INTO idx(rowid, vector) VALUES (?, ?)", (r, json.dumps(vector(r, 0))))
        for r in plan["delete"]:
            db.execute("DELETE FROM idx WHERE rowid = ?", (r,))
        for r, v in plan["update"].items():
            db.execute("UPDATE idx SET vector = ? WHERE rowid = ?", (json.dumps(vector(int(r), v)), int(r)))
        db.execute("COMMIT")
        apply(rows, plan)
        next_id += BATCH
        print("committed", flush=True)


def apply(rows, plan):
    for r in plan.get("insert", []):
        rows[r] = 0
    for r in plan.get("delete", []):
        rows.pop(r, None)
    for r, v in plan.get("update", {}).items():
        rows[int(r)] = v


def check(path, extension, want):
    """Reopens the database: whether it holds one of the states in want (with its rows found by their
    own vectors and the integrity check passing), and what is wrong."""
    db = connect(path, extension)
    problems = []
    have = rows_of(db)
    if have not in want:
        exp = want[0]
        problems.append(f"{len(have)} rows, {len(exp)} committed: extra {sorted(set(have) - set(exp))[:5]}, "
                        f"missing {sorted(set(exp) - set(have))[:5]}, other vectors "
                        f"{[r for r in have if r in exp and have[r] != exp[r]][:5]}")
    for rowid, version in sorted(have.items()):
        q = json.dumps(vector(rowid, version))
        for exact in (0, 1):
            hits = db.execute("SELECT rowid, distance FROM idx WHERE vector MATCH ? AND k = 1 AND exact = ?",
                              (q, exact)).fetchall()
            if not hits or hits[0][1] != 0.0:
                problems.append(f"row {rowid} not found by its own vector ({'exact' if exact else 'graph'}): {hits}")
                break
        if problems:
            break
    try:
        db.execute("INSERT INTO idx(idx) VALUES ('integrity-check')")
    except sqlite3.DatabaseError as e:
        problems.append(f"integrity-check: {e}")
    result = db.execute("PRAGMA integrity_check").fetchall()
    if result != [("ok",)]:
        problems.append(f"integrity_check: {result}")
    db.close()
    return have, problems


def run(extension, journal, rounds, rng):
    """Kills the writer rounds times; returns (passed, failed, rows at the end, optimizes killed)."""
    passed = failed = 0
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "crash.db")
        for round_no in range(rounds):
            proc = subprocess.Popen([sys.executable, __file__, "--writer", path, extension, journal],
                                    stdout=subprocess.PIPE, text=True)
            time.sleep(rng.uniform(0.3, 1.2))
            os.kill(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
            pending = None
            for line in out.splitlines():
                if line == "committed":
                    apply(rows, pending)
                    pending = None
                else:
                    pending = json.loads(line)
            want = [dict(rows)]
            if pending is not None:
                after = dict(rows)
                apply(after, pending)
                want.append(after)
            have, problems = check(path, extension, want)
            rows = have if have in want else rows
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
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    rng = random.Random(20261201)
    passed = failed = 0
    for journal in ("delete", "wal"):
        p, f, n = run(extension, journal, rounds, rng)
        print(f"{journal} journal: {rounds} kills during inserts, deletes, updates and optimize; "
              f"{n} rows committed and checked")
        passed += p
        failed += f
    print(f"hnsw crash: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
