#!/usr/bin/env python3
"""Writes the generated graph fixtures, expected rows from networkx:
- corner_cases.test, random_graphs.test: every graph table-valued function over hand-made corner
  cases and seeded random graphs, in tables with indexes on src and dst (r_sparse: on src only), so
  that a search from a node can read them through the indexes as well as whole;
- index_cases.test: tables whose column types, collations and indexes make an index lookup differ
  from exact comparison unless done right (NOCASE and RTRIM columns and indexes, TEXT and INTEGER
  affinity with ids of the other type, WITHOUT ROWID, partial, expression and covering indexes);
- cache_cases.test: the same queries after each change that must make a cached graph stale (writes
  in this connection, rolled-back transactions and savepoints, ALTER TABLE, DROP and CREATE under the
  same name, a temp table shadowing, an attached database with a table of the same name, a trigger,
  the database file attached a second time).
Every file is meant to pass under each VEC_GRAPH_STRATEGY (auto, index, load, cache).

networkx gives the sets, depths, distances, components and ranks; where its order is not defined the
documented rules of vec_graph decide, and they are applied here on top of networkx:
- BFS/DFS: neighbours in ascending node order (networkx's sort_neighbors=sorted), rows in visit order;
  max_depth 0 is the start alone (networkx's dfs_edges would still yield depth 1 there).
- shortest path: the distance is networkx's; among equally short paths, nodes are settled in
  (distance, node) order and a node's predecessor is the first settled node that reaches it at its
  final distance (without weights: the smallest node one hop closer). Parallel edges: the lightest.
- components: rows by node; component_id is the smallest node of the weakly connected component.
- PageRank: networkx's power iteration (its pure-Python form, identical to nx.pagerank, which needs
  scipy), on a MultiDiGraph: each edge row counts. A given iteration count is replayed by the same
  formula here, checked against networkx at convergence.
Rows with NULL in src or dst are no edge; with a weight column, rows with a NULL weight are no edge.
Run: .venv/bin/python Fixtures/generators/graph_fixtures.py"""
import heapq
import random
from pathlib import Path

import networkx as nx
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

OUT = Path(__file__).resolve().parent.parent / "graph"
SEED = 20261126
TOL = 1e-6
MAX_ITER = 1000


def sql_value(v):
    if v is None:
        return "NULL"
    if isinstance(v, str):
        return "'" + v.replace("'", "''") + "'"
    return repr(v)


def render(v, kind):
    if v is None:
        return "NULL"
    if kind == "T":
        return v if v != "" else "(empty)"
    if kind == "R":
        return f"{v:.3f}"
    return str(v)


class Case:
    """One edge table (rows of src, dst, weight) and the networkx graphs it means. create is the
    CREATE TABLE statement ({name} replaced), indexes the CREATE INDEX statements after the rows."""

    def __init__(self, name, rows, comment, create="CREATE TABLE {name}(src, dst, w)", indexes=("src", "dst")):
        self.name, self.rows, self.comment = name, rows, comment
        self.create = create.format(name=name)
        self.indexes = [f"CREATE INDEX {name}_{i} ON {name}({cols})" if not cols.startswith("CREATE") else cols.format(name=name)
                        for i, cols in enumerate(indexes)]
        edges = [(s, d) for s, d, _ in rows if s is not None and d is not None]
        self.kind = "T" if edges and isinstance(edges[0][0], str) else "I"
        self.digraph = nx.DiGraph(edges)
        self.multi = nx.MultiDiGraph(edges)
        self.weighted = nx.DiGraph()
        for s, d, w in rows:
            if s is None or d is None or w is None:
                continue
            if not self.weighted.has_edge(s, d) or w < self.weighted[s][d]["weight"]:
                self.weighted.add_edge(s, d, weight=w)

    def setup(self):
        out = [f"# {self.comment}", "statement ok", self.create, ""]
        for i in range(0, len(self.rows), 50):
            chunk = self.rows[i:i + 50]
            values = ", ".join(f"({sql_value(s)}, {sql_value(d)}, {sql_value(w)})" for s, d, w in chunk)
            out += ["statement ok", f"INSERT INTO {self.name}(src, dst, w) VALUES {values}", ""]
        for index in self.indexes:
            out += ["statement ok", index, ""]
        return out

    def node(self, v):
        """The graph's node an argument names (a REAL with an integral value names an INTEGER node)."""
        if isinstance(v, float) and v == int(v) and self.kind == "I":
            return int(v)
        return v


