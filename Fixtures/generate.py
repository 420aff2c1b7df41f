#!/usr/bin/env python3
"""Regenerates every generated fixture: runs each Fixtures/generators/*.py (numpy/networkx oracles)
in turn with this interpreter. Run through `make fixtures`, which uses the project's .venv."""
import subprocess
import sys
from pathlib import Path

generators = sorted((Path(__file__).resolve().parent / "generators").glob("*.py"))
failed = [g.name for g in generators if subprocess.call([sys.executable, str(g)]) != 0]
if failed:
    sys.exit(f"generators failed: {', '.join(failed)}")
