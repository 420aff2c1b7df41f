"""Converts between Python vectors and the little-endian float32 BLOBs vec_graph's SQL functions
read and return, without requiring numpy (numpy arrays are read through the buffer protocol)."""
from __future__ import annotations

import math
import sys
from array import array
from typing import Iterable, List, Union

#: The most dimensions a vec_graph vector has.
MAX_DIMS = 65536

Vector = Union[Iterable[float], memoryview, bytes, bytearray, array]


def _values(vector: Vector) -> array:
    try:
        view = memoryview(vector)  # type: ignore[arg-type]
    except TypeError:
        return array("f", (float(x) for x in vector))
    if isinstance(vector, (bytes, bytearray)) or view.format in ("B", "b", "c"):
        raise TypeError("serialize_f32 takes numbers, not bytes; use deserialize_f32 to read a BLOB")
    if view.ndim != 1:
        raise ValueError(f"serialize_f32 takes a 1-dimensional vector, got {view.ndim} dimensions")
    if view.format in ("f", "<f", "=f") and sys.byteorder == "little" and view.c_contiguous:
        return array("f", view.tobytes())
    try:
        return array("f", view.tolist())
    except NotImplementedError:
        raise TypeError(f"serialize_f32 cannot read buffer format {view.format!r}; convert it to float32 first") from None


def serialize_f32(vector: Vector) -> bytes:
    """Return ``vector`` as vec_graph's BLOB: its values as little-endian float32, 4 bytes each.

    ``vector`` is a list or other iterable of numbers, an ``array.array`` of a numeric type, or any
    1-dimensional object with the buffer protocol, such as a numpy array of any float or int dtype.
    Values are rounded to float32; like the SQL functions, it refuses an empty vector, more than
    65,536 dimensions, and NaN or infinite values.
    """
    values = _values(vector)
    if not 1 <= len(values) <= MAX_DIMS:
        raise ValueError(f"a vector has 1 to {MAX_DIMS} dimensions, got {len(values)}")
    for i, x in enumerate(values):
        if not math.isfinite(x):
            raise ValueError(f"element {i} is {x!r}; vec_graph vectors hold finite float32 values")
    if sys.byteorder != "little":
        values.byteswap()
    return values.tobytes()


def deserialize_f32(blob: Union[bytes, bytearray, memoryview]) -> List[float]:
    """Return the float values of a vec_graph BLOB (little-endian float32, 4 bytes each) as a list."""
    data = bytes(blob)
    if len(data) % 4:
        raise ValueError(f"BLOB length {len(data)} is not a multiple of 4 (float32)")
    values = array("f", data)
    if sys.byteorder != "little":
        values.byteswap()
    return values.tolist()