def call(case, fn, args, named):
    """The FROM clause: positional, or named hidden-column constraints."""
    base = [("edge_table", case.name), ("src_col", "src"), ("dst_col", "dst")] + args
    if named:
        where = " AND ".join(f"{k} = {sql_value(v)}" for k, v in base if v is not None)
        return f"{fn} WHERE {where}"
    values = [v for _, v in base]
    while values[-1] is None:
        values.pop()
    return f"{fn}(" + ", ".join(sql_value(v) for v in values) + ")"


def record(types, sql, rows, digits=None):
    head = f"query {types} nosort" + (f" digits={digits}" if digits else "")
    if not rows:
        return [head, sql, ""]
    out = [head, sql, "----"]
    for row in rows:
        for value, kind in zip(row, types):
            out.append(render(value, kind) if kind != "R" or digits is None else f"{value:.{digits}f}")
    return out + [""]


def view(g, direction):
    if direction == "reverse":
        return g.reverse(copy=True)
    if direction == "both":
        return g.to_undirected()
    return g


def traversal(case, algo, start, max_depth, direction):
    start = case.node(start)
    if not isinstance(start, (int, str)) or start not in case.digraph or type(start) is not type(next(iter(case.digraph))):
        return []
    g = view(case.digraph, direction)
    rows, depth = [(start, 0, None)], {start: 0}
    if max_depth == 0:
        return rows
    if algo == "bfs":
        edges = nx.bfs_edges(g, start, depth_limit=max_depth, sort_neighbors=sorted)
    else:
        edges = nx.dfs_edges(g, start, depth_limit=max_depth, sort_neighbors=sorted)
    for parent, child in edges:
        depth[child] = depth[parent] + 1
        rows.append((child, depth[child], parent))
    return rows


def settle_order_path(g, start, end, weighted):
    """The documented tie rule: settle by (distance, node), keep the first settled predecessor."""
    dist, pred, settled, heap = {start: 0}, {}, set(), [(0, start)]
    while heap:
        d, u = heapq.heappop(heap)
        if u in settled:
            continue
        settled.add(u)
        if u == end:
            break
        for v in g.successors(u):
            nd = d + (g[u][v]["weight"] if weighted else 1)
            if v not in settled and (v not in dist or nd < dist[v]):
                dist[v], pred[v] = nd, u
                heapq.heappush(heap, (nd, v))
    if end not in settled:
        return []
    path = [end]
    while path[-1] != start:
        path.append(pred[path[-1]])
    return [(v, dist[v]) for v in reversed(path)]


def shortest(case, start, end, weighted):
    g = case.weighted if weighted else case.digraph
    start, end = case.node(start), case.node(end)
    if start not in g or end not in g or type(start) is not type(end) or type(start) is not type(next(iter(g))):
        return []
    path = settle_order_path(g, start, end, weighted)
    if not nx.has_path(g, start, end):
        assert not path
        return []
    want = nx.dijkstra_path_length(g, start, end) if weighted else nx.shortest_path_length(g, start, end)
    assert path[-1][1] == want, (case.name, start, end, path, want)
    return [(v, float(d) if weighted else d, i) for i, (v, d) in enumerate(path)]


def components(case):
    rows = []
    for comp in nx.weakly_connected_components(case.digraph):
        smallest = min(comp)
        rows += [(v, smallest, len(comp)) for v in comp]
    return sorted(rows)


def pagerank_replay(g, damping, iterations):
    """vec_graph's documented iteration (networkx's), to a given count or to convergence."""
    nodes = sorted(g)
    n = len(nodes)
    if n == 0:
        return {}
    x = {v: 1.0 / n for v in nodes}
    p = 1.0 / n
    limit = MAX_ITER if iterations is None else iterations
    for _ in range(limit):
        nxt = dict.fromkeys(nodes, 0.0)
        dangling = 0.0
        for u in nodes:
            deg = g.out_degree(u)
            if deg == 0:
                dangling += x[u]
                continue
            for _, v in g.out_edges(u):
                nxt[v] += x[u] / deg
        nxt = {v: damping * (nxt[v] + dangling * p) + (1 - damping) * p for v in nodes}
        err = sum(abs(nxt[v] - x[v]) for v in nodes)
        x = nxt
        if iterations is None and err < n * TOL:
            assert abs(err - n * TOL) > 1e-3 * n * TOL, "too close to the convergence threshold"
            break
    return x


def safe_for_digits(x, digits):
    """Whether x is far enough from a rounding boundary at that many decimals that float noise in
    another summation order cannot change its rendering."""
    scaled = x * 10**digits
    return abs(scaled - int(scaled) - 0.5) > 1e-4


