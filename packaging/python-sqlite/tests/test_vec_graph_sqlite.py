"""vec-graph-sqlite under an interpreter whose own sqlite3 cannot load extensions (pyenv's here): the
module is a DB-API 2 sqlite3 with the newest SQLite of the manifest, and every connection has
vec_graph: hnsw_index (checked against brute force), the graph functions (against BFS, Dijkstra and
union-find written here) and node2vec_train (two planted communities). VG_EXPECTED_VERSION and
VG_EXPECTED_SQLITE come from the repository (packaging/python-sqlite/test.sh)."""
import heapq
import os
import sqlite3 as stdlib_sqlite3
import struct
import threading

import pytest

import vec_graph_sqlite as sqlite3


def blob(vector):
    return struct.pack(f"<{len(vector)}f", *vector)


def l2(a, b):
    return sum((x - y) ** 2 for x, y in zip(a, b))


@pytest.mark.skipif(not os.environ.get("VG_EXPECT_NO_EXTENSION_LOADING"), reason="no pyenv Python on this machine")
def test_this_interpreter_cannot_load_extensions():
    assert not hasattr(stdlib_sqlite3.Connection, "enable_load_extension")


def test_a_dbapi2_module_with_its_own_sqlite(db):
    assert (sqlite3.apilevel, sqlite3.paramstyle) == ("2.0", "qmark")
    assert sqlite3.sqlite_version == os.environ["VG_EXPECTED_SQLITE"]
    assert issubclass(sqlite3.IntegrityError, sqlite3.DatabaseError) and issubclass(sqlite3.DatabaseError, sqlite3.Error)
    db.row_factory = sqlite3.Row
    db.execute("create table t(id integer primary key, name text unique)")
    with db:
        db.executemany("insert into t(name) values (?)", [("a",), ("b",)])
    assert [dict(r) for r in db.execute("select * from t order by id")] == [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("insert into t(name) values ('a')")


def test_every_connection_has_vec_graph(tmp_path):
    path = str(tmp_path / "many.db")
    versions = []

    def open_and_ask():
        conn = sqlite3.connect(path)
        versions.append(conn.execute("select vec_graph_version()").fetchone()[0])
        conn.close()

    threads = [threading.Thread(target=open_and_ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    open_and_ask()
    assert versions == [os.environ["VG_EXPECTED_VERSION"]] * 5


def test_hnsw_index_knn_matches_brute_force(tmp_path, rng):
    path = str(tmp_path / "knn.db")
    dims, count = 16, 600
    vectors = {i: [rng.uniform(-1, 1) for _ in range(dims)] for i in range(1, count + 1)}
    db = sqlite3.connect(path)
    db.execute(f"create virtual table idx using hnsw_index(dimensions={dims}, metric='l2')")
    with db:
        db.executemany("insert into idx(rowid, vector) values (?, ?)", [(i, blob(v)) for i, v in vectors.items()])
    db.close()

    db = sqlite3.connect(path)  # persisted, and read by a new connection
    stored = {i: list(struct.unpack(f"<{dims}f", b)) for i, b in db.execute("select rowid, vector from idx")}
    assert stored == {i: list(struct.unpack(f"<{dims}f", blob(v))) for i, v in vectors.items()}  # float32 of each
    for trial in range(5):
        q = [rng.uniform(-1, 1) for _ in range(dims)]
        truth = sorted(stored, key=lambda i: (l2(stored[i], q), i))[:10]
        exact = db.execute("select rowid, distance from idx where vector match ? and k = 10 and exact = 1", [blob(q)]).fetchall()
        assert [r for r, _ in exact] == truth
        for r, d in exact:
            assert d == pytest.approx(l2(stored[r], q), rel=1e-4)
        approx = [r for r, _ in db.execute("select rowid, distance from idx where vector match ? and k = 10", [blob(q)])]
        assert len(set(approx) & set(truth)) >= 9, (trial, approx, truth)
        allowed = [i for i in stored if i % 7 == trial]
        filtered = db.execute("select rowid from idx where vector match ? and k = 5 and rowid in (%s)"
                              % ",".join("?" * len(allowed)), [blob(q), *allowed]).fetchall()
        assert [r for r, in filtered] == sorted(allowed, key=lambda i: (l2(stored[i], q), i))[:5]
    db.close()


def random_graph(rng, nodes, edges):
    return [(rng.randrange(nodes), rng.randrange(nodes), rng.randint(1, 9)) for _ in range(edges)]


def bfs(edges, start):
    out = {}
    for s, d, _ in edges:
        out.setdefault(s, set()).add(d)
    order, seen, i = [(start, 0, None)], {start}, 0
    while i < len(order):
        node, depth, _ = order[i]
        for nxt in sorted(out.get(node, ())):
            if nxt not in seen:
                seen.add(nxt)
                order.append((nxt, depth + 1, node))
        i += 1
    return order


def dijkstra(edges, start):
    out = {}
    for s, d, w in edges:
        out.setdefault(s, []).append((d, w))
    dist, heap = {start: 0}, [(0, start)]
    while heap:
        d, node = heapq.heappop(heap)
        if d > dist[node]:
            continue
        for nxt, w in out.get(node, ()):
            if d + w < dist.get(nxt, float("inf")):
                dist[nxt] = d + w
                heapq.heappush(heap, (d + w, nxt))
    return dist


def components(edges):
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for s, d, _ in edges:
        parent[find(s)] = find(d)
    groups = {}
    for node in list(parent):
        groups.setdefault(find(node), set()).add(node)
    return {frozenset(g) for g in groups.values()}


def test_graph_functions_match_the_oracles(db, rng):
    edges = random_graph(rng, 60, 110)
    db.execute("create table e(src integer, dst integer, w real)")
    db.executemany("insert into e values (?, ?, ?)", edges)
    for start in {edges[0][0], edges[5][0], edges[9][1]}:
        rows = db.execute("select node, depth, parent from graph_bfs('e', 'src', 'dst', ?)", [start]).fetchall()
        assert rows == bfs(edges, start)
    start = edges[0][0]
    dist = dijkstra(edges, start)
    weight = {}
    for s, d, w in edges:
        weight[(s, d)] = min(w, weight.get((s, d), w))
    for end in sorted(dist, key=lambda n: -dist[n])[:5]:
        path = db.execute("select node, distance from graph_shortest_path('e', 'src', 'dst', ?, ?, 'w') order by path_order",
                          [start, end]).fetchall()
        assert path[0] == (start, 0) and path[-1][0] == end and path[-1][1] == pytest.approx(dist[end])
        assert sum(weight[(a, b)] for (a, _), (b, _) in zip(path, path[1:])) == pytest.approx(dist[end])
    got = {}
    for node, component, _ in db.execute("select node, component_id, component_size from graph_components('e', 'src', 'dst')"):
        got.setdefault(component, set()).add(node)
    assert {frozenset(g) for g in got.values()} == components(edges)


def test_node2vec_train_separates_two_communities(db):
    edges = [(a, b) for group in (range(0, 10), range(10, 20)) for a in group for b in group if a < b] + [(9, 10)]
    db.execute("create table e(src integer, dst integer)")
    db.executemany("insert into e values (?, ?)", edges)
    db.execute("create virtual table emb using hnsw_index(dimensions=16, metric='cosine')")
    trained, = db.execute("select node2vec_train('e', 'src', 'dst', 'emb', 16, 1, 1, 10, 20, 5, 5, 0.025, 3, 7)").fetchone()
    assert trained == 20
    same = total = 0
    for node in range(20):
        near = [r for r, in db.execute("select rowid from emb where vector match (select vector from emb where rowid = ?)"
                                       " and k = 6 and exact = 1", [node]) if r != node][:5]
        same += sum((r < 10) == (node < 10) for r in near)
        total += len(near)
    assert total == 100 and same >= 90, same
    with pytest.raises(sqlite3.OperationalError, match="node2vec_train:"):
        db.execute("select node2vec_train('e', 'src', 'dst', 'emb', 16, 0, 1, 10, 20, 5, 5, 0.025, 1)")


def test_bad_input_is_a_clear_dbapi_error(db):
    with pytest.raises(sqlite3.OperationalError, match="vg_distance_l2: dimension mismatch: 2 vs 3"):
        db.execute("select vg_distance_l2('[1,2]', '[1,2,3]')")
    with pytest.raises(sqlite3.OperationalError, match="graph_bfs"):
        db.execute("select * from graph_bfs('missing_table', 'src', 'dst', 1)").fetchall()
