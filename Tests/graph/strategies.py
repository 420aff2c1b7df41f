#!/usr/bin/env python3
"""The graph functions' strategies seen from outside, through SQLite's progress handler (it counts
the virtual machine steps of every statement the connection runs, the extension's own lookups
included), on a seeded random table of 40,000 edges with indexes on src and dst:
- a search from a node reads a few hundred rows through the indexes, not the table (and a BFS to
  depth 3 and shortest paths agree with networkx);
- a second whole-graph call reuses the cached graph; a commit by another connection (rollback journal
  and WAL), its schema change, this connection's writes and DETACH and re-ATTACH of a changed file
  each make the next call read the table again, with the new edges;
- views, attached databases, a memdb main database and forced strategies (VEC_GRAPH_STRATEGY=load, index, cache) keep or
  skip the cache as documented; the fifth table read evicts the least recently used graph.
Things a fixture cannot do (a second connection, files, the environment) are here.

Usage: python3 Tests/graph/strategies.py [path/to/vec_graph]   (a Python with networkx whose sqlite3
module can load extensions: the project's .venv). Prints "graph strategies: N passed, N failed"."""
import os
import random
import sqlite3
import sys
import tempfile
from pathlib import Path

import networkx as nx

SEED = 20261201
NODES, EDGES = 8_000, 40_000
results = {"passed": 0, "failed": 0}


def check(ok, what):
    results["passed" if ok else "failed"] += 1
    print(("ok    " if ok else "FAIL  ") + what, flush=True)


class Conn:
    """A connection with the extension loaded (under a given VEC_GRAPH_STRATEGY) and a step counter."""

    def __init__(self, extension, path, strategy="auto"):
        os.environ["VEC_GRAPH_STRATEGY"] = strategy
        self.db = sqlite3.connect(path, isolation_level=None, uri=path.startswith("file:"))
        self.db.enable_load_extension(True)
        self.db.load_extension(extension)
        self.db.enable_load_extension(False)
        self.steps = 0

        def count():
            self.steps += 1
            return 0
        self.db.set_progress_handler(count, 10)

    def run(self, sql, args=()):
        """Rows and the VM steps (in tens) the statement took."""
        self.steps = 0
        rows = self.db.execute(sql, args).fetchall()
        return rows, self.steps


def build(path, rng):
    db = sqlite3.connect(path)
    edges = [(rng.randrange(NODES), rng.randrange(NODES)) for _ in range(EDGES)]
    db.execute("CREATE TABLE edges(src INTEGER, dst INTEGER)")
    db.executemany("INSERT INTO edges VALUES (?, ?)", edges)
    db.execute("CREATE INDEX edges_src ON edges(src)")
    db.execute("CREATE INDEX edges_dst ON edges(dst)")
    db.commit()
    db.close()
    return edges


COMPONENTS = "SELECT count(*), max(component_size) FROM graph_components(?, 'src', 'dst')"
# The same call, stepping through one output row only: its steps are those of getting the graph.
PROBE = "SELECT component_size FROM graph_components(?, 'src', 'dst') LIMIT 1"
SCAN = "SELECT max(src + dst) FROM edges"


def components_of(edges):
    g = nx.DiGraph(edges)
    return len(g), max(len(c) for c in nx.weakly_connected_components(g))


def test_local(ext, path, edges, rng):
    g = nx.DiGraph(edges)
    c = Conn(ext, path)
    _, scan = c.run(SCAN)
    ok = True
    for _ in range(20):
        start = rng.randrange(NODES)
        rows = c.db.execute("SELECT node, depth FROM graph_bfs('edges', 'src', 'dst', ?, 3)", (start,)).fetchall()
        ok &= dict(rows) == (nx.single_source_shortest_path_length(g, start, cutoff=3) if start in g else {})
    check(ok, "BFS to depth 3 from 20 nodes: the nodes and depths of networkx")
    c.db.close()
    c = Conn(ext, path)
    worst = max(c.run("SELECT count(*) FROM graph_bfs('edges', 'src', 'dst', ?, 2)", (rng.randrange(NODES),))[1] for _ in range(20))
    check(worst * 20 < scan, f"BFS to depth 2 reads a small part of the table through the indexes ({worst} vs {scan} steps for a scan)")
    ok = True
    for _ in range(20):
        s, e = rng.randrange(NODES), rng.randrange(NODES)
        rows = c.db.execute("SELECT max(distance), count(*) FROM graph_shortest_path('edges', 'src', 'dst', ?, ?)", (s, e)).fetchall()
        want = nx.shortest_path_length(g, s, e) if s in g and e in g and nx.has_path(g, s, e) else None
        ok &= rows[0][0] == want and (want is None or rows[0][1] == want + 1)
    check(ok, "20 shortest paths: the hop counts of networkx")
    c.db.close()
    c = Conn(ext, path)
    near = [(s, e) for s in range(0, NODES, 97) for e, d in nx.single_source_shortest_path_length(g, s, cutoff=4).items() if d >= 2][::50]
    worst = max(c.run("SELECT count(*) FROM graph_shortest_path('edges', 'src', 'dst', ?, ?)", pair)[1] for pair in near[:20])
    check(worst * 20 < scan, f"shortest paths of 2 to 4 hops search from both ends through the indexes ({worst} vs {scan} steps for a scan)")
    c.db.close()
    c = Conn(ext, path)
    rows, steps = c.run("SELECT count(*) FROM graph_bfs('edges', 'src', 'dst', 0)")
    _, probe = c.run("SELECT node FROM graph_bfs('edges', 'src', 'dst', 0) LIMIT 1")
    check(rows[0][0] == len(nx.descendants(g, 0)) + 1 and steps * 2 > scan,
          f"an unbounded BFS over most of the graph reads the whole table ({steps} steps)")
    check(probe * 20 < scan, f"the second reuses the graph the first read ({probe} steps)")
    c.db.close()


