"""Recover rows whose cells were printed without their separators or with blanks dropped.

Two ways a row loses its cell boundaries, and each gives a set of readings:

- run together: `行政许可3960181`, a row of seven cells as one digit string. A reading
  is a split of the digits into the row's cells (no leading zeros, at most
  MAX_DIGITS per cell) that satisfies the row's own sums (row_total, review_total).
  The splits are counted by dynamic programming over (digit position, cell, running
  sum): exact, and never an enumeration of every split.
- collapsed: empty cells dropped, so `一、本年新收 3 3` holds two of seven cells.
  A reading places the printed values in the row's slots, in order; the other
  slots are blank (unknown, not 0). A placement is refuted only by a sum whose
  cells are all known, or by known parts that already exceed the total.

A row with exactly one reading is recovered. Otherwise the table's column
equations (balance, outcome_sum: `for_each: column` rules of the form) may fix a
cell from the other rows (every other cell of the equation known); the fixed
values filter the readings, and the loop runs until nothing changes. A row still
not down to one reading stays empty, with a finding naming some of its readings.
Nothing is guessed: an equation the agency's numbers break can only remove
readings, and a row with none left stays empty too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from goi_site.form.loader import CellRef, Form, Line, load_form
from goi_site.parse.record import Cell

MAX_DIGITS = 7  # no cell of the form runs to ten million
MAX_READINGS = 5000  # a collapsed 15-cell row with few values stays below this
SHOWN = 3  # readings named in a finding


@dataclass
class Pending:
    """A line of the form whose cells are not yet known: how it was printed, what fits."""

    line: Line
    kind: str  # "run_together" | "collapsed" | "either" (one digit string: cells run together, or one value)
    printed: list[str]
    source_line: int
    fixed: dict[int, int] = field(default_factory=dict)  # cell index → value an equation demands
    rules: set[str] = field(default_factory=set)  # equations that fixed a value
    values: list[int] = field(default_factory=list)  # collapsed: the printed values, in order
    count: int = 0
    readings: list[list[int | None]] = field(default_factory=list)


def run_together(line: Line, digits: str, source_line: int) -> Pending:
    pending = Pending(line, "run_together", [digits], source_line)
    _solve(pending)
    return pending


def collapsed(line: Line, values: list[int], printed: list[str], source_line: int) -> Pending:
    pending = Pending(line, "collapsed", printed, source_line, values=list(values))
    _solve(pending)
    return pending


def either(line: Line, digits: str, source_line: int) -> Pending:
    """One digit string on a line of its own: run-together cells, or a single value of a
    collapsed row. Both readings count; only the equations can leave one."""
    one_cell = len(digits) <= MAX_DIGITS and not (len(digits) > 1 and digits[0] == "0")
    pending = Pending(line, "either", [digits], source_line, values=[int(digits)] if one_cell else [])
    _solve(pending)
    return pending


def _solve(pending: Pending) -> None:
    count, readings = 0, []
    if pending.kind in ("run_together", "either"):
        count, readings = _splits(pending.printed[0], pending.line, pending.fixed)
    if pending.kind == "collapsed" or (pending.kind == "either" and pending.values):
        more, placed = _placements(pending.values, pending.line, pending.fixed)
        count, readings = count + more, readings + placed
    pending.count, pending.readings = count, readings


# ---- run-together digits -------------------------------------------------------------


def _splits(digits: str, line: Line, fixed: dict[int, int]) -> tuple[int, list[list[int]]]:
    """How many splits of `digits` fit the line's cells and sums, and the first few."""
    width = len(line.cells)
    n = len(digits)
    if not (width <= n <= width * MAX_DIGITS):
        return 0, []
    part_of: dict[int, int] = {}
    total_of: dict[int, int] = {}
    for s, (total, parts) in enumerate(line.sums):
        if any(p > total for p in parts):
            return 0, []  # a total before its parts: not a shape of this form
        total_of[total] = s
        for p in parts:
            part_of[p] = s
    memo: dict[tuple, int] = {}
    opened = tuple(0 for _ in line.sums)

    def options(pos: int, i: int, acc: tuple):
        if i in total_of:
            value = acc[total_of[i]]
            text = str(value)
            if digits.startswith(text, pos) and fixed.get(i, value) == value:
                yield value, len(text), acc
            return
        for size in range(1, MAX_DIGITS + 1):
            if pos + size > n or (size > 1 and digits[pos] == "0"):
                return
            value = int(digits[pos : pos + size])
            if fixed.get(i, value) != value:
                continue
            if i in part_of:
                s = part_of[i]
                yield value, size, acc[:s] + (acc[s] + value,) + acc[s + 1 :]
            else:
                yield value, size, acc

    def count(pos: int, i: int, acc: tuple) -> int:
        if i == width:
            return 1 if pos == n else 0
        left = width - i
        if not (left <= n - pos <= left * MAX_DIGITS + 8):
            return 0
        key = (pos, i, acc)
        if key not in memo:
            memo[key] = sum(count(pos + size, i + 1, new) for _, size, new in options(pos, i, acc))
        return memo[key]

    total = count(0, 0, opened)
    examples: list[list[int]] = []

    def walk(pos: int, i: int, acc: tuple, prefix: list[int]) -> None:
        if len(examples) >= SHOWN:
            return
        if i == width:
            if pos == n:
                examples.append(list(prefix))
            return
        for value, size, new in options(pos, i, acc):
            if count(pos + size, i + 1, new):
                walk(pos + size, i + 1, new, prefix + [value])

    if total:
        walk(0, 0, opened, [])
    return total, examples


