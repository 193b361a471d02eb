"""Text of a PDF with its tables read the way they are laid out.

A report's tables are read from the page geometry (pdfplumber's characters, lines and
rectangles), not from extracted text joined back together:

- cells come from the ruling lines where the table has them, and from the x-positions of
  the words where it has none (a borderless table);
- a cell's text wrapped over several lines is one cell, with the line breaks removed
  between Chinese characters (`商业` / `企业` is 商业企业);
- a table that goes on over a page break is one table (the page number between its parts
  moves after it), and a row broken by the page break is one row.

Output follows the extracted-text interface: one line per table row, its grid cells
separated by single tabs (a blank grid cell is an empty field); everything else is lines
of text in reading order. Pure: a pdfplumber PDF in, text out.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

# Geometry tolerances, in PDF points (1/72 inch).
RULE_THICKNESS = 3.0  # a filled rectangle thinner than this is drawn as a rule
EDGE_MATCH = 3.0  # column edges of a table's two parts on two pages agree within this
PAGE_MARGIN_SHARE = 0.12  # a page's top or bottom 12 % holds running headers and page numbers

_CJK = re.compile(r"[\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’…—]")
_NUMBER = re.compile(r"^[+\-−－]?[\d０-９][\d０-９,，.．]*%?$")
_PAGE_NUMBER = re.compile(r"^[\s\-—–－·•第页共/]*[\d０-９]+[\s\-—–－·•页/\d０-９]*$")


@dataclass
class Block:
    """A piece of a page in reading order: lines of text, or the rows of a table."""

    page: int
    top: float
    bottom: float
    lines: list[str] = field(default_factory=list)  # text blocks
    rows: list[list[str]] = field(default_factory=list)  # table blocks
    edges: list[float] = field(default_factory=list)  # a table's column boundaries (x)

    @property
    def is_table(self) -> bool:
        return bool(self.rows)


# ---- text of a run of characters ---------------------------------------------------

def join_wrapped(parts: list[str]) -> str:
    """Lines of one cell (or heading) as one string: no break between Chinese characters."""
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out and not (_CJK.match(out[-1]) or _CJK.match(part[0])):
            out += " "
        out += part
    return out


def _line_text(chars: list[dict]) -> str:
    """Characters of one visual line, left to right; a space only for a real gap between non-Chinese text."""
    chars = sorted(chars, key=lambda c: c["x0"])
    out, last = "", None
    for char in chars:
        text = char["text"]
        if last is not None and not text.isspace():
            gap = char["x0"] - last["x1"]
            if gap > 0.25 * max(char["size"], 1) and out and not out.endswith(" "):
                if not (_CJK.match(out[-1]) or _CJK.match(text[0])):
                    out += " "
        out += text
        last = char
    return re.sub(r"\s+", " ", out).strip()


def _visual_lines(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into visual lines, top to bottom (a line: overlapping vertical extents)."""
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if char["text"].isspace():
            continue
        if lines:
            line = lines[-1]
            top = min(c["top"] for c in line)
            bottom = max(c["bottom"] for c in line)
            middle = (char["top"] + char["bottom"]) / 2
            if top <= middle <= bottom:
                line.append(char)
                continue
        lines.append([char])
    return lines


def cell_text(chars: list[dict]) -> str:
    return join_wrapped([_line_text(line) for line in _visual_lines(chars)])


def _is_number(text: str) -> bool:
    return bool(_NUMBER.match(text.strip()))


# ---- ruled tables ---------------------------------------------------------------------

def _ruling_page(page):
    """The page without filled, unstroked rectangles wider than a rule: those are cell or
    line backgrounds (some producers paint one behind every line of text), not borders."""

    def keep(obj) -> bool:
        if obj.get("object_type") != "rect" or obj.get("stroke"):
            return True
        return min(obj["width"], obj["height"]) <= RULE_THICKNESS

    return page.filter(keep)


def _inside(char: dict, bbox) -> bool:
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def ruled_tables(page) -> list[Block]:
    settings = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 3,
                "join_tolerance": 3, "intersection_tolerance": 3}
    blocks = []
    for table in _ruling_page(page).find_tables(settings):
        width = len(table.columns)
        if width < 2 or len(table.rows) < 1:
            continue  # a frame around a paragraph is not a table
        chars = [c for c in page.chars if _inside(c, table.bbox)]
        rows = []
        for row in table.rows:
            cells = []
            for bbox in row.cells:
                if bbox is None:  # covered by a cell spanning from the left or from above
                    cells.append("")
                    continue
                cells.append(cell_text([c for c in chars if _inside(c, bbox)]))
            rows.append(cells)
        edges = sorted({round(column.bbox[0], 1) for column in table.columns} | {round(table.bbox[2], 1)})
        blocks.append(Block(page.page_number, table.bbox[1], table.bbox[3], rows=rows, edges=edges))
    return blocks


