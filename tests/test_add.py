"""`goi add` from .txt, .html, .docx and .pdf: same numbers from each; refusals; no partial writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from goi_site.corpus.load import load_corpus
from goi_site.form.loader import load_form

from .conftest import DATA, FIXTURES, ROOT

SOURCES = FIXTURES / "sources"
ZHENGZHOU = DATA / "henan" / "410100-shangwuju" / "2023.txt"


def goi(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "goi_site", *args], cwd=cwd, capture_output=True, text=True, timeout=180
    )


def values(path: Path) -> dict:
    (report,) = load_corpus([path]).reports
    return {cell: report.cells[cell].value for cell in load_form().editions[report.edition].cells()}


@pytest.fixture(scope="module")
def truth():
    return values(ZHENGZHOU)


@pytest.mark.parametrize(
    "source",
    [ZHENGZHOU, SOURCES / "report.html", SOURCES / "report.docx", SOURCES / "report.pdf"],
    ids=lambda p: p.suffix,
)
def test_add_reads_the_same_numbers_from_every_format(tmp_path, source, truth):
    data = tmp_path / "data"
    run = goi(
        "add",
        str(source),
        "--data",
        str(data),
        "--source-url",
        "https://www.zhengzhou.gov.cn/report.html",
        "--retrieved",
        "2026-11-20",
    )
    assert run.returncode == 0, run.stderr
    written = data / "henan" / "410100-shangwuju" / "2023.txt"
    assert written.exists() and written.with_suffix(".yml").exists()
    assert "郑州市商务局 2023" in run.stdout and "结转下年" in run.stdout  # the parsed tables are shown
    assert values(written) == truth
    meta = written.with_suffix(".yml").read_text(encoding="utf-8")
    assert "agency: 郑州市商务局" in meta and 'division_code: "410100"' in meta and "retrieved: 2026-11-20" in meta
    assert "source_url: https://www.zhengzhou.gov.cn/report.html" in meta
    if source.suffix == ".txt":
        assert written.read_bytes() == source.read_bytes()  # kept byte for byte
    else:
        assert f"extracted_from: report{source.suffix}" in meta
    # the corpus it wrote validates, with the checksum it recorded
    assert goi("validate", str(data), "--fail-on", "error").returncode == 0


def test_duplicate_is_refused_unless_replace(tmp_path):
    data = tmp_path / "data"
    assert goi("add", str(ZHENGZHOU), "--data", str(data)).returncode == 0
    written = data / "henan" / "410100-shangwuju" / "2023.txt"
    before = written.read_bytes(), written.with_suffix(".yml").read_bytes()
    again = goi("add", str(SOURCES / "report.html"), "--data", str(data))
    assert again.returncode == 1 and "already the 2023 report" in again.stderr and "--replace" in again.stderr
    assert (written.read_bytes(), written.with_suffix(".yml").read_bytes()) == before
    replaced = goi("add", str(SOURCES / "report.html"), "--data", str(data), "--replace")
    assert replaced.returncode == 0 and "replaced" in replaced.stdout
    assert written.read_bytes() != before[0]


@pytest.mark.parametrize(
    "name, data, expect",
    [
        ("broken.pdf", b"%PDF-1.4\nnot really a pdf", "not a readable PDF"),
        ("fake.pdf", b"hello", "not a PDF"),
        ("fake.docx", b"hello", "not a Word .docx"),
        ("empty.html", b"", "empty"),
        ("notes.html", "<html><body><p>会议通知</p></body></html>".encode(), "no statistical table"),
        ("report.odt", b"x", "unsupported file type"),
    ],
)
def test_unreadable_source_leaves_data_untouched(tmp_path, name, data, expect):
    source = tmp_path / name
    source.write_bytes(data)
    corpus = tmp_path / "data"
    run = goi("add", str(source), "--data", str(corpus))
    assert run.returncode == 1 and expect in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert not corpus.exists()


def test_options_override_and_place_an_ambiguous_county(tmp_path):
    data = tmp_path / "data"
    source = FIXTURES / "quirks" / "unplaceable_county.txt"
    refused = goi("add", str(source), "--data", str(data))
    assert refused.returncode == 1 and "--region" in refused.stderr and not data.exists()
    run = goi(
        "add",
        str(source),
        "--data",
        str(data),
        "--region",
        "福建省/福州市/鼓楼区",
        "--agency",
        "福州市鼓楼区商务局",
        "--allow-findings",
    )  # the fixture holds only part of the tables
    assert run.returncode == 0, run.stderr
    assert (data / "fujian" / "350102-shangwuju" / "2022.txt").exists()


def test_dry_run_writes_nothing(tmp_path):
    data = tmp_path / "data"
    run = goi("add", str(SOURCES / "report.docx"), "--data", str(data), "--dry-run")
    assert run.returncode == 0 and "would write" in run.stdout and not data.exists()


def test_parse_accepts_the_same_formats():
    run = goi(
        "parse", str(SOURCES / "report.pdf"), str(SOURCES / "report.docx"), str(SOURCES / "report.html"), "--json"
    )
    assert run.returncode == 0
    assert run.stdout.count('"agency": "郑州市商务局"') == 3
