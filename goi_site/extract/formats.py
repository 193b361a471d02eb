"""Text out of the formats reports are published in: HTML pages, Markdown, PDF and Word files.

Tables come out as one line per row with cells separated by tabs, which is what the
parser reads best; everything else comes out as lines of text, in reading order.
Plain .txt files are not touched here: their bytes are kept as received.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from goi_site.core.errors import InputError
from goi_site.extract.decode import MAX_BYTES, decode
from goi_site.extract.htmltables import html_text
from goi_site.extract.mdtables import markdown_text
from goi_site.extract.ocrtokens import Extracted
from goi_site.extract.pdftables import pdf_tables_text
from goi_site.extract.tablegrid import Cell, clean, table_lines

SOURCE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")
MAX_SOURCE_BYTES = 50 * 1024 * 1024  # a scanned PDF can be large; its text is small


def _cell_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ---- HTML: htmltables.py; Markdown: mdtables.py ---------------------------------

# ---- PDF -------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    return pdf_extract(data)[0]


def pdf_extract(data: bytes) -> tuple[str, tuple | None]:
    """The text of a PDF and, for a scan read by OCR, its tokens (None for a text layer)."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFSyntaxError, Exception) as exc:  # pdfminer raises many kinds on broken files
        raise InputError(f"not a readable PDF ({type(exc).__name__})") from None
    with pdf:
        text = pdf_tables_text(pdf).strip()  # tables from the page geometry, see pdftables
    if not re.search(r"[\u4e00-\u9fff]", text):
        from goi_site.extract.ocr import ocr_pdf_once  # imported here: only scans pay for the OCR engine

        return ocr_pdf_once(data)
    return text + "\n", None


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
            lines.extend(table_lines(_docx_grid(Table(block, document))))
            lines.append("")
    return "\n".join(lines).strip() + "\n"


def _docx_grid(table) -> list[list[Cell]]:
    """A Word table's rows by grid position: a merged cell once, at its first position.

    python-docx's row.cells repeats a merged cell once per grid column and per row it
    covers; the XML says where each cell starts (w:gridBefore, w:gridSpan, w:vMerge),
    so that is what is read: a vertically merged continuation is a covered (empty) cell.
    """
    from docx.oxml.ns import qn
    from docx.table import _Cell

    rows = []
    for tr in table._tbl.tr_lst:
        cells = []
        before = tr.trPr.find(qn("w:gridBefore")) if tr.trPr is not None else None
        if before is not None:
            cells.append(Cell("", int(before.get(qn("w:val")) or 1)))
        for tc in tr.tc_lst:
            span = tc.grid_span or 1
            continued = tc.vMerge == "continue"
            text = "" if continued else clean(" ".join(p.text for p in _Cell(tc, table).paragraphs))
            cells.append(Cell(text, span))
        rows.append(cells)
    return rows


# ---- dispatch --------------------------------------------------------------------


def source_text(path: Path) -> tuple[bytes, str]:
    """(bytes to keep, how they were obtained) for a report source file."""
    extracted = source_extract(path)
    return extracted.data, extracted.how


def source_extract(path: Path) -> Extracted:
    """A report source file made text: bytes to keep, how they were obtained, and for a
    scan read by OCR the tokens of its numbers."""
    suffix = path.suffix.lower()
    if suffix not in SOURCE_SUFFIXES:
        raise InputError(f"unsupported file type {suffix or '(none)'}; give .txt, .md, .html, .pdf or .docx")
    if not path.exists():
        raise InputError("no such file")
    if path.is_dir():
        raise InputError("is a directory")
    if not path.is_file():  # a FIFO or device would block or never end
        raise InputError("is not a regular file")
    size = path.stat().st_size
    limit = MAX_BYTES if suffix in (".txt", ".md", ".markdown") else MAX_SOURCE_BYTES
    if size > limit:
        raise InputError(f"{size / 1e6:.1f} MB is too large for a report (limit {limit // 2**20} MB)")
    data = path.read_bytes()
    if suffix == ".txt":
        return Extracted(data, "text")
    if not data.strip():
        raise InputError("the file is empty")
    if suffix in (".md", ".markdown"):
        return Extracted(markdown_text(decode(data)[0]).encode("utf-8"), "Markdown")
    if suffix in (".html", ".htm"):
        return Extracted(html_text(data).encode("utf-8"), "HTML")
    if suffix == ".pdf":
        if not data.startswith(b"%PDF"):
            raise InputError("the file is named .pdf but is not a PDF")
        text, tokens = pdf_extract(data)
        return Extracted(text.encode("utf-8"), "PDF" if tokens is None else "OCR", tokens)
    if not data.startswith(b"PK\x03\x04"):
        raise InputError("the file is named .docx but is not a Word .docx file (an old .doc? save it as .docx)")
    return Extracted(docx_text(data).encode("utf-8"), "Word")
