"""Finds the extension binary shipped in this package and loads it into a SQLite connection,
with errors that say what is wrong and how to fix it."""
from __future__ import annotations

import os
import platform
import sys
from typing import Any

#: The oldest SQLite vec_graph loads into.
MIN_SQLITE = (3, 21, 0)

_NO_LOADING_FIXES = (
    "Fixes: `pip install vec-graph-sqlite` and `import vec_graph_sqlite as sqlite3`: a sqlite3 module with "
    "its own SQLite and vec_graph built in, no loading needed; or use a Python whose sqlite3 module can "
    "load extensions (Debian's or Homebrew's python3, or one "
    "built with --enable-loadable-sqlite-extensions, e.g. PYTHON_CONFIGURE_OPTS=--enable-loadable-sqlite-extensions "
    "pyenv install 3.12); or `pip install pysqlite3-binary` and connect with pysqlite3.dbapi2; or "
    "`pip install sqlean-py` and connect with sqlean; or `pip install apsw` and connect with apsw."
)


class VecGraphError(RuntimeError):
    """Base class of the errors ``vec_graph.load`` raises before asking SQLite to load the extension."""


class ExtensionLoadingUnavailableError(VecGraphError):
    """The connection's SQLite module cannot load extensions (it lacks ``enable_load_extension``)."""


class BinaryNotFoundError(VecGraphError, FileNotFoundError):
    """This installation has no vec_graph binary for the running platform."""


class SQLiteTooOldError(VecGraphError):
    """The connection's SQLite is older than the oldest release vec_graph supports (3.21.0)."""


def _suffix() -> str:
    if sys.platform == "win32":
        return ".dll"
    if sys.platform == "darwin":
        return ".dylib"
    return ".so"


def loadable_path() -> str:
    """Path of the vec_graph binary in this package, without its suffix (.so, .dylib or .dll).

    SQLite appends the platform's suffix itself, so the path can be given to ``load_extension``
    as it is, or to the sqlite3 shell's ``.load``.
    """
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "vec_graph")


def _sqlite_version(conn: Any) -> tuple:
    row = next(iter(conn.execute("select sqlite_version()")))
    return tuple(int(part) for part in str(row[0]).split(".")[:3])


def load(conn: Any) -> None:
    """Load vec_graph into ``conn`` and make its SQL functions available on that connection.

    ``conn`` is a connection of the standard ``sqlite3`` module (from a Python built with loadable
    extensions), ``pysqlite3.dbapi2``, ``sqlean`` or ``apsw``. Extension loading is enabled for the
    load and disabled again afterwards, so SQL cannot load further extensions through ``conn``.

    Raises ExtensionLoadingUnavailableError when the connection's module cannot load extensions,
    SQLiteTooOldError when its SQLite is older than 3.21.0, BinaryNotFoundError when this
    installation has no binary for the running platform, and the driver's own error if SQLite
    refuses the load.
    """
    enable = getattr(conn, "enable_load_extension", None)
    if enable is None:
        module = type(conn).__module__
        raise ExtensionLoadingUnavailableError(
            f"This Python's {module} module cannot load SQLite extensions ({type(conn).__name__} has no "
            f"enable_load_extension: {sys.executable} was built without loadable-extension support, as "
            f"pyenv and python.org builds and macOS's system Python often are). {_NO_LOADING_FIXES}"
        )
    version = _sqlite_version(conn)
    if version < MIN_SQLITE:
        raise SQLiteTooOldError(
            f"vec_graph needs SQLite 3.21.0 or newer; this connection runs SQLite {'.'.join(map(str, version))}. "
            "Upgrade the system SQLite, or use vec-graph-sqlite (import vec_graph_sqlite as sqlite3: its own SQLite "
            "with vec_graph built in), or pysqlite3-binary, sqlean-py or apsw, which bundle a recent SQLite."
        )
    path = loadable_path()
    if not os.path.isfile(path + _suffix()):
        raise BinaryNotFoundError(
            f"vec_graph has no binary for this platform ({sys.platform} {platform.machine()}): "
            f"{path + _suffix()} does not exist. Install the wheel built for this platform "
            "(pip install --force-reinstall --only-binary :all: vec-graph), or build the extension "
            "from source with `make` and load build/vec_graph."
        )
    enable(True)
    try:
        conn.load_extension(path)
    finally:
        enable(False)
