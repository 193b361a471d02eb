"""After parsing a report read by OCR: mark every value as OCR output, and empty the values
the form's sums do not allow.

The parser stays pure and knows nothing of OCR. The tokens (extract/ocrtokens.py) travel
with the text: extraction returns them, `goi add` writes them to `<year>.ocr.tsv` next to
`<year>.txt`, and the reader hands them here with the parsed report.

OCR can misread a digit, and a misread digit looks like any other. The form's equations
are the check, all of those touching a value (row_total and review_total per row; balance
and outcome_sum per column):

1. a row whose own sum fails (row_total for a row of 三, review_total for a group of 四) is
   left empty, every value of it, with an `ocr_row_rejected` finding naming what was read;
2. a column equation that still fails once those rows are empty (balance, outcome_sum:
   every row adds up, so no row can be blamed) empties every value it sums, with an
   `ocr_column_rejected` finding;
3. a value OCR printed as a look-alike (`O` read as 0, `l` as 1, `。` as a dot: the token's
   `read`) stands only where an equation holding every value present confirms it; an
   unconfirmed repair (section 二 has no equations) is left empty with
   `ocr_lookalike_unconfirmed`.

Printed by the agency or misread, the scan is the place to look; the values read stay in
the finding and the cell's `raw`. Nothing uncertain is published as data.
"""

from __future__ import annotations

from goi_site.check.rules import _plans
from goi_site.extract.ocrtokens import Token
from goi_site.form.loader import CellRef, Form
from goi_site.parse.record import Cell, CellMap, Report


def mark_ocr(report: Report, tokens, form: Form) -> None:
    """Every cell becomes source="ocr" with the confidence of the number it was read from;
    then the values the sums reject are emptied, each rejection with a finding. The sums
    are the rules of `form`, the form the report was read with."""
    by_line: dict[int, list[Token]] = {}
    for token in tokens:
        by_line.setdefault(token.line, []).append(token)
    cells: dict[CellRef, Cell] = {}
    repaired: dict[CellRef, str] = {}  # cell → what OCR printed for it
    for ref, cell in report.cells.items():
        token = _token(cell, by_line.get(cell.line or 0, []))
        cells[ref] = cell._replace(source="ocr", confidence=_confidence(cell, by_line.get(cell.line or 0, [])))
        if token is not None and token.read and cell.value is not None:
            repaired[ref] = token.read
    plans = _plans(report.edition, form)

    def values(plan):
        refs = plan.left + plan.right
        got = [cells[r].value if r in cells else None for r in refs]
        return refs, (None if None in got else got)

    def reject(refs, rule_id: str) -> None:
        for ref in refs:
            cell = cells[ref]
            if cell.value is not None:
                cells[ref] = Cell(
                    None, cell.line, "missing", cell.raw or str(cell.value), "ocr", cell.confidence, rule_id
                )

    for for_each in ("row", "column"):
        failed = []
        for plan in plans:
            if plan.rule.for_each != for_each:
                continue
            refs, got = values(plan)
            if got is None:
                continue
            left, right = sum(got[: len(plan.left)]), sum(got[len(plan.left) :])
            if left != right:
                failed.append((plan, refs, got, left, right))
        for plan, refs, got, left, right in failed:  # judged on the values as read, then emptied
            first = cells[plan.left[0]]
            read = " ".join(_number(v) for v in got)
            if for_each == "row":
                report.add(
                    "ocr_row_rejected",
                    first.line,
                    check=plan.rule.id,
                    row=form.row(plan.rule.table, plan.scope).short,
                    read=read,
                    left=left,
                    right=right,
                    form=form,
                )
            else:
                report.add(
                    "ocr_column_rejected",
                    first.line,
                    check=plan.rule.id,
                    column=form.columns[plan.scope].label,
                    read=read,
                    left=left,
                    right=right,
                    form=form,
                )
            reject(refs, plan.rule.id)
    _confirm_repairs(report, cells, repaired, plans, values, reject, form)
    report.cells = CellMap(report.edition, cells)


def _confirm_repairs(report: Report, cells, repaired, plans, values, reject, form: Form) -> None:
    """Empty the look-alike repairs no holding equation confirms, until none is left: an
    emptied repair can leave another one unconfirmed."""
    while True:
        confirmed = set()
        for plan in plans:
            refs, got = values(plan)
            if got is not None and sum(got[: len(plan.left)]) == sum(got[len(plan.left) :]):
                confirmed.update(refs)
        pending = [ref for ref in repaired if cells[ref].value is not None and ref not in confirmed]
        if not pending:
            return
        for ref in pending:
            cell = cells[ref]
            report.add("ocr_lookalike_unconfirmed", cell.line, read=repaired[ref], value=_number(cell.value), form=form)
            reject([ref], "ocr_lookalike")


def _number(value) -> str:
    return str(value)


def _token(cell: Cell, tokens: list[Token]) -> Token | None:
    """The token printing the cell's digits on its line; a repaired one first when several
    do (the cell does not know its field, so a repair on its line is assumed to be it)."""
    if cell.value is None or not tokens:
        return None
    printed = cell.raw if cell.raw is not None else str(cell.value)
    same = [t for t in tokens if t.text == printed]
    return next((t for t in same if t.read), same[0] if same else None)


def _confidence(cell: Cell, tokens: list[Token]) -> float | None:
    """The confidence of the token the value was read from: the one printing its digits
    (the least confident of them when a line prints the same number twice)."""
    if cell.value is None or not tokens:
        return None
    printed = cell.raw if cell.raw is not None else str(cell.value)
    same = [t.confidence for t in tokens if t.text == printed]
    return min(same) if same else min(t.confidence for t in tokens)
