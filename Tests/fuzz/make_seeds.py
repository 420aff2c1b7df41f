#!/usr/bin/env python3
"""Writes the seed corpora of the libFuzzer targets in Tests/fuzz/ into Tests/fuzz/seeds/<target>/.

Each seed is a byte string in its target's input format (the decoding is at the top of each
fuzz_*.c; the opcodes and layouts below mirror it): a short, meaningful session that reaches the
code a target is about (transactions, conflicts, filters, purge cycles, tampered shadow tables,
graphs with every id type), from which libFuzzer mutates. Deterministic: the same script writes the
same files. usage: make_seeds.py [--check]  (--check: exit 1 if a committed seed differs)."""
import random
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEEDS = HERE / "seeds"


class Bytes:
    def __init__(self):
        self.b = bytearray()

    def u8(self, *values):
        for v in values:
            self.b.append(v & 0xFF)
        return self


# ---- fuzz_hnsw_ops.c ----
(OP_INSERT, OP_INSERT_MANY, OP_INSERT_SELECT, OP_INSERT_BAD, OP_DELETE, OP_DELETE_SET, OP_UPDATE_VECTOR,
 OP_UPDATE_ROWID, OP_KNN, OP_POINT, OP_SCAN, OP_TXN, OP_SAVEPOINT, OP_SAVEPOINT_END, OP_OPTIMIZE, OP_INTEGRITY,
 OP_COMMAND, OP_SECOND, OP_SECOND_WRITE, OP_REOPEN, OP_SCHEMA) = range(21)
L2, COSINE, IP = range(3)


class Ops(Bytes):
    """A fuzz_hnsw_ops session: header, CREATE options, then operations."""

    def __init__(self, rng, file=False, dims=4, metric=L2, m=4, efc=16, cache1=False, bad_create=None, compact=None):
        super().__init__()
        self.rng, self.dims = rng, dims
        self.u8(1 if file else 0)
        self.create(dims, metric, m, efc, cache1, bad_create, compact)

    def create(self, dims, metric, m, efc, cache1=False, bad_create=None, compact=None):
        """compact: (bit storage?, rescore 1..4) for storage = 'i8' | 'bit' with rescore."""
        b = (1 if cache1 else 0) | (0x70 | (bad_create << 1) if bad_create is not None else 0)
        if compact is not None:
            b |= 0x80 | (2 if compact[0] else 0) | (compact[1] - 1) << 2
        self.u8(b, dims - 1, metric, m - 2, efc - 1, 7)
        if bad_create is not None:  # the valid set that follows the refused one
            self.u8(0, dims - 1, metric, m - 2, efc - 1, 7)
        self.dims = dims

    def vector(self, values=None, json=False):
        values = values if values is not None else [self.rng.randint(-16, 16) / 4 for _ in range(self.dims)]
        self.u8(0, 1 if json else 0)
        for v in values:
            self.u8(int(v * 4) + 16)
        return self

    def bad_vector(self, form):
        self.u8(240, form)
        return self.u8(*[20] * self.dims)  # the elements are read (and used by some forms) all the same

    def rid(self, i):
        return self.u8(i - 1)  # ids 1..24

    def insert(self, i, conflict=0, json=False, values=None):
        self.u8(OP_INSERT, conflict).rid(i)
        return self.vector(values, json)

    def insert_many(self, ids, conflict=0):
        self.u8(OP_INSERT_MANY, conflict, len(ids) - 2)
        for i in ids:
            self.rid(i).vector()
        return self

    def knn(self, k=5, ef=None, exact=None, allowed=None, allowed_kind=1, in_ids=None, limit=False, vector=False):
        self.u8(OP_KNN).vector()
        flags = (7 if limit else 0) | (8 if ef else 0) | (16 if exact is not None else 0)
        flags |= (32 if allowed else 0) | (64 if in_ids else 0) | (128 if vector else 0)
        self.u8(k - 1, flags)
        if ef:
            self.u8(ef - 1)
        if exact is not None:
            self.u8(exact)
        if allowed:
            self.u8(allowed_kind - 1, len(allowed) - 1)
            for i in allowed:
                self.rid(i)
        if in_ids:
            self.u8(len(in_ids) - 1)
            if len(in_ids) == 1:
                self.u8(0)
            for i in in_ids:
                self.rid(i)
        return self

    def op(self, *b):
        return self.u8(*b)


