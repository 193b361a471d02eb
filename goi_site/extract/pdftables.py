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

from goi_site.extract.pdflines import Line, cell_text, find_runs, is_number, join_wrapped, page_lines, table_rows

RULE_THICKNESS = 3.0  # points: a filled rectangle thinner than this is drawn as a rule
EDGE_MATCH = 3.0  # points: column edges of a table's two parts on two pages agree within this
_LABEL_START = re.compile(
    r"^\s*(第|信息内容|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+\s*[.．、])"
)


@dataclass
class Block:
    """A piece of the document in reading order: a line of text, or the rows of a table."""

    page: int
    top: float
    lines: list[str] = field(default_factory=list)  # a text block
    rows: list[list[str]] = field(default_factory=list)  # a table block
    edges: list[float] = field(default_factory=list)  # a ruled table's column boundaries (x)
    margin: bool = False  # a page number or running head
    end_page: int = 0  # the last page a table reaches
    bbox: tuple = ()  # a ruled table's box on its first page

    def __post_init__(self):
        self.end_page = self.end_page or self.page

    @property
    def is_table(self) -> bool:
        return bool(self.rows)


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
    settings = {
        "vertical_strategy": "lines",
        "horizontal_strategy": "lines",
        "snap_tolerance": 3,
        "join_tolerance": 3,
        "intersection_tolerance": 3,
    }
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
        blocks.append(Block(page.page_number, table.bbox[1], rows=rows, edges=edges, bbox=table.bbox))
    return blocks


def _same_columns(a: Block, b: Block) -> bool:
    return len(a.edges) == len(b.edges) and all(abs(x - y) <= EDGE_MATCH for x, y in zip(a.edges, b.edges))


def _numbers(row: list[str]) -> bool:
    return any(is_number(cell) for cell in row)


def _broken_row(last: list[str], first: list[str]) -> bool:
    """The first row of a table's continuation is the rest of the row the page broke.

    It is when no column holds text in both parts except label text (a label that wraps
    over the break), one part has no numbers at all (the numbers stayed above with the
    start of the label, or went below with no new label beside them), and no text below
    starts the way a label or a title starts (第…, 一、, （一）, 1.)."""
    if len(last) != len(first) or any(_LABEL_START.match(cell) for cell in first):
        return False
    for top, bottom in zip(last, first):
        if top and bottom and (is_number(top) or is_number(bottom)):
            return False
    if not _numbers(first):
        return any(first)
    if not _numbers(last):
        return all(not bottom or top or is_number(bottom) for top, bottom in zip(last, first))  # no label starts below
    return False


def join_pages(blocks: list[Block]) -> list[Block]:
    """A ruled table continued on the next page joined into one, and a row the page broke
    into one row. Page numbers and running heads between the two parts come after the
    joined table; elsewhere they keep their place."""
    out: list[Block] = []
    held: list[Block] = []
    for block in blocks:
        if block.margin:
            held.append(block)
            continue
        last = out[-1] if out else None  # never a margin block: those are flushed before a body block
        if (
            last is not None
            and last.is_table
            and block.is_table
            and last.edges
            and block.page == last.end_page + 1
            and _same_columns(last, block)
        ):
            rows = block.rows
            if last.rows and rows and _broken_row(last.rows[-1], rows[0]):
                last.rows[-1] = [join_wrapped([a, b]) for a, b in zip(last.rows[-1], rows[0])]
                rows = rows[1:]
            last.rows.extend(rows)
            last.end_page = block.page
            continue
        out.extend(held)
        held = []
        out.append(block)
    out.extend(held)
    return out


def _line_blocks(lines: list[Line]) -> list[Block]:
    blocks = []
    for kind, run, header in find_runs(lines):
        if kind == "table":
            blocks.append(Block(run[0].page, run[0].top, rows=table_rows(run, header), end_page=run[-1].page))
        else:
            blocks.extend(Block(line.page, line.top, lines=[line.text], margin=line.margin) for line in run)
    return blocks


def pdf_tables_text(pdf) -> str:
    """The text of an open pdfplumber PDF, tables as tab-separated rows."""
    sizes = [c["size"] for page in pdf.pages[:3] for c in page.chars if not c["text"].isspace()]
    body = statistics.median(sizes) if sizes else 10.0
    blocks: list[Block] = []
    pending: list[Line] = []  # lines outside ruled tables, read together across pages
    for page in pdf.pages:
        tables = ruled_tables(page)
        rest = [c for c in page.chars if not any(_inside(c, t.bbox) for t in tables)]
        items = sorted(
            [(t.top, 0, t) for t in tables] + [(l.top, 1, l) for l in page_lines(page, rest, body)],
            key=lambda item: (item[0], item[1]),
        )
        for _, _, item in items:
            if isinstance(item, Line):
                pending.append(item)
            else:
                blocks.extend(_line_blocks(pending))
                pending = []
                blocks.append(item)
    blocks.extend(_line_blocks(pending))
    lines: list[str] = []
    for block in join_pages(blocks):
        lines.extend("\t".join(row) for row in block.rows) if block.is_table else lines.extend(block.lines)
    return "\n".join(lines)
