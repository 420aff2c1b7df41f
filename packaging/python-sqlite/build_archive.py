#!/usr/bin/env python3
"""Role: compile the parts of vec-graph-sqlite that do not depend on the Python (the amalgamation,
vec_graph, vg_extra_init.c: build_config.library_sources) once, in parallel, into one static archive,
for setup.py's VEC_GRAPH_SQLITE_ARCHIVE; the same defines and flags setup.py uses. CC is the compiler
command (split on spaces), AR the archiver. Standard library only.

usage: build_archive.py TREE ARCHIVE"""
import os
import shlex
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def main(tree, archive):
    sys.path.insert(0, str(tree))
    import build_config

    cc = shlex.split(os.environ.get("CC", "cc"))
    ar = shlex.split(os.environ.get("AR", "ar"))
    version = (tree / "VERSION").read_text().strip()
    defines = build_config.SQLITE_DEFINES + [build_config.vec_graph_define(version)]
    flags = ["-fPIC", *build_config.compile_args()] + [f"-I{tree / d}" for d in build_config.INCLUDE_DIRS]
    flags += [f"-D{name}={value}" for name, value in defines]
    sources = build_config.library_sources(str(p.relative_to(tree)) for p in (tree / "vec_graph").glob("*.c"))
    with tempfile.TemporaryDirectory() as tmp:
        def compile_one(source):
            obj = Path(tmp) / (source.replace("/", "_") + ".o")
            run = subprocess.run(cc + flags + ["-c", str(tree / source), "-o", str(obj)], capture_output=True, text=True)
            if run.returncode != 0:
                raise SystemExit(f"build_archive: {source} did not compile:\n{run.stderr}")
            return str(obj)
        # The amalgamation first: it takes longest, the rest fills the other core.
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            objects = list(pool.map(compile_one, sources))
        archive.parent.mkdir(parents=True, exist_ok=True)
        partial = archive.with_suffix(f".{os.getpid()}.tmp")
        subprocess.run(ar + ["rcs", str(partial)] + objects, check=True)
        partial.replace(archive)
    print(f"build_archive: {len(sources)} files into {archive}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.splitlines()[-1])
    main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve())
