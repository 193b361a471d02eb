"""Turn the numbers read after a label into the cells of that line of the form.

A line with as many numbers as cells is read as printed. A line one number short is
the interesting case: an empty cell was dropped by the extraction, and nobody knows
which. Every position the missing cell could have had is tried; where the line's own
totals (row_total, review_total) fix the missing value, that reading is a candidate.
A cell keeps a value only if every candidate reading gives it the same value; the
rest stay empty. Nothing is guessed: with no sum to pin it down, every cell of a
short line stays empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter

from goi_site.form.loader import Column, Line
from goi_site.parse.formlines import Piece
from goi_site.parse.record import Cell
from goi_site.parse.recover import Pending, collapsed, either, run_together

_TEXT = itemgetter(0)  # Piece.text
_new = tuple.__new__  # Cell(...) without NamedTuple's Python-level __new__: the same tuple
_KINDS: dict[int, tuple] = {}  # id(line) → (line, its column kinds, whether each is an int column)


def _kinds(line: Line, columns: dict[str, Column]) -> tuple[tuple[Column, ...], tuple[bool, ...]]:
    """The columns of a line's cells, worked out once per line of the form (a form is
    loaded once per run; the line is kept in the entry, so its id stays its own)."""
    entry = _KINDS.get(id(line))
    if entry is None or entry[0] is not line or entry[3] is not columns:
        kinds = tuple(columns[c.column] for c in line.cells)  # shared by every read: immutable
        entry = _KINDS[id(line)] = (line, kinds, tuple(k.type == "int" for k in kinds), columns)
    return entry[1], entry[2]


@dataclass(slots=True)  # one per line of every report: slots make it cheaper to make
class LineRead:
    cells: list[Cell]
    status: str  # complete | grid | filled | short | extra | empty | pending
    published: list[str]  # the numbers as printed
    pending: Pending | None = None  # a run-together or collapsed line, decided with its table


def read_line(line: Line, numbers: list[Piece], columns: dict[str, Column]) -> LineRead:
    width = len(line.cells)
    kinds, whole = _kinds(line, columns)
    published = list(map(_TEXT, numbers))
    if len(numbers) >= width and "" not in published:  # nearly every line: no test below applies
        return _complete(numbers, kinds, whole, width, published)
    if "" in published:  # a blank cell of a grid line
        if len(numbers) == width:  # blanks hold their columns
            cells = [Cell(None, p.line, "missing") if p.blank else _cell(p, kinds[i]) for i, p in enumerate(numbers)]
            return LineRead(cells, "grid", [p.text or "□" for p in numbers])
        numbers = [p for p in numbers if not p.blank]
        published = [p.text for p in numbers]
    if width > 1 and len(numbers) == 1 and numbers[0].text.isdigit() and len(numbers[0].text) > 1:
        only = numbers[0]
        if only.glued:  # no separator anywhere near: the cells ran together
            return LineRead([], "pending", published, run_together(line, only.text, only.line))
        if line.sums and len(only.text) >= width:  # cells run together, or one value: both tried
            return LineRead([], "pending", published, either(line, only.text, only.line))
    if 0 < len(numbers) < width - 1 and line.sums and all(type(p.value) is int for p in numbers):
        pending = collapsed(line, [p.value for p in numbers], published, numbers[-1].line)
        return LineRead([], "pending", published, pending)
    if len(numbers) >= width:
        return _complete(numbers, kinds, whole, width, published)
    if len(numbers) == width - 1 and line.sums:
        return _fill_one(line, numbers, kinds, published)
    return LineRead([Cell(None, None, "missing") for _ in range(width)], "short" if numbers else "empty", published)


def _complete(numbers: list[Piece], kinds, whole, width: int, published: list[str]) -> LineRead:
    """A line that prints at least its cells: the first `width` numbers are its cells."""
    # (_cell's first case inlined: a plain count in an int column, nearly every cell)
    cells = [
        _new(Cell, (p.value, p.line, "read", None, "text", None, None))
        if is_int and type(p.value) is int
        else _cell(p, kind)
        for p, kind, is_int in zip(numbers, kinds, whole)
    ]
    return LineRead(cells, "extra" if len(numbers) > width else "complete", published)


def _cell(piece: Piece, column: Column) -> Cell:
    value = piece.value
    if type(value) is int:  # a plain count (parse_number gives int only for digits)
        return Cell(value, piece.line, "read") if column.type == "int" else Cell(Decimal(value), piece.line, "read")
    if value is None:
        return Cell(None, piece.line, "placeholder", piece.text)
    if column.type == "int":
        if value != value.to_integral_value() or (value < 0 and not column.signed):
            return Cell(None, piece.line, "invalid", piece.text)
        return Cell(int(value), piece.line, "read")  # a value as read needs no copy of its text
    return Cell(value, piece.line, "read")


def _fill_one(line: Line, numbers: list[Piece], kinds: tuple[Column, ...], published: list[str]) -> LineRead:
    width = len(line.cells)
    given = [_cell(p, kinds[i]).value for i, p in enumerate(numbers)]
    readings: list[tuple[list, int]] = []  # (values, position of the dropped cell)
    if None not in given:
        for gap in range(width):
            values = _solve(given[:gap] + [None] + given[gap:], gap, line.sums)
            if values is not None:
                readings.append((values, gap))
    cells: list[Cell] = []
    filled = False
    for position in range(width):
        values = {values[position] for values, _ in readings}
        if len(values) != 1:
            cells.append(Cell(None, None, "missing"))
            continue
        # The printed number that lands here, if it is the same one in every reading.
        sources = {None if gap == position else position - (position > gap) for _, gap in readings}
        source = sources.pop() if len(sources) == 1 else None
        printed = source is not None
        filled |= not printed
        line_no = numbers[source].line if printed else numbers[-1].line
        cells.append(
            Cell(values.pop(), line_no, "read" if printed else "filled", numbers[source].text if printed else None)
        )
    status = "filled" if all(c.value is not None for c in cells) else "short"
    return LineRead(cells, status, published)


def _solve(values: list, gap: int, sums) -> list | None:
    """Fill the gap from the first sum that involves it; every sum must then hold."""
    for total, parts in sums:
        if gap == total:
            missing = sum(values[p] for p in parts)
        elif gap in parts:
            missing = values[total] - sum(values[p] for p in parts if p != gap)
        else:
            continue
        if missing < 0:
            return None
        filled = values[:gap] + [missing] + values[gap + 1 :]
        if all(filled[t] == sum(filled[p] for p in ps) for t, ps in sums):
            return filled
        return None
    return None