def test_other_connection(ext, path, edges, journal):
    a, b = Conn(ext, path), sqlite3.connect(path, isolation_level=None)
    b.execute(f"PRAGMA journal_mode = {journal}")
    first, s1 = a.run(COMPONENTS, ("edges",))
    again, s2 = a.run(PROBE, ("edges",))
    check(first == [components_of(edges)] and s2 * 20 < s1, f"{journal}: the second call is served from the cache ({s2} vs {s1} steps)")
    b.execute("INSERT INTO edges VALUES (?, ?)", (NODES + 1, NODES + 2))
    edges = edges + [(NODES + 1, NODES + 2)]
    _, s3 = a.run(PROBE, ("edges",))
    rows, _ = a.run(COMPONENTS, ("edges",))
    check(rows == [components_of(edges)] and s3 * 20 > s1, f"{journal}: another connection's commit is seen ({rows}, {s3} steps)")
    b.execute("BEGIN")
    b.execute("DELETE FROM edges WHERE src = ?", (NODES + 1,))
    b.execute("ROLLBACK")
    rows, _ = a.run(COMPONENTS, ("edges",))
    check(rows == [components_of(edges)], f"{journal}: another connection's rolled-back write changes nothing")
    b.execute("DROP TABLE edges")
    b.execute("CREATE TABLE edges(src INTEGER, dst INTEGER)")
    b.execute("INSERT INTO edges VALUES (1, 2), (2, 3)")
    rows, _ = a.run(COMPONENTS, ("edges",))
    check(rows == [(3, 3)], f"{journal}: another connection's DROP and CREATE of the table is seen ({rows})")
    b.close()
    a.db.close()


def chain_table(db, name, n, temp=""):
    db.execute(f"CREATE {temp} TABLE {name}(src, dst)")
    db.executemany(f"INSERT INTO {name} VALUES (?, ?)", [(j, j + 1) for j in range(n)])


def test_own_writes_and_views(ext, path):
    c = Conn(ext, path)
    chain_table(c.db, "t", 3000, "TEMP")
    c.db.execute("CREATE TEMP VIEW v AS SELECT src, dst FROM t")
    _, s1 = c.run(PROBE, ("t",))
    _, s2 = c.run(PROBE, ("t",))
    check(s2 * 20 < s1, f"a temp table is cached ({s2} vs {s1} steps)")
    c.db.execute("INSERT INTO t VALUES (-1, 0)")
    rows, _ = c.run(COMPONENTS, ("t",))
    check(rows == [(3002, 3002)], "this connection's write is seen")
    _, v1 = c.run(PROBE, ("v",))
    _, v2 = c.run(PROBE, ("v",))
    c.db.execute("INSERT INTO t VALUES (-2, -1)")
    rows, _ = c.run(COMPONENTS, ("v",))
    check(v2 * 2 > v1 and v1 * 2 > s1 and rows == [(3003, 3003)], f"a view is read at every call ({v1}, {v2} steps)")
    c.db.close()


