"""Every SQL function vec_graph has today, called through each supported SQLite module: values,
NULL handling, function flags and the error messages."""
import json
import math
import sqlite3

import pytest

import vec_graph


def test_vg_f32_gives_the_canonical_blob(db):
    assert bytes(db.one("select vg_f32('[1, 2.5, -3]')")) == bytes.fromhex("0000803F00002040000040C0")


def test_vg_f32_accepts_a_blob_and_returns_it_unchanged(db):
    blob = vec_graph.serialize_f32([0.5, -1])
    assert bytes(db.one("select vg_f32(?)", blob)) == blob


def test_vg_to_json_round_trips_float32(db):
    assert db.one("select vg_to_json(vg_f32('[1, 2.5, -3]'))") == "[1,2.5,-3]"
    blob = vec_graph.serialize_f32([0.1, -1e-7, 3.4e38])
    assert bytes(db.one("select vg_f32(vg_to_json(?))", blob)) == blob
    assert vec_graph.serialize_f32(json.loads(db.one("select vg_to_json(?)", blob))) == blob


def test_vg_dims(db):
    assert db.one("select vg_dims('[1, 2.5, -3]')") == 3
    assert db.one("select vg_dims(?)", vec_graph.serialize_f32(range(1, 385))) == 384


def test_distances(db):
    assert db.one("select vg_distance_l2('[1,2]', '[4,6]')") == 25.0
    assert db.one("select vg_distance_cosine('[1,0]', '[0,1]')") == 1.0
    assert db.one("select vg_distance_cosine('[1,0]', '[1,1]')") == pytest.approx(1 - 1 / math.sqrt(2), rel=1e-6)
    assert db.one("select vg_distance_ip('[1,2]', '[4,6]')") == -16.0


def test_distances_mix_blob_and_json(db):
    a = vec_graph.serialize_f32([1, 2])
    assert db.one("select vg_distance_l2(?, '[4,6]')", a) == 25.0


def test_null_in_gives_null_out(db):
    for fn in ("vg_f32(NULL)", "vg_to_json(NULL)", "vg_dims(NULL)", "vg_distance_l2(NULL, '[1]')",
               "vg_distance_cosine('[1]', NULL)", "vg_distance_ip(NULL, NULL)"):
        assert db.one(f"select {fn}") is None, fn


@pytest.mark.parametrize("sql, message", [
    ("select vg_distance_l2('[1,2]', '[1,2,3]')", "vg_distance_l2: dimension mismatch: 2 vs 3"),
    ("select vg_dims(x'0000000000')", "vg_dims: argument 1: BLOB length 5 is not a multiple of 4 (float32)"),
    ("select vg_f32('[1, 2 3]')", "vg_f32: argument 1: malformed JSON vector: expected ',' or ']' at offset 6"),
    ("select vg_distance_l2('[1,2]', x'0000c07f0000c07f')", "vg_distance_l2: argument 2: element 0 is NaN"),
    ("select vg_distance_cosine('[0,0]', '[1,1]')", "vg_distance_cosine: argument 1 is a zero vector, which has no direction"),
])
def test_error_messages(db, sql, message):
    with pytest.raises(db.error) as caught:
        db.one(sql)
    assert message in str(caught.value)


def test_nearest_neighbours_over_a_table(db):
    db.conn.execute("create table docs(id integer primary key, embedding blob)")
    for v in ([0, 0], [3, 4], [1, 1], [10, 10]):
        db.conn.execute("insert into docs(embedding) values (?)", (vec_graph.serialize_f32(v),))
    rows = db.conn.execute("select id, vg_distance_l2(embedding, ?) as d from docs order by d limit 2",
                           (vec_graph.serialize_f32([1, 1.5]),)).fetchall()
    assert [tuple(r) for r in rows] == [(3, 0.25), (1, 3.25)]


def test_deterministic_functions_serve_expression_indexes(db):
    db.conn.execute("create table t(v text)")
    db.conn.execute("create index t_dims on t(vg_dims(v))")
    db.conn.execute("insert into t values ('[1,2,3]')")
    assert db.one("select count(*) from t where vg_dims(v) = 3") == 1


def test_innocuous_functions_work_in_views_without_trusted_schema(stdlib_db):
    stdlib_db.execute("pragma trusted_schema = off")
    stdlib_db.execute("create view v as select vg_distance_ip('[1,2]', '[4,6]') as d")
    assert stdlib_db.execute("select d from v").fetchone()[0] == -16.0


def test_wrong_argument_count_is_refused(stdlib_db):
    with pytest.raises(sqlite3.OperationalError, match="wrong number of arguments"):
        stdlib_db.execute("select vg_distance_l2('[1]')")
