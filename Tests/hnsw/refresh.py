#!/usr/bin/env python3
"""hnsw_index's statement-start refresh: outside a write transaction, in autocommit mode, from SQLite
3.26.0, it reads none of the index's tables while the data versions of the index's database and of
temp (SQLITE_FCNTL_DATA_VERSION) are what its last read saw; every commit, by this connection or
another, in this process or another, changes them. Each case below first makes a query that reads
nothing (checked with a statement trace, which sees the statements the extension runs), then makes a
change, and checks that the next statement reads the tables again and answers from the change:
  - another connection's commit (rollback journal and WAL), another process's, a shared memdb's;
  - this connection's own write, and its write transaction rolled back (the rows go with it), and
    its uncommitted change to a shadow table in an explicit transaction (read, then rolled back);
  - a schema change of a shadow table in autocommit mode, and inside an explicit transaction (which
    moves no data version until it commits: the refresh reads the tables in every explicit
    transaction), then rolled back;
  - a temp trigger on a shadow table, with temp opened by it, and with temp already open.
Answers are checked against brute force over the rows each case wrote (k = every row).

Usage: refresh.py EXTENSION   (a Python whose sqlite3 can load extensions, with numpy: the project .venv)
Prints "hnsw refresh: N passed, N failed"; exit status 1 on any failure."""
import os
import sqlite3
import subprocess
import sys
import tempfile

import numpy as np

DIMS = 4
KNN = "SELECT rowid FROM idx WHERE vector MATCH ? AND k = ? AND ef_search = 64"
counts = {"passed": 0, "failed": 0}


def check(ok, what):
    counts["passed" if ok else "failed"] += 1
    print(("ok    " if ok else "FAIL  ") + what, flush=True)


def connect(path, extension, uri=False):
    db = sqlite3.connect(path, isolation_level=None, uri=uri)
    db.enable_load_extension(True)
    db.load_extension(extension)
    return db


def vec(rowid):
    return np.array([rowid, rowid % 7, -rowid % 5, 1], dtype=np.float32)


def make(db, rows):
    db.execute(f"CREATE VIRTUAL TABLE idx USING hnsw_index(dimensions={DIMS}, metric='l2')")
    db.execute("BEGIN")
    for r in rows:
        db.execute("INSERT INTO idx(rowid, vector) VALUES (?, ?)", (r, vec(r).tobytes()))
    db.execute("COMMIT")


def traced(db, sql, args=()):
    """The rows of sql and the statements the extension ran for it (the user's own left out)."""
    ran = []
    db.set_trace_callback(ran.append)
    try:
        rows = db.execute(sql, args).fetchall()
    finally:
        db.set_trace_callback(None)
    own = sql.split("?")[0]  # the trace shows the user's statement with its values in place
    return rows, [s for s in ran if not s.startswith(own)]


def truth(rows, q):
    """Rowids of rows by distance to q (ties by rowid), by brute force."""
    return [r for _, r in sorted((float(((vec(r) - q) ** 2).sum()), r) for r in rows)]


def answer(db, rows, probe=3):
    """The graph's answer for k = every row, against brute force; and whether it read the tables."""
    q = vec(probe) + 0.25
    got, ran = traced(db, KNN, (q.tobytes(), max(len(rows), 1)))
    return [r for (r,) in got] == truth(rows, q), bool(ran)


def fails(db, message, what):
    """The next query fails, with message in its error."""
    try:
        db.execute(KNN, (vec(1).tobytes(), 5)).fetchall()
        check(False, f"{what}: no error")
    except sqlite3.DatabaseError as e:
        check(message in str(e), f"{what}: {e}")


def warm(db, rows, case):
    """Two queries: the second must read nothing, so the change that follows is what makes a read."""
    answer(db, rows)
    ok, read = answer(db, rows)
    check(ok and not read, f"{case}: an unchanged index is answered without reading its tables")


def changed(db, rows, case):
    ok, read = answer(db, rows)
    check(read, f"{case}: the next query reads the tables again")
    check(ok, f"{case}: and answers from the change (brute force over {len(rows)} rows)")


def other_connection(extension, tmp, journal):
    path = os.path.join(tmp, f"other-{journal}.db")
    a = connect(path, extension)
    a.execute(f"PRAGMA journal_mode = {journal}")
    rows = list(range(1, 41))
    make(a, rows)
    b = connect(path, extension)
    case = f"another connection's commit ({journal})"
    warm(a, rows, case)
    b.execute("INSERT INTO idx(rowid, vector) VALUES (100, ?)", (vec(100).tobytes(),))
    b.execute("DELETE FROM idx WHERE rowid = 3")
    b.execute("UPDATE idx SET vector = ? WHERE rowid = 5", (vec(50).tobytes(),))
    rows = [r for r in rows if r != 3] + [100]
    ok, read = answer(a, rows)
    check(read, f"{case}: the next query reads the tables again")
    q = vec(3) + 0.25
    got = [r for (r,) in a.execute(KNN, (q.tobytes(), len(rows)))]
    want = [r for _, r in sorted((float(((vec(50 if r == 5 else r) - q) ** 2).sum()), r) for r in rows)]
    check(got == want, f"{case}: and answers from the insert, delete and update")
    a.close()
    b.close()


