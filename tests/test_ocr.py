"""Scanned PDFs read by OCR: real RapidOCR on a small rasterised excerpt of a bundled report.

The excerpt (tests/fixtures/ocr/zhengzhou-excerpt-scan.pdf, made by
tests/fixtures/accuracy/pdf-scanned/make_scans.py) is the 郑州 report's title and the top
of its table 三, printed by Chromium, rasterised at 150 dpi, rotated, noised. The excerpt is
OCR'd once for the whole module (`goi add`, then `goi parse` in-process reads the same
scan from the extraction's memo); the excerpt's page image is rendered and straightened
once too. The other tests run the real functions on drawn pages and on the added text.
Cell accuracy on whole scans is measured by bench/accuracy.py, not here.
"""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image, ImageDraw

from goi_site.check.ocrmark import mark_ocr
from goi_site.core.errors import InputError
from goi_site.corpus.cache import report_key
from goi_site.corpus.reader import read_report
from goi_site.extract import ocr
from goi_site.extract.ocrtokens import Token, read_tokens, sidecar, stored_tokens, tokens_tsv
from goi_site.form.loader import CellRef, load_form
from goi_site.maintain.add import add_report
from goi_site.parse.parser import parse_text

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
    mark_ocr(report, tokens, load_form())
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
    code = (
        "import sys; from pathlib import Path; from goi_site.corpus.reader import read_report; "
        f"r = read_report(Path({str(ZHENGZHOU)!r})); "
        "assert r.cells, 'parsed'; "
        "print(sorted(m for m in sys.modules if m in "
        "('goi_site.extract.ocr', 'rapidocr_onnxruntime', 'onnxruntime', 'cv2', 'numpy')))"
    )
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


def test_number_cells_forgive_specks_and_look_alikes_but_nothing_else():
    assert [ocr._cell_value(t) for t in ("2.", "0:", "O", "1 2", "0.5", "l", "1。5", "lO")] == [
        "2",
        "0",
        "0",
        "12",
        "0.5",
        "1",
        "1.5",
        "10",
    ]
    assert ocr._cell_value("1.属于国家秘密") == "1.属于国家秘密"
    assert ocr._cell_value("lo公开") == "lo公开"  # letters inside words stay letters


def test_token_sidecar_round_trips(tmp_path):
    tokens = (Token(3, 2, "14", 0.987), Token(4, 0, "0", 0.5, "O"))
    path = tmp_path / "2023.ocr.tsv"
    path.write_text(tokens_tsv(tokens), encoding="utf-8")
    assert read_tokens(path) == tokens
    # a sidecar written before the `read` column still reads
    path.write_text("line\tfield\ttext\tconfidence\n3\t2\t14\t0.987\n", encoding="utf-8")
    assert read_tokens(path) == (Token(3, 2, "14", 0.987),)
    assert stored_tokens(tmp_path / "2023.txt") == (Token(3, 2, "14", 0.987),)
    assert stored_tokens(tmp_path / "2024.txt") is None


# ---- the form's equations decide what OCR may publish ----------------------------------


def test_a_column_that_fails_while_every_row_adds_up_is_left_empty():
    """The whole 郑州 table as OCR could give it, 6 misread as 9 in both 自然人 and 总计 of
    新收: the row adds up, the balance (新收+结转 = 办理+结转下年) does not, in those two
    columns; no row can be blamed, so the values that column equation sums are left empty."""
    lines = ZHENGZHOU.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("一、本年新收"))
    lines[index] = lines[index].replace("\t6\t", "\t9\t").replace("\t6\t", "\t9\t")
    assert lines[index].endswith("\t9\t0\t0\t0\t0\t0\t9\t")
    report = parse_text("\n".join(lines) + "\n", source="scan.txt")
    mark_ocr(report, (Token(index + 1, 2, "9", 0.9), Token(index + 1, 8, "9", 0.9)), load_form())
    assert not [f for f in report.findings if f.rule == "ocr_row_rejected"]
    rejected = [f for f in report.findings if f.rule == "ocr_column_rejected"]
    assert len(rejected) == 2 and all("balance" in f.message for f in rejected)
    for column in ("natural_person", "total"):
        for row in ("new", "carried_over", "processed_total", "carried_forward"):
            cell = report.cells[CellRef("applications", row, column)]
            assert cell.value is None and cell.rule == "balance" and cell.source == "ocr"
    assert report.cells[CellRef("applications", "new", "total")].raw == "9"
    assert report.value("applications", "new", "commercial") == 0  # the columns that balance stay
    assert report.value("applications", "granted", "natural_person") == 2  # outcome rows are not in the balance


