#!/usr/bin/env python3
"""Writes Fixtures/hnsw/storage.test: hnsw_index with storage = 'f16' | 'i8' | 'bit', with and without
rescore = N, against numpy brute force over the compact vectors as docs/vectors.md defines them
(the encoders are vector_compact.py's, the oracle of Fixtures/vector/compact.test):

- f16: components are integers in [-8, 8], exact in binary16, so the index's distances (the float32
  query against the float16 vectors) are the float64 ones exactly; rows and distances are compared.
- i8: the distance between the quantized query and each quantized row, in float64 on the exact
  dequantized values (offset + scale * q); the index computes it in float arithmetic, so only rowids
  are compared, and a query is redrawn unless consecutive distances of its top k + 1 differ by more
  than 1e-3 (relative): the expected order is then unambiguous.
- bit: Hamming distances of the signs (integers); k is the number of rows within a radius that
  leaves at most 10 rows inside and none tied at its edge, and rows are compared sorted.
- rescore = N: the compact top N * k (unique: a gap at N * k is required), re-ranked by the float32
  originals (integers: exact); exact = 1 with rescore ranks every original. The vector column
  returns the original with rescore, else the typed compact BLOB (compared as hex).
With ef_search >= the number of rows the graph search is exact (as Fixtures/hnsw/knn_*.test).
Run: .venv/bin/python Fixtures/generators/hnsw_storage.py (make fixtures)."""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vector_compact import bit_blob, dequantized, f16_blob, hexs, i8_blob  # noqa: E402

SEED = 20261202
ROWS = 200
OUT = Path(__file__).resolve().parent.parent / "hnsw" / "storage.test"


def vec_json(v):
    return "[" + ",".join(str(int(x)) for x in v) + "]"


def draw_rows(rng, dims):
    data = rng.integers(-8, 9, size=(ROWS, dims)).astype(np.float64)
    data[np.all(data == 0, axis=1), 0] = 1
    return data


def l2(data, q):
    return ((data - q) ** 2).sum(axis=1)


def compact_distances(storage, data, q):
    """The distances the index computes on its stored vectors, in float64."""
    if storage == "f16":
        return l2(data, q)
    if storage == "i8":
        dq = dequantized(q.astype(np.float32))
        return np.array([((dequantized(x.astype(np.float32)) - dq) ** 2).sum() for x in data])
    return ((data > 0) != (q > 0)).sum(axis=1).astype(np.float64)


def separated(d, order, upto):
    """Consecutive distances of order[:upto + 1] all differ by more than 1e-3 (relative)."""
    s = d[order[:upto + 1]]
    return all(s[i + 1] - s[i] > 1e-3 * max(1.0, abs(s[i])) for i in range(len(s) - 1))


def query(rng, dims):
    while True:
        q = rng.integers(-8, 9, size=dims).astype(np.float64)
        if q.any():
            return q


def rows_record(comment, sql, hits, with_distance, sort="nosort"):
    types = "IR" if with_distance else "I"
    lines = [f"# {comment}", f"query {types} {sort}", sql, "----"]
    for rowid, d in hits:
        lines.append(str(rowid))
        if with_distance:
            lines.append(f"{d:.3f}")
    return "\n".join(lines)


def create(table, dims, storage, rescore=0):
    opts = f"dimensions={dims}, metric='l2', m=8, ef_construction=64, storage='{storage}'"
    if rescore:
        opts += f", rescore={rescore}"
    return f"statement ok\nCREATE VIRTUAL TABLE {table} USING hnsw_index({opts})"


def insert(table, data, ids):
    rows = ", ".join(f"({i + 1}, '{vec_json(data[i])}')" for i in ids)
    return f"statement ok\nINSERT INTO {table}(rowid, vector) VALUES {rows}"


def knn_sql(table, q, k, extra):
    return f"SELECT rowid, distance FROM {table} WHERE vector MATCH '{vec_json(q)}' AND k = {k}{extra}"


def graph_and_exact(comment, table, q, k, hits, with_distance, sort="nosort"):
    select = knn_sql(table, q, k, "")
    if not with_distance:
        select = select.replace("SELECT rowid, distance", "SELECT rowid")
    return [rows_record(comment, f"{select} AND ef_search = {ROWS}", hits, with_distance, sort),
            rows_record(f"{comment}, exact = 1", f"{select} AND exact = 1", hits, with_distance, sort)]