def hnsw_ops_seeds():
    rng = random.Random(15)
    seeds = {}

    s = Ops(rng, dims=4, metric=L2)
    for i in range(1, 21):
        s.insert(i, json=i % 3 == 0)
    s.knn(5).knn(5, exact=1).knn(10, ef=3).knn(3, limit=True, vector=True)
    for i in (2, 4, 6, 8, 10):
        s.op(OP_DELETE).rid(i)
    s.knn(8).knn(8, exact=1).op(OP_SCAN).op(OP_OPTIMIZE).knn(8).op(OP_INTEGRITY)
    seeds["basics"] = s

    # compact storage with rescore: i8 (l2), then bit (cosine); the distances are the originals' (an
    # own random stream, so the seeds after these stay as they were)
    compact_rng = random.Random(18)
    for name, compact, metric in (("compact-i8", (False, 3), L2), ("compact-bit", (True, 4), COSINE)):
        s = Ops(compact_rng, dims=8, metric=metric, compact=compact)
        for i in range(1, 31):
            s.insert(i)
        s.knn(5).knn(5, exact=1).knn(3, limit=True, vector=True)
        s.op(OP_UPDATE_VECTOR).rid(4).vector().op(OP_DELETE).rid(5).knn(6).knn(6, exact=1).op(OP_INTEGRITY)
        seeds[name] = s

    s = Ops(rng, file=True, dims=3, metric=COSINE, m=3, efc=8)
    s.op(OP_TXN, 0)
    for i in range(1, 9):
        s.insert(i)
    s.op(OP_SAVEPOINT, 0)
    s.op(OP_DELETE).rid(3).op(OP_UPDATE_VECTOR).rid(4).vector()
    s.op(OP_SECOND).vector().u8(4, 16, 1, 1)  # the second connection's exact query, then its scan
    s.op(OP_SAVEPOINT_END, 0, 0).knn(4, exact=1)  # ROLLBACK TO s0
    s.op(OP_SAVEPOINT, 1).insert(20).op(OP_SAVEPOINT_END, 1, 1)  # RELEASE s1
    s.op(OP_TXN, 2).op(OP_SECOND).vector().u8(4, 0, 1)
    s.op(OP_SAVEPOINT, 2).insert(21).op(OP_DELETE).rid(1).op(OP_SAVEPOINT_END, 1, 2)  # RELEASE commits
    s.op(OP_TXN, 1).insert(22).op(OP_TXN, 3).op(OP_SCAN)  # BEGIN IMMEDIATE ... ROLLBACK
    seeds["transactions"] = s

    s = Ops(rng, dims=2, metric=L2, m=2, efc=4)
    for i in range(1, 6):
        s.insert(i)
    s.insert(3).insert(3, conflict=1).insert(3, conflict=2).insert(4, conflict=3)
    s.insert_many([7, 8, 7]).insert_many([9, 10], conflict=1).insert_many([5, 11, 12], conflict=2)
    s.op(OP_UPDATE_ROWID, 0, 0).rid(1).rid(2).vector()  # plain UPDATE onto an existing rowid
    s.op(OP_UPDATE_ROWID, 1, 1).rid(1).rid(2).vector()  # OR REPLACE, new vector
    s.op(OP_UPDATE_ROWID, 2, 0).rid(3).rid(4).vector()
    s.op(OP_UPDATE_ROWID, 0, 0).rid(5).rid(15).vector()
    s.op(OP_INSERT_SELECT, 0).op(OP_INSERT_SELECT, 2).op(OP_INSERT_SELECT, 3).op(OP_SCAN)
    s.op(OP_TXN, 0).insert_many([16, 1]).insert(17).op(OP_TXN, 2).knn(6, exact=1)
    seeds["conflicts"] = s

    s = Ops(rng, dims=5, metric=IP, m=6, efc=32)
    for i in range(1, 25):
        s.insert(i)
    s.knn(4, allowed=[1, 5, 9, 13], allowed_kind=1).knn(4, allowed=[2, 3, 24], allowed_kind=2)
    s.knn(2, allowed=[7], allowed_kind=3).knn(2, allowed=[7], allowed_kind=4)
    s.knn(6, exact=1, allowed=[1, 2, 3, 4, 5, 6], in_ids=[2, 4, 6, 8])
    s.knn(3, in_ids=[10]).knn(5, in_ids=[11, 12, 13, 14, 15], ef=2)
    s.knn(3, allowed=[1, 2], allowed_kind=6).knn(3, allowed=[1, 2], allowed_kind=5)
    seeds["filters"] = s

    s = Ops(rng, dims=2, metric=L2, m=2, efc=4, cache1=True)
    for round_ in range(3):
        for i in range(1, 25):
            s.insert(i, conflict=1)
        for i in range(1, 25, 2 if round_ else 1):
            s.op(OP_DELETE).rid(i)
        s.knn(10).knn(10, exact=1)
    s.op(OP_DELETE_SET, 1).rid(12).rid(1).rid(1).rid(1).op(OP_OPTIMIZE).op(OP_DELETE_SET, 2).rid(1).rid(1).rid(1).rid(1)
    seeds["purge"] = s

    s = Ops(rng, dims=3, metric=COSINE, bad_create=2)
    s.insert(1, values=[0, 0, 0])  # a zero vector under cosine
    for form in range(12):
        s.op(OP_INSERT, 0).rid(2).bad_vector(form)
    s.insert(2).op(OP_UPDATE_VECTOR).rid(2).bad_vector(5)
    s.op(OP_KNN).bad_vector(7).u8(2, 0)
    s.op(OP_KNN).vector().u8(240, 0)  # k = 0
    s.op(OP_KNN).vector().u8(3, 8, 249 + 1)  # ef_search = 0
    s.op(OP_KNN).vector().u8(3, 16, 4)  # exact = 2
    for i in range(5):
        s.op(OP_INSERT_BAD, i)
    for i in range(6):
        s.op(OP_COMMAND, i)
    s.op(OP_SAVEPOINT_END, 1, 2).op(OP_TXN, 2)  # RELEASE of no savepoint, COMMIT of no transaction
    seeds["bad-input"] = s

    s = Ops(rng, file=True, dims=2, metric=L2)
    for i in range(1, 11):
        s.insert(i)
    s.op(OP_SECOND_WRITE, 0).rid(11).vector().op(OP_SECOND_WRITE, 1).rid(1).vector().knn(5, exact=1).op(OP_SCAN)
    s.op(OP_SCHEMA, 0).knn(3).op(OP_SCHEMA, 1).op(OP_REOPEN, 1).knn(3, exact=1)
    s.op(OP_SCHEMA, 3).create(6, IP, 5, 10)
    s.dims = 6
    for i in range(1, 8):
        s.insert(i)
    s.op(OP_SECOND).vector().u8(3, 16, 1, 1).op(OP_SCHEMA, 2).op(OP_REOPEN, 0).op(OP_INTEGRITY)
    seeds["schema"] = s
    return {name: bytes(b.b) for name, b in seeds.items()}


