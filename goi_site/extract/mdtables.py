"""Text out of a Markdown file, as PDF→Markdown converters write reports.

Pipe tables (and HTML tables the converter left inline) become one tab-separated line
per row, as the parser reads every table. What converters do to a report's tables,
and what is undone here, without inventing a cell:
- a wrapped row label that became its own row above the numbers is joined to its row
  (into the row's empty label cell, or in front of a label that continues it);
- page footers (`— 4 —`, `第 4 页`) printed between table rows are dropped, so the
  table continues;
- an annotated cell pulled out of its row (`| 22（其中修订 16 件） |`) goes back into
  the one empty cell of the row it came from, as its number; the annotation is not a cell
  of the form and is left out (printed beside a label it would read as another row);
- group labels printed as extra cells, and a row whose label is lost but whose numbers
  are in order, are kept as they are (the parser places them by their neighbours).
Headings lose their `#`, emphasis its `*`; other lines are kept in order.
"""

from __future__ import annotations

import re

from goi_site.extract.tablegrid import clean

_FOOTER = re.compile(
    r"^\s*(?:[-—–―－]+\s*\d{1,3}\s*[-—–―－]+|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$"
)
_SEPARATOR_ROW = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.\d+)?$|^[-—–/无空]$")
_ANNOTATED = re.compile(r"^(?P<number>\d+(?:\.\d+)?)\s*(?P<note>[（(][^）)]*[）)])$")
_ENUMERATED = re.compile(
    r"^(?:[（(]\s*[一二三四五六七八九十\d]+\s*[）)]|[一二三四五六七八九十]+\s*[、.．]|\d+\s*[.．、])"
)
_OPEN_BRACKETS = "（(“"
_CLOSE_BRACKETS = "）)”"
_WRAPS_ON = "，,、：:；;和及或的"
_EMPHASIS = re.compile(r"(\*\*|__|\*|~~)")
_HTML_BREAK = re.compile(r"<br\s*/?>", re.I)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def markdown_text(text: str) -> str:
    text = _COMMENT.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        if stripped.lower().startswith("<table"):
            end = i
            while end < len(lines) and "</table>" not in lines[end].lower():
                end += 1
            out.extend(_html_table("\n".join(lines[i : end + 1])))
            i = end + 1
            continue
        if _is_pipe_row(stripped):
            block, i = _table_block(lines, i)
            out.extend(table_text(block))
            out.append("")
            continue
        plain = _plain(lines[i])
        if plain.strip():  # blank lines are Markdown's paragraph syntax, not the report's text
            out.append(plain)
        i += 1
    result = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")
    return result + "\n"


def _plain(line: str) -> str:
    line = _IMAGE.sub("", line)
    line = re.sub(r"^\s{0,3}#{1,6}\s*", "", line)
    line = re.sub(r"^\s{0,3}>\s?", "", line)
    line = _EMPHASIS.sub("", _HTML_BREAK.sub(" ", line))
    return line.rstrip()


def _html_table(html: str) -> list[str]:
    from goi_site.extract.htmltables import html_text

    return html_text(f"<html><body>{html}</body></html>".encode()).rstrip("\n").split("\n") + [""]


def _is_pipe_row(line: str) -> bool:
    return line.startswith("|") and line.count("|") >= 2


def _table_block(lines: list[str], start: int) -> tuple[list[list[str]], int]:
    """The rows of a pipe table from `start`, across page footers and the blank lines around them."""
    rows: list[list[str]] = []
    i = start
    while i < len(lines):
        stripped = lines[i].strip()
        if _is_pipe_row(stripped):
            if not _SEPARATOR_ROW.match(stripped):
                rows.append(split_row(stripped))
            i += 1
            continue
        if not stripped or _FOOTER.match(stripped):
            ahead = i
            while ahead < len(lines) and (not lines[ahead].strip() or _FOOTER.match(lines[ahead].strip())):
                ahead += 1
            footer_between = any(_FOOTER.match(lines[k].strip()) for k in range(i, ahead))
            if footer_between and ahead < len(lines) and _is_pipe_row(lines[ahead].strip()):
                i = ahead  # a page break inside the table: it goes on
                continue
        break
    return rows, i


