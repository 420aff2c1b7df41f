"""vec_graph: vector search and graph algorithms inside your own SQLite file.

This package ships the vec_graph loadable SQLite extension for this platform and loads it into a
connection of the standard ``sqlite3`` module, ``pysqlite3``, ``sqlean`` or ``apsw``::

    import sqlite3
    import vec_graph

    db = sqlite3.connect(":memory:")
    vec_graph.load(db)
    db.execute("select vg_distance_l2(?, ?)", [vec_graph.serialize_f32([1, 2]), "[4, 6]"]).fetchone()  # (25.0,)
"""
from ._f32 import deserialize_f32, serialize_f32
from ._loader import (
    BinaryNotFoundError,
    ExtensionLoadingUnavailableError,
    SQLiteTooOldError,
    VecGraphError,
    load,
    loadable_path,
)
from ._version import __version__

__all__ = [
    "__version__",
    "load",
    "loadable_path",
    "serialize_f32",
    "deserialize_f32",
    "VecGraphError",
    "ExtensionLoadingUnavailableError",
    "BinaryNotFoundError",
    "SQLiteTooOldError",
]
