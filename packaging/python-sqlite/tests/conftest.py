"""Shared pieces of vec-graph-sqlite's suite: the module under test and a seeded data maker."""
import random

import pytest

import vec_graph_sqlite


@pytest.fixture
def db(tmp_path):
    conn = vec_graph_sqlite.connect(str(tmp_path / "test.db"))
    yield conn
    conn.close()


@pytest.fixture
def rng():
    return random.Random(20261201)
