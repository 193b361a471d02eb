"""Scanned PDFs read by OCR: real RapidOCR on a small rasterised excerpt of a bundled report.

The excerpt (tests/fixtures/ocr/zhengzhou-excerpt-scan.pdf, made by
tests/fixtures/accuracy/pdf-scanned/make_scans.py) is the 郑州 report's title and the top
of its table 三, printed by Chromium, rasterised at 150 dpi, rotated, noised. One OCR run
is shared by the tests of this module (`goi add` and `goi parse`, in-process).
"""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image, ImageDraw

from goi_site.extract import ocr
from goi_site.maintain.add import add_report
from goi_site.core.errors import InputError
from goi_site.form.loader import CellRef
from goi_site.check.ocrmark import Token, mark_ocr, read_tokens, sidecar, tokens_tsv
from goi_site.parse.parser import parse_text
from goi_site.corpus.reader import read_report

from .conftest import DATA, FIXTURES, ROOT

EXCERPT = FIXTURES / "ocr" / "zhengzhou-excerpt-scan.pdf"
ZHENGZHOU = DATA / "henan" / "410100-shangwuju" / "2023.txt"
COLUMNS = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total")
PRINTED = {  # the 郑州 report's own numbers for the rows the excerpt shows (tests/golden/410100-shangwuju-2023.txt)
    "new": (6, 0, 0, 0, 0, 0, 6),
    "carried_over": (0, 0, 0, 0, 0, 0, 0),
    "granted": (2, 0, 0, 0, 0, 0, 2),
}


@pytest.fixture(scope="module")
def added(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    # a one-page excerpt: the sections it does not print are error findings, so it is written only with
    # allow_findings (as `goi add --allow-findings` would)
    return add_report(EXCERPT, data, source_url="https://www.zhengzhou.gov.cn/scan.pdf", allow_findings=True)


def test_a_scan_is_read_by_ocr_into_the_numbers_it_prints(added):
    report = added.report
    assert (report.agency, report.year) == ("郑州市商务局", 2023)
    for row, printed in PRINTED.items():
        got = tuple(report.value("applications", row, column) for column in COLUMNS)
        assert got == printed, row


def test_every_value_is_marked_as_ocr_with_its_confidence(added):
    cells = [cell for cell in added.report.cells.values() if cell.value is not None]
    assert len(cells) == 21
    assert {cell.source for cell in cells} == {"ocr"}
    assert all(0.5 < cell.confidence <= 1 for cell in cells)


def test_add_keeps_the_text_and_the_confidences_beside_it(added):
    text = added.text_path.read_text(encoding="utf-8")
    assert "一、本年新收政府信息公开申请数量\t\t6\t0\t0\t0\t0\t0\t6" in text  # a row of the grid, blank cell kept
    meta = added.meta_path.read_text(encoding="utf-8")
    assert "extracted_from: zhengzhou-excerpt-scan.pdf (OCR)" in meta
    tokens = read_tokens(sidecar(added.text_path))
    assert len(tokens) >= 21 and all(t.text.replace(".", "").isdigit() for t in tokens)
    # reading data/ again (no OCR: the text file and its sidecar) gives the same marked cells
    again = read_report(added.text_path)
    assert dict(again.cells) == dict(added.report.cells)


def test_a_row_that_fails_its_sum_is_left_empty_with_a_finding(added):
    text = added.text_path.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("一、本年新收"))
    misread = text.replace(row, row.replace("\t6\t", "\t9\t", 1))  # OCR reads 6 as 9 in 自然人
    tokens = read_tokens(sidecar(added.text_path))
    report = parse_text(misread, source="scan.txt")
    mark_ocr(report, tokens)
    for column in COLUMNS:
        cell = report.cells[CellRef("applications", "new", column)]
        assert cell.value is None and cell.status == "missing" and cell.source == "ocr"
    assert report.cells[CellRef("applications", "new", "natural_person")].raw == "9"
    (finding,) = [f for f in report.findings if f.rule == "ocr_row_rejected"]
    assert "row_total" in finding.message and "读作 6 9 0 0 0 0 0，6 ≠ 9" in finding.message
    assert report.value("applications", "carried_over", "total") == 0  # the rows that add up stay


