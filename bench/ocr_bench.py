"""OCR on the rasterised scans: cell accuracy and seconds per page, for each engine.

    .venv/bin/python bench/ocr_bench.py [rapidocr|tesseract ...]
    GOI_OCR_SAVE=/tmp/ocr .venv/bin/python bench/ocr_bench.py rapidocr   # also keep each scan's text

Runs the whole scanned-PDF path (render, deskew, rulings, OCR, grid, parse, OCR marking
with its row rejections) over tests/fixtures/accuracy/pdf-scanned/*.pdf and compares
every cell with the .expected.json beside each scan. Prints, per engine and scan:
cells right / cells expected, cells left empty, cells wrong (a wrong cell is a value that
is published and differs from the source), and seconds per page (wall clock).

Engines: rapidocr (the one goi uses: rapidocr-onnxruntime, models inside the wheel) and
tesseract (Debian's tesseract-ocr + tesseract-ocr-chi-sim through its CLI, measured for
the comparison only; `apt-get install tesseract-ocr tesseract-ocr-chi-sim` to run it).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from goi_site.check.ocrmark import mark_ocr  # noqa: E402
from goi_site.extract import ocr  # noqa: E402
from goi_site.form.loader import CellRef, load_form  # noqa: E402
from goi_site.parse.parser import parse_text  # noqa: E402

SCANS = ROOT / "tests" / "fixtures" / "accuracy" / "pdf-scanned"


def tesseract_boxes(gray) -> list[ocr.Box]:
    """Words from Debian's tesseract (chi_sim, sparse text: a table's cells are far apart)."""
    from PIL import Image

    image = io.BytesIO()
    Image.fromarray(gray).save(image, "PNG")
    out = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", "chi_sim", "--psm", "11", "tsv"],
        input=image.getvalue(),
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    boxes = []
    for row in csv.DictReader(io.StringIO(out), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row["level"] != "5" or not text or float(row["conf"]) < 0:
            continue
        x, y, w, h = (int(row[k]) for k in ("left", "top", "width", "height"))
        boxes.append(ocr.Box(text, x, y, x + w, y + h, float(row["conf"]) / 100))
    return boxes


ENGINES = {"rapidocr": ocr.read_boxes, "tesseract": tesseract_boxes}


def expected_cells(expected: dict) -> dict[CellRef, int]:
    form = load_form()
    cells = {}
    for table in form.tables:
        groups = (
            {g: expected.get(g) for g in ("review", "litigation_direct", "litigation_after_review")}
            if table == "appeals"
            else expected.get(table, {})
        )
        for row, columns in (groups or {}).items():
            for column, value in (columns or {}).items():
                if value is not None:
                    cells[CellRef(table, row, column)] = value
    return cells


def measure(read, pdf: Path) -> dict:
    data = pdf.read_bytes()
    started = time.perf_counter()
    text, tokens = ocr.ocr_pdf(data, read, ocr.read_cell if read is ocr.read_boxes else None)
    seconds = time.perf_counter() - started
    if os.environ.get("GOI_OCR_SAVE"):
        keep = Path(os.environ["GOI_OCR_SAVE"])
        keep.mkdir(parents=True, exist_ok=True)
        (keep / f"{pdf.stem}.{read.__name__}.txt").write_text(text, encoding="utf-8")
    report = parse_text(text, source=pdf.name)
    mark_ocr(report, tokens, load_form())
    expected = expected_cells(json.loads(pdf.with_suffix(".expected.json").read_text(encoding="utf-8")))
    right = empty = wrong = 0
    for ref, value in expected.items():
        got = report.cells.get(ref)
        got = None if got is None else got.value
        if got is None:
            empty += 1
        elif got == value:
            right += 1
        else:
            wrong += 1
    pages = len(ocr.page_images(data))
    rejected = sum(1 for f in report.findings if f.rule == "ocr_row_rejected")
    return {
        "right": right,
        "expected": len(expected),
        "empty": empty,
        "wrong": wrong,
        "pages": pages,
        "seconds": seconds,
        "rejected_rows": rejected,
    }


def main() -> None:
    names = sys.argv[1:] or list(ENGINES)
    print("| engine | scan | cells right | left empty | wrong | rows rejected | s/page |")
    print("|---|---|---|---|---|---|---|")
    for name in names:
        total = {"right": 0, "expected": 0, "empty": 0, "wrong": 0, "pages": 0, "seconds": 0.0, "rejected_rows": 0}
        for pdf in sorted(SCANS.glob("*.pdf")):
            result = measure(ENGINES[name], pdf)
            for key in total:
                total[key] += result[key]
            _row(name, pdf.stem, result)
        _row(name, "all", total)


def _row(engine: str, scan: str, r: dict) -> None:
    print(
        f"| {engine} | {scan} | {r['right']}/{r['expected']} ({r['right'] / r['expected']:.1%}) | "
        f"{r['empty']} | {r['wrong']} | {r['rejected_rows']} | {r['seconds'] / r['pages']:.1f} |",
        flush=True,
    )


if __name__ == "__main__":
    main()