def pagerank(case, damping, iterations):
    """Expected ranks and the decimals to print them with."""
    mine = pagerank_replay(case.multi, damping, iterations)
    if iterations is None:
        ref = _pagerank_python(case.multi, alpha=damping, max_iter=MAX_ITER, tol=TOL)
        assert all(abs(ref[v] - mine[v]) < 1e-12 for v in ref), case.name
        mine = ref
    for digits in (9, 10, 8, 11):
        if all(safe_for_digits(r, digits) for r in mine.values()):
            return sorted(mine.items()), digits
    raise AssertionError(f"{case.name}: ranks on rounding boundaries")


def queries(case, starts, pairs, named_every=3):
    """Records for every function over one case."""
    out, k, t = [], 0, case.kind

    def named():
        nonlocal k
        k += 1
        return k % named_every == 0

    for algo in ("bfs", "dfs"):
        for start, max_depth, direction in starts:
            args = [("start_node", start), ("max_depth", max_depth), ("direction", direction)]
            sql = f"SELECT node, depth, parent FROM {call(case, 'graph_' + algo, args, named())}"
            out += record(t + "I" + t, sql, traversal(case, algo, start, max_depth, direction or "forward"))
    for start, end, weighted in pairs:
        args = [("start_node", start), ("end_node", end), ("weight_col", "w" if weighted else None)]
        sql = f"SELECT node, distance, path_order FROM {call(case, 'graph_shortest_path', args, named())}"
        out += record(t + ("R" if weighted else "I") + "I", sql, shortest(case, start, end, weighted))
    out += record(t + t + "I", f"SELECT node, component_id, component_size FROM {call(case, 'graph_components', [], named())}",
                  components(case))
    for damping, iterations in ((None, None), (0.5, None), (None, 3)):
        args = [("damping", damping), ("iterations", iterations)]
        sql = f"SELECT node, rank FROM {call(case, 'graph_pagerank', args, named())}"
        rows, digits = pagerank(case, 0.85 if damping is None else damping, iterations)
        out += record(t + "R", sql, rows, digits=digits)
    return out


def corner_cases():
    cases = [
        (Case("empty", [], "An empty edge table: every function returns no rows."),
         [(1, None, None)], [(1, 1, False), (1, 1, True)]),
        (Case("self_loop", [(1, 1, 2.0)], "One self-loop: a one-node graph."),
         [(1, None, None), (1, None, "both")], [(1, 1, False), (1, 1, True)]),
        (Case("multi", [(1, 2, 3.0), (1, 2, 1.0), (1, 2, 2.0), (2, 3, 1.0), (1, 3, 5.0), (3, 3, 0.0)],
              "Parallel edges (PageRank counts each row; Dijkstra takes the lightest) and a self-loop."),
         [(1, None, None), (3, None, "reverse"), (2, None, "both")], [(1, 3, False), (1, 3, True), (3, 1, False)]),
        (Case("cycle", [(1, 2, 1.0), (2, 3, 1.0), (3, 4, 1.0), (4, 1, 1.0), (1, 3, 2.5), (4, 2, 0.5)],
              "A 4-cycle with two chords."),
         [(1, None, None), (1, 1, None), (3, 2, "reverse"), (4, None, "both"), (2, 0, None)],
         [(1, 4, False), (1, 4, True), (4, 3, True), (3, 2, False)]),
        (Case("parts", [(10, 11, 1.0), (11, 12, 1.0), (20, 21, 1.0), (22, 21, 1.0), (30, 30, 1.0), (-5, 12, 1.0)],
              "Disconnected parts, a negative id and an isolated self-loop node."),
         [(10, None, None), (21, None, "reverse"), (21, None, "both"), (30, None, "both")],
         [(10, 12, False), (10, 21, False), (-5, 12, True), (20, 22, False)]),
        (Case("text_ids", [("b", "a", 1.0), ("a", "B", 2.0), ("B", "", 1.5), ("a", "é", 0.5), ("é", "z", 0.25), ("z", "b", 1.0)],
              "TEXT ids: BINARY (byte) order puts '' < 'B' < 'a' < 'b' < 'z' < 'é'; the empty string is an id."),
         [("a", None, None), ("z", None, "reverse"), ("", None, "both"), ("a", 1, "both")],
         [("a", "", False), ("a", "", True), ("b", "z", True), ("B", "a", False)]),
        (Case("nulls", [(1, None, 1.0), (None, 2, 1.0), (None, None, None), (1, 2, None), (2, 3, 1.0), (3, 4, 1.0), (1, 4, 5.0)],
              "NULLs: a row with a NULL endpoint is no edge; with weight_col, a row with a NULL weight is no edge either."),
         [(1, None, None), (4, None, "reverse")], [(1, 4, False), (1, 4, True), (1, 2, True)]),
        (Case("zero_weights", [(1, 2, 0.0), (2, 1, 0.0), (2, 3, 0), (1, 3, 0.0), (3, 4, 1.0), (1, 4, 1.0)],
              "Weights of 0, a zero-weight cycle, an INTEGER weight."),
         [(1, None, None)], [(1, 3, True), (1, 4, True), (2, 4, True), (3, 3, True)]),
        (Case("dangling", [(1, 2, 1.0), (1, 3, 1.0), (1, 4, 1.0), (2, 3, 1.0), (5, 1, 1.0)],
              "Dangling nodes (3 and 4 have no out-edge) spread their rank over every node."),
         [(5, None, None), (3, None, "reverse")], [(5, 3, False), (3, 5, False)]),
    ]
    out = ["# Generated by Fixtures/generators/graph_fixtures.py from networkx; do not edit.",
           "# Corner cases of every graph function; see the generator for the rules applied on top of networkx.", ""]
    for case, starts, pairs in cases:
        out += case.setup() + queries(case, starts, pairs)
    out += ["# A start node that is not in the graph gives no rows.",
            "query III nosort", "SELECT * FROM graph_bfs('cycle', 'src', 'dst', 99)", "",
            "query III nosort", "SELECT * FROM graph_dfs('cycle', 'src', 'dst', 'a')", "",
            "query III nosort", "SELECT * FROM graph_shortest_path('cycle', 'src', 'dst', 1, 99)", "",
            "query III nosort", "SELECT * FROM graph_shortest_path('cycle', 'src', 'dst', NULL, 1)", ""]
    return out