# ---- fuzz_hnsw_shadow.c ----
(SH_CONFIG, SH_MUTATE, SH_MUTATE2, SH_ROWS, SH_ROWS2, SH_SCHEMA, SH_USE, SH_USE2, SH_USE3, SH_TXN, SH_REOPEN,
 SH_RENAME) = range(12)
SHADOW_TABLES = ["config", "nodes", "rowids", "tombstones", "free", "changes"]
CONFIG_KEYS = ["format", "id", "generation", "slots", "entry", "live", "free", "cycle", "cursor", "colour"]
ROW_TABLES = ["nodes", "rowids", "tombstones", "free", "changes"]
(USE_KNN, USE_EXACT, USE_ALLOWED, USE_IN, USE_POINT, USE_SCAN, USE_COUNT, USE_REPLACE, USE_INSERT, USE_UPDATE,
 USE_RENUMBER, USE_DELETE, USE_DELETE_RANGE, USE_OPTIMIZE, USE_CHECK, USE_PRAGMA, USE_QUICK) = range(17)


class Shadow(Bytes):
    """A fuzz_hnsw_shadow session: header (file, dims/metric/m, rows), then operations."""

    def __init__(self, file=False, dims=2, metric=0, m=2, rows=12):
        super().__init__()
        self.dims = dims
        self.u8(1 if file else 0, (dims - 1) | metric << 2 | (m - 2) << 4, rows)

    def value(self, kind, *extra):
        return self.u8(kind, *extra)

    def use(self, which, k=5):
        self.u8(SH_USE, which)
        if which not in (USE_SCAN, USE_COUNT, USE_OPTIMIZE, USE_CHECK, USE_PRAGMA, USE_QUICK):
            self.u8(*[3] * self.dims, k - 1)
        return self

    def use_all(self):
        for which in range(17):
            self.use(which)
        return self

    def config(self, how, key, *value):
        return self.u8(SH_CONFIG, how, CONFIG_KEYS.index(key), *value)

    def rows(self, table, how, key, *values):
        return self.u8(SH_ROWS, ROW_TABLES.index(table), how, 1, key, *values)

    def forged(self, rowid, level, flags, counts_and_slots, wrong_dims=False):
        self.u8(8, rowid, level, flags, 0, 0 if wrong_dims else 1)
        self.u8(*[4] * (self.dims + (1 if wrong_dims else 0)))
        for count, slots in counts_and_slots:
            self.u8(count, *slots)
        return self


