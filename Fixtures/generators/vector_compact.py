#!/usr/bin/env python3
"""Writes Fixtures/vector/compact.test: the f16, i8 and bit vector functions (vg_f16, vg_i8, vg_bit,
vg_f32 / vg_dims / vg_to_json of them, the distances, vg_distance_hamming), every expected value from
numpy (the oracle), following the formats of docs/vectors.md:

- f16 bytes: numpy's astype(float16) (round to nearest even); i8 bytes: the documented quantization
  (offset and scale in float64 rounded to float32, q = rint((x - offset) / scale) clamped to +-127);
  bit bytes: np.packbits(x > 0, bitorder="little"). Each BLOB is compared as hex.
- f16 distances: components are multiples of 1/8 in [-4, 4], exact in binary16, so squared L2 and dot
  products are exact in float32 whatever a SIMD kernel's summation order (as vector_distances.py).
- i8 distances: numpy in float64 on the exact dequantized values offset + scale * q; values whose
  printed digits sit within 1e-9 (relative) of a rounding boundary are redrawn.
- hamming distances: numpy's count of differing signs.
Run: .venv/bin/python Fixtures/generators/vector_compact.py (make fixtures)."""
import json
import struct
from pathlib import Path

import numpy as np

SEED = 20261201
TAG = 0x7FC05600
F16, I8, BIT = 1, 2, 3
DIMS = [1, 3, 8, 15, 16, 17, 33, 64, 100, 128, 384, 768]
CONVERSION_DIMS = [1, 2, 7, 8, 9, 16, 17, 33]
OUT = Path(__file__).resolve().parent.parent / "vector" / "compact.test"


def json_vector(v):
    """JSON of float32 values, each the shortest text that reads back (through a double, as the
    extension parses it) as that float32."""
    texts = []
    for x in np.asarray(v, dtype=np.float32):
        t = np.format_float_positional(x, unique=True, trim="-") if x == 0 or 1e-4 <= abs(x) < 1e7 else \
            np.format_float_scientific(x, unique=True, trim="-")
        assert np.float32(float(t)) == x and (x != 0 or str(np.signbit(x)) == str(t.startswith("-"))), (x, t)
        texts.append(t)
    return "[" + ",".join(texts) + "]"


def header(kind, n):
    return struct.pack("<II", TAG | kind, n)


def f16_blob(x):
    x = np.asarray(x, dtype=np.float32)
    return header(F16, len(x)) + x.astype("<f2").tobytes()


def quantize(x):
    x = np.asarray(x, dtype=np.float32)
    lo, hi = float(x.min()), float(x.max())
    offset, scale = np.float32((hi + lo) / 2), np.float32((hi - lo) / 254)
    if scale == 0:
        q = np.zeros(len(x), dtype=np.int8)
    else:
        q = np.clip(np.rint((x.astype(np.float64) - float(offset)) / float(scale)), -127, 127).astype(np.int8)
    return scale, offset, q


def i8_blob(x):
    scale, offset, q = quantize(x)
    return header(I8, len(q)) + struct.pack("<ff", scale, offset) + q.tobytes()


def dequantized(x):
    """The exact values offset + scale * q (float64 holds them exactly)."""
    scale, offset, q = quantize(x)
    return float(offset) + float(scale) * q.astype(np.float64)


def dequantized_f32(x):
    return dequantized(x).astype(np.float32)


def bit_blob(x):
    x = np.asarray(x, dtype=np.float32)
    return header(BIT, len(x)) + np.packbits(x > 0, bitorder="little").tobytes()


def signs(x):
    return np.where(np.asarray(x, dtype=np.float32) > 0, 1.0, -1.0).astype(np.float32)


def f32_hex(x):
    return np.asarray(x, dtype="<f4").tobytes().hex().upper()


def hexs(b):
    return b.hex().upper()


def safe_for_digits(x, digits, margin=1e-9):
    scaled = abs(x) * 10**digits
    return abs(scaled - np.floor(scaled) - 0.5) > margin * max(1.0, scaled)


def cosine(a, b):
    return min(2.0, max(0.0, 1.0 - float(a @ b) / np.sqrt(float(a @ a) * float(b @ b))))


def record(sql, types, values, digits=None):
    head = f"query {types} nosort" + (f" digits={digits}" if digits is not None else "")
    return [head, sql, "----", *values, ""]


