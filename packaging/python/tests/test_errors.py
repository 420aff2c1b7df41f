"""The errors vec_graph.load raises before SQLite is asked to load anything: no extension loading
in the connection's module, no binary for this platform, and an SQLite older than 3.21.0."""
import sqlite3

import pytest

import vec_graph
from vec_graph import _loader


class NoLoadingConnection:
    """Stands for a connection of a sqlite3 module built without loadable-extension support."""

    def execute(self, sql):
        return iter([("3.45.0",)])


class OldSQLiteConnection:
    """Reports SQLite 3.20.0 and records whether extension loading was switched on."""

    def __init__(self):
        self.enabled = []

    def execute(self, sql):
        assert sql == "select sqlite_version()"
        return iter([("3.20.0",)])

    def enable_load_extension(self, on):
        self.enabled.append(on)

    def load_extension(self, path):
        raise AssertionError("load_extension must not be reached")


def test_no_extension_loading_is_a_clear_error_not_attribute_error():
    with pytest.raises(vec_graph.ExtensionLoadingUnavailableError) as caught:
        vec_graph.load(NoLoadingConnection())
    message = str(caught.value)
    assert "cannot load SQLite extensions" in message
    for fix in ("enable-loadable-sqlite-extensions", "pysqlite3-binary", "sqlean-py", "apsw"):
        assert fix in message
    assert not isinstance(caught.value, AttributeError)


def test_too_old_sqlite_is_refused_before_loading():
    conn = OldSQLiteConnection()
    with pytest.raises(vec_graph.SQLiteTooOldError, match=r"needs SQLite 3\.21\.0 or newer; this connection runs SQLite 3\.20\.0"):
        vec_graph.load(conn)
    assert conn.enabled == []


def test_missing_binary_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(_loader, "loadable_path", lambda: str(tmp_path / "vec_graph"))
    conn = sqlite3.connect(":memory:")
    with pytest.raises(vec_graph.BinaryNotFoundError, match="has no binary for this platform") as caught:
        vec_graph.load(conn)
    assert str(tmp_path) in str(caught.value)
    assert isinstance(caught.value, FileNotFoundError)
    with pytest.raises(sqlite3.OperationalError, match="not authorized"):
        conn.execute("select load_extension('x')")


def test_errors_share_one_base_class():
    for cls in (vec_graph.ExtensionLoadingUnavailableError, vec_graph.BinaryNotFoundError, vec_graph.SQLiteTooOldError):
        assert issubclass(cls, vec_graph.VecGraphError)


def test_sqlite_refusal_surfaces_as_the_driver_error(tmp_path, monkeypatch):
    (tmp_path / f"vec_graph{_loader._suffix()}").write_bytes(b"not a shared library")
    monkeypatch.setattr(_loader, "loadable_path", lambda: str(tmp_path / "vec_graph"))
    with pytest.raises(sqlite3.OperationalError):
        vec_graph.load(sqlite3.connect(":memory:"))
