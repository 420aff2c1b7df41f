#!/usr/bin/env python3
"""Writes Fixtures/graph/corner_cases.test and Fixtures/graph/random_graphs.test: every graph
table-valued function over hand-made corner cases and seeded random graphs, expected rows from networkx.

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
    """One edge table (rows of src, dst, weight) and the networkx graphs it means."""

    def __init__(self, name, rows, comment):
        self.name, self.rows, self.comment = name, rows, comment
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
        out = [f"# {self.comment}", "statement ok", f"CREATE TABLE {self.name}(src, dst, w)", ""]
        for i in range(0, len(self.rows), 50):
            chunk = self.rows[i:i + 50]
            values = ", ".join(f"({sql_value(s)}, {sql_value(d)}, {sql_value(w)})" for s, d, w in chunk)
            out += ["statement ok", f"INSERT INTO {self.name} VALUES {values}", ""]
        return out


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
    if start not in case.digraph:
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
    if start not in g or end not in g:
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
    specs = [
        ("r_int", sorted(rng.sample(range(-1000, 10 ** 12), 40)), 90, False, "40 INTEGER ids spread over [-1000, 1e12), 90 edges."),
        ("r_text", [f"n{i}" for i in range(60)], 130, False, "60 TEXT ids (n0 < n1 < n10 < ... by bytes), 130 edges."),
        ("r_weighted", list(range(1, 51)), 200, True, "50 nodes, 200 edges weighted 0 to 3 in steps of 1/4 (exact sums)."),
        ("r_sparse", list(range(100)), 60, False, "100 nodes, 60 edges: many components."),
    ]
    for name, ids, m, weighted, comment in specs:
        case = Case(name, random_rows(rng, ids, m, weighted), comment)
        nodes = sorted(case.digraph)
        starts = [(rng.choice(nodes), None, d) for d in (None, "reverse", "both")] + [(rng.choice(nodes), 2, None)]
        pairs = []
        for _ in range(6):
            s, e = rng.choice(nodes), rng.choice(nodes)
            pairs.append((s, e, False))
            if weighted:
                pairs.append((s, e, True))
        out += case.setup() + queries(case, starts, pairs)
    return out


def main():
    OUT.mkdir(exist_ok=True)
    (OUT / "corner_cases.test").write_text("\n".join(corner_cases()).rstrip("\n") + "\n", encoding="utf-8")
    (OUT / "random_graphs.test").write_text("\n".join(random_graphs()).rstrip("\n") + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
