"""After parsing a report read by OCR: mark every value as OCR output, and empty the rows
whose sums fail.

The parser stays pure and knows nothing of OCR. The confidences travel beside the text:
`goi add` writes them to `<year>.ocr.tsv` next to `<year>.txt` (one number per line:
line, field, text as read, confidence), and `extracted_from: … (OCR)` in the .yml says how
the text was obtained. data/ keeps plain text; the sidecar is small and reviewable.

OCR can misread a digit, and a misread digit looks like any other. The form's sums are the
check: a row of 三 whose total is not the sum of its parts (row_total), or a row of 四 whose
total is not the sum of its results (review_total), is left empty with an
`ocr_row_rejected` finding naming what was read, so nothing uncertain is published as data.
(Printed by the agency or misread, the scan is the place to look.)
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import NamedTuple

from goi_site.check.rules import _plans
from goi_site.form.loader import load_form
from goi_site.parse.record import Cell, CellMap, Report

SUFFIX = ".ocr.tsv"
HEADER = "line\tfield\ttext\tconfidence"


class Token(NamedTuple):
    """One number as OCR read it: where it is in the extracted text, and how sure the engine was."""

    line: int  # 1-based line of the extracted text
    field: int  # 0-based tab-separated field of that line
    text: str
    confidence: float


_EXTRACTED: dict[str, list[Token]] = {}  # sha256 of text OCR produced in this process → its tokens


def remember(text: bytes, tokens: list[Token]) -> None:
    _EXTRACTED[hashlib.sha256(text).hexdigest()] = tokens


def tokens_for(text_path: Path, data: bytes) -> list[Token] | None:
    """The OCR tokens of a report's text: just extracted by OCR, or kept beside the text
    file; None for a report that was not read by OCR (the common case costs one stat)."""
    if _EXTRACTED:
        tokens = _EXTRACTED.get(hashlib.sha256(data).hexdigest())
        if tokens is not None:
            return tokens
    path = sidecar(text_path)
    return read_tokens(path) if text_path.suffix == ".txt" and path.exists() else None


def sidecar(text_path: Path) -> Path:
    return text_path.with_suffix(SUFFIX)


def tokens_tsv(tokens: list[Token]) -> str:
    rows = [HEADER] + [f"{t.line}\t{t.field}\t{t.text}\t{t.confidence:.3f}" for t in tokens]
    return "\n".join(rows) + "\n"


def read_tokens(path: Path) -> list[Token]:
    tokens = []
    for row in path.read_text(encoding="utf-8").splitlines()[1:]:
        line, field, text, confidence = row.split("\t")
        tokens.append(Token(int(line), int(field), text, float(confidence)))
    return tokens


def mark_ocr(report: Report, tokens: list[Token]) -> None:
    """Every cell becomes source="ocr" with the confidence of the number it was read from;
    then rows that fail their sums are emptied, each with a finding."""
    by_line: dict[int, list[Token]] = {}
    for token in tokens:
        by_line.setdefault(token.line, []).append(token)
    cells = {}
    for ref, cell in report.cells.items():
        cells[ref] = cell._replace(source="ocr", confidence=_confidence(cell, by_line.get(cell.line or 0, [])))
    for plan in _plans(report.edition):
        if plan.rule.for_each != "row":
            continue
        refs = plan.left + plan.right
        values = [cells[r].value if r in cells else None for r in refs]
        if None in values:
            continue
        left, right = sum(values[: len(plan.left)]), sum(values[len(plan.left):])
        if left == right:
            continue
        first = cells[plan.left[0]]
        label = load_form().row(plan.rule.table, plan.scope).short
        report.add("ocr_row_rejected", first.line, check=plan.rule.id, row=label,
                   read=" ".join(str(v) for v in values), left=left, right=right)
        for ref in refs:
            cell = cells[ref]
            cells[ref] = Cell(None, cell.line, "missing", str(cell.value), "ocr", cell.confidence, plan.rule.id)
    report.cells = CellMap(report.edition, cells)


def _confidence(cell: Cell, tokens: list[Token]) -> float | None:
    """The confidence of the token the value was read from: the one printing its digits
    (the least confident of them when a line prints the same number twice)."""
    if cell.value is None or not tokens:
        return None
    printed = cell.raw if cell.raw is not None else str(cell.value)
    same = [t.confidence for t in tokens if t.text == printed]
    return min(same) if same else min(t.confidence for t in tokens)
