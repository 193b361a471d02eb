"""The data-driven check: whatever `data/` holds today reads, checks and is filed soundly.

Nothing here names a report: adding, replacing or removing one in data/ never touches
this file. (The code is tested against tests/fixtures/corpus/, not against data/.)
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from goi_site.corpus.load import load_corpus
from goi_site.maintain.add import province_slug
from goi_site.parse.metadata import read_metadata, sidecar

from .conftest import REPO_DATA, repo_data_files


@pytest.fixture(scope="module")
def corpus():
    return load_corpus([REPO_DATA])


def _report(corpus, path):
    found = [r for r in corpus.reports if r.source.endswith(f"{path.parent.name}/{path.name}")]
    failed = [f.located() for f in corpus.failures if f.source.endswith(f"{path.parent.name}/{path.name}")]
    assert not failed, failed
    assert len(found) == 1, path
    return found[0]


def test_data_holds_reports_and_nothing_else():
    assert repo_data_files(), "data/ holds no report"
    stray = [
        p.relative_to(REPO_DATA).as_posix()
        for p in REPO_DATA.rglob("*")
        if p.is_file() and p.suffix not in (".txt", ".yml") and p.name != "README.md"
    ]
    assert stray == []
    orphans = [
        p.relative_to(REPO_DATA).as_posix() for p in REPO_DATA.rglob("*.yml") if not p.with_suffix(".txt").exists()
    ]
    assert orphans == []


@pytest.mark.parametrize("path", repo_data_files(), ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_report_reads_with_no_error_finding(corpus, path):
    report = _report(corpus, path)
    errors = [f.located() for f in report.findings if f.severity == "error"]
    assert errors == []


@pytest.mark.parametrize("path", repo_data_files(), ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_report_metadata_is_sound(corpus, path):
    report = _report(corpus, path)
    assert sidecar(path).exists(), f"{path.name} has no .yml beside it"
    meta = read_metadata(sidecar(path))
    assert meta.sha256 == hashlib.sha256(path.read_bytes()).hexdigest(), "record the text's sha256 (goi add does)"
    assert (meta.agency, meta.year) == (report.agency, report.year)
    assert meta.division_code and meta.division_code == report.region.code
    assert path.parent.name == report.agency_id and path.stem == str(report.year)
    assert path.parent.parent.name == province_slug(report.region.province or "")
    assert path.parent.parent.parent == REPO_DATA
    assert meta.retrieved <= dt.date.today()
    assert 1990 < report.year <= meta.retrieved.year
    assert meta.source_url is None or meta.source_url.startswith(("http://", "https://"))
