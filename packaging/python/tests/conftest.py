"""Fixtures for the installed-package tests: one connection per supported SQLite module, each with
vec_graph loaded, and a guard that the package under test is the installed one, not the source."""
import sqlite3
from pathlib import Path

import apsw
import pysqlite3.dbapi2 as pysqlite3
import pytest
import sqlean

import vec_graph

# name -> (connect, the error a failing SQL function raises)
DRIVERS = {
    "sqlite3": (lambda: sqlite3.connect(":memory:"), sqlite3.OperationalError),
    "pysqlite3": (lambda: pysqlite3.connect(":memory:"), pysqlite3.OperationalError),
    "sqlean": (lambda: sqlean.connect(":memory:"), sqlean.OperationalError),
    "apsw": (lambda: apsw.Connection(":memory:"), apsw.SQLError),
}


def pytest_sessionstart(session):
    installed = Path(vec_graph.__file__).resolve()
    if "site-packages" not in installed.parts:
        raise pytest.UsageError(f"vec_graph imported from {installed}, not from an installed wheel")


class Db:
    """A loaded connection and its driver's SQL error class, with a one-call query helper."""

    def __init__(self, name):
        connect, self.error = DRIVERS[name]
        self.name = name
        self.conn = connect()

    def one(self, sql, *params):
        return self.conn.execute(sql, params).fetchall()[0][0]


@pytest.fixture(params=sorted(DRIVERS))
def db(request):
    handle = Db(request.param)
    vec_graph.load(handle.conn)
    yield handle
    handle.conn.close()


@pytest.fixture
def stdlib_db():
    conn = sqlite3.connect(":memory:")
    vec_graph.load(conn)
    yield conn
    conn.close()
