"""serialize_f32 / deserialize_f32: round trips from lists, array.array and numpy arrays, agreement
with the extension's own BLOBs, and the refusals."""
import math
from array import array

import numpy as np
import pytest

from vec_graph import deserialize_f32, serialize_f32

CANONICAL = bytes.fromhex("0000803F00002040000040C0")  # [1, 2.5, -3]


@pytest.mark.parametrize("vector", [
    [1, 2.5, -3],
    (1.0, 2.5, -3.0),
    (x for x in (1, 2.5, -3)),
    array("f", [1, 2.5, -3]),
    array("d", [1, 2.5, -3]),
    np.array([1, 2.5, -3], dtype=np.float32),
    np.array([1, 2.5, -3], dtype=np.float64),
    np.array([1, 99, 2.5, 99, -3], dtype=np.float32)[::2],
    memoryview(array("f", [1, 2.5, -3])),
])
def test_serialize_gives_the_canonical_blob(vector):
    assert serialize_f32(vector) == CANONICAL


def test_serialize_integer_arrays():
    assert serialize_f32(np.array([1, 2], dtype=np.int64)) == serialize_f32([1.0, 2.0])
    assert serialize_f32(array("i", [1, 2])) == serialize_f32([1.0, 2.0])


def test_round_trip_rounds_to_float32():
    values = [0.1, -1e-3, 3.4e38, 1.0]
    back = deserialize_f32(serialize_f32(values))
    assert back == [float(np.float32(v)) for v in values]


def test_deserialize_accepts_bytes_like():
    assert deserialize_f32(CANONICAL) == [1, 2.5, -3]
    assert deserialize_f32(bytearray(CANONICAL)) == [1, 2.5, -3]
    assert deserialize_f32(memoryview(CANONICAL)) == [1, 2.5, -3]


def test_numpy_can_read_the_blob():
    assert np.frombuffer(serialize_f32([1, 2.5, -3]), dtype="<f4").tolist() == [1, 2.5, -3]


def test_agrees_with_the_extension(stdlib_db):
    values = [0.1, 2.0, -7.25, 1e-5]
    blob = stdlib_db.execute("select vg_f32(?)", [str(values)]).fetchone()[0]
    assert blob == serialize_f32(values)
    assert deserialize_f32(blob) == [float(np.float32(v)) for v in values]


@pytest.mark.parametrize("vector, error, message", [
    ([], ValueError, "1 to 65536 dimensions, got 0"),
    ([0.0] * 65537, ValueError, "got 65537"),
    ([1, math.nan], ValueError, "element 1 is nan"),
    ([math.inf], ValueError, "element 0 is inf"),
    ([1e39], ValueError, "element 0 is inf"),
    (np.zeros((2, 2), dtype=np.float32), ValueError, "1-dimensional"),
    (b"\x00\x00\x80\x3f", TypeError, "not bytes"),
    (["a"], ValueError, "could not convert"),
])
def test_serialize_refuses(vector, error, message):
    with pytest.raises(error, match=message):
        serialize_f32(vector)


def test_serialize_accepts_the_maximum_dimensions():
    assert len(serialize_f32(np.ones(65536, dtype=np.float32))) == 4 * 65536


def test_deserialize_refuses_a_ragged_blob():
    with pytest.raises(ValueError, match="BLOB length 5 is not a multiple of 4"):
        deserialize_f32(b"\x00" * 5)