def other_process(extension, tmp):
    path = os.path.join(tmp, "process.db")
    a = connect(path, extension)
    rows = list(range(1, 41))
    make(a, rows)
    warm(a, rows, "another process's commit")
    code = ("import sqlite3, sys, struct; db = sqlite3.connect(sys.argv[1], isolation_level=None); "
            "db.enable_load_extension(True); db.load_extension(sys.argv[2]); "
            "db.execute('INSERT INTO idx(rowid, vector) VALUES (200, ?)', (struct.pack('4f', *map(float, sys.argv[3:])),))")
    subprocess.run([sys.executable, "-c", code, path, extension] + [str(x) for x in vec(200)], check=True)
    changed(a, rows + [200], "another process's commit")
    a.close()


def shared_memdb(extension):
    name = f"file:/vg_refresh_{os.getpid()}?vfs=memdb"
    a = connect(name, extension, uri=True)
    rows = list(range(1, 41))
    make(a, rows)
    b = connect(name, extension, uri=True)
    warm(a, rows, "a shared memdb database")
    b.execute("INSERT INTO idx(rowid, vector) VALUES (300, ?)", (vec(300).tobytes(),))
    changed(a, rows + [300], "a shared memdb database")
    b.close()
    a.close()


def own_writes(extension, tmp, journal):
    a = connect(os.path.join(tmp, f"own-{journal}.db"), extension)
    a.execute(f"PRAGMA journal_mode = {journal}")
    rows = list(range(1, 41))
    make(a, rows)
    case = f"this connection's write ({journal})"
    warm(a, rows, case)
    a.execute("DELETE FROM idx WHERE rowid = 4")
    rows.remove(4)
    changed(a, rows, case)
    case = f"this connection's write transaction, rolled back ({journal})"
    warm(a, rows, case)
    a.execute("BEGIN")
    a.execute("INSERT INTO idx(rowid, vector) VALUES (400, ?)", (vec(400).tobytes(),))
    a.execute("DELETE FROM idx WHERE rowid = 2")
    inside, _ = answer(a, [r for r in rows if r != 2] + [400])
    a.execute("ROLLBACK")
    check(inside, f"{case}: inside it, the query sees its rows")
    changed(a, rows, case)
    # what this connection changed in the tables themselves, not yet committed, is what it reads
    case = f"this connection's uncommitted change to _config in an explicit transaction ({journal})"
    warm(a, rows, case)
    a.execute("BEGIN")
    a.execute("UPDATE idx_config SET value = 0 WHERE key = 'live'")
    got = a.execute(KNN, (vec(1).tobytes(), 5)).fetchall()
    a.execute("ROLLBACK")
    check(got == [], f"{case}: the query inside it reads it (no live rows: no answer), got {got}")
    changed(a, rows, case + ", then rolled back")
    a.close()


def schema_changes(extension, tmp):
    a = connect(os.path.join(tmp, "schema.db"), extension)
    rows = list(range(1, 21))
    make(a, rows)
    case = "a shadow table's schema changed inside an explicit transaction"
    warm(a, rows, case)
    a.execute("BEGIN")
    a.execute("ALTER TABLE idx_tombstones RENAME TO idx_elsewhere")
    fails(a, "idx_tombstones is missing", f"{case}: the query inside it fails")
    a.execute("ROLLBACK")
    changed(a, rows, case + ", then rolled back")
    case = "a shadow table's schema changed in autocommit mode"
    warm(a, rows, case)
    a.execute("ALTER TABLE idx_free ADD COLUMN extra")
    fails(a, "idx_free does not have the columns", f"{case}: the next query fails")
    a.close()


def temp_triggers(extension, tmp):
    for temp_open in (False, True):
        a = connect(os.path.join(tmp, f"trigger-{temp_open}.db"), extension)
        rows = list(range(1, 21))
        make(a, rows)
        if temp_open:
            a.execute("CREATE TEMP TABLE scratch(x)")
        case = f"a temp trigger on a shadow table ({'temp already open' if temp_open else 'temp opened by it'})"
        warm(a, rows, case)
        a.execute("CREATE TEMP TRIGGER spy AFTER INSERT ON main.idx_nodes BEGIN SELECT 1; END")
        fails(a, "idx_nodes has a trigger", f"{case}: the next query fails")
        a.close()


def main():
    extension = sys.argv[1]
    version = sqlite3.sqlite_version_info
    if version < (3, 26, 0):
        print(f"hnsw refresh: 0 passed, 0 failed (SQLite {sqlite3.sqlite_version} has no SQLITE_FCNTL_DATA_VERSION)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        for journal in ("delete", "wal"):
            other_connection(extension, tmp, journal)
        other_process(extension, tmp)
        shared_memdb(extension)
        for journal in ("delete", "wal"):
            own_writes(extension, tmp, journal)
        schema_changes(extension, tmp)
        temp_triggers(extension, tmp)
    print(f"hnsw refresh: {counts['passed']} passed, {counts['failed']} failed")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
