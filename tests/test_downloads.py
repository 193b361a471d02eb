"""The open-data downloads: read back, safe for Excel, valid Frictionless, deterministic."""

from __future__ import annotations

import filecmp
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from goi_site.corpus import load_corpus
from goi_site.csvout import safe_cell
from goi_site.exports import write_downloads
from goi_site.form import load_form

from .conftest import CORPUS_ROOT, DATA, FIXTURES, ROOT


@pytest.fixture(scope="module")
def corpus():
    return load_corpus([DATA])


@pytest.fixture(scope="module")
def downloads(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("downloads")
    write_downloads(corpus.reports, out, CORPUS_ROOT)
    return out


def test_tidy_csv_read_back_equals_the_parsed_records(corpus, downloads):
    frame = pd.read_csv(downloads / "goi-values.csv", dtype={"division_code": str}, keep_default_na=False, na_values=[""])
    form = load_form()
    expected = {}
    for r in corpus.reports:
        for ref in form.editions[r.edition].cells():
            cell = r.cells[ref]
            expected[(r.agency_id, r.year, ref.table, ref.row, ref.column)] = (
                None if cell.value is None else float(cell.value), cell.line)
    got = {}
    for row in frame.itertuples():
        value = None if pd.isna(row.value) else float(row.value)
        line = None if pd.isna(row.source_line) else int(row.source_line)
        got[(row.agency_id, row.year, row.table, row.row_id, row.column_id)] = (value, line)
    assert got == expected
    assert set(frame["agency"]) == {r.agency for r in corpus.reports}
    assert frame.loc[frame.agency_id == "410411-shangwuju", "source_file"].iloc[0] == "data/henan/410411-shangwuju/2024.txt"


def test_every_csv_has_a_bom(downloads):
    files = list(downloads.rglob("*.csv"))
    assert len(files) >= 10
    for path in files:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path


def test_wide_csv_one_row_per_report(corpus, downloads):
    wide = pd.read_csv(downloads / "goi-reports-wide.csv", dtype={"division_code": str})
    assert len(wide) == len(corpus.reports)
    zz = wide[wide.agency_id == "410100-shangwuju"].iloc[0]
    assert zz["applications.new.natural_person"] == 6 and zz["appeals.review.total"] == 3


def test_indicators_and_zero_denominators(downloads):
    ind = pd.read_csv(downloads / "goi-indicators.csv", dtype={"division_code": str})
    zz = ind[ind.agency_id == "410100-shangwuju"].iloc[0]
    assert zz.disclosure_rate == pytest.approx(0.4) and zz.corrected_share == 0
    wx = ind[ind.agency_id == "410825-shangwuju"].iloc[0]  # processed_total is 0
    assert pd.isna(wx.disclosure_rate) and pd.isna(wx.corrected_share)
    text = (downloads / "goi-indicators.csv").read_text(encoding="utf-8-sig")
    assert ",,,,," in text.splitlines()[[i for i, l in enumerate(text.splitlines()) if "410825" in l][0]]


def test_findings_csv(downloads):
    findings = pd.read_csv(downloads / "goi-findings.csv")
    assert (findings.rule == "short_row_filled").sum() == 4
    assert set(findings.columns) >= {"agency", "year", "rule", "severity", "message", "left", "right"}


def test_codebook_covers_every_column(downloads):
    codebook = pd.read_csv(downloads / "codebook.csv")
    ids = set(codebook.id)
    for name in ("goi-values.csv", "goi-reports-wide.csv", "goi-findings.csv", "goi-indicators.csv"):
        header = pd.read_csv(downloads / name, nrows=0).columns
        assert set(header) <= ids, name
    row = codebook[codebook.id == "applications.new.natural_person"].iloc[0]
    assert row.label_zh.endswith("自然人") and row.unit == "件" and row.type == "integer"


def test_frictionless_validate_passes(downloads):
    frictionless = Path(sys.executable).with_name("frictionless")
    run = subprocess.run([str(frictionless), "validate", "datapackage.json"], cwd=downloads, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:]
    package = json.loads((downloads / "datapackage.json").read_text(encoding="utf-8"))
    assert all(r["name"].isascii() for r in package["resources"])
    assert {r["path"] for r in package["resources"]} == {p.relative_to(downloads).as_posix() for p in downloads.rglob("*.csv")}


def test_formula_injection_is_neutralised(tmp_path):
    folder = tmp_path / "data" / "henan" / "410100-shangwuju"
    folder.mkdir(parents=True)
    shutil.copy(DATA / "henan" / "410100-shangwuju" / "2023.txt", folder / "2023.txt")
    (folder / "2023.yml").write_text(
        'agency: \'=HYPERLINK("http://x","y")\'\ndivision_code: "410100"\nyear: 2023\nretrieved: 2026-11-22\n', encoding="utf-8")
    corpus = load_corpus([tmp_path / "data"])
    out = tmp_path / "out"
    write_downloads(corpus.reports, out, tmp_path)
    for path in out.rglob("*.csv"):
        text = path.read_text(encoding="utf-8-sig")
        if "HYPERLINK" in text:
            assert '\'=HYPERLINK(""http://x"",""y"")' in text, path
            assert ',=HYPERLINK' not in text and '\n=HYPERLINK' not in text
    assert safe_cell("+1") == "'+1" and safe_cell("@x") == "'@x" and safe_cell("\tx") == "'\tx"
    assert safe_cell(-2) == "-2"  # numbers stay numbers


def test_missing_cells_are_empty_never_zero(tmp_path):
    folder = tmp_path / "data" / "henan" / "410411-shangwuju"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "quirks" / "partial.txt", folder / "2024.txt")
    corpus = load_corpus([tmp_path / "data"])
    write_downloads(corpus.reports, tmp_path / "out", tmp_path)
    frame = pd.read_csv(tmp_path / "out" / "goi-values.csv", keep_default_na=False, dtype=str)
    missing = frame[frame.status == "missing"]
    assert len(missing) > 50 and set(missing.value) == {""}
    assert frame[(frame.row_id == "carried_over") & (frame.column_id == "total")].value.iloc[0] == ""


def test_two_exports_give_identical_bytes(corpus, tmp_path):
    write_downloads(corpus.reports, tmp_path / "a", CORPUS_ROOT)
    write_downloads(load_corpus([DATA]).reports, tmp_path / "b", CORPUS_ROOT)
    a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert a == b
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", [str(p) for p in a], shallow=False)
    assert mismatch == [] and errors == []


def test_goi_export_command(tmp_path):
    run = subprocess.run([sys.executable, "-m", "goi_site", "export", "--data", str(DATA), "--out", str(tmp_path)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "downloads" / "goi-values.csv").exists() and (tmp_path / "downloads" / "datapackage.json").exists()
