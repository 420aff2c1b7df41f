"""One index build of the HNSW benchmark, run in a child process so its peak memory is its own.
Prints one JSON line: build seconds, peak RSS before and after the build (KiB, ru_maxrss), file bytes.

  hnsw_build.py vec_graph  base.npy out.db    EXTENSION M EF_CONSTRUCTION SEED [OPTIONS]
  hnsw_build.py hnswlib    base.npy out.bin   -         M EF_CONSTRUCTION SEED
  hnsw_build.py sqlite-vec base.npy out.db    -         (the rest ignored)
  hnsw_build.py sqlite-vec-int8 | sqlite-vec-bit ...     (vec0 int8[N] / bit[N] columns, see below)

OPTIONS: more hnsw_index options, e.g. "storage='i8', rescore=3".

vec_graph: CREATE VIRTUAL TABLE ... USING hnsw_index, every INSERT in one transaction, COMMIT (the
time includes writing the shadow tables). hnswlib: init_index + add_items on one thread + save_index
(the time excludes saving). sqlite-vec: a vec0 table filled in one transaction; its int8 column takes
vec_quantize_int8(v, 'unit') of the vectors divided by the data set's largest magnitude ('unit' wants
[-1, 1]; queries are divided the same), its bit column vec_quantize_binary(v)."""
import json
import os
import resource
import sqlite3
import sys
import time

import numpy as np

from hnsw_query import connect as open_db


def peak_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def connect(path, extension=None):
    """A new, empty database at path with vec_graph (or sqlite-vec) loaded."""
    if os.path.exists(path):
        os.remove(path)
    return open_db(path, extension)


def fill(db, base):
    db.execute("BEGIN")
    db.executemany("INSERT INTO idx(rowid, vector) VALUES (?, ?)",
                   ((i + 1, row.tobytes()) for i, row in enumerate(base)))
    db.execute("COMMIT")


def build_vec_graph(base, out, extension, m, efc, options=""):
    db = connect(out, extension)
    start = time.perf_counter()
    db.execute(f"CREATE VIRTUAL TABLE idx USING hnsw_index(dimensions={base.shape[1]}, metric='l2', "
               f"m={m}, ef_construction={efc}{', ' + options if options else ''})")
    fill(db, base)
    seconds = time.perf_counter() - start
    db.close()
    return seconds


def build_sqlite_vec(base, out):
    db = connect(out)
    start = time.perf_counter()
    db.execute(f"CREATE VIRTUAL TABLE idx USING vec0(vector float[{base.shape[1]}])")
    fill(db, base)
    seconds = time.perf_counter() - start
    db.close()
    return seconds


def build_sqlite_vec_quantized(base, out, kind):
    """vec0 over int8 or bit vectors made by sqlite-vec's own quantizers."""
    db = connect(out)
    start = time.perf_counter()
    column, quantize = {"int8": ("int8", "vec_quantize_int8(vec_f32(?), 'unit')"),
                        "bit": ("bit", "vec_quantize_binary(vec_f32(?))")}[kind]
    db.execute(f"CREATE VIRTUAL TABLE idx USING vec0(vector {column}[{base.shape[1]}])")
    scale = scale_of(base)
    db.execute("BEGIN")
    db.executemany(f"INSERT INTO idx(rowid, vector) VALUES (?, {quantize})",
                   ((i + 1, (row / scale).tobytes()) for i, row in enumerate(base)))
    db.execute("COMMIT")
    seconds = time.perf_counter() - start
    db.close()
    return seconds


def scale_of(base):
    """What the vectors are divided by for sqlite-vec's 'unit' int8 quantization (queries too)."""
    return np.float32(np.abs(base).max())


def build_hnswlib(base, out, m, efc, seed):
    import hnswlib
    start = time.perf_counter()
    index = hnswlib.Index(space="l2", dim=base.shape[1])
    index.init_index(max_elements=len(base), M=m, ef_construction=efc, random_seed=seed)
    index.set_num_threads(1)
    index.add_items(base, np.arange(1, len(base) + 1), num_threads=1)
    seconds = time.perf_counter() - start
    index.save_index(out)
    return seconds


def main(engine, data, out, extension, m=16, efc=200, seed=0, options=""):
    base = np.load(data)
    before = peak_kib()
    if engine == "vec_graph":
        seconds = build_vec_graph(base, out, extension, int(m), int(efc), options)
    elif engine.startswith("sqlite-vec-"):
        seconds = build_sqlite_vec_quantized(base, out, engine.removeprefix("sqlite-vec-"))
    elif engine == "hnswlib":
        seconds = build_hnswlib(base, out, int(m), int(efc), int(seed))
    else:
        seconds = build_sqlite_vec(base, out)
    print(json.dumps({"seconds": seconds, "peak_before_kib": before, "peak_kib": peak_kib(),
                      "file_bytes": os.path.getsize(out)}))


if __name__ == "__main__":
    main(*sys.argv[1:])