# ---- collapsed rows ------------------------------------------------------------------


def _placements(values: list[int], line: Line, fixed: dict[int, int]) -> tuple[int, list[list[int | None]]]:
    width = len(line.cells)
    readings: list[list[int | None]] = []
    if any(len(str(v)) > MAX_DIGITS for v in values):
        return 0, readings  # not one cell: digits of several
    for slots in combinations(range(width), len(values)):
        row: list[int | None] = [None] * width
        for slot, value in zip(slots, values):
            row[slot] = value
        if any(row[i] is not None and row[i] != v for i, v in fixed.items()):
            continue
        if _fits(row, line):
            readings.append(row)
            if len(readings) > MAX_READINGS:
                break
    return len(readings), readings


def _fits(row: list[int | None], line: Line) -> bool:
    for total, parts in line.sums:
        known = [row[p] for p in parts if row[p] is not None]
        if row[total] is None:
            continue
        if sum(known) > row[total]:
            return False
        if len(known) == len(parts) and sum(known) != row[total]:
            return False
    return True


# ---- the table's equations -----------------------------------------------------------


def resolve(pending: list[Pending], cells: dict[CellRef, Cell], form: Form | None = None) -> None:
    """Fix cells of pending rows from the column equations until nothing changes."""
    form = form if form is not None else load_form()
    by_ref = {ref: (p, i) for p in pending for i, ref in enumerate(p.line.cells)}
    rules = [r for r in form.rules.values() if r.for_each == "column" and not r.across_years and r.left]
    changed = True
    while changed:
        changed = False
        for rule in rules:
            for column in form.columns:
                refs = [(CellRef(rule.table, row, column), side) for side, ids in ((1, rule.left), (-1, rule.right)) for row in ids]
                unknown = [(ref, side) for ref, side in refs if _value(cells, ref, by_ref) is None]
                if len(unknown) != 1 or any(ref not in cells and ref not in by_ref for ref, _ in refs):
                    continue
                (ref, side) = unknown[0]
                if ref not in by_ref or ref in cells:
                    continue
                target, index = by_ref[ref]
                if target.count <= 1 or index in target.fixed:
                    continue
                rest = sum(s * _value(cells, r, by_ref) for r, s in refs if r != ref)
                value = -rest * side
                target.fixed[index] = value
                target.rules.add(rule.id)
                _solve(target)
                changed = True


def _value(cells: dict[CellRef, Cell], ref: CellRef, by_ref) -> int | None:
    cell = cells.get(ref)
    if cell is not None:
        return cell.value
    if ref in by_ref:
        pending, index = by_ref[ref]
        if pending.count == 1:
            return pending.readings[0][index]
    return None


def finish(p: Pending) -> list[Cell]:
    """The cells of a pending line: its one reading, marked recovered, or all empty."""
    width = len(p.line.cells)
    if p.count != 1:
        return [Cell(None, None, "missing") for _ in range(width)]
    rule = decided_by(p)
    out = []
    for value in p.readings[0]:
        if value is None:
            out.append(Cell(None, p.source_line, "missing"))
        else:
            out.append(Cell(value, p.source_line, "recovered", " ".join(p.printed), rule=rule))
    return out


def decided_by(p: Pending) -> str:
    """The rules that left one reading: the column equations that fixed cells, and the
    row's own sums where they shape the reading (every split of run-together digits)."""
    rules = set(p.rules)
    if p.kind != "collapsed" or not rules:
        rules.update(p.line.sum_rules)
    return "+".join(sorted(rules)) or "digit_count"


def describe(reading: list[int | None]) -> str:
    return "|".join("" if v is None else str(v) for v in reading)
