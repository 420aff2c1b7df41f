#!/usr/bin/env python3
"""Draws each tracked figure over commits as one self-contained HTML page (inline SVG, no scripts),
from a history in github-action-benchmark's format: its gh-pages data.js
(`window.BENCHMARK_DATA = {...}`) or the same object as JSON, whose "entries" map a benchmark name
to runs ({"commit": {"id", "timestamp"...}, "date", "benches": [{"name", "value", "unit"}...]}).
--add FILE adds one more run (a bench_json file, e.g. this checkout's counters) at the end.
usage: chart.py HISTORY|- OUT.html [--add COUNTERS.json --commit SHA] [--suite NAME]"""
import argparse
import html
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import bench_json  # noqa: E402

W, H, PAD = 520, 170, 46


def read_history(path):
    if path == "-":
        return {"entries": {}}
    text = Path(path).read_text()
    if not text.lstrip().startswith("{"):
        text = text[text.index("=") + 1:].strip().rstrip(";")
    return json.loads(text)


def series(runs):
    """{figure: (unit, [(commit, value)...])} in run order."""
    out = {}
    for run in runs:
        commit = run.get("commit", {}).get("id", "?")[:8]
        for b in run.get("benches", []):
            out.setdefault(b["name"], (b.get("unit", ""), []))[1].append((commit, float(b["value"])))
    return out


def svg(name, unit, points):
    values = [v for _, v in points]
    lo, hi = min(values), max(values)
    span = (hi - lo) or max(abs(hi) * 0.01, 1e-9)
    lo, hi = lo - span * 0.1, hi + span * 0.1
    n = len(points)
    xs = [PAD + (W - 2 * PAD) * (i / (n - 1) if n > 1 else 0.5) for i in range(n)]
    ys = [H - PAD + (PAD * 1.5 - H) * ((v - lo) / (hi - lo)) for v in values]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys))
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3"><title>{html.escape(c)}: {v:,.6g} {html.escape(unit)}'
                   f'</title></circle>' for (c, v), x, y in zip(points, xs, ys))
    first, last = values[0], values[-1]
    change = f"{(last - first) / first * 100:+.2f}% since {points[0][0]}" if first else ""
    return (f'<figure><figcaption><b>{html.escape(name)}</b> · last {last:,.6g} {html.escape(unit)} · {change}</figcaption>'
            f'<svg width="{W}" height="{H}" viewBox="0 0 {W} {H}" role="img">'
            f'<line x1="{PAD}" y1="{H - PAD}" x2="{W - PAD}" y2="{H - PAD}" stroke="#999"/>'
            f'<text x="{PAD - 4}" y="{PAD * 0.9:.0f}" text-anchor="end" font-size="10">{hi:,.4g}</text>'
            f'<text x="{PAD - 4}" y="{H - PAD}" text-anchor="end" font-size="10">{lo:,.4g}</text>'
            f'<text x="{xs[0]:.0f}" y="{H - PAD + 14}" font-size="10">{html.escape(points[0][0])}</text>'
            f'<text x="{xs[-1]:.0f}" y="{H - PAD + 28}" text-anchor="end" font-size="10">{html.escape(points[-1][0])}</text>'
            f'<polyline points="{line}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>{dots}</svg></figure>')


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("history")
    ap.add_argument("out")
    ap.add_argument("--add", help="a bench_json file to draw as the last run")
    ap.add_argument("--commit", default="this run")
    ap.add_argument("--suite", default="vec_graph instruction counters")
    args = ap.parse_args()
    history = read_history(args.history)
    runs = list(history.get("entries", {}).get(args.suite, []))
    if args.add:
        runs.append({"commit": {"id": args.commit}, "date": int(time.time() * 1000),
                     "benches": list(bench_json.read(args.add).values())})
    figures = series(runs)
    body = "".join(svg(name, unit, pts) for name, (unit, pts) in sorted(figures.items()))
    Path(args.out).write_text(
        f'<!doctype html><meta charset="utf-8"><title>{html.escape(args.suite)}</title>'
        '<style>body{font:13px sans-serif;margin:16px}figure{display:inline-block;margin:8px}'
        'figcaption{max-width:520px}circle{fill:#1f77b4}</style>'
        f'<h1>{html.escape(args.suite)}</h1><p>{len(runs)} runs, {len(figures)} figures; each point is one commit '
        '(hover for its value); smaller is better. docs/benchmarks.md says how to read them.</p>' + body + "\n")
    print(f"chart: {len(figures)} figures over {len(runs)} runs into {args.out}")


if __name__ == "__main__":
    main()
