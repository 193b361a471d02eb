"""The scale machinery: the generated corpus reads back to its truth, the parse cache
re-reads only what changed, and large downloads are zipped yet still validate."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from goi_site.corpus.cache import ParseCache
from goi_site.corpus.load import load_corpus
from goi_site.publish import exports

from .conftest import ROOT


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "make_corpus.py"), "60", "3", str(out)], check=True, capture_output=True
    )
    return out


def test_generated_corpus_reads_back_to_its_truth(generated):
    corpus = load_corpus([generated / "data"])  # 180 reports: read on both cores
    assert not corpus.failures and len(corpus.reports) == 180
    truth = {
        (t["agency_id"], t["year"]): t for t in map(json.loads, (generated / "truth.jsonl").read_text().splitlines())
    }
    wrong = []
    for report in corpus.reports:
        expected = truth[(report.agency_id, report.year)]
        for key, value in expected["cells"].items():
            if report.value(*key.split(".")) != value:
                wrong.append((report.source, key, value, report.value(*key.split("."))))
        found = {f.rule for f in report.findings if f.needs_attention}
        assert found == set(expected["slips"]), report.source
    assert wrong == []
    assert {r.region.province for r in corpus.reports} >= {"河南省", "河北省", "山东省"}
    assert len({t["layout"] for t in truth.values()}) == 5


def test_cache_rereads_only_what_changed(generated, tmp_path):
    cache_file = tmp_path / "parse.sqlite3"
    first = ParseCache(cache_file)
    load_corpus([generated / "data"], first)
    assert (first.hits, first.misses) == (0, 180)
    first.close()
    again = ParseCache(cache_file)
    load_corpus([generated / "data"], again)
    assert (again.hits, again.misses) == (180, 0)
    again.close()
    # A changed report (or its metadata) is read again; nothing stale is served.
    text = sorted((generated / "data").rglob("*.txt"))[0]
    original = text.read_bytes()
    try:
        text.write_bytes(
            original.replace("本年新收政府信息公开申请数量".encode(), "本年新收政府信息公开申请数量 ".encode(), 1)
        )
        third = ParseCache(cache_file)
        corpus = load_corpus([generated / "data"], third)
        assert (third.hits, third.misses) == (179, 1)
        third.close()
        # the metadata checksum now disagrees with the edited text: caught, not served from the cache
        assert any("sha256 does not match" in f.error for f in corpus.failures)
    finally:
        text.write_bytes(original)


def test_large_downloads_are_zipped_and_still_validate(generated, tmp_path, monkeypatch):
    monkeypatch.setattr(exports, "ZIP_FROM", 100_000)  # a small corpus, a small threshold
    corpus = load_corpus([generated / "data"])
    downloads = exports.write_downloads(corpus.reports, tmp_path, generated)[0]
    zipped = {d.path for d in downloads if d.zipped}
    assert "goi-values.csv.zip" in zipped and "goi-reports.json.zip" in zipped
    with zipfile.ZipFile(tmp_path / "goi-values.csv.zip") as archive:
        (member,) = archive.infolist()
        assert member.filename == "goi-values.csv" and member.date_time == (2019, 1, 1, 0, 0, 0)
        assert archive.read(member).startswith(b"\xef\xbb\xbf")
    run = subprocess.run(
        [str(Path(sys.executable).with_name("frictionless")), "validate", "datapackage.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-2000:]
