#!/usr/bin/env python3
"""The warm compat-matrix run's counters: compat-matrix runs every fixture file with a prebuilt driver
and extension (nothing to build: the warm case) under bench/regress/callgrind-driver.sh as its
--emulator, one compat-matrix run a file, every case required to pass. The driver links SQLite as a
shared library, so its own work (reading the script, printing rows) is told apart from what it asks
of SQLite. A counter is the instructions of the driver's calls into SQLite (SQLite and the extension
running the statements, with the libc they call) in the fixture file's process, minus the same in
the run's load probe (a process that opens a database, loads the extension, runs one query and
closes): so process start and extension loading are left out, and what remains is the fixture's own
SQL. The harness itself (Swift) is not counted: its instructions are process spawning, hashing and
cache reads, and valgrind 3.19 cannot run it (docs/benchmarks.md)."""
import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

import callgrind


def fixture_files(root):
    return sorted(p.relative_to(root).as_posix() for p in Path(root).rglob("*.test"))


def count_fixture(matrix, driver, extension, package_root, fixture, kernel):
    """(net Ir of the fixture file's calls into SQLite, fixture sha256 prefix)."""
    work = Path(tempfile.mkdtemp(prefix="vg-matrix-", dir="/tmp"))
    try:
        # Copies in the fresh folder, so the paths the driver sees are as long on every checkout.
        driver, extension = shutil.copy(driver, work / "vg_driver"), shutil.copy(extension, work / "vec_graph.so")
        wrapper = Path(package_root, "bench/regress/callgrind-driver.sh").resolve()
        run = subprocess.run([matrix, "run", "--driver", str(driver), "--extension", str(extension),
                              "--emulator", f"bash {wrapper} {work} {kernel}", "--suite", "regress",
                              "--fixtures", fixture, "--timeout", "900", "--package-root", str(package_root),
                              "--junit", str(work / "junit.xml"), "--summary", str(work / "summary.md")],
                             capture_output=True, text=True)
        if run.returncode != 0:
            raise RuntimeError(f"compat-matrix on {fixture} under callgrind failed (exit {run.returncode}):\n"
                               f"{run.stdout[-3000:]}{run.stderr[-3000:]}")
        dumps = sorted(work.glob("*.cg"), key=lambda p: int(p.stem))
        if len(dumps) != 2:
            raise RuntimeError(f"compat-matrix on {fixture}: expected 2 driver runs (probe, fixture), saw {len(dumps)}")
        probe, whole = (callgrind.calls_between(d, "/vg_driver", "/libsqlite3.so") for d in dumps)
        digest = hashlib.sha256(Path(package_root, "Fixtures", fixture).read_bytes()).hexdigest()[:12]
        return whole - probe, digest
    finally:
        shutil.rmtree(work, ignore_errors=True)


def counters(matrix, driver, extension, package_root, kernel):
    """{fixture: (net Ir, fixture digest)} for every fixture file."""
    return {f: count_fixture(matrix, driver, extension, package_root, f, kernel)
            for f in fixture_files(Path(package_root, "Fixtures"))}
