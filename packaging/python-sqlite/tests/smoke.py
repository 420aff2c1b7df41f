"""Role: vec-graph-sqlite's smoke test, run against an installed wheel under each Python it is built
for (make test; cibuildwheel's test-command): the module is DB-API 2 with its own SQLite, and a new
connection has vec_graph (a version, an hnsw_index answering a KNN query, graph_bfs, node2vec_train).
Standard library only; exits non-zero with the first problem. usage: python smoke.py"""
import sys

import vec_graph_sqlite as sqlite3


def main():
    assert sqlite3.apilevel == "2.0" and sqlite3.paramstyle == "qmark", (sqlite3.apilevel, sqlite3.paramstyle)
    db = sqlite3.connect(":memory:")
    version, = db.execute("select vec_graph_version()").fetchone()
    db.executescript("""
        create virtual table v using hnsw_index(dimensions=2, metric='l2');
        insert into v(rowid, vector) values (1, '[0,0]'), (2, '[3,4]'), (3, '[1,1]');
        create table e(src integer, dst integer);
        insert into e values (1, 2), (2, 3), (1, 4);
    """)
    knn = db.execute("select rowid, distance from v where vector match '[3,3]' and k = 2").fetchall()
    assert knn == [(2, 1.0), (3, 8.0)], knn
    bfs = db.execute("select node, depth from graph_bfs('e', 'src', 'dst', 1)").fetchall()
    assert bfs == [(1, 0), (2, 1), (4, 1), (3, 2)], bfs
    db.execute("create virtual table emb using hnsw_index(dimensions=4)")
    trained, = db.execute("select node2vec_train('e', 'src', 'dst', 'emb', 4, 1, 1, 2, 5, 2, 2, 0.025, 1)").fetchone()
    assert trained == 4, trained
    print(f"smoke: Python {sys.version.split()[0]}: vec_graph {version} on SQLite {sqlite3.sqlite_version}: ok")


if __name__ == "__main__":
    main()
