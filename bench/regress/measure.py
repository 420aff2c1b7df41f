#!/usr/bin/env python3
"""Measures the instruction counters of the hot paths under callgrind and writes them with
bench/bench_json.py (github-action-benchmark's customSmallerIsBetter format):
  kernel/<kernel>/<metric>/<dims>      instructions per vector, every kernel this CPU runs
  hnsw/..., graph/..., node2vec/train  instructions of each counted region of sql_workloads
  matrix/<fixture file>                the warm compat-matrix run, one fixture file (matrix_counts.py)
The SQL and matrix counters run with VEC_GRAPH_KERNEL pinned (sse on x86-64, neon on arm64, else
scalar), named in brackets. Each figure's "extra" says what the count depends on besides the code:
architecture, compiler, valgrind and SQLite (and the fixture's digest); the gate compares only
figures whose "extra" is the baseline's.
usage: measure.py OUT.json [--parts kernels,sql,matrix] [--build DIR] [--compat-matrix PATH]"""
import argparse
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import bench_json  # noqa: E402
import callgrind  # noqa: E402
import matrix_counts  # noqa: E402

PINNED = {"x86_64": "sse", "aarch64": "neon", "arm64": "neon"}
AMALGAMATION = ROOT / "build/dist/sqlite-amalgamation"
PATH = "/usr/local/bin:/usr/bin:/bin"


def fingerprint():
    cc = subprocess.run(["cc", "--version"], capture_output=True, text=True, check=True).stdout.splitlines()[0]
    header = (AMALGAMATION / "sqlite3.h").read_text(errors="replace")
    sqlite = re.search(r'#define SQLITE_VERSION\s+"([^"]+)"', header)[1]
    return f"{platform.machine()}, {cc}, {callgrind.valgrind_version()}, SQLite {sqlite}"


def relative(path):
    return str(Path(path).resolve().relative_to(ROOT))


def kernel_counters(build, extra):
    counts, out = callgrind.count([relative(build / "kernels_workload")], {"PATH": PATH}, cwd=ROOT)
    vectors = int(re.search(r"vectors (\d+)", out)[1])
    return [bench_json.entry(name, round(ir / vectors, 2), "instructions per vector", extra)
            for name, ir in sorted(counts.items())]


def sql_counters(build, kernel, extra):
    # Paths of the same length on every machine and checkout (SQLite works with the database's full
    # path): the programs from relative paths, the database in a fresh folder named like every other.
    with tempfile.TemporaryDirectory(prefix="vg-regress-", dir="/tmp") as work:
        counts, _ = callgrind.count(["build/bench/regress/sql_workloads", relative(build / "vec_graph.so"), work],
                                    {"PATH": PATH, "VEC_GRAPH_KERNEL": kernel}, cwd=ROOT)
    return [bench_json.entry(f"{name} [{kernel}]", ir, "instructions", extra) for name, ir in counts.items()]


def matrix_counters(build, kernel, extra, compat_matrix):
    driver = ROOT / "build/bench/regress/driver/vg_driver"
    found = matrix_counts.counters(compat_matrix, driver, build / "vec_graph.so", ROOT, kernel)
    return [bench_json.entry(f"matrix/{fixture} [{kernel}]", ir, "instructions", f"{extra}, fixture {digest}")
            for fixture, (ir, digest) in found.items()]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--parts", default="kernels,sql,matrix")
    ap.add_argument("--build", default=str(ROOT / "build/bench/regress/plain"))
    ap.add_argument("--compat-matrix", help="the compat-matrix executable (needed for the matrix part)")
    args = ap.parse_args()
    parts = args.parts.split(",")
    unknown = set(parts) - {"kernels", "sql", "matrix"}
    if unknown:
        ap.error(f"unknown part(s) {', '.join(sorted(unknown))} (expected kernels, sql, matrix)")
    if "matrix" in parts and not args.compat_matrix:
        ap.error("the matrix part needs --compat-matrix")
    build, extra = Path(args.build), fingerprint()
    kernel = PINNED.get(platform.machine(), "scalar")
    entries = []
    if "kernels" in parts:
        entries += kernel_counters(build, extra)
    if "sql" in parts:
        entries += sql_counters(build, kernel, extra)
    if "matrix" in parts:
        entries += matrix_counters(build, kernel, extra, args.compat_matrix)
    bench_json.write(args.out, entries)
    print(f"measure: {len(entries)} counters into {args.out} ({extra})")


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as e:  # a workload or fixture that failed: its message, not a traceback
        sys.exit(f"measure: {e}")
