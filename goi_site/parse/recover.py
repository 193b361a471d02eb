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

- dropped and run together: the text had already lost an empty cell (a short row)
  when its separators went too (`（一）予以公开000000` in a row of seven). Tried only
  when no split of all the cells fits, once, before the table's equations: the lost
  cell is any one its row sum fixes, and places that give the same values (a 0 lost
  among zeros) are one reading.

A row with exactly one reading is recovered. Otherwise the table's column equations
(balance, outcome_sum: `for_each: column` rules of the form) narrow the readings:
a reading stays only if the other rows of the equation have readings (or printed
cells) that complete it, so rows decide each other, and a row decided by one
equation is a constraint in the next; the loop runs until nothing changes. A row
with too many readings to keep is narrowed by the cell an equation fixes when it is
the one unknown, its splits counted again with that cell. A row still not down to
one reading stays empty, with a finding naming some of its readings. Nothing is
guessed: an equation the agency's numbers break can only remove readings, and a row
with none left stays empty too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from goi_site.form.loader import CellRef, Form, Line, load_form
from goi_site.parse.record import Cell

MAX_DIGITS = 7  # no cell of the form runs to ten million
MAX_READINGS = 5000  # readings kept per row; a row with more is narrowed only by fixed cells
MAX_SUMS = 20000  # partial sums tracked per column equation before it is left aside
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
    readings: list[list[int | None]] = field(default_factory=list)  # all of them when count <= MAX_READINGS
    dropped: bool | None = None  # run together: the digits hold one cell fewer than the line (decided once)


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
    if pending.kind in ("run_together", "either") and not pending.dropped:
        count, readings = _splits(pending.printed[0], pending.line, pending.fixed)
    if pending.kind == "collapsed" or (pending.kind == "either" and pending.values):
        more, placed = _placements(pending.values, pending.line, pending.fixed)
        count, readings = count + more, readings + placed
    if pending.dropped is None and pending.kind != "collapsed":
        # The last explanation, tried once, before any equation of the table: the text
        # had already lost an empty cell (a short row) when its separators went too, as
        # `(一)予以公开000000` in a row of seven. The lost cell is the one a row sum fixes.
        pending.dropped = count == 0
        if pending.dropped:
            _solve(pending)
            return
    if pending.dropped:
        count, readings = _dropped_splits(pending.printed[0], pending.line, pending.fixed)
    pending.count, pending.readings = count, readings


# ---- run-together digits -------------------------------------------------------------


def _splits(
    digits: str, line: Line, fixed: dict[int, int], gap: int | None = None, limit: int = MAX_READINGS
) -> tuple[int, list[list[int]]]:
    """How many splits of `digits` fit the line's cells and sums, and the first `limit`.

    With `gap`, that cell takes no digits (it was dropped before the separators were):
    its value is what its row sum leaves (the total's parts, or the total less the other
    parts), and a gap no sum fixes has no reading.
    """
    width = len(line.cells)
    n = len(digits)
    printed = width - (gap is not None)
    if not (printed <= n <= printed * MAX_DIGITS):
        return 0, []
    part_of: dict[int, int] = {}
    total_of: dict[int, int] = {}
    for s, (total, parts) in enumerate(line.sums):
        if any(p > total for p in parts):
            return 0, []  # a total before its parts: not a shape of this form
        total_of[total] = s
        for p in parts:
            part_of[p] = s
    if gap is not None and gap not in part_of and gap not in total_of:
        return 0, []
    hole = part_of.get(gap, -1) if gap is not None and gap not in total_of else -1  # the sum missing a part
    memo: dict[tuple, int] = {}
    opened = tuple(0 for _ in line.sums)

    def options(pos: int, i: int, acc: tuple):
        if i == gap:
            if i in total_of:
                value = acc[total_of[i]]
                if fixed.get(i, value) == value:
                    yield value, 0, acc
            else:
                yield None, 0, acc  # filled at its total
            return
        if i in total_of and total_of[i] != hole:
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
            if i in total_of:  # the total of the sum that lost a part: at least the parts
                missing = value - acc[hole]
                if missing < 0 or fixed.get(gap, missing) != missing:
                    continue
                yield value, size, acc
            elif i in part_of:
                s = part_of[i]
                yield value, size, acc[:s] + (acc[s] + value,) + acc[s + 1 :]
            else:
                yield value, size, acc

    def count(pos: int, i: int, acc: tuple) -> int:
        if i == width:
            return 1 if pos == n else 0
        left = width - i - (gap is not None and gap >= i)
        if not (left <= n - pos <= left * MAX_DIGITS + 8):
            return 0
        key = (pos, i, acc)
        if key not in memo:
            memo[key] = sum(count(pos + size, i + 1, new) for _, size, new in options(pos, i, acc))
        return memo[key]

    total = count(0, 0, opened)
    examples: list[list[int]] = []

    def walk(pos: int, i: int, acc: tuple, prefix: list) -> None:
        if len(examples) >= limit:
            return
        if i == width:
            if pos == n:
                examples.append(_filled(list(prefix), gap, line) if gap is not None else list(prefix))
            return
        for value, size, new in options(pos, i, acc):
            if count(pos + size, i + 1, new):
                walk(pos + size, i + 1, new, prefix + [value])

    if total:
        walk(0, 0, opened, [])
    return total, examples


