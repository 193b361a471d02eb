"""A table read by grid position: spans resolved, blank cells kept, one text line per row.

HTML and Word tables say where each cell sits only through its spans, so the cells of
a row are placed on a grid (rowspan and colspan resolved) and a blank cell keeps its
column: `26 | &nbsp; | … | 26` comes out as `26\\t\\t\\t\\t\\t\\t26`, which tells the parser
exactly which columns hold the numbers. A spanning cell's text stands in its first
grid position; the positions it covers are empty.

Grid columns that no row starts a cell's text in are layout (a header drawn with
colspan 2 over a body column of width 1, a Word column split by a merged title), so
they are folded into their left neighbour: two grid columns are one column of the
table when some cell with text spans both and no row has text in both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_SPAN = 200  # a broken or hostile page cannot make a grid of millions of cells

_CJK = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")


@dataclass
class Cell:
    text: str
    colspan: int = 1
    rowspan: int = 1


def clean(text: str) -> str:
    """A cell's text on one line: spaces collapsed, none left between Chinese characters
    (a label printed one character per <span>, or split over two paragraphs, is one word)."""
    text = _SPACES.sub(" ", text).strip()
    return _SPACE_BETWEEN_CJK.sub("", text)


def _span(value) -> int:
    try:
        number = int(str(value).strip() or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_SPAN)


def span(value) -> int:
    """A colspan/rowspan attribute as a sane count (missing, 0, junk → 1)."""
    return _span(value) if value is not None else 1


def grid_rows(rows: list[list[Cell]]) -> list[list[str]]:
    """The table as rows of equal width, one string per column ("" for a blank or covered cell)."""
    placed: list[dict[int, tuple[int, Cell]]] = []  # row -> column -> (origin id, cell) for origins
    covered: list[set[int]] = []
    spans: list[tuple[int, int, int]] = []  # (row, first column, last column) of every cell with text
    width = 0
    for r, row in enumerate(rows):
        while len(covered) <= r:
            covered.append(set())
            placed.append({})
        column = 0
        for cell in row:
            while column in covered[r]:
                column += 1
            for dr in range(cell.rowspan):
                while len(covered) <= r + dr:
                    covered.append(set())
                    placed.append({})
                covered[r + dr].update(range(column, column + cell.colspan))
            placed[r][column] = (id(cell), cell)
            if cell.text:
                spans.append((r, column, column + cell.colspan - 1))
            column += cell.colspan
            width = max(width, column)
    height = len(rows)
    starts = [[False] * width for _ in range(height)]
    for r in range(height):
        for c, (_, cell) in placed[r].items():
            starts[r][c] = bool(cell.text)
    groups = _column_groups(width, starts, spans)
    out = []
    for r in range(height):
        line = []
        for group in groups:
            texts = [placed[r][c][1].text for c in group if c in placed[r] and placed[r][c][1].text]
            line.append("".join(texts))
        out.append(line)
    return out


def _column_groups(width: int, starts: list[list[bool]], spans) -> list[list[int]]:
    groups: list[list[int]] = []
    for c in range(width):
        if groups and _same_column(groups[-1], c, starts, spans):
            groups[-1].append(c)
        else:
            groups.append([c])
    return groups


def _same_column(group: list[int], c: int, starts, spans) -> bool:
    if not any(row[c] for row in starts):
        return True  # nothing ever starts here: layout only
    if any(row[c] and any(row[g] for g in group) for row in starts):
        return False  # a row has text in both: two columns
    return any(first <= group[-1] and last >= c for _, first, last in spans)


def table_lines(rows: list[list[Cell]]) -> list[str]:
    """One tab-separated line per row; rows with no text at all are left out."""
    return ["\t".join(line) for line in grid_rows(rows) if any(line)]
