#!/usr/bin/env python3
"""The one writer (and reader) of benchmark figures as JSON in github-action-benchmark's
customSmallerIsBetter format: a list of {"name", "unit", "value"[, "extra"]}, smaller is better.
The instruction counters (bench/regress) and the peer benchmarks' ratios (bench/*_bench.py) use it."""
import json
import math
from pathlib import Path


def entry(name, value, unit, extra=None):
    """One figure; value must be a finite number >= 0."""
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"bench_json: {name}: value {value} is not a finite number >= 0")
    item = {"name": name, "unit": unit, "value": int(value) if value.is_integer() else round(value, 6)}
    if extra:
        item["extra"] = extra
    return item


def write(path, entries):
    """Writes entries (from entry()) to path, refusing two figures of one name."""
    names = [e["name"] for e in entries]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"bench_json: {path}: figures named twice: {', '.join(twice)}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(entries, indent=1) + "\n")


def read(path):
    """The figures of a file written by write(), as {name: entry}."""
    return {e["name"]: e for e in json.loads(Path(path).read_text())}


def ratio_entry(name, ours, peer, peer_name):
    """A wall-clock ratio ours / peer (below 1: vec_graph is faster), from two times in seconds."""
    return entry(name, ours / peer, "x (vec_graph time / peer time)", f"vec_graph {ours:.4g} s, {peer_name} {peer:.4g} s")