def plain_storage(rng, storage, dims, records):
    """storage without rescore: the graph searched on the compact vectors, their distances."""
    table = f"s_{storage}"
    data = draw_rows(rng, dims)
    records += [create(table, dims, storage), insert(table, data, range(ROWS))]
    ids = np.arange(ROWS)
    for n in range(4):
        while True:
            q = query(rng, dims)
            d = compact_distances(storage, data, q)
            order = np.argsort(d, kind="stable")
            if storage == "bit":
                # the rows within the largest radius that holds at most 10, none tied at its edge
                radius = max((r for r in range(dims + 1) if (d <= r).sum() <= 10), default=-1)
                k = int((d <= radius).sum())
                if k == 0:
                    continue
                # rowsort compares the rendered text
                hits = sorted(((int(ids[i]) + 1, float(d[i])) for i in order[:k]), key=lambda h: (str(h[0]), f"{h[1]:.3f}"))
                records += graph_and_exact(f"{storage} query {n}: the {k} rows within Hamming distance {radius}",
                                           table, q, k, hits, True, "rowsort")
                break
            if storage == "f16" and not separated(d, order, 10):
                continue
            if storage == "i8" and not separated(d, order, 10):
                continue
            hits = [(int(ids[i]) + 1, float(d[i])) for i in order[:10]]
            records += graph_and_exact(f"{storage} query {n}: the top 10", table, q, 10, hits, storage == "f16")
            break
    blob = {"f16": f16_blob, "i8": i8_blob, "bit": bit_blob}[storage]
    records.append(f"# the vector column: the stored vector as a typed {storage} BLOB (docs/vectors.md)\n"
                   f"query T nosort\nSELECT hex(vector) FROM {table} WHERE rowid = 7\n----\n"
                   f"{hexs(blob(data[6].astype(np.float32)))}")
    records.append(f"query I nosort\nSELECT vg_dims(vector) = {dims} FROM {table} WHERE rowid = 8\n----\n1")
    records.append(f"# no float32 copy is kept without rescore\n"
                   f"query I nosort\nSELECT count(*) FROM sqlite_master WHERE name = '{table}_vectors'\n----\n0")


