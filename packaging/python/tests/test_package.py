"""The installed package itself: version, binary location, typing marker and wheel metadata."""
import os
import sys
from importlib import metadata
from pathlib import Path

import vec_graph

SUFFIX = {"win32": ".dll", "darwin": ".dylib"}.get(sys.platform, ".so")


def test_version_is_the_repository_version():
    assert vec_graph.__version__ == os.environ["VG_EXPECTED_VERSION"]


def test_distribution_metadata():
    meta = metadata.metadata("vec-graph")
    assert meta["Name"] == "vec-graph"
    assert meta["Version"] == vec_graph.__version__
    assert meta["License"] == "MIT"
    assert "vec_graph.load(db)" in meta.get_payload()


def test_loadable_path_has_no_suffix_and_the_binary_is_beside_it():
    path = vec_graph.loadable_path()
    assert Path(path).name == "vec_graph"
    assert os.path.isabs(path)
    assert os.path.isfile(path + SUFFIX)


def test_py_typed_is_shipped():
    assert (Path(vec_graph.__file__).parent / "py.typed").is_file()


def test_public_api_has_docstrings():
    for name in ("load", "loadable_path", "serialize_f32", "deserialize_f32"):
        assert getattr(vec_graph, name).__doc__, name