def test_a_look_alike_repair_stands_only_where_a_sum_confirms_it(added):
    text = added.text_path.read_text(encoding="utf-8")
    tokens = read_tokens(sidecar(added.text_path))
    lines = text.splitlines()
    row = next(i for i, l in enumerate(lines) if l.startswith("二、上年结转")) + 1
    repaired = tuple(t._replace(read="O") if t.line == row and t.field == 2 else t for t in tokens)
    report = parse_text(text, source="scan.txt")
    mark_ocr(report, repaired, load_form())
    assert report.value("applications", "carried_over", "natural_person") == 0  # row_total holds: confirmed
    assert not [f for f in report.findings if f.rule == "ocr_lookalike_unconfirmed"]
    # the same repair on a row no equation can check (section 二 of the text: none here, so a
    # hand-made one) is left empty with a finding
    lone = "郑州市商务局2023年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（五）项\n信息内容\t本年处理决定数量\n行政许可\t10\n"
    report = parse_text(lone, source="scan.txt")
    assert report.value("disclosure", "licensing", "decisions") == 10
    mark_ocr(report, (Token(5, 1, "10", 0.9, "lO"),), load_form())
    assert report.value("disclosure", "licensing", "decisions") is None
    (finding,) = [f for f in report.findings if f.rule == "ocr_lookalike_unconfirmed"]
    assert "lO" in finding.message and finding.line == 5


# ---- structure from the page -------------------------------------------------------------


def test_a_cell_the_detector_missed_is_read_by_the_recogniser():
    """A detector that finds nothing: every inked grid cell of the excerpt is read by the
    real recogniser alone, blank cells stay blank."""
    (page,) = ocr.page_images(EXCERPT.read_bytes())
    rows = [fields for _, fields, _ in ocr.page_lines(page, read=lambda image: [])]
    numbers = [[text for text, confidence, _ in fields if confidence is not None] for fields in rows]
    assert ["0"] * 7 in numbers  # 二、上年结转: seven lone zeros
    assert ["6", "0", "0", "0", "0", "0", "6"] in numbers
    assert all(
        fields[1][0] == "" for fields in rows if len(fields) == 9 and fields[2][0] == "6"
    )  # a blank cell stays blank


def test_blank_cells_and_ruling_traces_are_not_read():
    page = np.full((100, 300), 240, dtype=np.uint8)
    assert ocr.inked_crop(page, 10, 60, 10, 100) is None  # paper
    page[20:21, 40:41] = 30  # a speck of dust
    assert ocr.inked_crop(page, 10, 60, 10, 100) is None
    page[15:56, 150:153] = 20  # the trace of a vertical ruling, top to bottom of the cell
    assert ocr.inked_crop(page, 10, 60, 110, 200) is None
    page[25:45, 230:242] = 20  # a glyph-sized blot
    crop = ocr.inked_crop(page, 10, 60, 210, 290)
    assert crop is not None and crop.shape == (20 + 2 * ocr.CELL_PAD, 12 + 2 * ocr.CELL_PAD)


def _row(*texts):
    return [(t, 0.9 if t.isdigit() else None, "") for t in texts]


def test_a_row_broken_by_a_page_break_is_one_row_when_its_label_is_cut():
    first = [
        (0, _row("三、本年度办理结果", "（一）予以公开", "2", "2"), 0),
        (1, _row("", "（二）部分公开（区分处理的，只", "0", "0"), 0),
        (2, [("— 3 —", None, "")], 40),
    ]
    second = [(0, _row("", "计这一情形，不计其他情形）", "", ""), 0), (1, _row("", "（三）不予公开", "1", "1"), 0)]
    lines = ocr._rows_joined_across_pages([first, second])
    assert [f[0] for f in lines[1]] == ["", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "0", "0"]
    assert len(lines) == 4  # the page number stays, the continuation is gone
    # a new block of the table starting the next page is not a continuation
    block = [(0, _row("第二十条第（八）项", "", "", ""), 0)]
    before = [(0, _row("行政强制", "0", "", ""), 0)]
    assert len(ocr._rows_joined_across_pages([before, block])) == 2


def test_a_title_over_two_lines_in_a_large_font_is_one_line():
    body = [(100 + 50 * i, [(f"正文第{i}行", None, "")], 47.0) for i in range(5)]
    title = [
        (0, [("淮安市洪泽区人民政府", None, "")], 58.0),
        (60, [("2024年政府信息公开工作年度报告", None, "")], 58.0),
    ]
    joined = ocr._title_joined(title + body)
    assert joined[0][1][0][0] == "淮安市洪泽区人民政府2024年政府信息公开工作年度报告" and len(joined) == 6
    assert ocr._title_joined(body) == body  # no title font: nothing joined


# ---- the parse cache sees the sidecar --------------------------------------------------


def test_the_parse_cache_key_changes_with_the_ocr_sidecar(tmp_path):
    text = tmp_path / "2023.txt"
    text.write_text("郑州市商务局2023年政府信息公开工作年度报告\n", encoding="utf-8")
    plain = report_key("data/2023.txt", text, None, None, load_form())
    sidecar(text).write_text(tokens_tsv((Token(1, 0, "2023", 0.9),)), encoding="utf-8")
    with_tokens = report_key("data/2023.txt", text, None, None, load_form())
    sidecar(text).write_text(tokens_tsv((Token(1, 0, "2023", 0.5),)), encoding="utf-8")
    changed = report_key("data/2023.txt", text, None, None, load_form())
    assert len({plain, with_tokens, changed}) == 3