def random_rows(rng, ids, m, weights=False, self_loops=True):
    rows = []
    while len(rows) < m:
        s, d = rng.choice(ids), rng.choice(ids)
        if s == d and not self_loops:
            continue
        rows.append((s, d, rng.randint(0, 12) / 4 if weights else None))
    return rows


def random_graphs():
    rng = random.Random(SEED)
    out = ["# Generated by Fixtures/generators/graph_fixtures.py from networkx; do not edit.",
           f"# Seeded random graphs (seed {SEED}); see the generator for the rules applied on top of networkx.", ""]
    both = ("src", "dst")
    specs = [
        ("r_int", sorted(rng.sample(range(-1000, 10 ** 12), 40)), 90, False, both,
         "40 INTEGER ids spread over [-1000, 1e12), 90 edges; indexes on src and dst."),
        ("r_text", [f"n{i}" for i in range(60)], 130, False, both,
         "60 TEXT ids (n0 < n1 < n10 < ... by bytes), 130 edges; indexes on src and dst."),
        ("r_weighted", list(range(1, 51)), 200, True, ("src", "dst", "src, dst, w"),
         "50 nodes, 200 edges weighted 0 to 3 in steps of 1/4 (exact sums); indexes on src, dst and (src, dst, w)."),
        ("r_sparse", list(range(100)), 60, False, ("src",), "100 nodes, 60 edges: many components; an index on src only."),
        ("r_dense", list(range(12)), 90, True, ("dst, src", "src"),
         "12 nodes, 90 edges: many parallel edges, self-loops and weight ties; indexes on (dst, src) and src."),
    ]
    for name, ids, m, weighted, indexes, comment in specs:
        case = Case(name, random_rows(rng, ids, m, weighted), comment, indexes=indexes)
        nodes = sorted(case.digraph)
        starts = [(rng.choice(nodes), None, d) for d in (None, "reverse", "both")]
        starts += [(rng.choice(nodes), depth, d) for depth in (1, 2, 3) for d in (None, "reverse", "both")]
        pairs = []
        for _ in range(8):
            s, e = rng.choice(nodes), rng.choice(nodes)
            pairs.append((s, e, False))
            if weighted:
                pairs.append((s, e, True))
        out += case.setup() + queries(case, starts, pairs)
    return out


