"""verify.py against the five release binaries in $VG_DIST_BIN (build-all.sh's OUTDIR): each passes
as its own target and fails as every other; and it catches a missing -lm and a too-new glibc."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
VERIFY = ROOT / "packaging/dist/verify.py"
BIN = Path(os.environ.get("VG_DIST_BIN", ROOT / "build/dist/bin"))
TARGETS = {"linux-x64": "so", "linux-arm64": "so", "darwin-x64": "dylib", "darwin-arm64": "dylib", "win32-x64": "dll"}


def verify(path, target):
    run = subprocess.run([sys.executable, str(VERIFY), str(path), target], capture_output=True, text=True)
    return run.returncode, run.stdout


def artefact(target):
    return BIN / target / f"vec_graph.{TARGETS[target]}"


@pytest.mark.parametrize("target", TARGETS)
def test_release_binary_passes_as_its_target(target):
    rc, out = verify(artefact(target), target)
    assert rc == 0, out
    assert "exports sqlite3_vecgraph_init" in out


@pytest.mark.parametrize("built, claimed", [(b, c) for b in TARGETS for c in TARGETS if b != c])
def test_release_binary_fails_as_another_target(built, claimed):
    rc, out = verify(artefact(built), claimed)
    assert rc == 1, out
    assert "FAIL" in out


# A stand-in extension using libm's log and exp, which glibc >= 2.29 versions GLIBC_2.29.
STAND_IN = """#include <math.h>
const char *vg_version = "%s";
__attribute__((visibility("default"))) double sqlite3_vecgraph_init(double x) { return log(x) + exp(x); }
"""


def _gcc_build(tmp_path, *flags):
    if not shutil.which("gcc"):
        pytest.skip("no gcc here")
    source, out = tmp_path / "stand_in.c", tmp_path / "vec_graph.so"
    source.write_text(STAND_IN % (ROOT / "VERSION").read_text().strip())
    subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-fvisibility=hidden", "-o", str(out), str(source), *flags],
                   check=True)
    return out


def test_stand_in_is_read_correctly(tmp_path):
    _, out = verify(_gcc_build(tmp_path, "-lm"), "linux-x64")
    assert "ok   every undefined symbol bound" in out and "ok   exports sqlite3_vecgraph_init" in out


def test_missing_libm_is_caught(tmp_path):
    rc, out = verify(_gcc_build(tmp_path, "-fno-builtin"), "linux-x64")
    assert rc == 1
    assert "libm functions exp, log: link with -lm" in out


def test_too_new_glibc_is_caught(tmp_path):
    rc, out = verify(_gcc_build(tmp_path, "-lm"), "linux-x64")
    assert rc == 1
    assert "FAIL newest GLIBC symbol version 2.29 (at most 2.17)" in out


def test_wrong_version_stamp_is_caught(tmp_path):
    data = artefact("linux-x64").read_bytes()
    version = (ROOT / "VERSION").read_text().strip().encode()
    bad = tmp_path / "vec_graph.so"
    bad.write_bytes(data.replace(version + b"\0", b"9" * len(version) + b"\0"))
    rc, out = verify(bad, "linux-x64")
    assert rc == 1 and "not found" in out


def test_not_a_binary_is_refused():
    rc, out = verify(ROOT / "VERSION", "linux-x64")
    assert rc == 1 and "format unknown" in out