def split_row(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    cells = re.split(r"(?<!\\)\|", body)
    return [clean(_EMPHASIS.sub("", _HTML_BREAK.sub(" ", c.replace("\\|", "|")))) for c in cells]


def _is_number(cell: str) -> bool:
    return bool(_NUMBER.match(cell.replace(" ", "")))


def _first_number(row: list[str]) -> int | None:
    return next((i for i, c in enumerate(row) if _is_number(c)), None)


def _label(row: list[str], limit: int | None = None) -> str:
    cells = row if limit is None else row[:limit]
    return "".join(c for c in cells if c and not _is_number(c))


def _label_only(row: list[str]) -> bool:
    return _first_number(row) is None and any(row)


def _unclosed(text: str) -> bool:
    return sum(text.count(c) for c in _OPEN_BRACKETS) > sum(text.count(c) for c in _CLOSE_BRACKETS)


def table_text(rows: list[list[str]]) -> list[str]:
    rows = [r for r in rows if not (len([c for c in r if c]) == 1 and _FOOTER.match(next(c for c in r if c)))]
    rows = _join_wrapped_labels(_put_back_annotated(rows))
    return ["\t".join(r) for r in rows if any(r)]


def _join_wrapped_labels(rows: list[list[str]]) -> list[list[str]]:
    out: list[list[str]] = []
    pending: list[list[str]] = []  # label-only rows waiting for the numbers below them
    for row in rows:
        if _label_only(row) and _is_lone_label(row):
            if pending and _ENUMERATED.match(_label(row)):
                _flush(out, pending)
            pending.append(row)
            continue
        if pending:
            joined = _join(_merged(pending), row) if _first_number(row) is not None else None
            if joined is None:
                _flush(out, pending)
            else:
                row = joined
            pending = []
        out.append(row)
    _flush(out, pending)
    return out


def _flush(out: list[list[str]], pending: list[list[str]]) -> None:
    """Label-only rows that no row of numbers claimed: a label finishing the row above, or rows of their own."""
    if len(pending) == 1 and out and _continues_below(out[-1], pending[0]):
        out[-1] = _append_label(out[-1], pending[0])
    else:
        out.extend(pending)
    pending.clear()


def _merged(label_rows: list[list[str]]) -> list[str]:
    """A label wrapped over several rows, as one row."""
    width = max(len(r) for r in label_rows)
    cells = [""] * width
    for row in label_rows:
        for i, c in enumerate(row):
            cells[i] += c
    return cells


def _is_lone_label(row: list[str]) -> bool:
    """One stretch of label text (a wrapped label), not a header row with a label per column."""
    filled = [i for i, c in enumerate(row) if c]
    return len(filled) == 1 or (len(filled) == 2 and filled[1] == filled[0] + 1 and len(row) > 4)


def _join(label_row: list[str], row: list[str]) -> list[str] | None:
    """The row with its detached label put back (cell by cell), or None when the label is not its own."""
    first = _first_number(row)
    positions = [i for i, c in enumerate(label_row) if c]
    if first is None or positions[-1] >= first:
        return None  # the label row has text above the numbers: a header, not a label
    cells = list(row)
    for i in positions:
        own = cells[i]
        wrapped = _unclosed(label_row[i]) or label_row[i][-1:] in _WRAPS_ON
        if own and _ENUMERATED.match(own) and not wrapped:
            return None  # the row has its own label; the one above stands alone (a group label)
    for i in positions:
        cells[i] = label_row[i] + cells[i]
    return cells


def _continues_below(previous: list[str], label_row: list[str]) -> bool:
    """A label-only row that finishes the label of the row above it (`不计其他情形）`)."""
    text = _label(label_row)
    if _ENUMERATED.match(text) or _first_number(previous) is None:
        return False
    above = _label(previous, _first_number(previous))
    return _unclosed(above) or above[-1:] in _WRAPS_ON


def _append_label(row: list[str], label_row: list[str]) -> list[str]:
    cells = list(row)
    first = _first_number(cells) or len(cells)
    index = max((i for i in range(first) if cells[i]), default=0)
    cells[index] = cells[index] + _label(label_row)
    return cells


def _put_back_annotated(rows: list[list[str]]) -> list[list[str]]:
    skip: set[int] = set()
    rows = [list(r) for r in rows]
    for index, row in enumerate(rows):
        filled = [c for c in row if c]
        match = _ANNOTATED.match(filled[0].replace(" ", "")) if len(filled) == 1 else None
        if match is None:
            continue
        for neighbour in (index - 1, index + 1):
            if 0 <= neighbour < len(rows) and neighbour not in skip:
                holes = _holes(rows[neighbour])
                if len(holes) == 1:
                    rows[neighbour][holes[0]] = match.group("number")
                    skip.add(index)
                    break
    return [r for i, r in enumerate(rows) if i not in skip]


def _holes(row: list[str]) -> list[int]:
    """The empty cells among a row's values (where a pulled-out cell left its place)."""
    numbers = [i for i, c in enumerate(row) if _is_number(c)]
    if not numbers:
        return []
    labels = [i for i, c in enumerate(row) if c and not _is_number(c)]
    start = labels[-1] + 1 if labels else 0
    inner = [i for i in range(start, numbers[-1]) if not row[i]]
    trailing = [i for i in range(numbers[-1] + 1, len(row)) if not row[i]]
    return inner or (trailing if len(trailing) == 1 else [])