def index_cases():
    """Tables where a lookup through an index matches other rows than exact comparison, or where no
    index serves, or where a node is only known from the other column."""
    cases = [
        (Case("nocase", [("a", "B", 1.0), ("A", "b", 2.0), ("b", "a", 1.0), ("B", "A", 0.5), ("ab", "a", 1.0), ("AB", "ab", 1.0)],
              "TEXT ids in NOCASE columns with indexes (NOCASE too): 'a' and 'A' are still two nodes.",
              create="CREATE TABLE {name}(src TEXT COLLATE NOCASE, dst TEXT COLLATE NOCASE, w)"),
         [("a", None, None), ("A", 2, "both"), ("b", None, "reverse"), ("AB", 1, None)], [("a", "A", False), ("AB", "b", True)]),
        (Case("nocase_index", [("x", "Y", 1.0), ("X", "y", 1.0), ("y", "x", 1.0), ("Y", "X", 2.0), ("y", "X", 0.25)],
              "BINARY columns whose only indexes are NOCASE.",
              indexes=("src COLLATE NOCASE", "dst COLLATE NOCASE")),
         [("x", None, None), ("Y", None, "reverse"), ("y", 1, "both")], [("x", "X", False), ("x", "X", True)]),
        (Case("rtrim", [("p", "q", 1.0), ("p ", "q ", 1.0), ("q", "p  ", 1.0), ("q ", "p", 1.0), ("p  ", "p", 1.0)],
              "RTRIM columns: 'p', 'p ' and 'p  ' are three nodes.",
              create="CREATE TABLE {name}(src TEXT COLLATE RTRIM, dst TEXT COLLATE RTRIM, w)"),
         [("p", None, None), ("p ", None, "both"), ("q", 1, "reverse")], [("p", "p  ", False), ("q ", "q", True)]),
        (Case("text_affinity", [("1", "2", 1.0), ("2", "10", 1.0), ("10", "1", 1.0), ("01", "1", 1.0), ("2", "01", 3.0)],
              "TEXT affinity: the ids are TEXT; an INTEGER start names no node even where a lookup would convert it.",
              create="CREATE TABLE {name}(src TEXT, dst TEXT, w REAL)"),
         [("1", None, None), (1, None, None), (2, None, "both"), ("01", 1, "reverse"), (1.0, None, None)],
         [("1", "01", False), (1, 2, False), ("2", "1", True)]),
        (Case("int_affinity", [(1, 2, 1.0), (2, 10, 1.0), (10, 1, 1.0), (3, 1, 2.0), (2, 3, 0.5)],
              "INTEGER affinity: a TEXT start names no node even where a lookup would convert it; 2.0 names 2.",
              create="CREATE TABLE {name}(src INTEGER, dst INTEGER, w REAL)"),
         [(1, None, None), ("1", None, None), (2.0, 2, "both"), ("10", None, "reverse")],
         [(1, 3, False), ("1", "3", False), (1.0, 3, True)]),
        (Case("without_rowid", [(1, 2, 1.0), (1, 3, 2.0), (2, 3, 0.5), (3, 1, 1.0), (3, 4, 1.0), (4, 4, 0.0)],
              "A WITHOUT ROWID table: lookups by src through its primary key, by dst through an index.",
              create="CREATE TABLE {name}(src INTEGER, dst INTEGER, w REAL, PRIMARY KEY (src, dst)) WITHOUT ROWID",
              indexes=("dst",)),
         [(1, None, None), (4, None, "reverse"), (2, 1, "both")], [(1, 4, False), (1, 4, True), (4, 1, False)]),
        (Case("wr_text", [("s", "t", 1.0), ("t", "u", 1.0), ("u", "s", 1.0), ("S", "t", 1.0)],
              "A WITHOUT ROWID table with TEXT ids and no other index.",
              create="CREATE TABLE {name}(src TEXT, dst TEXT, w REAL, PRIMARY KEY (src, dst)) WITHOUT ROWID", indexes=()),
         [("s", None, None), ("t", None, "reverse"), ("S", 2, "both")], [("s", "u", False), ("S", "s", True)]),
        (Case("partial_only", [(1, 2, 1.0), (2, 3, 0.0), (3, 1, 1.0), (2, 4, 2.0)],
              "Only partial indexes: they cannot serve a lookup of every row.",
              indexes=("CREATE INDEX {name}_p ON {name}(src) WHERE w > 0", "CREATE INDEX {name}_q ON {name}(dst) WHERE w > 0")),
         [(1, None, None), (3, None, "both")], [(1, 4, False), (1, 3, True)]),
        (Case("expr_index", [(1, 2, 1.0), (2, 3, 1.0), (3, 1, 1.0)],
              "Only expression indexes: no lookup by the column itself.",
              indexes=("CREATE INDEX {name}_e ON {name}(src + 0)", "CREATE INDEX {name}_f ON {name}(dst || '')")),
         [(1, None, None), (2, None, "reverse")], [(1, 3, False)]),
        (Case("other_leading", [(1, 2, 1.0), (2, 3, 2.0), (3, 1, 1.0), (1, 3, 4.0)],
              "Indexes led by other columns: (w, src) cannot serve lookups by src; (dst, src) serves dst.",
              indexes=("w, src", "dst, src")),
         [(1, None, None), (1, None, "reverse"), (2, None, "both")], [(1, 3, False), (1, 3, True)]),
        (Case("covering", [(5, 6, 1.0), (6, 7, 1.0), (7, 5, 0.5), (5, 7, 3.0), (7, 7, 1.0), (6, 5, 0.0)],
              "Covering indexes (src, dst, w) and (dst, src, w).", indexes=("src, dst, w", "dst, src, w")),
         [(5, None, None), (7, 1, "reverse"), (6, None, "both")], [(5, 7, False), (5, 7, True), (7, 6, True)]),
        (Case("sink_src", [(1, 2, 1.0), (2, 3, 1.0), (4, 3, 1.0)],
              "Node 3 is only a target and the only index is on src: a search from it must still find it.",
              indexes=("src",)),
         [(3, None, None), (3, 0, None), (9, None, None)], [(3, 3, False), (9, 9, False), (1, 3, False)]),
        (Case("sink_both", [(1, 2, 1.0), (2, 3, 1.0), (4, 3, 1.0)],
              "The same with indexes on src and dst."),
         [(3, None, None), (3, 0, None), (3, None, "reverse"), (9, None, None)], [(3, 3, False), (9, 9, False), (3, 3, True)]),
        (Case("generated", [(1, 2, 1.0), (2, 3, 1.0), (3, 1, 2.0), (2, 4, 0.5)],
              "A generated column before src, indexed: lookups still go by src and dst (SQLite >= 3.31).",
              create="CREATE TABLE {name}(g INTEGER GENERATED ALWAYS AS (src * 10), src INTEGER, dst INTEGER, w REAL)",
              indexes=("g", "src", "dst")),
         [(1, None, None), (4, None, "reverse"), (2, 1, "both")], [(1, 4, False), (1, 4, True)], "onlyif sqlite >= 3.31.0"),
        (Case("big_ids", [(2 ** 63 - 1, -(2 ** 63), 1.0), (-(2 ** 63), 2 ** 53 + 1, 1.0), (2 ** 53 + 1, 2 ** 53, 1.0),
                          (2 ** 53, 2 ** 63 - 1, 1.0)],
              "Ids at the ends of the INTEGER range and around 2^53 (where REAL loses integers)."),
         [(2 ** 63 - 1, None, None), (2 ** 53, 2, "both")], [(2 ** 63 - 1, 2 ** 53, False), (2 ** 53 + 1, -(2 ** 63), True)]),
    ]
    out = ["# Generated by Fixtures/generators/graph_fixtures.py from networkx; do not edit.",
           "# Tables whose types, collations and indexes a search through an index must get right: the results are",
           "# those of exact comparison (ids are equal when their type and value or bytes are).", ""]
    for case, starts, pairs, *gate in cases:
        out += gated(case.setup() + queries(case, starts, pairs), gate[0] if gate else None)
    return out