def _filled(row: list, gap: int, line: Line) -> list[int]:
    """A split with its dropped cell: the value its row sum leaves."""
    for total, parts in line.sums:
        if gap == total:
            row[gap] = sum(row[p] for p in parts)
            break
        if gap in parts:
            row[gap] = row[total] - sum(row[p] for p in parts if p != gap)
            break
    return row


def _dropped_splits(digits: str, line: Line, fixed: dict[int, int]) -> tuple[int, list[list[int]]]:
    """The distinct readings of digits that hold one cell fewer than the line: every place
    the lost cell could have had. Places can agree (a lost 0 among zeros): one reading."""
    raw, seen = 0, {}
    for gap in range(len(line.cells)):
        count, readings = _splits(digits, line, fixed, gap)
        raw += count
        if raw > MAX_READINGS:
            return raw, list(seen.values())[:MAX_READINGS]
        for reading in readings:
            seen.setdefault(tuple(reading), reading)
    return len(seen), list(seen.values())


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
    """Narrow the readings of pending rows by the table's column equations, to a fixpoint.

    Each equation (balance, outcome_sum, per column) holds printed cells and cells of
    pending rows. A reading of a pending row stays only if the other rows of the
    equation have readings that complete it: so a row decided by one equation becomes
    a constraint in the next, and rows can decide each other jointly. A row with more
    readings than are kept takes part only where it is the one unknown: the equation
    then fixes its cell and its splits are counted again with it.
    """
    form = form if form is not None else load_form()
    by_ref = {ref: (p, i) for p in pending for i, ref in enumerate(p.line.cells)}
    rules = [r for r in form.rules.values() if r.for_each == "column" and not r.across_years and r.left]
    equations = []
    for rule in rules:
        for column in form.columns:
            terms = [
                (CellRef(rule.table, row, column), side)
                for side, ids in ((1, rule.left), (-1, rule.right))
                for row in ids
            ]
            # a row the edition does not have (2019's one （六）其他处理 row) is no term
            terms = [(ref, side) for ref, side in terms if ref in cells or ref in by_ref]
            if any(ref in by_ref for ref, _ in terms):
                equations.append((rule.id, terms))
    changed = True
    while changed:
        changed = False
        for rule_id, terms in equations:
            changed |= _narrow(rule_id, terms, cells, by_ref)


def _narrow(rule_id: str, terms, cells: dict[CellRef, Cell], by_ref) -> bool:
    """Apply one equation `sum(side * cell) = 0` to the pending rows in it; True if it narrowed one.

    A term's values are its row's readings at that cell. A blank slot (a collapsed row's
    cell left empty) can be anything, as can a row with too many readings to keep: such
    a term supports every value of the others, and is narrowed only through its fixed
    cells, when it is the one term not known.
    """
    constant = 0
    unknown: list[list] = []  # [side, row, cell index, values it can take, whether anything fits]
    for ref, side in terms:
        if ref in by_ref:
            p, i = by_ref[ref]
            complete = 0 < p.count == len(p.readings)
            values = {r[i] for r in p.readings} if complete else set()
            unknown.append([side, p, i, values - {None}, not complete or None in values])
            continue
        value = cells[ref].value
        if value is None:
            return False  # a cell not printed: the equation says nothing
        constant += side * value
    if len({id(u[1]) for u in unknown}) != len(unknown):
        return False  # one row twice in one equation: not a shape of this form
    anything = [k for k, u in enumerate(unknown) if u[4]]
    if len(anything) == 1 and all(len(u[3]) == 1 for k, u in enumerate(unknown) if k != anything[0]):
        side, p, i = unknown[anything[0]][:3]
        if p.count > 0 and i not in p.fixed:  # the equation fixes its cell
            rest = constant + sum(u[0] * next(iter(u[3])) for k, u in enumerate(unknown) if k != anything[0])
            value = p.fixed[i] = -rest * side
            p.rules.add(rule_id)
            if p.count > len(p.readings):
                _solve(p)  # too many to keep: counted again with the fixed cell
            else:  # a blank slot takes what the equation needs; a printed value must equal it
                p.readings = [r for r in p.readings if r[i] is None or r[i] == value]
                p.count = len(p.readings)
            return True
    narrowed = False
    for k, (side, p, i, _, _) in enumerate(unknown):
        if any(u[4] for j, u in enumerate(unknown) if j != k) or not 0 < p.count == len(p.readings):
            continue
        sums = {constant}
        for j, other in enumerate(unknown):
            if j != k:
                sums = {t + other[0] * v for t in sums for v in other[3]}
                if len(sums) > MAX_SUMS:
                    break
        else:
            allowed = {-side * t for t in sums}
            kept = [r for r in p.readings if r[i] is None or r[i] in allowed]
            if len(kept) < len(p.readings):
                p.readings, p.count = kept, len(kept)
                p.rules.add(rule_id)
                unknown[k][3] = {r[i] for r in kept} - {None}
                narrowed = True
    return narrowed


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
