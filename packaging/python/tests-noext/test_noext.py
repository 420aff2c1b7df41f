"""Run by an interpreter whose sqlite3 module cannot load extensions (pyenv's here): vec_graph.load
must raise its clear error, naming the fixes, instead of an AttributeError."""
import sqlite3

import pytest

import vec_graph


def test_this_interpreter_really_cannot_load_extensions():
    assert not hasattr(sqlite3.Connection, "enable_load_extension")


def test_load_raises_the_clear_error():
    with pytest.raises(vec_graph.ExtensionLoadingUnavailableError) as caught:
        vec_graph.load(sqlite3.connect(":memory:"))
    message = str(caught.value)
    assert "sqlite3 module cannot load SQLite extensions" in message
    for fix in ("pysqlite3-binary", "sqlean-py", "enable-loadable-sqlite-extensions"):
        assert fix in message
    # The bundled package is the first fix named: nothing to load at all.
    fixes = message[message.index("Fixes:"):]
    assert fixes.index("vec-graph-sqlite") < min(fixes.index(f) for f in ("pysqlite3-binary", "sqlean-py", "enable-loadable"))
    assert "import vec_graph_sqlite as sqlite3" in message


def test_the_rest_of_the_package_still_works():
    assert vec_graph.deserialize_f32(vec_graph.serialize_f32([1, 2.5])) == [1, 2.5]
    assert vec_graph.loadable_path().endswith("vec_graph")