def hnsw_shadow_seeds():
    seeds = {}
    s = Shadow(rows=12)
    s.rows("nodes", 1, 3, 6, 5, 1, 2, 3, 4, 5).use_all()  # node 3: a 5-byte BLOB
    seeds["node-short"] = s

    s = Shadow(rows=10)
    s.u8(SH_ROWS, 0, 0, 1, 2).forged(2, 3, 0, [(2, [0, 1]), (1, [9]), (0, []), (1, [2])]).use_all()
    s.u8(SH_ROWS, 0, 0, 1, 4).forged(9, 0, 1, [(5, [])]).use_all()  # a count of 0xffffffff
    s.u8(SH_ROWS, 0, 0, 1, 5).forged(5, 1, 2, [(1, [23]), (1, [5])], wrong_dims=True).use_all()
    seeds["forged-nodes"] = s

    s = Shadow(rows=16, dims=3, metric=1)
    for i in range(8):
        s.u8(SH_MUTATE, i, 2, 2, 8 + i, 0xFF, 3, 9 + i, 0x7F)  # overwrite the level and a vector byte
        s.use(USE_KNN).use(USE_EXACT).use(USE_CHECK)
    s.u8(SH_MUTATE, 1, 1, 0, 15).use_all()  # cut short
    s.u8(SH_MUTATE, 2, 1, 1, 0).use_all()  # extended
    seeds["mutated-nodes"] = s

    s = Shadow(rows=12)
    for key in CONFIG_KEYS:
        s.config(0, key, 2, 8).use(USE_KNN).use(USE_INSERT).use(USE_CHECK)  # INT64_MAX
        s.config(0, key, 4, 3, 0x61, 0x62, 0x63).use(USE_SCAN)  # text 'abc'
        s.config(2, key).use(USE_COUNT)  # deleted
        s.u8(SH_TXN, 2)
    seeds["config"] = s

    s = Shadow(rows=14)
    s.rows("rowids", 0, 30, 1, 7).use_all()  # rowid 30 names slot 7, which holds another rowid
    s.rows("rowids", 1, 2, 2, 9).use_all()  # slot -> -9
    s.rows("tombstones", 0, 1, 1, 0).use_all()  # a live node called a tombstone
    s.rows("free", 0, 4).use_all()  # a slot that holds a node called free
    s.rows("changes", 0, 3, 6, 8, *range(8), 6, 4, 1, 0, 0, 0).use_all()
    s.config(0, "generation", 1, 9).rows("changes", 0, 9, 6, 6, 0xFF, 0, 0, 0, 1, 0, 6, 1, 0x55).use_all()
    seeds["rows"] = s

    s = Shadow(rows=12)
    for which in range(9):
        for table in range(6):
            s.u8(SH_SCHEMA, which, table).use(USE_KNN).use(USE_REPLACE).use(USE_CHECK)
            s.u8(SH_TXN, 2)
    seeds["schema"] = s

    s = Shadow(file=True, rows=20, dims=2, m=3)
    s.u8(SH_TXN, 0).rows("nodes", 2, 5).u8(SH_TXN, 3).use(USE_KNN).u8(SH_TXN, 4)  # savepoint, rolled back to
    s.u8(SH_TXN, 1).u8(SH_REOPEN, 0).use_all().u8(SH_REOPEN, 1, USE_EXACT, 3, 3, 4)
    s.config(0, "slots", 1, 3).u8(SH_REOPEN, 0).use_all().u8(SH_RENAME).use_all().u8(SH_RENAME)
    seeds["reopen"] = s
    return {name: bytes(b.b) for name, b in seeds.items()}


