#!/usr/bin/env python3
"""Role: lay out vec-graph-sqlite's source tree in DEST, from real parts: pysqlite3's sdist (its C
sources in src/, its Python package renamed vec_graph_sqlite), SQLite's amalgamation (sqlite/),
vec_graph's C sources (vec_graph/), and this folder's build files. pip, build or cibuildwheel then
builds a wheel from DEST. Standard library only (it runs on every release runner).

usage: prepare.py DEST --sdist pysqlite3-X.tar.gz --amalgamation DIR"""
import argparse
import re
import shutil
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OWN_FILES = ["setup.py", "pyproject.toml", "build_config.py", "vg_extra_init.c", "README.md", "tests/smoke.py"]
AMALGAMATION = ["sqlite3.c", "sqlite3.h", "sqlite3ext.h"]


def sqlite_version(header):
    match = re.search(r'^#define SQLITE_VERSION\s+"([^"]+)"', header.read_text(), re.M)
    if not match:
        raise SystemExit(f"prepare: {header} names no SQLITE_VERSION")
    return match[1]


def renamed(text):
    """pysqlite3's package modules with their imports pointed at vec_graph_sqlite."""
    out = re.sub(r"\bpysqlite3\b", "vec_graph_sqlite", text)
    if "vec_graph_sqlite" not in out:
        raise SystemExit("prepare: pysqlite3's package no longer imports itself by name; check the rename")
    return out


def unpack_pysqlite3(sdist, dest):
    with tarfile.open(sdist) as tar:
        members = {Path(m.name).relative_to(Path(m.name).parts[0]).as_posix(): m for m in tar.getmembers() if m.isfile()}
        def read(name):
            if name not in members:
                raise SystemExit(f"prepare: {sdist} has no {name}")
            return tar.extractfile(members[name]).read()
        for name in members:
            if name.startswith("src/") and name.endswith((".c", ".h")):
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                (dest / name).write_bytes(read(name))
        package = dest / "vec_graph_sqlite"
        package.mkdir()
        for module in ("__init__.py", "dbapi2.py"):
            (package / module).write_text(renamed(read(f"pysqlite3/{module}").decode("latin-1")), encoding="latin-1")
        (dest / "LICENSE.pysqlite3").write_bytes(read("LICENSE"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--sdist", type=Path, required=True)
    parser.add_argument("--amalgamation", type=Path, required=True)
    args = parser.parse_args()
    dest = args.dest
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    unpack_pysqlite3(args.sdist, dest)
    (dest / "sqlite").mkdir()
    for name in AMALGAMATION:
        shutil.copyfile(args.amalgamation / name, dest / "sqlite" / name)
    shutil.copytree(ROOT / "Sources/vec_graph", dest / "vec_graph")
    for name in OWN_FILES:
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(HERE / name, dest / name)
    shutil.copyfile(ROOT / "VERSION", dest / "VERSION")
    shutil.copyfile(ROOT / "LICENSE", dest / "LICENSE")
    print(f"prepare: vec-graph-sqlite {(ROOT / 'VERSION').read_text().strip()} with SQLite "
          f"{sqlite_version(dest / 'sqlite/sqlite3.h')} and {args.sdist.name} in {dest}")


if __name__ == "__main__":
    main()
