#!/usr/bin/env python3
"""The counter gate: compares counters (measure.py's JSON) with a baseline of the same format and
fails each counter that grew past the threshold, naming it, its baseline and new values, and the
command that accepts a new baseline. A counter is compared only when its "extra" (architecture,
compiler, valgrind, SQLite, fixture digest) equals the baseline's, since a count is only comparable
under the same conditions; others are skipped with the reason. Ends with "SUITE: N passed, N failed,
N skipped", one more pass for having measured anything; exit status 1 when a counter failed or nothing was measured.
usage: gate.py BASELINE NEW [--threshold PERCENT] [--suite NAME] [--accept COMMAND]"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import bench_json  # noqa: E402

ACCEPT = "make bench-regress-accept (then commit bench/regress/baseline.json)"


def compare(baseline, new, threshold, accept):
    """[(verdict, line)] with verdict ok, fail or skip, one per counter in either file."""
    rows = []
    for name in sorted(set(baseline) | set(new)):
        old, cur = baseline.get(name), new.get(name)
        if cur is None:
            rows.append(("skip", f"{name}: in the baseline, not measured here"))
        elif old is None:
            rows.append(("skip", f"{name}: {cur['value']:,} {cur['unit']}, no baseline yet ({accept})"))
        elif old.get("extra") != cur.get("extra"):
            rows.append(("skip", f"{name}: not comparable: baseline measured with {old.get('extra')}, "
                                 f"this run with {cur.get('extra')} ({accept})"))
        else:
            a, b = old["value"], cur["value"]
            change = (b - a) / a * 100 if a else (0.0 if b == a else float("inf"))
            figures = f"{name}: baseline {a:,} {cur['unit']}, now {b:,} ({change:+.2f}%)"
            if change > threshold:
                rows.append(("fail", f"{figures}, more than the {threshold:g}% allowed. "
                                     f"If the cost is deliberate, accept it: {accept}"))
            elif change < -threshold:
                rows.append(("ok", f"{figures}: cheaper; {accept} keeps the gain"))
            else:
                rows.append(("ok", figures))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("baseline")
    ap.add_argument("new")
    ap.add_argument("--threshold", type=float, default=5.0, help="percent growth allowed (default 5)")
    ap.add_argument("--suite", default="bench-regress-gate")
    ap.add_argument("--accept", default=ACCEPT)
    args = ap.parse_args()
    new = bench_json.read(args.new)
    rows = compare(bench_json.read(args.baseline), new, args.threshold, args.accept)
    label = {"ok": "  ok  ", "fail": "  FAIL", "skip": "  skip"}
    for verdict, line in rows:
        print(f"{label[verdict]} {line}")
    passed, failed, skipped = (sum(v == k for v, _ in rows) for k in ("ok", "fail", "skip"))
    if new:
        print(f"  ok   measured {len(new)} counters")
        passed += 1
    else:
        print("  FAIL nothing was measured")
        failed += 1
    print(f"{args.suite}: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
