"""Every cell and finding of each fixture report (tests/fixtures/corpus/: copies of the
bundled real reports), against a reviewed golden file.

Regenerate after a deliberate change with `pytest tests/test_golden.py --update-golden`
and review the diff: a changed number in a golden file is a changed reading of a report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from goi_site.corpus.load import load_corpus

from .conftest import CORPUS, corpus_files
from .golden import render_golden

GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus([CORPUS])


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.parent.name + "-" + p.stem)
def test_report_matches_golden(path, corpus, update_golden):
    (report,) = [r for r in corpus.reports if r.source.endswith(f"{path.parent.name}/{path.name}")]
    golden = GOLDEN / f"{path.parent.name}-{path.stem}.txt"
    actual = render_golden(report)
    if update_golden:
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), (
        f"no golden file {golden.name}; run pytest tests/test_golden.py --update-golden and review it"
    )
    assert actual == golden.read_text(encoding="utf-8")


def test_fixture_corpus_has_the_five_reports(corpus):
    assert not corpus.failures
    got = sorted((r.agency, r.year) for r in corpus.reports)
    assert got == [
        ("平顶山市商务局", 2022),
        ("平顶山市湛河区商务局", 2024),
        ("温县商务局", 2021),
        ("漯河市商务局", 2022),
        ("郑州市商务局", 2023),
    ]


def test_every_golden_file_has_its_fixture():
    names = {f"{p.parent.name}-{p.stem}.txt" for p in corpus_files()}
    assert sorted(p.name for p in GOLDEN.glob("*.txt")) == sorted(names)
