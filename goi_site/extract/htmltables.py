"""Text out of a crawled HTML page: the report's paragraphs and its tables by grid position.

What a government page holds besides the report, and what happens to it:
- navigation, headers, footers, share bars and scripts: dropped (by tag, and by the
  class or id sites give them), unless that would drop most of the page;
- the metadata table above the report (索引号, 发布机构, 名称, 生成日期 …): not a
  statistics table, so it becomes `label：value` lines at the top (see pagemeta.py);
- layout tables that hold the article: read as blocks, not as a grid;
- every other table: one line per grid row, tab-separated, blank cells empty
  (`&nbsp;` and Word's `<o:p> </o:p>` are blank, not 0), spans resolved (tablegrid.py).
"""

from __future__ import annotations

import re

from goi_site.extract.decode import decode
from goi_site.extract.pagemeta import field_lines, table_fields
from goi_site.extract.tablegrid import Cell, clean, span, table_lines

_DROP = ("script", "style", "noscript", "template", "iframe", "object", "svg", "form", "button", "select", "input")
_CHROME_TAGS = ("nav", "header", "footer", "aside")
_CHROME_NAMES = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|breadcrumbs?|crumbs?|footer|header|topbar|sidebar|share|copyright|"
    r"position|location|curpos|toolbar|search|login|banner|friendlinks?|qrcode)(?:$|[-_\s\d])",
    re.I,
)
_CHROME_SHARE = 0.5  # never drop an element that holds more than this share of the page's text
_BLOCKS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "main",
    "tr",
    "title",
    "pre",
    "blockquote",
    "dl",
    "dt",
    "dd",
    "center",
    "table",
    "caption",
    "tbody",
    "thead",
    "tfoot",
    "body",
    "html",
    "figure",
    "figcaption",
    "font",
}
_INLINE_BREAKS = {"br"}


def decode_html(data: bytes) -> str:
    head = data[:4096].decode("ascii", errors="ignore")
    match = re.search(r"charset=[\"']?([A-Za-z0-9_-]+)", head, re.I)
    if match:
        name = match.group(1).lower()
        name = "gb18030" if name in ("gb2312", "gbk", "gb18030") else name
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data)[0]


def html_text(data: bytes) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode_html(data), "html.parser")
    title = clean(soup.title.get_text(" ")) if soup.title else ""
    for node in soup(list(_DROP) + ["head"]):
        node.decompose()
    body = soup.body or soup
    meta_lines = _take_metadata(body)  # first: a site may put it inside its chrome
    _drop_chrome(body)
    lines: list[str] = []
    _walk(body, lines)
    text = "\n".join(re.sub(r"[ \t\u3000\xa0]+$", "", line) if "\t" not in line else line for line in lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    head = []
    if meta_lines:
        head.append("\n".join(meta_lines))
    if title and re.sub(r"\s+", "", title) not in re.sub(r"\s+", "", text[:2000]):
        head.append(title)
    if head:
        text = "\n\n".join(head) + "\n\n" + text
    return text + "\n"


def _text_size(node) -> int:
    return len(re.sub(r"\s+", "", node.get_text("")))


def _take_metadata(body) -> list[str]:
    """The metadata tables' fields as lines; the tables leave the page."""
    lines: list[str] = []
    for table in body.find_all("table"):
        if getattr(table, "decomposed", False) or table.find("table") is not None:
            continue
        pairs = table_fields([[cell_text(c) for c in _cells(row)] for row in _rows(table)])
        if pairs is not None:
            lines.extend(field_lines(pairs))
            table.decompose()
    return lines


def _drop_chrome(body) -> None:
    total = max(_text_size(body), 1)
    for node in list(body.find_all(True)):
        if getattr(node, "decomposed", False) or node.attrs is None:
            continue
        names = " ".join([node.get("id") or "", *(node.get("class") or [])])
        if node.name in _CHROME_TAGS or (names and _CHROME_NAMES.search(names)):
            holds_table = any(len(_rows(t)) > 3 for t in node.find_all("table"))
            if not holds_table and _text_size(node) <= total * _CHROME_SHARE:
                node.decompose()


def cell_text(node) -> str:
    """A table cell's text: paragraphs and spans joined (no space between Chinese characters)."""
    from bs4 import NavigableString, Tag

    parts: list[str] = []

    def visit(n):
        for child in n.children:
            if isinstance(child, NavigableString):
                parts.append(str(child))
            elif isinstance(child, Tag):
                block = child.name in _BLOCKS or child.name in _INLINE_BREAKS
                if block:
                    parts.append(" ")
                visit(child)
                if block:
                    parts.append(" ")

    visit(node)
    return clean("".join(parts))


def _rows(table) -> list:
    """The table's own rows (not those of a table nested in it)."""
    return [row for row in table.find_all("tr") if row.find_parent("table") is table]


def _cells(row) -> list:
    return row.find_all(["td", "th"], recursive=False)


def _walk(node, lines: list[str]) -> None:
    from bs4 import NavigableString, Tag

    buffer: list[str] = []

    def flush():
        joined = clean("".join(buffer))
        if joined:
            lines.append(joined)
        buffer.clear()

    for child in node.children:
        if isinstance(child, NavigableString):
            buffer.append(str(child))
        elif isinstance(child, Tag):
            if child.name == "table":
                flush()
                _table(child, lines)
            elif child.name in _INLINE_BREAKS:
                flush()
            elif child.name in _BLOCKS:
                flush()
                _walk(child, lines)
                flush()
            elif child.find(["table", "p", "div", "br", "tr"]):
                flush()
                _walk(child, lines)
                flush()
            else:
                buffer.append(child.get_text(""))
    flush()


def _table(table, lines: list[str]) -> None:
    rows = _rows(table)
    if table.find("table") is not None:  # a layout table: the article sits in its cells
        for row in rows:
            for cell in _cells(row):
                _walk(cell, lines)
        return
    grid = [[Cell(cell_text(c), span(c.get("colspan")), span(c.get("rowspan"))) for c in _cells(row)] for row in rows]
    caption = table.find("caption")
    if caption is not None and caption.find_parent("table") is table:
        lines.append(cell_text(caption))
    lines.extend(table_lines(grid))
    lines.append("")