def draw_real(rng, dims):
    """float32 values of varied size and centre, so the i8 offset and scale are not trivial."""
    centre = rng.choice([0.0, 0.0, rng.normal() * 10])
    return (centre + rng.normal(size=dims) * rng.choice([0.01, 1.0, 50.0])).astype(np.float32)


def conversion_records(rng):
    out = ["# Conversions: f16, i8 and bit BLOBs of JSON text and of float32 BLOBs, and back to float32.",
           "statement ok", "CREATE TABLE v(j TEXT)", ""]
    edges = np.array([65504, -65504, 2**-24, -(2**-24), 2**-25, 3 * 2**-25, 2**-15, 1e-3, 0.1, -0.0, 1 + 2**-11,
                      1 + 3 * 2**-11, 65503.99, 0.333333333, 2**-14 - 2**-25], dtype=np.float32)
    vectors = [edges] + [draw_real(rng, d) for d in CONVERSION_DIMS]
    for v in vectors:
        j = json_vector(v)
        out.append(f"statement ok\nDELETE FROM v; INSERT INTO v VALUES ('{j}')\n")
        out += record("SELECT hex(vg_f16(j)), hex(vg_f32(vg_f16(j))), hex(vg_f16(vg_f32(j))) FROM v", "TTT",
                      [hexs(f16_blob(v)), f32_hex(v.astype(np.float16).astype(np.float32)), hexs(f16_blob(v))])
        out += record("SELECT hex(vg_i8(j)), hex(vg_f32(vg_i8(j))), hex(vg_i8(vg_f32(j))) FROM v", "TTT",
                      [hexs(i8_blob(v)), f32_hex(dequantized_f32(v)), hexs(i8_blob(v))])
        out += record("SELECT hex(vg_bit(j)), hex(vg_f32(vg_bit(j))), vg_dims(vg_bit(j)) FROM v", "TTI",
                      [hexs(bit_blob(v)), f32_hex(signs(v)), str(len(v))])
    out.append("# From one compact type to another: through the float32 values the first one decodes to.")
    for v in vectors[1:4]:
        j = json_vector(v)
        f16_values = v.astype(np.float16).astype(np.float32)
        out.append(f"statement ok\nDELETE FROM v; INSERT INTO v VALUES ('{j}')\n")
        out += record("SELECT hex(vg_i8(vg_f16(j))), hex(vg_bit(vg_f16(j))), hex(vg_f16(vg_i8(j))) FROM v", "TTT", [hexs(i8_blob(f16_values)), hexs(bit_blob(f16_values)), hexs(f16_blob(dequantized_f32(v)))])
        out += record("SELECT hex(vg_bit(vg_i8(j))), hex(vg_f16(vg_bit(j))), hex(vg_i8(vg_bit(j))) FROM v", "TTT", [hexs(bit_blob(dequantized_f32(v))), hexs(f16_blob(signs(v))), hexs(i8_blob(signs(v)))])
        out.append("# A vector already of the type comes back unchanged (i8 is not quantized again).")
        out += record("SELECT hex(vg_f16(vg_f16(j))), hex(vg_i8(vg_i8(j))), hex(vg_bit(vg_bit(j))) FROM v", "TTT", [hexs(f16_blob(v)), hexs(i8_blob(v)), hexs(bit_blob(v))])
        out += record("SELECT vg_dims(vg_f16(j)), vg_dims(vg_i8(j)), vg_to_json(vg_bit(j)) FROM v", "IIT",
                      [str(len(v)), str(len(v)), json.dumps([int(s) for s in signs(v)], separators=(",", ":"))])
    return out


def draw_eighths(rng, dims):
    return (rng.integers(-32, 33, size=dims) / 8.0).astype(np.float32)


def pair_statement(dims, a, b, convert):
    return [f"# {dims} dimensions", "statement ok",
            f"DELETE FROM pair; INSERT INTO pair VALUES ({convert}('{json_vector(a)}'), {convert}('{json_vector(b)}'))", ""]