# ---- text lines and borderless tables --------------------------------------------------

@dataclass
class _Line:
    top: float
    bottom: float
    size: float
    segments: list[tuple[float, float, str]]  # (x0, x1, text) separated by wide gaps

    @property
    def text(self) -> str:
        return join_wrapped([s[2] for s in self.segments]) if len(self.segments) == 1 else " ".join(s[2] for s in self.segments)


def _segments(chars: list[dict]) -> list[tuple[float, float, str]]:
    """A visual line cut where the gap between characters is wider than two characters."""
    chars = sorted(chars, key=lambda c: c["x0"])
    groups: list[list[dict]] = [[chars[0]]]
    for char in chars[1:]:
        gap = char["x0"] - groups[-1][-1]["x1"]
        if gap > 2.0 * max(char["size"], groups[-1][-1]["size"], 1):
            groups.append([char])
        else:
            groups[-1].append(char)
    return [(g[0]["x0"], max(c["x1"] for c in g), _line_text(g)) for g in groups]


def text_lines(chars: list[dict]) -> list[_Line]:
    out = []
    for line in _visual_lines(chars):
        sizes = [c["size"] for c in line]
        out.append(_Line(min(c["top"] for c in line), max(c["bottom"] for c in line),
                         statistics.median(sizes), _segments(line)))
    return out


def _columns(lines: list[_Line]) -> list[tuple[float, float]]:
    """Column intervals of a borderless table: the union of its segments' x-extents."""
    spans = sorted((s[0], s[1]) for line in lines for s in line.segments)
    columns: list[list[float]] = []
    for x0, x1 in spans:
        if columns and x0 <= columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], x1)
        else:
            columns.append([x0, x1])
    return [(a, b) for a, b in columns]


def _grid_row(line: _Line, columns: list[tuple[float, float]]) -> list[str]:
    cells = [""] * len(columns)
    for x0, x1, text in line.segments:
        index = next(i for i, (a, b) in enumerate(columns) if a <= (x0 + x1) / 2 <= b)
        cells[index] = join_wrapped([cells[index], text])
    return cells


def _tabular(line: _Line) -> bool:
    return len(line.segments) >= 2 and any(_is_number(s[2]) for s in line.segments)


def _borderless(lines: list[_Line], page_number: int) -> list[Block]:
    """Text lines as blocks; runs of lines laid out in columns with numbers become tables.

    A line belongs to a borderless table when it has two or more segments and one of them
    is a number. A line of label text alone in the first column, inside or right below
    such a run, is the wrapped part of a neighbouring row's label."""
    blocks: list[Block] = []
    run: list[_Line] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        if _tabular(line) or (run and _continues_label(line, run) and (
                (following is not None and _tabular(following)) or line.top - run[-1].bottom < 0.8 * line.size)):
            run.append(line)
            continue
        _flush_run(run, blocks, page_number)
        _add_text(blocks, line, page_number)
    _flush_run(run, blocks, page_number)
    return blocks


def _flush_run(run: list[_Line], blocks: list[Block], page_number: int) -> None:
    numeric = [line for line in run if _tabular(line)]
    if len(numeric) < 2:
        for line in run:
            _add_text(blocks, line, page_number)
        run.clear()
        return
    columns = _columns(numeric)
    before: dict[int, list[str]] = {id(line): [] for line in numeric}  # label lines above a row's numbers
    after: dict[int, list[str]] = {id(line): [] for line in numeric}
    for index, line in enumerate(run):
        if _tabular(line):
            continue
        above = next((run[i] for i in range(index - 1, -1, -1) if _tabular(run[i])), None)
        below = next((run[i] for i in range(index + 1, len(run)) if _tabular(run[i])), None)
        if below is not None and (above is None or below.top - line.bottom < line.top - above.bottom - 1):
            before[id(below)].append(line.text)  # nearer the row below: its label is centred on its numbers
        else:
            after[id(above)].append(line.text)
    out = []
    for line in numeric:
        cells = _grid_row(line, columns)
        cells[0] = join_wrapped(before[id(line)] + [cells[0]] + after[id(line)])
        out.append(cells)
    edges = [a for a, _ in columns] + [columns[-1][1]]
    blocks.append(Block(page_number, run[0].top, run[-1].bottom, rows=out, edges=edges))
    run.clear()


def _continues_label(line: _Line, run: list[_Line]) -> bool:
    """One segment, starting at the table's first column and ending before its second."""
    if len(line.segments) != 1 or _is_number(line.segments[0][2]):
        return False
    columns = _columns(run)
    x0, x1, _ = line.segments[0]
    return len(columns) >= 2 and abs(x0 - columns[0][0]) < 2 * line.size and x1 < columns[1][0]


