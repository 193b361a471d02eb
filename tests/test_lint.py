"""ruff (settings in pyproject.toml, version pinned in requirements.lock) passes on the
package, the tests, the benchmarks and the tools: the lint rules and the formatter's style."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from .conftest import ROOT

CHECKED = ["goi_site", "tests", "bench", "tools", "dev.py"]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff_passes(command):
    assert importlib.util.find_spec("ruff") is not None, (
        "ruff is not installed in this environment: it is pinned in requirements.lock (python3 dev.py test installs it)"
    )
    run = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "--no-cache", *CHECKED],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, f"ruff {' '.join(command)} failed (fix with `ruff check --fix` / `ruff format`):\n" + (
        run.stdout + run.stderr
    )