def gated(lines, gate):
    """Puts a version gate in front of every record."""
    if not gate:
        return lines
    out = []
    for line in lines:
        if line.startswith(("statement ", "query ")):
            out.append(gate)
        out.append(line)
    return out


class Scenario:
    """A sequence of SQL steps over edge tables, with the rows each table holds after each step, and
    the same few queries on a table after every step that could make a cached graph of it stale."""

    COLUMNS = "src INTEGER, dst INTEGER, w REAL"

    def __init__(self):
        self.out = ["# Generated by Fixtures/generators/graph_fixtures.py from networkx; do not edit.",
                    "# Every change that could make a cached graph stale, each followed by the same queries: a cached",
                    "# graph must never outlive what it was read from. The comments say what changed.", ""]
        self.tables = {}
        self.indexes = 0

    def sql(self, comment, *statements, gate=None):
        if comment:
            self.out.append(f"# {comment}")
        for statement in statements:
            self.out += ([gate] if gate else []) + ["statement ok", statement, ""]

    def create(self, name, rows, indexes=("src", "dst"), temp=False):
        bare = name.split(".")[-1]
        self.sql(None, f"CREATE {'TEMP ' if temp else ''}TABLE {name}({self.COLUMNS})")
        if rows:
            self.sql(None, f"INSERT INTO {name} VALUES " + ", ".join(f"({s}, {d}, {w!r})" for s, d, w in rows))
        schema = name.rsplit(".", 1)[0] + "." if "." in name else ""
        for col in indexes:
            self.indexes += 1
            self.sql(None, f"CREATE INDEX {schema}{bare}_{col}_{self.indexes} ON {bare}({col})")
        self.tables[name] = list(rows)

    def probe(self, name, gate=None, dst="dst", rows=None):
        """BFS forward and reverse, DFS both ways to depth 2, shortest paths by hops and weight, components."""
        case = Case(name, self.tables[name] if rows is None else rows, "")
        sql_dst = sql_value(dst)
        records = []
        for algo, start, depth, direction in (("bfs", 1, None, None), ("bfs", 5, None, "reverse"), ("dfs", 2, 2, "both")):
            args = ", ".join(sql_value(v) for v in [start, depth, direction] if v is not None or direction)
            records.append(record("III", f"SELECT node, depth, parent FROM graph_{algo}({sql_value(name)}, 'src', {sql_dst}, {args})",
                                  traversal(case, algo, start, depth, direction or "forward")))
        records.append(record("III", f"SELECT node, distance, path_order FROM graph_shortest_path({sql_value(name)}, 'src', {sql_dst}, 1, 5)",
                              shortest(case, 1, 5, False)))
        records.append(record("IRI", f"SELECT node, distance, path_order FROM graph_shortest_path({sql_value(name)}, 'src', {sql_dst}, 1, 5, 'w')",
                              shortest(case, 1, 5, True)))
        case_rows = components(case)
        records.append(record("III", f"SELECT node, component_id, component_size FROM graph_components({sql_value(name)}, 'src', {sql_dst})",
                              case_rows))
        for r in records:
            self.out += ([gate] if gate else []) + r

    def change(self, name, comment, statement, rows, gate=None):
        self.sql(comment, statement, gate=gate)
        self.tables[name] = rows
        self.probe(name, gate=gate)