# ---- fuzz_graph.c ----
G_BFS, G_DFS, G_PATH, G_PATH2, G_COMPONENTS, G_PAGERANK, G_CHANGE = range(7)
COL_TYPES = ["", "INTEGER", "TEXT", "BLOB", "REAL", "NUMERIC"]
KIND_ROWID, KIND_WITHOUT_ROWID, KIND_TEMP, KIND_VIEW = range(4)
BINARY, NOCASE, RTRIM = range(3)
# ids: 0..149 small (b % 10, or 'n<digit>' with text ids), then 150 + k for the hostile kinds
ID_LETTER, ID_UPPER_A, ID_A_SPACE, ID_EMPTY, ID_NUL, ID_MAX, ID_MIN, ID_MINUS1, ID_REAL15, ID_REAL2, ID_BLOB, ID_NULL, \
    ID_HUGE, ID_TEXT3 = range(14)


def hostile(kind):
    return next(b for b in range(150, 256) if b % 14 == kind)


def weight(w=None, bad=None):
    if bad is not None:  # 0 NULL, 1 -1, 2 'x', 3 infinity, 4 BLOB, 5 integer 4
        return next(b for b in range(200, 256) if b % 6 == bad)
    return int(w * 2)  # halves 0..3.5


class Graph(Bytes):
    def __init__(self, rng, strategy=0, src="", dst="", w="", kind=KIND_ROWID, src_index=None, dst_index=None,
                 text_ids=False, main_prefix=False, edges=()):
        super().__init__()
        self.rng = rng
        a = COL_TYPES.index(src) + 6 * COL_TYPES.index(dst)
        b = COL_TYPES.index(w) + 6 * kind
        c = (1 if src_index is not None else 0) | (2 if dst_index is not None else 0)
        c |= (src_index or 0) << 2 | (dst_index or 0) << 4 | (0x40 if text_ids else 0) | (0x80 if main_prefix else 0)
        self.u8(strategy, a, b, c, len(edges))
        for e in edges:
            self.u8(*e)

    def bfs(self, start, depth=None, direction=None, dfs=False):
        form = (1 if depth is not None else 0) | (2 if direction is not None else 0)
        kind = {None: 4, "bad": 5}.get(depth, depth) if depth is not None else 4
        return self.u8(G_DFS if dfs else G_BFS, form, kind, direction or 0, start)

    def path(self, start, end, weighted=False):
        return self.u8(G_PATH, 1 if weighted else 0, start, end)

    def whole(self):
        return self.u8(G_COMPONENTS, G_PAGERANK)

    def change(self, which, *args):
        return self.u8(G_CHANGE, which, *args)

    def searches(self, n_nodes=10):
        for start in range(0, n_nodes, 3):
            self.bfs(start).bfs(start, 2).bfs(start, None, 1).bfs(start, 1, 2).bfs(start, dfs=True).bfs(start, 2, 2, dfs=True)
            self.path(start, (start + 4) % n_nodes).path(start, (start + 5) % n_nodes, weighted=True)
        return self.whole()


