"""Read the statistical tables (sections 二, 三, 四) out of normalised lines.

Layouts differ wildly (tabs, runs of spaces, `|`, one cell per line, labels broken
over lines, headings after their tables, lost leading tabs), so the reader ignores
layout altogether. It turns the text into a stream of pieces (text or number), and
recognises a line of the form by its label: the text pieces just before a run of
numbers, joined, must equal the label (or an alias) of a line of the form. The
numbers that follow, up to the next text, are that line's cells.

Prose can contain a label followed by a number, and a report can print a table
twice, so every occurrence is collected first; then the best chain is chosen: lines
in the form's order, each used once, maximising the cells read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from .form import Edition, Line
from .text import NUMBER_START, match_key, parse_number

MAX_LABEL_PIECES = 8  # a label broken over more pieces than this is not recognised


class Piece(NamedTuple):  # a NamedTuple: millions are made, and they are cheap
    text: str
    line: int
    value: int | Decimal | None = None
    number: bool = False


@dataclass
class Occurrence:
    """A run of numbers after text whose tail matched one or more lines of the form."""

    position: int
    label_line: int
    candidates: list[int]  # indexes into edition.lines
    numbers: list[Piece] = field(default_factory=list)


def pieces(lines: list[str]) -> list[Piece]:
    out: list[Piece] = []
    append = out.append
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        if "|" in line or "¦" in line:
            line = line.replace("|", " ").replace("¦", " ")
        for text in line.split():  # str.split: whitespace of every kind, and fast
            if text[0] not in NUMBER_START or len(text) > 24:  # prose: no number lookup
                append(Piece(text, number))
                continue
            cell = parse_number(text)
            if cell is None:
                append(Piece(text, number))
            else:
                append(Piece(text, number, cell.value, True))
    return out


_INDEXES: dict[str, "LineIndex"] = {}


def line_index(edition: Edition) -> "LineIndex":
    """One index per edition, built on first use (editions are fixed for a run)."""
    if edition.id not in _INDEXES:
        _INDEXES[edition.id] = LineIndex(edition)
    return _INDEXES[edition.id]


class LineIndex:
    """Match keys of an edition's lines → line indexes."""

    def __init__(self, edition: Edition):
        self.edition = edition
        self.loose: dict[str, list[int]] = {}
        self.strict: dict[str, list[int]] = {}
        for index, line in enumerate(edition.lines):
            target = self.strict if line.strict else self.loose
            for key in line.keys:
                target.setdefault(key, []).append(index)

    def match(self, run: list[Piece]) -> list[int]:
        """Lines whose label equals the text at the tail of `run`, longest tail first."""
        found: list[int] = []
        joined = ""
        for size in range(1, min(len(run), MAX_LABEL_PIECES) + 1):
            joined = run[-size].text + joined
            for index in self.strict.get(match_key(joined, keep_numbering=True), ()):
                found.append(index)
            for index in self.loose.get(match_key(joined), ()):
                found.append(index)
        return list(dict.fromkeys(reversed(found)))


def occurrences(stream: list[Piece], index: LineIndex) -> list[Occurrence]:
    found: list[Occurrence] = []
    run: list[Piece] = []
    current: Occurrence | None = None
    for position, piece in enumerate(stream):
        if not piece.number:
            if current is not None:
                found.append(current)
                current = None
                run = []
            run.append(piece)
            continue
        if current is None:
            candidates = index.match(run) if run else []
            label_line = run[-1].line if run else piece.line
            run = []
            if not candidates:
                continue  # a number outside any table line: prose, a page number…
            current = Occurrence(position, label_line, candidates)
        current.numbers.append(piece)
    if current is not None:
        found.append(current)
    return found


def best_chain(found: list[Occurrence], lines: tuple[Line, ...]) -> dict[int, Occurrence]:
    """Pick occurrences in document order whose lines follow the form's order.

    Weighted longest-chain by dynamic programming: the weight of an occurrence is the
    cells it fills (at most the line's width) plus one for the label, so a complete
    table row beats a label quoted in prose. Ties go to the earlier occurrence.
    """
    items = [(o, line) for o in found for line in o.candidates]
    best: list[float] = []
    back: list[int] = []
    for i, (occ, line) in enumerate(items):
        width = len(lines[line].cells)
        weight = min(len(occ.numbers), width) + 1.0
        score, parent = weight, -1
        for j in range(i):
            prev_occ, prev_line = items[j]
            if prev_occ.position < occ.position and prev_line < line and best[j] + weight > score:
                score, parent = best[j] + weight, j
        best.append(score)
        back.append(parent)
    chosen: dict[int, Occurrence] = {}
    if not items:
        return chosen
    i = max(range(len(items)), key=lambda k: (best[k], -k))
    while i >= 0:
        occ, line = items[i]
        chosen[line] = occ
        i = back[i]
    return chosen


def chain_weight(chosen: dict[int, Occurrence], lines: tuple[Line, ...]) -> float:
    return sum(min(len(o.numbers), len(lines[i].cells)) + 1.0 for i, o in chosen.items())