def cache_cases():
    sc = Scenario()
    base = [(1, 2, 1.0), (2, 3, 1.0), (3, 5, 1.0), (1, 4, 2.5), (4, 5, 0.5), (5, 1, 1.0), (2, 6, 0.25)]
    sc.sql("The table, read once so that every strategy that caches has a graph of it.")
    sc.create("edges", base)
    sc.probe("edges")
    rows = base + [(6, 5, 0.25)]
    sc.change("edges", "An INSERT: a shorter weighted path to 5.", "INSERT INTO edges VALUES (6, 5, 0.25)", rows)
    rows = [r for r in rows if r[:2] != (2, 3)]
    sc.change("edges", "A DELETE.", "DELETE FROM edges WHERE src = 2 AND dst = 3", rows)
    rows = [(s, 3 if (s, d) == (1, 2) else d, w) for s, d, w in rows]
    sc.change("edges", "An UPDATE of an endpoint.", "UPDATE edges SET dst = 3 WHERE src = 1 AND dst = 2", rows)
    rows = [(s, d, 9.0 if (s, d) == (4, 5) else w) for s, d, w in rows]
    sc.change("edges", "An UPDATE of a weight.", "UPDATE edges SET w = 9.0 WHERE src = 4 AND dst = 5", rows)

    sc.sql("An INSERT inside a transaction is seen inside it, and gone after ROLLBACK.", "BEGIN",
           "INSERT INTO edges VALUES (1, 5, 0.0)")
    sc.probe("edges", rows=rows + [(1, 5, 0.0)])
    sc.sql(None, "ROLLBACK")
    sc.probe("edges")
    sc.sql("An UPDATE and a DELETE in a transaction rolled back.", "BEGIN", "UPDATE edges SET src = 2 WHERE src = 1",
           "DELETE FROM edges WHERE dst = 5")
    changed = [(2 if s == 1 else s, d, w) for s, d, w in rows if d != 5]
    sc.probe("edges", rows=changed)
    sc.sql(None, "ROLLBACK")
    sc.probe("edges")
    sc.sql("Every row deleted inside a savepoint that is rolled back.", "SAVEPOINT wipe", "DELETE FROM edges")
    sc.probe("edges", rows=[])
    sc.sql(None, "ROLLBACK TO wipe", "RELEASE wipe")
    sc.probe("edges")

    sc.change("edges", "ALTER TABLE ... ADD COLUMN: a schema change that keeps the edges.",
              "ALTER TABLE edges ADD COLUMN note TEXT", rows)
    gate = "onlyif sqlite >= 3.25.0"
    sc.sql("ALTER TABLE ... RENAME COLUMN: the old name is gone, the new one reads the same edges.",
           "ALTER TABLE edges RENAME COLUMN dst TO target", gate=gate)
    sc.probe("edges", gate=gate, dst="target")
    sc.out += [gate, "statement error graph_bfs: dst_col: no such column in edges: dst",
               "SELECT * FROM graph_bfs('edges', 'src', 'dst', 1)", ""]
    sc.sql(None, "ALTER TABLE edges RENAME COLUMN target TO dst", gate=gate)
    sc.probe("edges", gate=gate)

    old = rows
    sc.sql("ALTER TABLE ... RENAME TO, and a new table under the old name.", "ALTER TABLE edges RENAME TO edges_old")
    sc.tables["edges_old"] = old
    rows = [(1, 3, 1.0), (3, 4, 1.0), (4, 5, 1.0), (2, 1, 1.0)]
    sc.create("edges", rows)
    sc.probe("edges")
    sc.probe("edges_old")

    sc.sql("DROP TABLE and CREATE TABLE under the same name, with as many rows.", "DROP TABLE edges")
    rows = [(1, 2, 1.0), (2, 5, 1.0), (5, 3, 1.0), (3, 1, 1.0)]
    sc.create("edges", rows)
    dst_index = f"edges_dst_{sc.indexes}"
    sc.probe("edges")

    sc.sql("A TEMP table of the same name shadows main's for the unqualified name.")
    sc.tables["main.edges"] = rows
    temp_rows = [(1, 5, 3.0), (5, 2, 1.0), (2, 1, 1.0)]
    sc.create("temp.edges", temp_rows, temp=True)
    sc.tables["edges"] = temp_rows
    sc.probe("edges")
    sc.probe("main.edges")
    sc.sql(None, "DROP TABLE temp.edges")
    sc.tables["edges"] = rows
    sc.probe("edges")

    sc.sql("An attached database holding a table of the same name.", "ATTACH ':memory:' AS aux")
    aux_rows = [(1, 4, 1.0), (4, 5, 2.0), (5, 6, 1.0)]
    sc.create("aux.edges", aux_rows)
    sc.probe("aux.edges")
    sc.probe("edges")
    sc.change("aux.edges", "A write to the attached table.", "INSERT INTO aux.edges VALUES (1, 5, 1.0)", aux_rows + [(1, 5, 1.0)])
    sc.probe("edges")

    sc.sql("A trigger writes the edge.", "CREATE TABLE log(x INTEGER)",
           "CREATE TRIGGER log_edge AFTER INSERT ON log BEGIN INSERT INTO edges VALUES (new.x, new.x + 1, 0.5); END")
    sc.change("edges", None, "INSERT INTO log VALUES (4)", rows + [(4, 5, 0.5)])
    rows = rows + [(4, 5, 0.5)]

    sc.sql("The database file attached a second time: a write through the other name.",
           "ATTACH (SELECT file FROM pragma_database_list WHERE name = 'main') AS again")
    sc.change("edges", None, "INSERT INTO again.edges VALUES (2, 4, 0.25)", rows + [(2, 4, 0.25)])
    rows = rows + [(2, 4, 0.25)]
    sc.sql(None, "DETACH again")

    sc.sql("INSERT OR REPLACE through a unique index replaces a row.", "CREATE UNIQUE INDEX edges_pair ON edges(src, dst)")
    rows = [(s, d, 0.0 if (s, d) == (2, 5) else w) for s, d, w in rows]
    sc.change("edges", None, "INSERT OR REPLACE INTO edges VALUES (2, 5, 0.0)", rows)

    sc.sql("A view over the table: never cached, it follows the table.",
           "CREATE VIEW light AS SELECT src, dst, w FROM edges WHERE w < 1")
    sc.tables["light"] = [r for r in rows if r[2] < 1]
    sc.probe("light")
    rows = [(s, d, 0.5 if (s, d) == (5, 3) else w) for s, d, w in rows]
    sc.sql(None, "UPDATE edges SET w = 0.5 WHERE src = 5 AND dst = 3")
    sc.tables["edges"] = rows
    sc.tables["light"] = [r for r in rows if r[2] < 1]
    sc.probe("light")

    sc.change("edges", "DROP INDEX: the table is read whole again, with the same results.",
              f"DROP INDEX {dst_index}", rows)
    sc.change("edges", "VACUUM rewrites the file, not the edges.", "VACUUM", rows)
    sc.change("edges", "DELETE of every row.", "DELETE FROM edges", [])
    return sc.out


def main():
    OUT.mkdir(exist_ok=True)
    (OUT / "corner_cases.test").write_text("\n".join(corner_cases()).rstrip("\n") + "\n", encoding="utf-8")
    (OUT / "random_graphs.test").write_text("\n".join(random_graphs()).rstrip("\n") + "\n", encoding="utf-8")
    (OUT / "index_cases.test").write_text("\n".join(index_cases()).rstrip("\n") + "\n", encoding="utf-8")
    (OUT / "cache_cases.test").write_text("\n".join(cache_cases()).rstrip("\n") + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
