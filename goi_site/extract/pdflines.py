"""Lines of PDF text outside ruled tables, and the borderless tables among them.

A table printed without rules is found from the positions of its words: a run of lines
laid out in columns with numbers in them. Its columns are the vertical strips of the
page that no character of the run crosses (the white "rivers" between cells); its rows
are the lines with numbers, and a line of label text alone in the label columns is the
wrapped part of the row above it (or of the row below, when it sits nearer that one:
a label centred on its numbers). The lines are read over the whole document at once, so
a borderless table that goes on over a page break is one table, and a label broken by
the page break stays with its row.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

PAGE_MARGIN_SHARE = 0.12  # a page's top or bottom 12 % holds the page numbers
RIVER = 1.0  # points: characters closer than this belong to the same column strip

_CJK = re.compile(r"[\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’…—]")
_NUMBER = re.compile(r"^[+\-−－]?[\d０-９][\d０-９,，.．]*%?$")
_PAGE_NUMBER = re.compile(r"^[\s\-—–－·•第页共/]*[\d０-９]+[\s\-—–－·•页/\d０-９]*$")


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


def is_number(text: str) -> bool:
    return bool(_NUMBER.match(text.strip()))


def chars_text(chars: list[dict]) -> str:
    """Characters of one visual line, left to right; a space only for a real gap between non-Chinese text."""
    out, last = "", None
    for char in sorted(chars, key=lambda c: c["x0"]):
        text = char["text"]
        if last is not None and not text.isspace() and out and not out.endswith(" "):
            if char["x0"] - last["x1"] > 0.25 * max(char["size"], 1) and not (
                _CJK.match(out[-1]) or _CJK.match(text[0])
            ):
                out += " "
        out += text
        last = char
    return re.sub(r"\s+", " ", out).strip()


def visual_lines(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into visual lines, top to bottom (a line: overlapping vertical extents)."""
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if char["text"].isspace():
            continue
        if lines:
            line = lines[-1]
            middle = (char["top"] + char["bottom"]) / 2
            if min(c["top"] for c in line) <= middle <= max(c["bottom"] for c in line):
                line.append(char)
                continue
        lines.append([char])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def cell_text(chars: list[dict]) -> str:
    return join_wrapped([chars_text(line) for line in visual_lines(chars)])


@dataclass
class Line:
    page: int
    top: float
    bottom: float
    size: float
    chars: list[dict]
    margin: bool = False  # a page number

    @property
    def groups(self) -> list[list[dict]]:
        """The line cut where characters are further apart than half a character."""
        groups = [[self.chars[0]]]
        for char in self.chars[1:]:
            if char["x0"] - groups[-1][-1]["x1"] > 0.5 * self.size:
                groups.append([char])
            else:
                groups[-1].append(char)
        return groups

    @property
    def text(self) -> str:
        return " ".join(chars_text(g) for g in self.groups)

    @property
    def numeric(self) -> bool:
        groups = self.groups
        return len(groups) >= 2 and any(is_number(chars_text(g)) for g in groups)

    @property
    def x0(self) -> float:
        return self.chars[0]["x0"]

    @property
    def x1(self) -> float:
        return max(c["x1"] for c in self.chars)


def page_lines(page, chars: list[dict], body: float) -> list[Line]:
    """Visual lines of a page's characters (outside its ruled tables), a wrapped title joined."""
    out: list[Line] = []
    for chars_of_line in visual_lines(chars):
        line = Line(
            page.page_number,
            min(c["top"] for c in chars_of_line),
            max(c["bottom"] for c in chars_of_line),
            statistics.median(c["size"] for c in chars_of_line),
            chars_of_line,
        )
        in_margin = line.bottom < page.height * PAGE_MARGIN_SHARE or line.top > page.height * (1 - PAGE_MARGIN_SHARE)
        line.margin = in_margin and bool(_PAGE_NUMBER.match(line.text)) and len(line.groups) == 1
        previous = out[-1] if out else None
        if (
            previous is not None
            and line.size > body * 1.15
            and abs(previous.size - line.size) < 0.5
            and line.top - previous.bottom < line.size
            and len(line.groups) == 1 == len(previous.groups)
        ):
            shift = previous.x1 - line.chars[0]["x0"]  # set the second line's characters after the first's
            previous.chars = previous.chars + [dict(c, x0=c["x0"] + shift, x1=c["x1"] + shift) for c in line.chars]
            previous.bottom = line.bottom  # a title printed large and wrapped is one line
            continue
        out.append(line)
    return out


# ---- borderless tables -----------------------------------------------------------------


def _label_only(line: Line, run: list[Line]) -> bool:
    """Label text alone, in pieces no wider than a third of the table: the wrapped part of a row's label."""
    if line.margin or any(is_number(chars_text(g)) for g in line.groups):
        return False
    width = max(l.x1 for l in run) - min(l.x0 for l in run)
    return all(g[-1]["x1"] - g[0]["x0"] <= width / 3 for g in line.groups)


def _stacked(line: Line) -> bool:
    """A line of a header stacked one character per line: single characters spaced apart."""
    groups = line.groups
    return not line.margin and all(len(chars_text(g)) == 1 and _CJK.match(chars_text(g)) for g in groups)