def rescored(rng, storage, dims, rescore, k, records):
    """rescore: the compact top rescore * k re-ranked by the float32 originals."""
    table = f"r_{storage}"
    data = draw_rows(rng, dims)
    records += [create(table, dims, storage, rescore), insert(table, data, range(ROWS))]
    records.append(f"query I nosort\nSELECT count(*) FROM {table}_vectors\n----\n{ROWS}")
    cand = min(rescore * k, ROWS)

    def expected(alive, q):
        d = compact_distances(storage, data[alive], q)
        order = np.argsort(d, kind="stable")
        if cand < len(alive) and not d[order[cand]] - d[order[cand - 1]] > 1e-3 * max(1.0, d[order[cand - 1]]):
            return None  # the candidate set is not unique
        picked = alive[order[:cand]]
        f = l2(data[picked], q)
        o = np.argsort(f, kind="stable")
        if not separated(f, o, min(k, len(o) - 1)):
            return None
        full = l2(data[alive], q)
        fo = np.argsort(full, kind="stable")
        if not separated(full, fo, k):
            return None
        return ([(int(picked[i]) + 1, float(f[i])) for i in o[:k]],
                [(int(alive[i]) + 1, float(full[i])) for i in fo[:k]])

    def queries(alive, label, n):
        for j in range(n):
            while True:
                q = query(rng, dims)
                got = expected(alive, q)
                if got is not None:
                    break
            graph, exact = got
            records.append(rows_record(f"{label} query {j}: the compact top {cand} re-ranked by the originals",
                                       f"{knn_sql(table, q, k, '')} AND ef_search = {ROWS}", graph, True))
            records.append(rows_record(f"{label} query {j}, exact = 1: every original ranked",
                                       f"{knn_sql(table, q, k, '')} AND exact = 1", exact, True))

    alive = np.arange(ROWS)
    queries(alive, f"{storage} rescore={rescore}", 3)
    records.append(f"# with rescore the vector column is the float32 original\n"
                   f"query T nosort\nSELECT hex(vector) FROM {table} WHERE rowid = 5\n----\n"
                   f"{data[4].astype('<f4').tobytes().hex().upper()}")
    q = query(rng, dims)
    hit = int(np.argsort(l2(data, q), kind="stable")[0])
    records.append(f"query I nosort\nSELECT vector = vg_f32('{vec_json(data[hit])}') FROM {table} "
                   f"WHERE vector MATCH '{vec_json(q)}' AND k = 1 AND exact = 1\n----\n1")
    # an update that keeps the signs (for bit the stored vector too) but changes the original: what a
    # query read of the old original (the shared cache keeps it beside the node) must not answer after it
    for rowid in range(33, ROWS):
        old = data[rowid - 1].copy()
        new = np.where(old > 0, 1, -1) * rng.integers(1, 9, size=dims)
        if np.array_equal(new, old) or expected(alive, old) is None:
            continue
        data[rowid - 1] = new
        if expected(alive, new) is not None:
            break
        data[rowid - 1] = old
    else:
        raise SystemExit("no row with separated distances for the same-signs update")
    data[rowid - 1] = old
    records.append(rows_record(f"{storage} rescore={rescore}: row {rowid}'s own vector, before the update",
                               f"{knn_sql(table, old, k, '')} AND ef_search = {ROWS}", expected(alive, old)[0], True))
    data[rowid - 1] = new
    records.append(f"statement ok\nUPDATE {table} SET vector = '{vec_json(new)}' WHERE rowid = {rowid}")
    for label, q in (("its old vector", old), ("its new vector", new)):
        records.append(rows_record(f"{storage} rescore={rescore}: row {rowid}'s originals changed, {label}",
                                   f"{knn_sql(table, q, k, '')} AND ef_search = {ROWS}", expected(alive, q)[0], True))
    # writes keep the originals: deletes remove them, updates and upserts replace them
    records.append(f"statement ok\nDELETE FROM {table} WHERE rowid <= 20")
    for rowid in range(21, 31):
        data[rowid - 1] = query(rng, dims)
        records.append(f"statement ok\nUPDATE {table} SET vector = '{vec_json(data[rowid - 1])}' WHERE rowid = {rowid}")
    data[30] = query(rng, dims)
    records.append(f"statement ok\nINSERT OR REPLACE INTO {table}(rowid, vector) VALUES (31, '{vec_json(data[30])}')")
    records.append(f"query II nosort\nSELECT count(*), (SELECT count(*) FROM {table}_vectors) FROM {table}\n----\n"
                   f"{ROWS - 20}\n{ROWS - 20}")
    records.append(f"query T nosort\nSELECT hex(vector) FROM {table} WHERE rowid = 31\n----\n"
                   f"{data[30].astype('<f4').tobytes().hex().upper()}")
    queries(np.arange(20, ROWS), f"{storage} rescore={rescore} after deletes and updates,", 2)
    records.append(f"statement ok\nINSERT INTO {table}({table}) VALUES ('integrity-check')")
    # a missing original is damage, named with the storage and rescore; on a row no query has read
    # (the shared cache keeps the originals rescoring read)
    lone, lone_v = ROWS + 1, query(rng, dims)
    records.append(f"statement ok\nINSERT INTO {table}(rowid, vector) VALUES ({lone}, '{vec_json(lone_v)}')")
    records.append(f"statement ok\nDELETE FROM {table}_vectors WHERE id = {lone}")
    records.append(f"statement error hnsw_index {table} \\(storage {storage}, rescore {rescore}\\): vectors: rowid {lone} "
                   f"has no original of {dims} float32 values\nINSERT INTO {table}({table}) VALUES ('integrity-check')")
    records.append(f"statement error hnsw_index: {table} is damaged: {table}_vectors: the original of rowid {lone} is "
                   f"not {dims} float32 values\nSELECT vector FROM {table} WHERE rowid = {lone}")
    q = vec_json(lone_v)
    records.append(f"statement error hnsw_index: {table} is damaged: {table}_vectors has no original for rowid {lone}\n"
                   f"SELECT rowid FROM {table} WHERE vector MATCH '{q}' AND k = 1 AND exact = 1 AND allowed = {lone}")
    records.append(f"statement error hnsw_index: {table} is damaged: {table}_vectors has no original for rowid {lone}\n"
                   f"SELECT rowid FROM {table} WHERE vector MATCH '{q}' AND k = 1 AND ef_search = {ROWS}")
    # an original of another type or length: read through the statement, which names the damage
    records.append(f"statement ok\nINSERT INTO {table}_vectors(id, vector) VALUES ({lone}, 'text')")
    records.append(f"statement error hnsw_index: {table} is damaged: {table}_vectors: the original of rowid {lone} is "
                   f"not {dims} float32 values\n"
                   f"SELECT rowid FROM {table} WHERE vector MATCH '{q}' AND k = 1 AND ef_search = {ROWS}")


def main():
    rng = np.random.default_rng(SEED)
    records = ["# Generated by Fixtures/generators/hnsw_storage.py: do not edit.\n"
               f"# hnsw_index storage = 'f16' | 'i8' | 'bit' and rescore, against numpy over {ROWS} rows."]
    plain_storage(rng, "f16", 16, records)
    plain_storage(rng, "i8", 16, records)
    plain_storage(rng, "bit", 32, records)
    rescored(rng, "i8", 16, 3, 5, records)
    rescored(rng, "bit", 32, 20, 10, records)
    OUT.write_text("\n\n".join(records) + "\n")


if __name__ == "__main__":
    main()