def test_attached(ext, path, other):
    o = sqlite3.connect(other)
    o.execute("DROP TABLE IF EXISTS edges")
    chain_table(o, "edges", 3000)
    o.commit()
    o.close()
    c = Conn(ext, path)
    c.db.execute("ATTACH ? AS aux", (other,))
    first, _ = c.run(COMPONENTS, ("aux.edges",))
    _, s1 = c.run(PROBE, ("aux.edges",))
    _, s2 = c.run(PROBE, ("aux.edges",))
    check(first == [(3001, 3001)] and s2 * 2 > s1 and s2 > 1000, f"an attached database's table is not cached ({s1}, {s2} steps)")
    c.db.execute("DETACH aux")
    sqlite3.connect(other, isolation_level=None).execute("INSERT INTO edges VALUES (-1, 0)")
    c.db.execute("ATTACH ? AS aux", (other,))
    rows, _ = c.run(COMPONENTS, ("aux.edges",))
    check(rows == [(3002, 3002)], "DETACH, a change by another connection and ATTACH again: the new edges")
    c.db.close()


def test_memdb(ext):
    """A main database in the memdb VFS (what sqlite3_deserialize makes) is read at every call. (The
    deserialize itself is not run here: SQLite 3.40 to 3.53 leave eponymous virtual tables, such as
    pragma_table_info and the graph functions, pointing at the replaced schema, which can crash.)"""
    name = f"file:/vg_strategies_{os.getpid()}?vfs=memdb"
    c = Conn(ext, name)
    other = sqlite3.connect(name, uri=True, isolation_level=None)
    chain_table(other, "edges", 3000)
    rows, _ = c.run(COMPONENTS, ("edges",))
    _, s1 = c.run(PROBE, ("edges",))
    _, s2 = c.run(PROBE, ("edges",))
    other.execute("INSERT INTO edges VALUES (-1, 0)")
    again, _ = c.run(COMPONENTS, ("edges",))
    check(rows == [(3001, 3001)] and again == [(3002, 3002)] and s2 * 2 > s1 and s2 > 500,
          f"a memdb main database is read at every call ({s1}, {s2} steps)")
    other.close()
    c.db.close()


def test_strategies(ext, path):
    start = "SELECT count(*) FROM graph_bfs('edges', 'src', 'dst', 1, 2)"
    load = Conn(ext, path, "load")
    _, w1 = load.run(PROBE, ("edges",))
    _, w2 = load.run(PROBE, ("edges",))
    _, l1 = load.run(start)
    check(w2 * 2 > w1 and l1 * 2 > w1, f"load: every call reads the whole table ({w1}, {w2}, {l1} steps)")
    cache = Conn(ext, path, "cache")
    _, c1 = cache.run(start)
    _, c2 = cache.run(start)
    check(c1 * 2 > w1 and c2 * 20 < c1, f"cache: the first call reads the table, the next ones none of it ({c1}, {c2} steps)")
    index = Conn(ext, path, "index")
    _, i1 = index.run("SELECT count(*) FROM graph_bfs('edges', 'src', 'dst', 1, 4)")
    _, i2 = index.run("SELECT count(*) FROM graph_bfs('edges', 'src', 'dst', 1, 4)")
    check(i1 < w1 and i2 >= i1 // 2, f"index: through the indexes, also past the budget, never cached ({i1}, {i2} steps)")
    auto = Conn(ext, path)
    _, a1 = auto.run(start)
    _, a2 = auto.run(start)
    check(a1 * 20 < w1 and a2 * 20 < w1, f"auto: a local search through the indexes ({a1}, {a2} steps)")
    for conn in (load, cache, index, auto):
        conn.db.close()
    try:
        Conn(ext, path, "fast")
        check(False, "an unknown VEC_GRAPH_STRATEGY is refused")
    except sqlite3.OperationalError as e:
        check("VEC_GRAPH_STRATEGY must be auto, index, load or cache, got 'fast'" in str(e), f"an unknown strategy is refused: {e}")
    os.environ.pop("VEC_GRAPH_STRATEGY", None)


def test_eviction(ext):
    c = Conn(ext, ":memory:")
    for i in range(5):
        chain_table(c.db, f"e{i}", 3000)
    first = [c.run(PROBE, (f"e{i}",))[1] for i in range(5)]
    _, again4 = c.run(PROBE, ("e4",))
    _, again0 = c.run(PROBE, ("e0",))
    check(again4 * 20 < first[4] and again0 * 2 > first[0],
          f"four graphs are kept: the fifth read evicts the first ({again4} and {again0} vs {first[0]} steps)")
    c.db.close()


def main():
    ext = sys.argv[1] if len(sys.argv) > 1 else "build/vec_graph"
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "graph.db")
        edges = build(path, rng)
        test_local(ext, path, edges, rng)
        test_strategies(ext, path)
        test_own_writes_and_views(ext, path)
        for journal in ("delete", "wal"):
            p = str(Path(tmp) / f"{journal}.db")
            test_other_connection(ext, p, build(p, random.Random(SEED)), journal)
        test_attached(ext, path, str(Path(tmp) / "other.db"))
    test_memdb(ext)
    test_eviction(ext)
    print(f"graph strategies: {results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