def find_runs(lines: list[Line]) -> list[tuple[str, list[Line], list[Line]]]:
    """('text', [line], []) and ('table', lines of a borderless table, its stacked header
    lines), in order; page numbers met inside a table come right after it."""
    out: list[tuple[str, list[Line], list[Line]]] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.numeric or line.margin:
            out.append(("text", [line], []))
            index += 1
            continue
        header: list[Line] = []  # vertical headers right above the numbers (结/果/维/持 …)
        while (
            out
            and out[-1][0] == "text"
            and _stacked(out[-1][1][0])
            and _close(out[-1][1][0], (header or [line])[0], 2.0)
        ):
            header.insert(0, out.pop()[1][0])
        if len(header) < 2 or all(len(l.groups) == 1 for l in header):
            out.extend(("text", [l], []) for l in header)
            header = []
        run, held = [line], []
        index += 1
        while index < len(lines):
            nxt = lines[index]
            if nxt.margin:
                held.append(nxt)
            elif nxt.numeric and _close(run[-1], nxt, 2.0):
                run.append(nxt)
            elif _label_only(nxt, run) and _close(run[-1], nxt, 1.0):
                run.append(nxt)
            else:
                break
            index += 1
        if sum(1 for l in run if l.numeric) >= (1 if header else 2):
            out.append(("table", run, header))
        else:
            out.extend(("text", [l], []) for l in run)
        out.extend(("text", [l], []) for l in held)
    return out


def _close(above: Line, below: Line, lines_apart: float) -> bool:
    """Within `lines_apart` line heights, or the first line of the next page."""
    if below.page != above.page:
        return below.page == above.page + 1
    return below.top - above.bottom <= lines_apart * below.size


def table_rows(run: list[Line], header: list[Line] = ()) -> list[list[str]]:
    """Grid rows of a borderless table: columns from the rivers, rows from its number lines.
    A stacked header becomes one row, each column's characters read top to bottom."""
    spans = sorted((c["x0"], c["x1"]) for line in [*header, *run] for c in line.chars)
    columns: list[list[float]] = []
    for x0, x1 in spans:
        if columns and x0 <= columns[-1][1] + RIVER:
            columns[-1][1] = max(columns[-1][1], x1)
        else:
            columns.append([x0, x1])

    def cells(line: Line) -> list[list[dict]]:
        out: list[list[dict]] = [[] for _ in columns]
        for char in line.chars:
            middle = (char["x0"] + char["x1"]) / 2
            out[next(i for i, (a, b) in enumerate(columns) if a - RIVER <= middle <= b + RIVER)].append(char)
        return out

    # Vertical positions as if the run were on one page: a page break counts as one line gap.
    position: dict[int, tuple[float, float]] = {}
    shift = 0.0
    for previous, line in zip([None] + run[:-1], run):
        if previous is not None and line.page != previous.page:
            shift = line.top - position[id(previous)][1] - 0.5 * line.size
        position[id(line)] = (line.top - shift, line.bottom - shift)
    anchors = [line for line in run if line.numeric]
    order: dict[int, list[tuple[float, list[list[dict]]]]] = {id(a): [] for a in anchors}
    for owner, line in _owners(run, position):
        order[id(owner)].append((position[id(line)][0], cells(line)))
    rows = [
        [join_wrapped([chars_text(cells(l)[i]) for l in chunk]) for i in range(len(columns))]
        for chunk in _header_rows(list(header))
    ]
    for anchor in anchors:
        pieces = sorted(order[id(anchor)], key=lambda p: p[0])
        rows.append([join_wrapped([chars_text(p[1][i]) for p in pieces if p[1][i]]) for i in range(len(columns))])
    return rows


def _owners(run: list[Line], position: dict[int, tuple[float, float]]):
    """(row's number line, line) for every line of a run.

    Label lines between two number lines belong to the upper row (cells are top-aligned),
    unless one gap between them is clearly the widest (the padding between two rows): the
    lines below that gap start the lower row's label."""
    anchor = None
    between: list[Line] = []

    def settle(lower: Line | None):
        if not between:
            return
        chain = [anchor] + between + ([lower] if lower is not None else [])
        gaps = [position[id(b)][0] - position[id(a)][1] for a, b in zip(chain, chain[1:])]
        split = len(between)
        if lower is not None and len(gaps) > 1:
            widest = max(range(len(gaps)), key=gaps.__getitem__)
            if gaps[widest] > min(gaps) + 1.5 and widest < len(between):
                split = widest
        for index, line in enumerate(between):
            yield (anchor if index < split or lower is None else lower), line
        between.clear()

    for line in run:
        if line.numeric:
            if anchor is not None:
                yield from settle(line)
            yield line, line
            anchor = line
        else:
            between.append(line)
    yield from settle(None)


def _header_rows(header: list[Line]) -> list[list[Line]]:
    """Lines of a stacked header cut into its rows where the gap is clearly wider than
    between two characters of one cell (a page break inside the header is no cut)."""
    if not header:
        return []
    gaps = [b.top - a.bottom for a, b in zip(header, header[1:]) if a.page == b.page]
    narrow = min(gaps) if gaps else 0.0
    rows = [[header[0]]]
    for above, line in zip(header, header[1:]):
        if line.page == above.page and line.top - above.bottom > narrow + 1.5:
            rows.append([])
        rows[-1].append(line)
    return rows