def test_goi_parse_reads_a_scan(added):
    """The command's own path (parse → reader → PDF with no text layer → OCR), in-process so
    the scan the fixture read is not read again (OCR takes seconds per page)."""
    from typer.testing import CliRunner

    from goi_site.cli import app

    run = CliRunner().invoke(app, ["parse", str(EXCERPT), "--json"])
    assert run.exit_code == 0, run.output
    assert '"agency": "郑州市商务局"' in run.output and '"natural_person": 6' in run.output


def test_text_reports_never_load_the_ocr_engine():
    code = ("import sys; from pathlib import Path; from goi_site.corpus.reader import read_report; "
            f"r = read_report(Path({str(ZHENGZHOU)!r})); "
            "assert r.cells, 'parsed'; "
            "print(sorted(m for m in sys.modules if m in ('goi_site.extract.ocr', 'rapidocr_onnxruntime', 'onnxruntime', 'cv2')))")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
    report = read_report(ZHENGZHOU)
    assert {cell.source for cell in report.cells.values()} == {"text"}


def test_a_blank_scan_is_refused_in_one_line(tmp_path):
    page = Image.new("L", (600, 800), 250)
    buffer = io.BytesIO()
    page.save(buffer, "PDF", resolution=150)
    path = tmp_path / "blank.pdf"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(InputError, match="OCR found no Chinese text"):
        read_report(path)


def _table_page(angle: float = 0.0) -> np.ndarray:
    """A drawn table: 4 rulings, the first band one merged cell, the others three cells."""
    page = Image.new("L", (1000, 700), 245)
    draw = ImageDraw.Draw(page)
    for y in (100, 200, 300, 400):
        draw.line((100, y, 900, y), fill=20, width=2)
    draw.line((100, 100, 100, 400), fill=20, width=2)
    draw.line((900, 100, 900, 400), fill=20, width=2)
    for x in (400, 650):
        draw.line((x, 200, x, 400), fill=20, width=2)
    for y in range(450, 650, 40):  # some text-like lines below the table
        draw.rectangle((120, y, 700, y + 12), fill=60)
    return np.asarray(page.rotate(angle, resample=Image.BICUBIC, fillcolor=245))


def test_the_grid_comes_from_the_ruling_lines():
    (grid,) = ocr.find_grids(_table_page())
    assert len(grid.rows) == 3
    assert [len(edges) - 1 for edges in grid.columns] == [1, 3, 3]  # the merged band is one cell
    box = ocr.Box("7", 660, 330, 680, 350, 0.99)
    assert grid.cell_of(box) == (2, 2)
    assert grid.cell_of(ocr.Box("x", 660, 500, 680, 520, 0.9)) is None  # below the table: a text line


def test_a_skewed_page_is_straightened():
    page = _table_page(angle=0.8)
    assert abs(ocr.skew_angle(page) + 0.8) <= 0.15
    (grid,) = ocr.find_grids(ocr.straighten(page))
    assert [len(edges) - 1 for edges in grid.columns] == [1, 3, 3]


def test_number_cells_forgive_specks_and_letter_o_but_nothing_else():
    assert [ocr._cell_value(t) for t in ("2.", "0:", "O", "1 2", "0.5")] == ["2", "0", "0", "12", "0.5"]
    assert ocr._cell_value("1.属于国家秘密") == "1.属于国家秘密"
    assert ocr._cell_value("l") == "l"  # an l is not guessed into a 1


def test_token_sidecar_round_trips(tmp_path):
    tokens = [Token(3, 2, "14", 0.987), Token(4, 0, "0", 0.5)]
    path = tmp_path / "2023.ocr.tsv"
    path.write_text(tokens_tsv(tokens), encoding="utf-8")
    assert read_tokens(path) == tokens
