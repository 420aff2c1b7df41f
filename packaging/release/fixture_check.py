#!/usr/bin/env python3
"""Role: run the golden fixtures (Fixtures/**/*.test) through a prebuilt vg_driver and extension, as
compat-matrix's runner does, but with the driver optionally started under an emulator (qemu, wine):
for release binaries built elsewhere, or for another CPU or OS. Writes one JUnit testsuite and ends
with "N passed, N failed, N skipped". Standard library only (fixture_lang does the sqllogictest part).

usage: fixture_check.py --driver EXE --extension PATH --suite NAME --junit OUT.xml
                        [--prefix "qemu-aarch64-static -L /usr/aarch64-linux-gnu"] [--expect-kernel neon]
                        [--expect-sqlite 3.53.4] [--fixture-root Fixtures] [--timeout 300]
The first case, <suite>.load, loads the extension and checks vec_graph_version() == VERSION (and the
kernel and SQLite version when asked); then one case per record, named <file>:<line>."""
import argparse
import shlex
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import fixture_lang as fl

ROOT = Path(__file__).resolve().parents[2]


def run_driver(args, records, workdir):
    """Runs the driver on the script of records in workdir; returns (transcript, stderr, exit status or 'timeout').

    Under an emulator the driver is started once more if it printed nothing at all and failed: the
    emulator (wine's server, above all, on a loaded machine) then failed before the program ran, which
    says nothing about vec_graph. The retry is written into stderr, so the report shows it."""
    (workdir / "script.bin").write_bytes(fl.encode_script(records))
    command = shlex.split(args.prefix) + [args.driver, "--db", "test.db", "--extension", args.extension,
                                          "--script", "script.bin"]
    attempts = 2 if args.prefix else 1
    for attempt in range(1, attempts + 1):
        (workdir / "test.db").unlink(missing_ok=True)
        # Files, not pipes: under wine, helper processes inherit the output handles and outlive the driver,
        # so a pipe would stay open (and the run wait) until they exit.
        with open(workdir / "stdout", "wb") as out, open(workdir / "stderr", "wb") as err:
            try:
                status = subprocess.run(command, cwd=workdir, stdout=out, stderr=err, timeout=args.timeout).returncode
            except subprocess.TimeoutExpired:
                status = "timeout"
        stdout = (workdir / "stdout").read_bytes()
        stderr = (workdir / "stderr").read_bytes().decode(errors="replace")
        if stdout or status in (0, "timeout") or attempt == attempts:
            break
        first_failure = f"[fixture_check: the emulator exited {status} before the driver printed anything; retried once]\n{stderr}"
    if attempt > 1:
        stderr = first_failure + stderr
    return fl.Transcript(stdout), stderr, status


def load_case(args, workdir, version):
    """The <suite>.load case: the extension loads and reports the right version, kernel and SQLite."""
    probe = [(0, True, "SELECT sqlite_version(), vec_graph_version(), vec_graph_kernel()")]
    transcript, stderr, status = run_driver(args, probe, workdir)
    if transcript.load != "ok" or status != 0:
        return ("errored", f"extension did not load: {transcript.load or 'driver died'} (exit {status})", stderr), None
    if not transcript.records or transcript.records[0].error or len(transcript.records[0].rows) != 1:
        return ("errored", f"probe query failed (exit {status})", stderr), None
    sqlite, ext, kernel = (fl.text_value(v) for v in transcript.records[0].rows[0])
    problems = [f"vec_graph_version() is {ext}, VERSION is {version}"] if ext != version else []
    if args.expect_kernel and kernel != args.expect_kernel:
        problems.append(f"vec_graph_kernel() is {kernel}, expected {args.expect_kernel}")
    if args.expect_sqlite and sqlite != args.expect_sqlite:
        problems.append(f"SQLite is {sqlite}, expected {args.expect_sqlite}")
    what = f"SQLite {sqlite}, vec_graph {ext}, kernel {kernel}"
    print(f"{args.suite}: {what}")
    if problems:
        return ("failed", "; ".join(problems), what), sqlite
    return ("passed", "", what), sqlite


