"""vec_graph.load on every supported connection type, and what it leaves enabled."""
import sqlite3

import pytest

import vec_graph


def test_load_reports_the_package_version(db):
    assert db.one("select vec_graph_version()") == vec_graph.__version__


def test_load_picks_a_kernel(db):
    assert db.one("select vec_graph_kernel()") in {"avx512", "avx2", "sse", "neon", "scalar"}


def test_extension_loading_is_disabled_after_load(stdlib_db):
    with pytest.raises(sqlite3.OperationalError, match="not authorized"):
        stdlib_db.execute("select load_extension(?)", [vec_graph.loadable_path()])


def test_loadable_path_works_with_load_extension_directly():
    conn = sqlite3.connect(":memory:")
    conn.enable_load_extension(True)
    conn.load_extension(vec_graph.loadable_path())
    conn.enable_load_extension(False)
    assert conn.execute("select vg_dims('[1,2,3]')").fetchone()[0] == 3


def test_loading_twice_is_harmless(stdlib_db):
    vec_graph.load(stdlib_db)
    assert stdlib_db.execute("select vg_dims('[1]')").fetchone()[0] == 1


def test_environment_forces_the_scalar_kernel(monkeypatch):
    monkeypatch.setenv("VEC_GRAPH_KERNEL", "scalar")
    conn = sqlite3.connect(":memory:")
    vec_graph.load(conn)
    assert conn.execute("select vec_graph_kernel()").fetchone()[0] == "scalar"


def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            return next((set(line.split(":")[1].split()) for line in f if line.startswith("flags")), set())
    except OSError:
        return set()


@pytest.mark.skipif(not {"avx2", "fma"} <= _cpu_flags(), reason="this CPU has no AVX2+FMA")
def test_widest_kernel_is_chosen_on_an_avx2_cpu(stdlib_db):
    widest = "avx512" if "avx512f" in _cpu_flags() else "avx2"
    assert stdlib_db.execute("select vec_graph_kernel()").fetchone()[0] == widest
