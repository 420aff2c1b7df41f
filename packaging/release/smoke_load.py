#!/usr/bin/env python3
"""Role: the smallest proof that a built extension works in the Python on PATH: load BINARY into the
standard sqlite3 module, check vec_graph_version() against VERSION (and the kernel when given: one name, or a comma list of
the names a runner's CPU may give, e.g. avx512,avx2) and compute one distance. Exits 1 with the reason
otherwise.

usage: smoke_load.py BINARY [EXPECTED_KERNEL[,EXPECTED_KERNEL...]]"""
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(binary, kernel=None):
    db = sqlite3.connect(":memory:")
    if not hasattr(db, "enable_load_extension"):
        sys.exit(f"smoke_load: this Python's sqlite3 ({sys.executable}) cannot load extensions")
    db.enable_load_extension(True)
    db.load_extension(str(Path(binary).resolve()))
    version, got_kernel, distance = db.execute(
        "SELECT vec_graph_version(), vec_graph_kernel(), vg_distance_l2('[1,2]', '[4,6]')").fetchone()
    print(f"smoke_load: SQLite {sqlite3.sqlite_version}, vec_graph {version}, kernel {got_kernel}, l2 {distance}")
    want = (ROOT / "VERSION").read_text().strip()
    problems = [f"version {version} != {want}"] if version != want else []
    problems += [f"kernel {got_kernel} is not {kernel}"] if kernel and got_kernel not in kernel.split(",") else []
    problems += [f"distance {distance} != 25.0"] if distance != 25.0 else []
    if problems:
        sys.exit("smoke_load: " + "; ".join(problems))


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.split("\n\n")[1])
    main(*sys.argv[1:])
