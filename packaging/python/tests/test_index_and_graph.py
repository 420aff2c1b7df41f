"""The hnsw_index virtual table and the graph table-valued functions through each supported SQLite
module, on data small enough to derive every expected row by hand."""
import vec_graph


def test_hnsw_index_nearest_neighbours(db):
    # points (i, 0) for i = 1..6; from (2.2, 0) the squared distances are 0.04, 0.64, 1.44, ...
    db.conn.execute("create virtual table idx using hnsw_index(dimensions=2, metric='l2')")
    for i in range(1, 7):
        db.conn.execute("insert into idx(rowid, vector) values (?, ?)", (i, vec_graph.serialize_f32([i, 0])))
    rows = db.conn.execute("select rowid, distance from idx where vector match ? and k = 3",
                           (vec_graph.serialize_f32([2.2, 0]),)).fetchall()
    assert [r[0] for r in rows] == [2, 3, 1]
    assert [round(r[1], 4) for r in rows] == [0.04, 0.64, 1.44]


def test_hnsw_index_filter_and_point_lookup(db):
    db.conn.execute("create virtual table idx using hnsw_index(dimensions=2)")
    for i in range(1, 7):
        db.conn.execute("insert into idx(rowid, vector) values (?, ?)", (i, f"[{i}, 0]"))
    # only odd rowids allowed: from (2.2, 0) that leaves 3 (0.64), 1 (1.44)
    rows = db.conn.execute("select rowid from idx where vector match '[2.2, 0]' and k = 2 and allowed = '1,3,5'").fetchall()
    assert [r[0] for r in rows] == [3, 1]
    assert vec_graph.deserialize_f32(bytes(db.one("select vector from idx where rowid = 4"))) == [4.0, 0.0]


def test_graph_bfs_and_components(db):
    db.conn.execute("create table edges(src integer, dst integer)")
    for edge in [(1, 2), (2, 3), (1, 4), (5, 6)]:
        db.conn.execute("insert into edges values (?, ?)", edge)
    # from 1: depth 1 reaches 2 and 4 (ascending), depth 2 reaches 3 through 2
    assert db.conn.execute("select node, depth, parent from graph_bfs('edges', 'src', 'dst', 1)").fetchall() == [
        (1, 0, None), (2, 1, 1), (4, 1, 1), (3, 2, 2)]
    assert db.conn.execute("select node, component_id, component_size from graph_components('edges', 'src', 'dst')").fetchall() == [
        (1, 1, 4), (2, 1, 4), (3, 1, 4), (4, 1, 4), (5, 5, 2), (6, 5, 2)]