def _add_text(blocks: list[Block], line: _Line, page_number: int) -> None:
    last = blocks[-1] if blocks else None
    if last is not None and not last.is_table and last.page == page_number and line.top - last.bottom < 2 * line.size:
        blocks[-1].lines.append(line.text)
        blocks[-1].bottom = line.bottom
    else:
        blocks.append(Block(page_number, line.top, line.bottom, lines=[line.text]))


def _join_headings(lines: list[_Line], body: float) -> list[_Line]:
    """A title printed larger than the body text and wrapped over lines is one line."""
    out: list[_Line] = []
    for line in lines:
        previous = out[-1] if out else None
        if (previous is not None and line.size > body * 1.15 and abs(previous.size - line.size) < 0.5
                and line.top - previous.bottom < line.size and len(line.segments) == 1 == len(previous.segments)):
            text = join_wrapped([previous.segments[0][2], line.segments[0][2]])
            out[-1] = _Line(previous.top, line.bottom, line.size, [(previous.segments[0][0], line.segments[0][1], text)])
        else:
            out.append(line)
    return out


# ---- pages ---------------------------------------------------------------------------

def page_blocks(page, body_size: float) -> list[Block]:
    tables = ruled_tables(page)
    rest = [c for c in page.chars if not any(_inside(c, _bbox(t, page)) for t in tables)]
    lines = _join_headings(text_lines(rest), body_size)
    blocks = tables
    blocks.extend(_borderless(lines, page.page_number))
    blocks.sort(key=lambda b: b.top)
    return blocks


def _bbox(block: Block, page) -> tuple[float, float, float, float]:
    return (block.edges[0] if block.edges else 0, block.top, block.edges[-1] if block.edges else page.width, block.bottom)


def _margin_text(block: Block, height: float) -> bool:
    """Running header or page number: short text in the page's top or bottom margin."""
    if block.is_table:
        return False
    in_margin = block.bottom < height * PAGE_MARGIN_SHARE or block.top > height * (1 - PAGE_MARGIN_SHARE)
    return in_margin and all(_PAGE_NUMBER.match(line) or len(line) <= 20 for line in block.lines)


def _same_columns(a: Block, b: Block) -> bool:
    return len(a.edges) == len(b.edges) and all(abs(x - y) <= EDGE_MATCH for x, y in zip(a.edges, b.edges))


def _numbers(row: list[str]) -> bool:
    return any(_is_number(cell) for cell in row)


def _broken_row(last: list[str], first: list[str]) -> bool:
    """The first row of a table's continuation is the rest of the row the page broke.

    It is when no column holds text in both parts except label text (a label that wraps
    over the break), and one part has no numbers at all: either the numbers stayed above
    with the start of the label, or they went below with no new label beside them."""
    if len(last) != len(first):
        return False
    for top, bottom in zip(last, first):
        if top and bottom and (_is_number(top) or _is_number(bottom)):
            return False
    if not _numbers(first):
        return any(first)
    if not _numbers(last):
        return all(not bottom or top for top, bottom in zip(last, first))  # no label starts below
    return False


def join_pages(pages: list[tuple[list[Block], float]]) -> list[Block]:
    """Blocks of every page in order, a table continued on the next page joined into one.

    Page numbers and running heads between a table and its continuation are held back
    and come after the joined table; elsewhere they keep their place."""
    out: list[Block] = []
    held: list[Block] = []
    for blocks, height in pages:
        first = True
        for block in blocks:
            if _margin_text(block, height):
                held.append(block)
                continue
            last = out[-1] if out else None
            if (first and last is not None and last.is_table and block.is_table and block.page == last.page + 1
                    and _same_columns(last, block)):
                rows = block.rows
                if last.rows and rows and _broken_row(last.rows[-1], rows[0]):
                    last.rows[-1] = [join_wrapped([a, b]) for a, b in zip(last.rows[-1], rows[0])]
                    rows = rows[1:]
                last.rows.extend(rows)
                last.page = block.page
            else:
                out.extend(held)
                held = []
                out.append(block)
            first = False
    out.extend(held)
    return out


def pdf_tables_text(pdf) -> str:
    """The text of an open pdfplumber PDF, tables as tab-separated rows."""
    sizes = [c["size"] for page in pdf.pages[:3] for c in page.chars if not c["text"].isspace()]
    body = statistics.median(sizes) if sizes else 10.0
    pages = [(page_blocks(page, body), page.height) for page in pdf.pages]
    lines: list[str] = []
    for block in join_pages(pages):
        lines.extend("\t".join(row) for row in block.rows) if block.is_table else lines.extend(block.lines)
    return "\n".join(lines)
