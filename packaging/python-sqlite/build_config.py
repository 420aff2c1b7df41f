"""Role: how vec-graph-sqlite's C parts are compiled, in one place: setup.py reads it for every build
(pip, cibuildwheel), and build_archive.py for the archive make test links into each Python's module.

The tree (prepare.py lays it out): src/ pysqlite3's module sources, sqlite/ the amalgamation,
vec_graph/ vec_graph's sources, vg_extra_init.c the hook that adds vec_graph to every connection."""
import sys

#: SQLite's compile options: pysqlite3's own set, plus the hook sqlite3_initialize() calls.
SQLITE_DEFINES = [
    ("SQLITE_ALLOW_COVERING_INDEX_SCAN", "1"),
    ("SQLITE_ENABLE_FTS3", "1"),
    ("SQLITE_ENABLE_FTS3_PARENTHESIS", "1"),
    ("SQLITE_ENABLE_FTS4", "1"),
    ("SQLITE_ENABLE_FTS5", "1"),
    ("SQLITE_ENABLE_JSON1", "1"),
    ("SQLITE_ENABLE_LOAD_EXTENSION", "1"),
    ("SQLITE_ENABLE_MATH_FUNCTIONS", "1"),
    ("SQLITE_ENABLE_RTREE", "1"),
    ("SQLITE_ENABLE_STAT4", "1"),
    ("SQLITE_ENABLE_UPDATE_DELETE_LIMIT", "1"),
    ("SQLITE_SOUNDEX", "1"),
    ("SQLITE_USE_URI", "1"),
    ("SQLITE_TEMP_STORE", "3"),
    ("SQLITE_MAX_VARIABLE_NUMBER", "250000"),
    ("SQLITE_MAX_MMAP_SIZE", "1099511627776"),
    ("SQLITE_THREADSAFE", "1"),
    # sqlite3_initialize() calls vg_sqlite_extra_init (vg_extra_init.c): vec_graph on every connection.
    ("SQLITE_EXTRA_INIT", "vg_sqlite_extra_init"),
    # vec_graph is compiled in: it calls SQLite directly, not through the loadable-extension table.
    ("SQLITE_CORE", "1"),
]

#: The DB-API module's name, as pysqlite3's sources spell their types and errors.
MODULE_DEFINES = [("MODULE_NAME", '"vec_graph_sqlite.dbapi2"')]

PYSQLITE_SOURCES = ["module.c", "connection.c", "cursor.c", "cache.c", "microprotocols.c",
                    "prepare_protocol.c", "statement.c", "util.c", "row.c", "blob.c"]

INCLUDE_DIRS = ["sqlite", "vec_graph/include"]


def vec_graph_define(version):
    return ("VEC_GRAPH_VERSION", '"%s"' % version)


def compile_args():
    """Flags for every C file: C11 for vec_graph on MSVC (gcc and clang default to it), hidden symbols
    elsewhere (the module exports PyInit__sqlite3 only, not SQLite's API)."""
    if sys.platform == "win32":
        return ["/std:c11", "/O2"]
    return ["-O2", "-fvisibility=hidden"]


def library_sources(vec_graph_files):
    """The sources that do not depend on the Python they are built for (the archive's contents)."""
    return ["sqlite/sqlite3.c", "vg_extra_init.c"] + sorted(vec_graph_files)