def random_edges(rng, n, ids=10, weights=True):
    return [(rng.randrange(ids), rng.randrange(ids), weight(rng.randrange(8) / 2) if weights else 0) for _ in range(n)]


def graph_seeds():
    rng = random.Random(15)
    seeds = {}
    seeds["ints-indexed"] = Graph(rng, 0, "INTEGER", "INTEGER", "REAL", src_index=BINARY, dst_index=BINARY,
                                  edges=random_edges(rng, 20)).searches()
    seeds["ints-no-index"] = Graph(rng, 2, edges=random_edges(rng, 20)).searches()
    seeds["text-nocase"] = Graph(rng, 1, "TEXT", "TEXT", src_index=NOCASE, dst_index=RTRIM, text_ids=True,
                                 edges=random_edges(rng, 14) + [(hostile(ID_UPPER_A), hostile(ID_LETTER), 2),
                                                                (hostile(ID_A_SPACE), hostile(ID_EMPTY), 1),
                                                                (hostile(ID_NUL), hostile(ID_LETTER), 0)]).searches()
    seeds["huge-text"] = Graph(rng, 3, text_ids=True, edges=random_edges(rng, 8) + [(hostile(ID_HUGE), 1, 2), (3, hostile(ID_HUGE), 2)]).searches()
    seeds["extreme-ints"] = Graph(rng, 0, src_index=BINARY, edges=random_edges(rng, 10) + [
        (hostile(ID_MAX), hostile(ID_MIN), 1), (hostile(ID_MINUS1), hostile(ID_MAX), 1), (hostile(ID_NULL), 3, 1)]).searches()
    for strategy in range(4):
        seeds[f"dirty-{strategy}"] = Graph(rng, strategy, "", "REAL", src_index=BINARY, dst_index=NOCASE,
                                           edges=random_edges(rng, 8) + [(hostile(ID_BLOB), 2, 1), (hostile(ID_REAL15), 4, 1)]).searches()
        seeds[f"mixed-{strategy}"] = Graph(rng, strategy, src_index=BINARY, edges=random_edges(rng, 8) + [(hostile(ID_TEXT3), 3, 1)]).searches()
    seeds["bad-weights"] = Graph(rng, 0, kind=KIND_VIEW, edges=random_edges(rng, 10) + [
        (1, 2, weight(bad=0)), (2, 3, weight(bad=1)), (3, 4, weight(bad=2)), (4, 5, weight(bad=3))]).searches()
    seeds["affinity"] = Graph(rng, 0, "INTEGER", "TEXT", "TEXT", kind=KIND_WITHOUT_ROWID, src_index=BINARY,
                              edges=random_edges(rng, 12) + [(hostile(ID_TEXT3), hostile(ID_REAL2), 1)]).searches()
    s = Graph(rng, 3, "INTEGER", "INTEGER", kind=KIND_TEMP, src_index=BINARY, dst_index=BINARY, edges=random_edges(rng, 12))
    s.searches(6).change(3).change(0, 1, 9, 2).searches(6).change(4).searches(6)  # BEGIN, insert, ROLLBACK
    s.change(1, 2).searches(6).change(2, 3, 7).whole().change(3).change(1, 5).change(5).searches(6)
    seeds["cache-changes"] = s
    s = Graph(rng, 0, src_index=BINARY, main_prefix=True, edges=random_edges(rng, 6))
    for start in range(6):
        s.bfs(start, "bad").bfs(start, 0, 3).u8(G_BFS, 1, 6, 0, start).u8(G_DFS, 1, 7, 0, start)  # -1, 1.5, 'two', 'sideways'
        s.bfs(200 + start % 6).path(200 + start % 6, start)  # starts of every type
    seeds["bad-arguments"] = s
    return {name: bytes(b.b) for name, b in seeds.items()}


# ---- fuzz_node2vec.c ----
N2V_ARGS = 14
N2V_NAME, N2V_COUNT, N2V_NUMBER, N2V_SEED = range(4)
N2V_KINDS = [N2V_NAME] * 4 + [N2V_COUNT, N2V_NUMBER, N2V_NUMBER] + [N2V_COUNT] * 4 + [N2V_NUMBER, N2V_COUNT, N2V_SEED]
N2V_BAD_KINDS = {N2V_NAME: 7, N2V_COUNT: 8, N2V_NUMBER: 8, N2V_SEED: 1}


