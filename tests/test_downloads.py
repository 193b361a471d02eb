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

from goi_site.corpus.load import load_corpus
from goi_site.form.loader import load_form
from goi_site.publish.catalogue import table_spec
from goi_site.publish.csvout import safe_cell
from goi_site.publish.exports import schema_fields, write_downloads

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
    frame = pd.read_csv(
        downloads / "goi-values.csv", dtype={"division_code": str}, keep_default_na=False, na_values=[""]
    )
    form = load_form()
    expected = {}
    for r in corpus.reports:
        for ref in form.editions[r.edition].cells():
            cell = r.cells[ref]
            expected[(r.agency_id, r.year, ref.table, ref.row, ref.column)] = (
                None if cell.value is None else float(cell.value),
                cell.line,
            )
    got = {}
    for row in frame.itertuples():
        value = None if pd.isna(row.value) else float(row.value)
        line = None if pd.isna(row.source_line) else int(row.source_line)
        got[(row.agency_id, row.year, row.table, row.row_id, row.column_id)] = (value, line)
    assert got == expected
    assert set(frame["agency"]) == {r.agency for r in corpus.reports}
    assert (
        frame.loc[frame.agency_id == "410411-shangwuju", "source_file"].iloc[0]
        == "data/henan/410411-shangwuju/2024.txt"
    )


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
    run = subprocess.run(
        [str(frictionless), "validate", "datapackage.json"], cwd=downloads, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stdout[-3000:]
    package = json.loads((downloads / "datapackage.json").read_text(encoding="utf-8"))
    assert all(r["name"].isascii() for r in package["resources"])
    assert {r["path"] for r in package["resources"]} == {
        p.relative_to(downloads).as_posix() for p in downloads.rglob("*.csv")
    }


def _injected_downloads(tmp_path) -> Path:
    """The downloads of one report whose agency name is a spreadsheet formula."""
    folder = tmp_path / "data" / "henan" / "410100-hyperlinkhttpxy"  # the id goi derives from that name
    folder.mkdir(parents=True)
    shutil.copy(DATA / "henan" / "410100-shangwuju" / "2023.txt", folder / "2023.txt")
    (folder / "2023.yml").write_text(
        'agency: \'=HYPERLINK("http://x","y")\'\ndivision_code: "410100"\nyear: 2023\nretrieved: 2026-11-22\n',
        encoding="utf-8",
    )
    corpus = load_corpus([tmp_path / "data"])
    assert len(corpus.reports) == 1, corpus.failures
    write_downloads(corpus.reports, tmp_path / "out", tmp_path)
    return tmp_path / "out"


def test_formula_injection_is_neutralised(tmp_path):
    out = _injected_downloads(tmp_path)
    with_name = [p for p in out.rglob("*.csv") if "HYPERLINK" in p.read_text(encoding="utf-8-sig")]
    assert len(with_name) >= 5  # values, its year, wide, indicators, the agency's own file
    for path in with_name:
        text = path.read_text(encoding="utf-8-sig")
        assert '\'=HYPERLINK(""http://x"",""y"")' in text, path
        assert ",=HYPERLINK" not in text and "\n=HYPERLINK" not in text
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
    run = subprocess.run(
        [sys.executable, "-m", "goi_site", "export", "--data", str(DATA), "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "downloads" / "goi-values.csv").exists() and (
        tmp_path / "downloads" / "datapackage.json"
    ).exists()


# ---- the frames and the typed formats (Parquet, SQLite, .xlsx) --------------------------------


def _csv(downloads: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(
        downloads / name, dtype={"division_code": str, "edition": str}, keep_default_na=False, na_values=[""]
    )


def test_frames_have_explicit_types_and_missing_stays_missing(tmp_path):
    from goi_site.publish.frames import build_frames

    folder = tmp_path / "data" / "henan" / "410411-shangwuju"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "quirks" / "partial.txt", folder / "2024.txt")
    frames = build_frames(load_corpus([tmp_path / "data"]).reports, tmp_path)
    values = frames.values
    assert str(values["value"].dtype) == "Float64" and str(values["source_line"].dtype) == "Int64"
    assert str(values["year"].dtype) == "Int64"
    missing = values[values["status"] == "missing"]
    assert len(missing) > 50 and missing["value"].isna().all()  # <NA>, not 0 and not a float NaN stand-in
    wide = frames.reports
    assert str(wide["applications.new.total"].dtype) == "Int64"
    assert wide["applications.carried_over.total"].isna().all()
    assert list(frames.values.columns[:18]) == [f.name for f in schema_fields("values")]


def test_parquet_is_typed_and_holds_the_csv_numbers(downloads):
    import pyarrow.parquet as pq

    table = pq.read_table(downloads / "goi-values.parquet")
    assert str(table.schema.field("value").type) == "double" and str(table.schema.field("year").type) == "int64"
    assert str(table.schema.field("division_code").type) == "string"
    parquet = table.to_pandas()
    csv = _csv(downloads, "goi-values.csv")
    assert len(parquet) == len(csv)
    assert parquet["value"].isna().sum() == csv["value"].isna().sum()
    pd.testing.assert_series_equal(
        parquet["value"].astype(float).reset_index(drop=True), csv["value"].astype(float), check_names=False
    )
    assert set(parquet["cell_source"]) == {"text"}  # provenance columns are in the typed formats
    wide = pq.read_table(downloads / "goi-reports-wide.parquet")
    assert str(wide.schema.field("applications.new.total").type) == "int64"


def test_sqlite_has_one_table_per_download_indexed_on_agency_and_year(downloads):
    import sqlite3

    db = sqlite3.connect(downloads / "goi.sqlite")
    tables = {row[0] for row in db.execute("select name from sqlite_master where type = 'table'")}
    assert tables == {
        "reports_wide",
        "findings",
        "indicators",
        "codebook",
        "values_reports",
        "values_labels",
        "values_cells",
        "values_provenance",
    }
    # the long table is a view over narrow tables, with the CSV's rows and columns
    assert [row[0] for row in db.execute("select name from sqlite_master where type = 'view'")] == ["values"]
    indexes = {row[0] for row in db.execute("select name from sqlite_master where type = 'index'")}
    assert {"values_agency_id", "values_year", "reports_wide_agency_id", "findings_year"} <= indexes
    csv = _csv(downloads, "goi-values.csv")
    view = pd.read_sql_query('select * from "values"', db)
    assert list(view.columns) == [f.name for f in table_spec("values").all_fields]
    pd.testing.assert_frame_equal(view[list(csv.columns)].astype(str), csv.astype(str), check_dtype=False)
    assert set(view["cell_source"]) == {"text"} and view["cell_rule"].isna().all()
    # a query by agency reads that agency's rows through the indexes, not the whole table
    plan = " ".join(
        str(row[-1])
        for row in db.execute('explain query plan select * from "values" where agency_id = ?', ("410100-shangwuju",))
    )
    assert "values_agency_id" in plan and "SCAN v" not in plan, plan
    assert db.execute('select count(*) from "values" where agency_id = ?', ("410100-shangwuju",)).fetchone() == (
        (csv.agency_id == "410100-shangwuju").sum(),
    )
    count, nulls, total = db.execute('select count(*), sum(value is null), sum(value) from "values"').fetchone()
    assert (count, nulls) == (len(csv), csv["value"].isna().sum()) and total == csv["value"].sum()
    # counts are integers in SQLite too, not 12.0
    assert db.execute('select typeof(value) from "values" where value is not null limit 1').fetchone() == ("integer",)
    zz = db.execute(
        'select "applications.new.natural_person" from reports_wide where agency_id = ?', ("410100-shangwuju",)
    ).fetchone()
    assert zz == (6,)
    db.close()


def test_xlsx_has_chinese_headers_frozen_rows_and_a_codebook(downloads):
    from openpyxl import load_workbook

    book = load_workbook(downloads / "goi.xlsx", read_only=False)
    assert book.sheetnames == ["全部数值（长表）", "报告宽表", "检查发现", "派生指标", "数据说明（代码本）"]
    wide = book["报告宽表"]
    assert wide.freeze_panes == "A3"
    header = [c.value for c in wide[1]]
    ids = [c.value for c in wide[2]]
    assert header[0] == "机关编号" and ids[:2] == ["agency_id", "agency"]
    rows = {r[0]: dict(zip(ids, r)) for r in wide.iter_rows(min_row=3, values_only=True)}
    csv = _csv(downloads, "goi-reports-wide.csv")
    for record in csv.to_dict("records"):
        got = rows[record["agency_id"]]
        for key, value in record.items():
            assert (got[key] is None) if pd.isna(value) else got[key] == value, (record["agency_id"], key)
    codebook = [r[0] for r in book["数据说明（代码本）"].iter_rows(min_row=3, values_only=True)]
    assert "applications.new.natural_person" in codebook
    assert book["全部数值（长表）"].max_row == len(_csv(downloads, "goi-values.csv")) + 2


def test_xlsx_text_is_never_a_formula(tmp_path):
    from openpyxl import load_workbook

    sheet = load_workbook(_injected_downloads(tmp_path) / "goi.xlsx")["报告宽表"]
    cell = sheet.cell(row=3, column=2)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")  # text, not a formula


def test_csv_rows_are_the_bytes_of_pythons_csv_module():
    """The frames writer joins fields in Arrow; the oracle is the stdlib csv writer
    (QUOTE_MINIMAL, CRLF) over safe_cell of each value: quotes, commas, line breaks,
    formula starts, missing values and numbers must come out the same."""
    import csv
    import io

    from goi_site.publish.catalogue import Field
    from goi_site.publish.csvout import Rendered, exact_number

    fields = [
        Field("a", "甲", "a", "string"),
        Field("n", "乙", "n", "integer"),
        Field("x", "丙", "x", "number", exact=True),
        Field("r", "丁", "r", "number"),
    ]
    texts = ["郑州", None, "-1", 'a,"b"', "line\nbreak", "=1+2", "", "x\r", '"', " 空格 "]
    counts = [1, None, -3, 0, 7, 2**40, None, 5, 6, 0]
    exact = [12.0, 0.5, None, 0.0, 1e16, 3.25, None, 7.0, 0.1, -2.0]
    ratios = [0.0, 1.0, 0.166667, None, 0.4, 1 / 3, None, 2.5, 0.1, 0.0]
    frame = pd.DataFrame(
        {
            "a": pd.array(texts, dtype="string"),
            "n": pd.array(counts, dtype="Int64"),
            "x": pd.array(exact, dtype="Float64"),
            "r": pd.array(ratios, dtype="Float64"),
        }
    )
    got = io.BytesIO()
    assert Rendered(frame, fields).write(got) == len(frame)
    oracle = io.StringIO()
    csv.writer(oracle, lineterminator="\r\n").writerows(
        [safe_cell(a), safe_cell(n), "" if x is None else exact_number(x), safe_cell(r)]
        for a, n, x, r in zip(texts, counts, exact, ratios)
    )
    assert got.getvalue() == oracle.getvalue().encode("utf-8")
    assert got.getvalue().startswith(b"\xe9\x83\x91\xe5\xb7\x9e,1,12,0.0\r\n,,0.5,1.0\r\n'-1,-3,,0.166667\r\n")
    # a slice and a set of row numbers write those rows only, in the order asked
    part = io.BytesIO()
    Rendered(frame, fields).write(part, slice(1, 3))
    assert part.getvalue() == b",,0.5,1.0\r\n'-1,-3,,0.166667\r\n"
    picked = io.BytesIO()
    Rendered(frame, fields).write(picked, [2, 0])
    assert picked.getvalue().splitlines()[1].startswith("郑州".encode())


def test_readme_pandas_example_runs(downloads, tmp_path):
    """The README's three lines of pandas, run against the bundled corpus's Parquet."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- readme-example:start -->")[1].split("<!-- readme-example:end -->")[0]
    code = block.split("```python")[1].split("```")[0]
    assert len([line for line in code.splitlines() if line.strip() and not line.startswith("import")]) == 3
    (tmp_path / "site").mkdir()
    shutil.copytree(downloads, tmp_path / "site" / "downloads")
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    indicators = _csv(downloads, "goi-indicators.csv")  # one report per agency: the share is the indicator
    top = indicators.dropna(subset=["withheld_share"]).sort_values("withheld_share", ascending=False)
    first = run.stdout.splitlines()[1].split()
    assert first[0] == top.iloc[0]["agency"] and float(first[1]) == pytest.approx(top.iloc[0]["withheld_share"])


def test_xlsx_bulk_rows_are_the_bytes_of_write_row(tmp_path):
    """xlsxrows writes each distinct value with XlsxWriter's own cell writers and joins the
    rows in Arrow: the sheet must be byte for byte what write_row gives, awkward text included."""
    import zipfile

    import xlsxwriter

    from goi_site.publish.catalogue import Field
    from goi_site.publish.xlsxrows import append_rows

    fields = [Field("a", "甲", "a", "string"), Field("n", "乙", "n", "integer"), Field("x", "丙", "x", "number")]
    texts = ["郑州", None, "=1+2", "a & <b>", " 空格 ", "", "tab\tend", "<r>rich</r>", "\x01ctl"]
    counts = [1, None, -3, 0, 7, 2**40, None, 5, 6]
    numbers = [12.0, 0.5, None, 0.0, 1e16, 3.25, 1 / 3, 7.0, 1e-7]
    frame = pd.DataFrame(
        {
            "a": pd.array(texts, dtype="string"),
            "n": pd.array(counts, dtype="Int64"),
            "x": pd.array(numbers, dtype="Float64"),
        }
    )

    def book(path, bulk):
        workbook = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, ["a", "n", "x"])
        if bulk:
            append_rows(sheet, 1, frame.iloc[:4], fields)
            append_rows(sheet, 5, frame.iloc[4:], fields)
        else:
            for i, row in enumerate(zip(texts, counts, numbers)):
                sheet.write_row(1 + i, 0, row)
        workbook.close()
        with zipfile.ZipFile(path) as archive:
            return archive.read("xl/worksheets/sheet1.xml")

    assert book(tmp_path / "bulk.xlsx", True) == book(tmp_path / "cells.xlsx", False)


def test_the_corpus_frames_are_kept_for_pages_and_charts(corpus, downloads, tmp_path):
    """Chunked writing (here one report per chunk) gives the same CSV bytes as one chunk,
    and still leaves the whole corpus's wide, findings and indicator frames, the same as
    building them at once."""
    from goi_site.publish import frames as frames_module
    from goi_site.publish.frames import build_frames
    from goi_site.publish.frameviews import whole_frames

    keep: list = []
    original = frames_module.CHUNK_REPORTS
    frames_module.frame_chunks.__defaults__ = (1,)
    try:
        write_downloads(corpus.reports, tmp_path / "out", CORPUS_ROOT, keep=keep)
    finally:
        frames_module.frame_chunks.__defaults__ = (original,)
    whole = build_frames(corpus.reports, CORPUS_ROOT)
    kept = whole_frames(keep)
    for name in ("wide", "findings", "indicators"):
        pd.testing.assert_frame_equal(kept.table(name), whole.table(name))
    assert len(kept.values) == 0 and list(kept.values.columns) == list(whole.values.columns)
    names = sorted(str(p.relative_to(downloads)) for p in downloads.rglob("*.csv"))
    assert len(names) >= 10
    _, mismatch, errors = filecmp.cmpfiles(downloads, tmp_path / "out", names, shallow=False)
    assert mismatch == [] and errors == []


def test_past_whole_max_mb_the_long_table_is_published_only_by_year(corpus, tmp_path):
    """A catalogue whose whole_max_mb the long table passes (0 here: any size): the whole
    CSV is dropped, the per-year files hold every one of its rows, and the downloads list
    and datapackage name the per-year files only."""
    folder = tmp_path / "form"
    folder.mkdir()
    shutil.copy(ROOT / "goi_site" / "form" / "form.yml", folder / "form.yml")
    catalogue = (ROOT / "goi_site" / "form" / "downloads.yml").read_text(encoding="utf-8")
    assert catalogue.count("whole_max_mb: 500\n") == 1
    (folder / "downloads.yml").write_text(catalogue.replace("whole_max_mb: 500\n", "whole_max_mb: 0\n"), "utf-8")
    out = tmp_path / "downloads"
    done, _ = write_downloads(corpus.reports, out, CORPUS_ROOT, form=load_form(folder))
    assert not (out / "goi-values.csv").exists() and not (out / "goi-values.csv.zip").exists()
    years = sorted({r.year for r in corpus.reports})
    assert len(years) > 1
    by_year = [d for d in done if d.group == "year"]
    assert [d.path for d in by_year] == [f"years/goi-values-{y}.csv" for y in years]
    assert "goi-values.csv" not in {d.path for d in done}
    cells = sum(len(load_form().editions[r.edition].cells()) for r in corpus.reports)
    assert sum(d.rows for d in by_year) == cells
    assert sum(len(_csv(out, d.path)) for d in by_year) == cells
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    paths = {r["path"] for r in package["resources"]}
    assert {d.path for d in by_year} <= paths and "goi-values.csv" not in paths
