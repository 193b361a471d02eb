"""Text out of the formats reports are published in: HTML pages, PDF and Word files.

Tables come out as one line per row with cells separated by tabs, which is what the
parser reads best; everything else comes out as lines of text, in reading order.
Plain .txt files are not touched here: their bytes are kept as received.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from .decode import MAX_BYTES, decode
from .errors import InputError

SOURCE_SUFFIXES = (".txt", ".html", ".htm", ".pdf", ".docx")
MAX_SOURCE_BYTES = 50 * 1024 * 1024  # a scanned PDF can be large; its text is small


def _cell_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ---- HTML ------------------------------------------------------------------------

_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "br", "tr", "title", "pre"}


def html_text(data: bytes) -> str:
    from bs4 import BeautifulSoup

    text = _decode_html(data)
    soup = BeautifulSoup(text, "html.parser")
    for node in soup(["script", "style", "noscript", "template", "head"]):
        if node.name != "head":
            node.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    if soup.head:
        soup.head.decompose()
    lines: list[str] = []
    body = soup.body or soup
    _walk(body, lines)
    out = [line for line in (re.sub(r"[ \t\u3000\xa0]+$", "", l) for l in lines)]
    text = "\n".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    if title and title not in text[:500]:
        text = title + "\n\n" + text
    return text + "\n"


def _walk(node, lines: list[str]) -> None:
    from bs4 import NavigableString, Tag

    buffer: list[str] = []

    def flush():
        joined = _cell_text("".join(buffer))
        if joined:
            lines.append(joined)
        buffer.clear()

    for child in node.children:
        if isinstance(child, NavigableString):
            buffer.append(str(child))
        elif isinstance(child, Tag):
            if child.name == "table":
                flush()
                for row in child.find_all("tr"):
                    if row.find_parent("table") is not child:
                        continue  # rows of a nested table are read with it
                    cells = [_cell_text(c.get_text(" ")) for c in row.find_all(["td", "th"], recursive=False)]
                    lines.append("\t".join(cells))
                lines.append("")
            elif child.name == "br":
                flush()
            elif child.name in _BLOCKS:
                flush()
                _walk(child, lines)
                flush()
            else:
                buffer.append(child.get_text(""))
    flush()


def _decode_html(data: bytes) -> str:
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


# ---- PDF -------------------------------------------------------------------------

def pdf_text(data: bytes) -> str:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFSyntaxError, Exception) as exc:  # pdfminer raises many kinds on broken files
        raise InputError(f"not a readable PDF ({type(exc).__name__})") from None
    parts: list[str] = []
    with pdf:
        for page in pdf.pages:
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]
            blocks: list[tuple[float, str]] = []
            for table in tables:
                rows = table.extract()
                text = "\n".join("\t".join(_cell_text(c or "") for c in row) for row in rows)
                blocks.append((table.bbox[1], text))

            def outside(obj, boxes=boxes):
                x = (obj["x0"] + obj["x1"]) / 2
                y = (obj["top"] + obj["bottom"]) / 2
                return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

            rest = page.filter(outside) if boxes else page
            for line in rest.extract_text_lines(layout=False, strip=True):
                blocks.append((line["top"], line["text"]))
            blocks.sort(key=lambda b: b[0])
            parts.append("\n".join(text for _, text in blocks))
    text = "\n".join(parts).strip()
    if not re.search(r"[\u4e00-\u9fff]", text):  # no text layer: a scan
        from .ocr import ocr_pdf_text  # imported here: only scans pay for the OCR engine

        return ocr_pdf_text(data)
    return text + "\n"


# ---- Word ------------------------------------------------------------------------

def docx_text(data: bytes) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"not a readable Word .docx file ({type(exc).__name__})") from None
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = _cell_text(Paragraph(block, document).text)
            lines.append(text)
        elif tag == "tbl":
            table = Table(block, document)
            for row in table.rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell appears once per column it spans
                        continue
                    seen.add(id(cell._tc))
                    cells.append(_cell_text(cell.text))
                lines.append("\t".join(cells))
            lines.append("")
    return "\n".join(lines).strip() + "\n"


# ---- dispatch --------------------------------------------------------------------

def source_text(path: Path) -> tuple[bytes, str]:
    """(bytes to keep, how they were obtained) for a report source file."""
    suffix = path.suffix.lower()
    if suffix not in SOURCE_SUFFIXES:
        raise InputError(f"unsupported file type {suffix or '(none)'}; give .txt, .html, .pdf or .docx")
    if not path.exists():
        raise InputError("no such file")
    if path.is_dir():
        raise InputError("is a directory")
    size = path.stat().st_size
    limit = MAX_BYTES if suffix == ".txt" else MAX_SOURCE_BYTES
    if size > limit:
        raise InputError(f"{size / 1e6:.1f} MB is too large for a report (limit {limit // 2**20} MB)")
    data = path.read_bytes()
    if suffix == ".txt":
        return data, "text"
    if not data.strip():
        raise InputError("the file is empty")
    if suffix in (".html", ".htm"):
        return html_text(data).encode("utf-8"), "HTML"
    if suffix == ".pdf":
        if not data.startswith(b"%PDF"):
            raise InputError("the file is named .pdf but is not a PDF")
        return pdf_text(data).encode("utf-8"), "PDF"
    if not data.startswith(b"PK\x03\x04"):
        raise InputError("the file is named .docx but is not a Word .docx file (an old .doc? save it as .docx)")
    return docx_text(data).encode("utf-8"), "Word"
