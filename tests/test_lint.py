"""ruff (settings in pyproject.toml, version pinned in requirements.lock) passes on the
package, the tests, the benchmarks and the tools."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

from .conftest import ROOT


def test_ruff_check_passes():
    assert importlib.util.find_spec("ruff") is not None, (
        "ruff is not installed in this environment: it is pinned in requirements.lock (python3 dev.py test installs it)")
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "goi_site", "tests", "bench", "tools",
                          "dev.py"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