def f16_distance_records(rng):
    out = ["# f16 distances: components exact in binary16, so every kernel's float32 sums are exact.",
           "statement ok", "CREATE TABLE pair(a BLOB, b BLOB)", ""]
    for dims in DIMS:
        while True:
            a, b = draw_eighths(rng, dims).astype(np.float64), draw_eighths(rng, dims).astype(np.float64)
            if a @ a > 0 and b @ b > 0 and safe_for_digits(cosine(a, b), 6, 1e-7):
                break
        out += pair_statement(dims, a, b, "vg_f16")
        out += record("SELECT vg_distance_l2(a, b), vg_distance_ip(a, b), vg_distance_cosine(a, b) FROM pair", "RRR",
                      [f"{float(((a - b) ** 2).sum()):.6f}", f"{-float(a @ b):.6f}", f"{cosine(a, b):.6f}"], digits=6)
    return out


def i8_distance_records(rng):
    out = ["# i8 distances: between the exact dequantized values (numpy, float64)."]
    for dims in DIMS:
        while True:
            a, b = draw_real(rng, dims), draw_real(rng, dims)
            if dims == 1:
                b = a + np.float32(1.5)  # one-element vectors dequantize exactly: keep cosine defined
            da, db = dequantized(a), dequantized(b)
            values = [float(((da - db) ** 2).sum()), -float(da @ db)]
            if da @ da > 0 and db @ db > 0:
                values.append(cosine(da, db))
                if all(safe_for_digits(x, 6) for x in values):
                    break
        out += pair_statement(dims, a, b, "vg_i8")
        out += record("SELECT vg_distance_l2(a, b), vg_distance_ip(a, b), vg_distance_cosine(a, b) FROM pair", "RRR",
                      [f"{x:.6f}" for x in values], digits=6)
    return out


def hamming_records(rng):
    out = ["# Hamming distances: the number of dimensions whose signs differ."]
    for dims in DIMS + [1536, 4096]:
        a, b = draw_eighths(rng, dims), draw_eighths(rng, dims)
        out += pair_statement(dims, a, b, "vg_bit")
        out += record("SELECT vg_distance_hamming(a, b), vg_distance_hamming(b, b) FROM pair", "II",
                      [str(int(((a > 0) != (b > 0)).sum())), "0"])
    return out


def knn_records(rng):
    """Components multiples of 1/8: f16 distances exact (ties sort by id on both sides); i8 inner
    products in float64, the top 6 at least 1e-6 apart so no rounding can reorder them."""
    dims, rows = 24, 30
    while True:
        table = [draw_eighths(rng, dims) for _ in range(rows)]
        query = draw_eighths(rng, dims)
        dq = dequantized(query)
        ip = sorted(-float(dequantized(v) @ dq) for v in table)
        if all(b - a > 1e-6 for a, b in zip(ip[:6], ip[1:6])):
            break
    out = ["# Brute-force nearest neighbours over compact columns; numpy sorts by distance, then id.",
           "statement ok", "CREATE TABLE cv(id INTEGER PRIMARY KEY, h BLOB, q BLOB, b BLOB)", ""]
    for i, v in enumerate(table, start=1):
        j = json_vector(v)
        out += ["statement ok", f"INSERT INTO cv VALUES ({i}, vg_f16('{j}'), vg_i8('{j}'), vg_bit('{j}'))", ""]
    jq = json_vector(query)
    metrics = [
        ("l2", "h", "vg_f16", "IR", lambda v: f"{float(((v - query).astype(np.float64) ** 2).sum()):.3f}"),
        ("ip", "q", "vg_i8", "IR", lambda v: f"{-float(dequantized(v) @ dq):.3f}"),
        ("hamming", "b", "vg_bit", "II", lambda v: str(int(((v > 0) != (query > 0)).sum()))),
    ]
    for metric, column, convert, types, fn in metrics:
        dist = sorted((float(fn(v)), i, fn(v)) for i, v in enumerate(table, start=1))
        values = [x for _, i, text in dist[:5] for x in (str(i), text)]
        out += record(f"SELECT id, vg_distance_{metric}({column}, {convert}('{jq}')) AS d FROM cv ORDER BY d, id LIMIT 5",
                      types, values)
    return out


def main():
    rng = np.random.default_rng(SEED)
    lines = ["# GENERATED by Fixtures/generators/vector_compact.py from numpy; do not edit.", f"# seed {SEED}", ""]
    lines += conversion_records(rng)
    lines += f16_distance_records(rng)
    lines += i8_distance_records(rng)
    lines += hamming_records(rng)
    lines += knn_records(rng)
    OUT.write_text("\n".join(lines).rstrip("\n") + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
