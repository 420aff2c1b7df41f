#!/usr/bin/env python3
"""Runs a command under valgrind's callgrind and returns the instruction count (Ir) of each region it
dumped by name (counted.h: CALLGRIND_DUMP_STATS_AT), or of the whole process when it dumped none.
The command runs with only the environment given (env -i), so the stack and the environment it
sees are the same on every machine."""
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

TRIGGER = re.compile(r"^desc: Trigger: Client Request: (.*)$", re.M)
TOTALS = re.compile(r"^(?:summary|totals): (\d+)", re.M)


def valgrind_version():
    return subprocess.run(["valgrind", "--version"], capture_output=True, text=True, check=True).stdout.strip()


def callgrind_command(out_file, instrument_at_start):
    return ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}", "--dump-line=no",
            f"--instr-atstart={'yes' if instrument_at_start else 'no'}"]


def parse_dumps(files):
    """{region: Ir} over callgrind output files; a file without a client-request trigger is "process"."""
    counts = {}
    for f in files:
        text = Path(f).read_text(errors="replace")
        total = TOTALS.search(text)
        if not total:
            raise RuntimeError(f"callgrind: no totals in {f}")
        trigger = TRIGGER.search(text)
        name = trigger[1].strip() if trigger else "process"
        if name in counts:
            raise RuntimeError(f"callgrind: region {name} dumped twice")
        counts[name] = int(total[1])
    return counts


def _named(value, names):
    """A callgrind "(id) name" or "(id)" reference, resolved through names (updated)."""
    m = re.match(r"\((\d+)\)(?: (.*))?$", value)
    if not m:
        return value
    if m[2] is not None:
        names[m[1]] = m[2]
    return names.get(m[1], "?")


def calls_between(path, caller_object, callee_object):
    """Ir of all calls from functions of the object whose path ends with caller_object into functions of
    the object ending with callee_object, inclusive of everything those calls ran (a call's cost line
    follows its calls= line). The callee must not call back into the caller."""
    objects, total = {}, 0
    current = callee = None
    after_call = False
    for line in Path(path).read_text(errors="replace").splitlines():
        if after_call:
            after_call = False
            if current and current.endswith(caller_object) and (callee or current).endswith(callee_object):
                total += int(line.split()[-1])
            callee = None
        elif line.startswith("ob="):
            current = _named(line[3:], objects)
        elif line.startswith("cob="):
            callee = _named(line[4:], objects)
        elif line.startswith("calls="):
            after_call = True
    return total


def count(argv, env, cwd=None, regions=True):
    """Runs argv under callgrind with environment env only. regions: instrumentation starts off and the
    program's counted regions are returned; else the whole process is counted. Raises on failure."""
    work = Path(tempfile.mkdtemp(prefix="callgrind-"))
    try:
        out = work / "cg.out"
        run = subprocess.run(["env", "-i", *[f"{k}={v}" for k, v in sorted(env.items())],
                              *callgrind_command(out, not regions), *argv],
                             cwd=cwd, capture_output=True, text=True)
        if run.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, argv))} failed under callgrind (exit {run.returncode}):\n"
                               f"{run.stdout}{run.stderr[-4000:]}")
        dumps = sorted(work.glob("cg.out.*")) if regions else [out]
        counts = parse_dumps(dumps)
        return counts, run.stdout
    finally:
        shutil.rmtree(work, ignore_errors=True)
