"""Tables of one printed line in other shapes (section 四): found by heading, or in parts.

The appeals table is one line of fifteen numbers under a header whose words vary:
a two-row header ends in other words than the usual three-row one, and a header
stacked one character per line (characters of neighbouring columns interleaved, as
PDF flip-book text gives them) ends in no label at all. Two rules read these without
guessing:

- in parts: a line made of row groups (three groups of five) printed as one small
  table per group is the consecutive occurrences of its label with one group's
  numbers each, joined in order;
- by heading: a line still not found, that is its table's only line, is the first
  run of exactly its width of numbers after the table's heading (its title) and
  before the next table's, or one string of at least that many digits (its cells run
  together, split where the group totals leave one split).

And a row that lost its label (a PDF→Markdown conversion): a line of the form not
found whose neighbours were is the run of exactly its width of numbers between
them: its own run of numbers, or the numbers on the lines after the row before it.
"""

from __future__ import annotations

from goi_site.core.text import match_key
from goi_site.form.loader import Form, Line, load_form
from goi_site.parse.formlines import Occurrence, Piece


def join_groups(chosen: dict[int, Occurrence], found: list[Occurrence], lines: tuple[Line, ...]) -> None:
    for index, occurrence in list(chosen.items()):
        line = lines[index]
        if len(line.sums) < 2:
            continue
        size = len(line.cells) // len(line.sums)
        if len(occurrence.numbers) != size or size * len(line.sums) != len(line.cells):
            continue
        parts = [
            o for o in found if o.position > occurrence.position and index in o.candidates and len(o.numbers) == size
        ]
        parts = parts[: len(line.sums) - 1]
        if len(parts) == len(line.sums) - 1:
            joined = Occurrence(
                occurrence.position, occurrence.label_line, occurrence.candidates, list(occurrence.numbers)
            )
            for part in parts:
                joined.numbers.extend(part.numbers)
            chosen[index] = joined


def by_heading(
    chosen: dict[int, Occurrence], stream: list[Piece], lines: tuple[Line, ...], form: Form | None = None
) -> None:
    form = form if form is not None else load_form()
    tables = [line.table for line in lines]
    for index, line in enumerate(lines):
        if index in chosen or tables.count(line.table) != 1:
            continue
        title = match_key(form.tables[line.table].title)
        start = next((i for i, p in enumerate(stream) if not p.number and title in match_key(p.text)), None)
        if start is None:
            continue
        later = {match_key(form.tables[t].title) for t in tables[index + 1 :]}
        run: list[Piece] = []
        for position in range(start + 1, len(stream) + 1):
            piece = stream[position] if position < len(stream) else None
            if piece is not None and piece.number:
                run.append(piece)
                continue
            if len(run) == len(line.cells) or (len(run) == 1 and _digit_string(run[0], len(line.cells))):
                chosen[index] = Occurrence(position - len(run), stream[start].line, [index], run)
                break
            run = []
            if piece is None or any(t in match_key(piece.text) for t in later):
                break


def _digit_string(piece: Piece, width: int) -> bool:
    """One string of at least `width` digits: the line's cells run together (split by recover)."""
    return piece.text.isdigit() and len(piece.text) >= width


def unlabelled(chosen: dict[int, Occurrence], found: list[Occurrence], lines: tuple[Line, ...]) -> None:
    for index in range(1, len(lines) - 1):
        if index in chosen or index - 1 not in chosen or index + 1 not in chosen:
            continue
        line, before = lines[index], lines[index - 1]
        if len({line.table, before.table, lines[index + 1].table}) != 1:
            continue
        prev, after = chosen[index - 1], chosen[index + 1]
        width, prev_width = len(line.cells), len(before.cells)
        numbers = prev.numbers
        # blank cells of grid lines (a row padded with empty cells) hold no line's value
        filled = [i for i, p in enumerate(numbers) if not p.blank]
        if (
            len(filled) == prev_width + width
            and numbers[filled[prev_width]].line != numbers[filled[prev_width - 1]].line
        ):
            cut = filled[prev_width - 1] + 1
            while cut < len(numbers) and numbers[cut].blank and numbers[cut].line == numbers[cut - 1].line:
                cut += 1  # the blanks that end the row before stay with it
            chosen[index - 1] = Occurrence(prev.position, prev.label_line, prev.candidates, numbers[:cut], prev.typo)
            chosen[index] = Occurrence(prev.position + cut, numbers[cut].line, [index], numbers[cut:], unlabelled=True)
            continue
        orphans = [o for o in found if not o.candidates and prev.position < o.position < after.position]
        if len(orphans) == 1 and sum(1 for p in orphans[0].numbers if not p.blank) == width:
            o = orphans[0]
            chosen[index] = Occurrence(o.position, o.numbers[0].line, [index], o.numbers, unlabelled=True)
