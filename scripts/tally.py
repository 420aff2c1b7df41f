#!/usr/bin/env python3
"""Sums every suite's results under build/test-results/ into the one closing line of make test.

Each suite leaves either a JUnit XML file (*.xml: swift test --xunit-output, compat-matrix --junit)
or a log (*.log) whose last line of the form "... N passed, N failed[, N skipped]" gives its counts.
Prints one line per suite, then "N passed, N failed, N skipped". Exit 1 if a suite failed, a log suite ran nothing, nothing ran at all,
or a suite named in build/test-results/expected.txt left no result."""
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

LINE = re.compile(r"(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$")


def from_junit(path):
    passed = failed = skipped = 0
    for case in ET.parse(path).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def from_log(path):
    for line in reversed(path.read_text(errors="replace").splitlines()):
        m = LINE.search(line)
        if m:
            return int(m[1]), int(m[2]), int(m[3] or 0)
    return None


def main(results_dir):
    total = [0, 0, 0]
    bad = False
    seen = set()
    for path in sorted(results_dir.glob("*")):
        if path.suffix not in (".xml", ".log"):
            continue
        try:
            counts = from_junit(path) if path.suffix == ".xml" else from_log(path)
        except ET.ParseError as e:
            counts, reason = None, f"unreadable JUnit: {e}"
        else:
            reason = "no result line"
        if counts is None:
            print(f"  {path.stem}: {reason}")
            bad = True
            continue
        seen.add(path.stem.split(".")[0])
        print(f"  {path.stem}: {counts[0]} passed, {counts[1]} failed, {counts[2]} skipped")
        bad |= counts[1] > 0 or (path.suffix == ".log" and counts[0] + counts[1] == 0)
        total = [t + c for t, c in zip(total, counts)]
    expected = results_dir / "expected.txt"
    for name in expected.read_text().split() if expected.exists() else []:
        if name not in seen:
            print(f"  {name}: left no result (did not run or crashed before reporting)")
            total[1] += 1
            bad = True
    if total[0] + total[1] == 0:
        print("  no test ran at all")
        bad = True
    print(f"{total[0]} passed, {total[1]} failed, {total[2]} skipped")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "build/test-results")))
