"""Shared fixtures. `pytest --update-golden` rewrites the golden files from the parser.

The code tests read their own corpus, `tests/fixtures/corpus/data/` (copies of the five
bundled reports, laid out like the repository so paths read `data/<province>/…`), never
the repository's `data/`: adding or replacing a report there never touches a test.
What `data/` holds is checked by tests/test_data.py, whatever it holds.

Tests write only into temporary folders: the parse cache and the Vega bundle go to a
folder of this session (GOI_CACHE, inherited by the `goi` the tests run), Hypothesis keeps
its examples in memory and its caches in that folder, and the session fails if the checkout gained a file or folder
(`git status --porcelain --ignored`, pytest's own .pytest_cache aside).
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.database import InMemoryExampleDatabase

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the benchmark's report generator lives in bench/

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS_ROOT = FIXTURES / "corpus"  # stands in for the repository root: source paths are relative to it
CORPUS = CORPUS_ROOT / "data"
DATA = CORPUS  # the name the code tests use for their corpus
REPO_DATA = ROOT / "data"  # only tests/test_data.py reads it

_SESSION_TEMP = tempfile.mkdtemp(prefix="goi-tests-")
atexit.register(shutil.rmtree, _SESSION_TEMP, True)
os.environ.setdefault("GOI_CACHE", str(Path(_SESSION_TEMP) / "cache"))
set_hypothesis_home_dir(Path(_SESSION_TEMP) / "hypothesis")  # its caches (Unicode tables) too
settings.register_profile("goi", database=InMemoryExampleDatabase())
settings.load_profile("goi")


def _checkout_entries() -> set[str] | None:
    """Untracked and ignored entries of the checkout (None when it is not a git checkout)."""
    try:
        run = subprocess.run(
            ["git", "status", "--porcelain", "--ignored", "--untracked-files=normal"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if run.returncode != 0:
        return None
    return {
        line[3:]
        for line in run.stdout.splitlines()
        if line[:2] in ("??", "!!") and not line[3:].startswith(".pytest_cache") and "__pycache__" not in line
    }


_BEFORE = _checkout_entries()


def pytest_sessionfinish(session, exitstatus):
    after = _checkout_entries()
    if _BEFORE is None or after is None:
        return
    new = sorted(after - _BEFORE)
    if new:
        session.config.get_terminal_writer().line(f"the tests wrote into the checkout: {', '.join(new)}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the parser")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


def corpus_files() -> list[Path]:
    """The fixture corpus's reports (the golden files' subjects)."""
    return sorted(CORPUS.rglob("*.txt"))


def repo_data_files() -> list[Path]:
    """Whatever reports the repository's data/ holds today."""
    return sorted(REPO_DATA.rglob("*.txt"))
