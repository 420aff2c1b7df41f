#!/usr/bin/env python3
"""make test's proof that the counter gate works: the kernel counters measured twice from the plain
build and once from the planted build (-DVG_PLANTED_SLOWDOWN: a wasted pass over an eighth of the
vector in the scalar l2 kernel, about 12% more instructions; Sources/vec_graph/vg_kernels_scalar.c).
Checks: the second plain run equals the first exactly and the gate passes it; the gate fails the planted run, on exactly the scalar l2 counters,
each message naming the counter, its old and new values and the accept command; every other
counter passes. Ends with "bench-regress-planted: N passed, N failed".
usage: planted.py BUILD_DIR   (BUILD_DIR holds plain/ and planted/)"""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import bench_json  # noqa: E402

PLANTED = {"kernel/scalar/l2/128", "kernel/scalar/l2/768"}


def measure(build, out):
    subprocess.run([sys.executable, str(HERE / "measure.py"), str(out), "--parts", "kernels", "--build", str(build)],
                   check=True, stdout=subprocess.DEVNULL)
    return bench_json.read(out)


def gate(baseline, new):
    run = subprocess.run([sys.executable, str(HERE / "gate.py"), str(baseline), str(new), "--suite", "gate"],
                         capture_output=True, text=True)
    return run.returncode, run.stdout


def show(gate_output):
    """The gate's lines other than its passes, indented under the check that ran it."""
    for line in gate_output.splitlines():
        if not line.startswith("  ok"):
            print(f"    {line.strip()}")


def main(build):
    build = Path(build)
    results = []

    def check(ok, what):
        results.append(ok)
        print(f"  {'ok  ' if ok else 'FAIL'} {what}")

    first, second, slow = (build / f"planted-{n}.json" for n in ("first", "second", "slow"))
    a, b, c = measure(build / "plain", first), measure(build / "plain", second), measure(build / "planted", slow)
    check(a == b, f"a second plain run counts the same instructions ({len(a)} kernel counters)")
    check(PLANTED <= set(a), f"the planted counters {sorted(PLANTED)} are measured")
    status, out = gate(first, second)
    show(out)
    check(status == 0, "without the flag the gate passes")
    status, out = gate(first, slow)
    show(out)
    check(status == 1, "with -DVG_PLANTED_SLOWDOWN the gate fails")
    failed = {line.split()[1].rstrip(":") for line in out.splitlines() if line.startswith("  FAIL")}
    check(failed == PLANTED, f"it fails exactly the planted counters (failed: {sorted(failed)})")
    for name in sorted(PLANTED & set(a) & set(c)):
        line = next((l for l in out.splitlines() if l.startswith(f"  FAIL {name}:")), "")
        old, new = f"{a[name]['value']:,}", f"{c[name]['value']:,}"
        check(old in line and new in line and "make bench-regress-accept" in line,
              f"{name}'s message names it, baseline {old}, now {new} and the accept command")
    print(f"bench-regress-planted: {sum(results)} passed, {len(results) - sum(results)} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
