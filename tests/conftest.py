"""Shared fixtures. `pytest --update-golden` rewrites the golden files from the parser.

The code tests read their own corpus, `tests/fixtures/corpus/data/` (copies of the five
bundled reports, laid out like the repository so paths read `data/<province>/…`), never
the repository's `data/`: adding or replacing a report there never touches a test.
What `data/` holds is checked by tests/test_data.py, whatever it holds.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the benchmark's report generator lives in bench/

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS_ROOT = FIXTURES / "corpus"  # stands in for the repository root: source paths are relative to it
CORPUS = CORPUS_ROOT / "data"
DATA = CORPUS  # the name the code tests use for their corpus
REPO_DATA = ROOT / "data"  # only tests/test_data.py reads it


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