def check_file(args, path, sqlite, workdir):
    """Yields (name, line, outcome, message, details, seconds) for every record of one fixture file."""
    name = path.relative_to(args.fixture_root).as_posix()
    try:
        fixture = fl.parse_fixture(path.read_text(encoding="utf-8"), name)
    except fl.ParseError as e:
        yield name, e.line, "errored", str(e), str(e), 0.0
        return
    planned = fl.plan(fixture, fl.version_tuple(sqlite))
    records = [(p.record.line, p.record.kind == "query", p.record.body.sql) for p in planned if p.skip is None]
    if not records:
        for p in planned:
            yield f"{name}:{p.record.line}", p.record.line, "skipped", p.skip, "", 0.0
        return
    transcript, stderr, status = run_driver(args, records, workdir)
    whole = None
    if transcript.sqlite is None:
        whole = f"driver died before reporting its SQLite (exit {status})"
    elif transcript.sqlite != sqlite:
        whole = f"wrong SQLite linked: {transcript.sqlite}, expected {sqlite}"
    elif transcript.load != "ok":
        whole = f"extension failed to load: {transcript.load or 'driver died'}"
    done = {r.line: r for r in transcript.records}
    for p in planned:
        line = p.record.line
        case = f"{name}:{line}"
        if p.skip is not None:
            yield case, line, "skipped", p.skip, "", 0.0
        elif whole:
            yield case, line, "errored", whole, stderr, 0.0
        elif line in done:
            outcome, message, details = p.verdict(done[line])
            yield case, line, outcome, message, details, done[line].seconds
        elif line == transcript.running:
            cause = "timed out" if status == "timeout" else transcript.protocol_error or f"driver exited with status {status}"
            yield case, line, "errored", f"driver died in this record: {cause}", stderr, 0.0
        else:
            yield case, line, "errored", "not run: the driver stopped earlier", "", 0.0
    if not whole and done.keys() >= {r[0] for r in records} and (not transcript.finished or status != 0):
        yield name, 0, "errored", f"after the last record: exit status {status}, finished={transcript.finished}", stderr, 0.0


def junit_case(suite, group, name, line, outcome, message, details, seconds):
    case = ET.Element("testcase", classname=f"{suite}.{group}", name=name, time=f"{seconds:.6f}")
    if line:
        case.set("line", str(line))
    tag = {"failed": "failure", "errored": "error", "skipped": "skipped"}.get(outcome)
    if tag:
        ET.SubElement(case, tag, message=message).text = details or None
    return case


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--driver", required=True)
    parser.add_argument("--extension", required=True)
    parser.add_argument("--suite", required=True)
    parser.add_argument("--junit", required=True, type=Path)
    parser.add_argument("--prefix", default="")
    parser.add_argument("--expect-kernel")
    parser.add_argument("--expect-sqlite")
    parser.add_argument("--fixture-root", type=Path, default=ROOT / "Fixtures")
    parser.add_argument("--timeout", type=int, default=300)
    args = parser.parse_args()
    # The driver runs in a scratch folder: every path it is given must be absolute.
    args.fixture_root = args.fixture_root.resolve()
    args.driver, args.extension = (str(Path(p).resolve()) for p in (args.driver, args.extension))
    version = (ROOT / "VERSION").read_text().strip()
    counts = {"passed": 0, "failed": 0, "errored": 0, "skipped": 0}
    suite = ET.Element("testsuite", name=args.suite)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fixture-check-") as tmp:
        workdir = Path(tmp)
        (outcome, message, details), sqlite = load_case(args, workdir, version)
        counts[outcome] += 1
        suite.append(junit_case(args.suite, "load", "load", 0, outcome, message, details, 0.0))
        files = sorted(args.fixture_root.glob("**/*.test")) if sqlite else []
        for path in files:
            parts = path.relative_to(args.fixture_root).parts
            group = parts[0] if len(parts) > 1 else "fixtures"
            file_counts = dict.fromkeys(counts, 0)
            for name, line, outcome, message, details, seconds in check_file(args, path, sqlite, workdir):
                file_counts[outcome] += 1
                suite.append(junit_case(args.suite, group, name, line, outcome, message, details, seconds))
                if outcome in ("failed", "errored"):
                    print(f"  {outcome.upper()} {name}: {message}")
            print(f"{args.suite}: {path.relative_to(args.fixture_root)}: {file_counts['passed']} passed, "
                  f"{file_counts['failed'] + file_counts['errored']} failed, {file_counts['skipped']} skipped")
            counts = {k: counts[k] + file_counts[k] for k in counts}
    suite.set("tests", str(sum(counts.values())))
    suite.set("failures", str(counts["failed"]))
    suite.set("errors", str(counts["errored"]))
    suite.set("skipped", str(counts["skipped"]))
    suite.set("time", f"{time.monotonic() - start:.3f}")
    args.junit.parent.mkdir(parents=True, exist_ok=True)
    document = ET.Element("testsuites")
    document.append(suite)
    ET.ElementTree(document).write(args.junit, encoding="utf-8", xml_declaration=True)
    bad = counts["failed"] + counts["errored"]
    print(f"{args.suite}: {counts['passed']} passed, {bad} failed, {counts['skipped']} skipped "
          f"in {time.monotonic() - start:.1f} s")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
