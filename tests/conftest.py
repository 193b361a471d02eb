"""Shared fixtures. `pytest --update-golden` rewrites the golden files from the parser."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the benchmark's report generator lives in bench/

DATA = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the parser")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


def corpus_files() -> list[Path]:
    return sorted(DATA.rglob("*.txt"))