def first_at_least(low, mod, rest):
    return next(b for b in range(low, 256) if b % mod == rest)


def n2v(edges, text=False, cosine=False, row999=False, dims=4, output=0, seed=True, args=None):
    """edges: (a, b) bytes (< 240: an id 0..7 of the table's type; >= 240: NULL, REAL, BLOB, the other type)."""
    b = Bytes().u8((1 if text else 0) | (2 if cosine else 0) | (4 if row999 else 0), len(edges))
    for a, c in edges:
        b.u8(a, c)
    b.u8(dims - 1, 0 if output == 0 else (4, output - 1)[0])
    if output:
        b.u8(output - 1)
    b.u8(1 if seed else 0)
    args = args or {}
    for i in range(N2V_ARGS if seed else N2V_ARGS - 1):
        b.u8(args.get(i, 0))
        if N2V_KINDS[i] == N2V_SEED and args.get(i, 0) < 200:
            b.u8(15, 0, 0, 0)
    return bytes(b.b)


def node2vec_seeds():
    ring = [(i, (i + 1) % 8) for i in range(8)]
    seeds = {
        "ring-int": n2v(ring),
        "ring-text-cosine": n2v(ring, text=True, cosine=True, row999=True, dims=3),
        "thirteen-args": n2v(ring, seed=False, dims=1),
        "self-loops": n2v([(1, 1), (2, 2), (2, 3)]),
        "empty": n2v([]),
        "null-ends": n2v([(240, 1), (2, 244), (3, 4)]),
        "dirty-real": n2v(ring + [(241, 2)]),
        "dirty-blob": n2v(ring + [(3, 242)]),
        "mixed-types": n2v(ring + [(243, 1)]),
        "not-an-index": n2v(ring, output=1),
        "no-output": n2v(ring, output=2),
        "wrong-dims": n2v(ring, args={4: first_at_least(200, 8, 6)}),
        "million-walks": n2v(ring, args={7: first_at_least(200, 8, 6)}),
        "million-negatives": n2v(ring, args={10: first_at_least(200, 8, 6)}),
        "huge-rate": n2v(ring, args={11: first_at_least(200, 8, 3)}),
        "tiny-rate": n2v(ring, args={11: first_at_least(200, 8, 2)}),
        "main-output": n2v(ring, args={3: first_at_least(200, 7, 2)}),
        "upper-edges": n2v(ring, args={0: first_at_least(200, 7, 3)}),
        # walks of a million steps at p = q = 1e6 on the ring (no triangles: ~1e6 proposals a step) and
        # at p = 1e6, q = 1e-6 on a 5-clique (every other neighbour adjoins the last node: ~1.3e6)
        "extreme-pq-ring": n2v(ring, args={5: 192, 6: 192, 8: first_at_least(200, 8, 6)}),
        "extreme-q-clique": n2v([(i, j) for i in range(5) for j in range(i + 1, 5)],
                                args={5: 192, 6: 193, 8: first_at_least(200, 8, 6)}),
    }
    for i, kind in enumerate(N2V_KINDS):
        for bad in range(N2V_BAD_KINDS[kind]):
            seeds[f"bad-arg{i}-{bad}"] = n2v(ring, args={i: first_at_least(200, 8 if kind != N2V_NAME else 7, bad)})
    return seeds


TARGETS = {"hnsw_ops": hnsw_ops_seeds, "hnsw_shadow": hnsw_shadow_seeds, "graph": graph_seeds,
           "node2vec": node2vec_seeds}


def main(argv):
    check = "--check" in argv
    stale = []
    for target, make in TARGETS.items():
        folder = SEEDS / target
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in make().items():
            path = folder / name
            if check:
                if not path.exists() or path.read_bytes() != data:
                    stale.append(str(path))
            else:
                path.write_bytes(data)
    if stale:
        print("make_seeds: out of date (run Tests/fuzz/make_seeds.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
