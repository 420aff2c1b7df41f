"""Role: builds vec-graph-sqlite's one C extension, vec_graph_sqlite._sqlite3: pysqlite3's DB-API
module (src/) with SQLite's amalgamation (sqlite/) and vec_graph (vec_graph/) compiled in, as
build_config.py says. With VEC_GRAPH_SQLITE_ARCHIVE=path it links that prebuilt archive of the
amalgamation and vec_graph (build_archive.py; make test builds it once for all its Pythons) instead
of compiling them again."""
import glob
import os
import sys

from setuptools import Extension, setup

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import build_config  # noqa: E402

version = open("VERSION").read().strip()
vec_graph_files = glob.glob("vec_graph/*.c")
archive = os.environ.get("VEC_GRAPH_SQLITE_ARCHIVE")
sources = ["src/" + name for name in build_config.PYSQLITE_SOURCES]
extra_objects = []
if archive:
    extra_objects.append(archive)
else:
    sources += build_config.library_sources(vec_graph_files)

setup(
    version=version,
    ext_modules=[
        Extension(
            "vec_graph_sqlite._sqlite3",
            sources=sources,
            include_dirs=build_config.INCLUDE_DIRS,
            define_macros=build_config.SQLITE_DEFINES + build_config.MODULE_DEFINES
            + [build_config.vec_graph_define(version)],
            extra_compile_args=build_config.compile_args(),
            extra_objects=extra_objects,
            libraries=[] if sys.platform == "win32" else ["m"],
        )
    ],
)
