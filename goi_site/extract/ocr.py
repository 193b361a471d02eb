"""Scanned PDFs (no text layer): page images → OCR boxes → table rows as tab-separated lines.

    text, tokens = ocr_pdf(pdf_bytes)

The text has the shape every extractor gives (one line per table row, cells separated by
single tabs, a blank grid cell an empty field); `tokens` holds, for every number read, its
line, field, text and the engine's confidence (extract/ocrtokens.py), so the values parsed
from the text can be marked as OCR output (check/ocrmark.py). The engine is RapidOCR (PP-OCRv4 models shipped
inside the rapidocr-onnxruntime wheel: nothing is downloaded at run time); it is imported
only here, and this module only when a PDF has no text layer, so text reports never pay.

Table structure comes from the page itself: the page is deskewed (a scan is never
straight), ruling lines are found in the pixels (long dark runs), rows are the bands
between horizontal rulings and cells the spans between the vertical rulings of each band;
each OCR box goes to the cell holding its centre. A cell the detector left empty though
it holds ink (a lone `0` in a wide cell is easy to miss) is read again by the recogniser
alone. A row broken by a page break is joined when its label is visibly cut; the title,
printed over two lines in a large font, is one line. Boxes outside any table become text
lines, grouped by their vertical overlap.

Nothing here decides whether a number is right: look-alike repairs (O → 0, l → 1, 。 → .)
are recorded in the tokens, and check/ocrmark.py keeps a value only where the form's sums
allow it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from goi_site.core.errors import InputError
from goi_site.extract.ocrtokens import Token

RENDER_DPI = 200  # scans are usually 150–300 dpi; the recogniser resizes text lines anyway
MAX_PAGES = 60
INK = 160  # gray level below which a pixel is ink (paper ≈ 240, ink ≈ 20 after noise)
RULE_RUN = 0.06  # a ruling line: a dark run at least this share of the page width
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
MAX_RULE = 6  # pixels: a ruling line is thin at any scan resolution up to 300 dpi
_SPECKS = re.compile(r"[.:,;'`·、。，：]*(\d+(?:\.\d+)?)[.:,;'`·、。，：]*")
# characters the recogniser prints for digits and dots; a repair is recorded with what was
# printed and stands only where the form's sums confirm it (check/ocrmark.py)
_LOOKALIKE = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "〇": "0",
        "０": "0",
        "D": "0",
        "l": "1",
        "I": "1",
        "|": "1",
        "ｌ": "1",
        "丨": "1",
        "。": ".",
        "．": ".",
    }
)


@dataclass(frozen=True)
class Box:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    confidence: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


# ---- pages -----------------------------------------------------------------------


def page_images(data: bytes) -> list[np.ndarray]:
    """Each page as a grayscale array, rendered from the PDF (any image codec pdfium reads)."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise InputError(f"not a readable PDF ({exc})") from None
    try:
        if len(document) > MAX_PAGES:
            raise InputError(f"{len(document)} pages is too many for a scanned report (limit {MAX_PAGES})")
        pages = []
        for index in range(len(document)):
            bitmap = document[index].render(scale=RENDER_DPI / 72, grayscale=True)
            pages.append(np.asarray(bitmap.to_pil().convert("L")))
        return pages
    finally:
        document.close()


def skew_angle(gray: np.ndarray) -> float:
    """The page's rotation in degrees: the angle whose row profile of ink is sharpest
    (text lines and rulings line up with pixel rows when the page is straight)."""
    from PIL import Image

    small = Image.fromarray(gray).reduce(2)
    best, best_angle = -1.0, 0.0
    for step in range(-30, 31):  # −3° … +3° by 0.1°
        angle = step / 10
        turned = np.asarray(small.rotate(angle, resample=Image.NEAREST, fillcolor=255)) < INK
        profile = turned.sum(axis=1).astype(np.float64)
        score = float(np.square(np.diff(profile)).sum())
        if score > best:
            best, best_angle = score, angle
    return best_angle


def straighten(gray: np.ndarray) -> np.ndarray:
    from PIL import Image

    angle = skew_angle(gray)
    if not angle:
        return gray
    return np.asarray(Image.fromarray(gray).rotate(angle, resample=Image.BICUBIC, fillcolor=255))


# ---- ruling lines and the grid ----------------------------------------------------


def _runs(mask: np.ndarray, length: int) -> np.ndarray:
    """Per pixel: is it inside a run of at least `length` True values along axis 1."""
    padded = np.pad(mask.astype(np.int32), ((0, 0), (1, 0)))
    sums = np.cumsum(padded, axis=1)
    full = (sums[:, length:] - sums[:, :-length]) == length  # windows starting at x
    # spread each full window over its length with a running sum of starts minus ends
    marks = np.zeros((mask.shape[0], mask.shape[1] + 1), dtype=np.int32)
    marks[:, : full.shape[1]] += full
    marks[:, length : length + full.shape[1]] -= full
    return np.cumsum(marks, axis=1)[:, : mask.shape[1]] > 0


def _group(positions: np.ndarray, gap: int = 3) -> list[tuple[int, int]]:
    """Consecutive indices grouped: [(first, last), …]."""
    groups: list[tuple[int, int]] = []
    for p in positions.tolist():
        if groups and p - groups[-1][1] <= gap:
            groups[-1] = (groups[-1][0], p)
        else:
            groups.append((p, p))
    return groups


@dataclass
class Grid:
    """One table: the y of its horizontal rulings and, per row band, the x of its verticals."""

    left: int
    right: int
    rows: list[tuple[int, int]]  # (top, bottom) of each band
    columns: list[list[int]]  # per band: x of the vertical rulings, left to right

    def band_of(self, box: Box) -> int | None:
        if not (self.left <= box.cx <= self.right):
            return None
        return next((r for r, (top, bottom) in enumerate(self.rows) if top <= box.cy < bottom), None)

    def split(self, box: Box) -> list[Box]:
        """A box that runs across vertical rulings of its band, cut at them.

        With the rulings erased, the detector joins text of neighbouring cells when they
        sit close (`行政事业性收费 0`, a row of one-digit cells, a header wrapped in narrow
        columns). Whitespace-separated words go to the cells they fall in when there is one
        per cell; otherwise the text is cut where its estimated advance (a CJK character is
        one em, a digit or Latin letter half) crosses each ruling."""
        band = self.band_of(box)
        if band is None:
            return [box]
        margin = (box.y1 - box.y0) * 0.3
        cuts = [x for x in self.columns[band] if box.x0 + margin < x < box.x1 - margin]
        if not cuts:
            return [box]
        bounds = [box.x0, *cuts, box.x1]
        words = box.text.split()
        if len(words) == len(bounds) - 1:
            pieces = words
        else:
            text = box.text.replace(" ", "")
            advance = np.cumsum([1.0 if ord(ch) > 0x2E80 else 0.5 for ch in text])
            scale = (box.x1 - box.x0) / advance[-1]
            ends = [int(np.searchsorted(advance * scale, cut - box.x0)) for cut in cuts]
            pieces = [text[a:b] for a, b in zip([0, *ends], [*ends, len(text)])]
        return [
            Box(piece, left, box.y0, right, box.y1, box.confidence)
            for piece, left, right in zip(pieces, bounds, bounds[1:])
            if piece
        ]

    def cell_of(self, box: Box) -> tuple[int, int] | None:
        if not (self.left <= box.cx <= self.right):
            return None
        for r, (top, bottom) in enumerate(self.rows):
            if top <= box.cy < bottom:
                edges = self.columns[r]
                for c in range(len(edges) - 1):
                    if edges[c] <= box.cx < edges[c + 1]:
                        return r, c
                return None
        return None


def find_grids(gray: np.ndarray) -> list[Grid]:
    ink = gray < INK
    height, width = ink.shape
    run = max(20, int(width * RULE_RUN))
    horizontal = _runs(ink, run)
    counts = horizontal.sum(axis=1)
    rule_rows = _group(np.flatnonzero(counts > width * 0.15), gap=1)
    rulings = []
    for top, bottom in rule_rows:
        if bottom - top > MAX_RULE:
            continue  # a filled bar (a redaction, a banner), not a line
        xs = np.flatnonzero(horizontal[top : bottom + 1].any(axis=0))
        rulings.append(((top + bottom) // 2, int(xs.min()), int(xs.max())))
    grids: list[Grid] = []
    current: list[tuple[int, int, int]] = []
    for ruling in rulings + [None]:
        if (
            ruling
            and current
            and ruling[0] - current[-1][0] < height * 0.25
            and min(ruling[2], current[-1][2]) - max(ruling[1], current[-1][1]) > width * 0.3
        ):
            current.append(ruling)
            continue
        if len(current) >= 2:
            grids.append(_grid(ink, current))
        current = [ruling] if ruling else []
    return grids


def _grid(ink: np.ndarray, rulings: list[tuple[int, int, int]]) -> Grid:
    left = min(r[1] for r in rulings)
    right = max(r[2] for r in rulings)
    rows, columns = [], []
    for (top, _, _), (bottom, _, _) in zip(rulings, rulings[1:]):
        inner = ink[top + 3 : bottom - 2, max(0, left - 3) : right + 4]
        if inner.shape[0] < 4:
            continue
        share = inner.mean(axis=0)
        verticals = [max(0, left - 3) + (a + b) // 2 for a, b in _group(np.flatnonzero(share > 0.8))]
        edges = sorted({left, right, *verticals})
        edges = [x for i, x in enumerate(edges) if i == 0 or x - edges[i - 1] > 6]
        rows.append((top, bottom))
        columns.append(edges)
    return Grid(left, right, rows, columns)


def erase_rulings(gray: np.ndarray, grids: list[Grid]) -> np.ndarray:
    """The page with its table rulings painted over: the recogniser reads `|` and `一` from them."""
    page = gray.copy()
    for grid in grids:
        for r, (top, bottom) in enumerate(grid.rows):
            for y in (top, bottom):
                page[max(0, y - 3) : y + 4, grid.left - 3 : grid.right + 4] = 255
            for x in grid.columns[r]:
                page[top : bottom + 1, max(0, x - 3) : x + 4] = 255
    return page


# ---- the engine -----------------------------------------------------------------


@lru_cache(maxsize=1)
def _engine():
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError:
        raise InputError(
            "the PDF has no text layer and OCR is not installed (pip install rapidocr-onnxruntime)"
        ) from None
    return RapidOCR()


def read_cell(crop: np.ndarray) -> tuple[str, float]:
    """The text of one cell image, recognised without detection (the detector misses a
    lone small digit, typically a `0`, in a wide cell; the recogniser reads it)."""
    result, _ = _engine()(np.stack([crop] * 3, axis=-1), use_det=False, use_cls=False, use_rec=True)
    if not result:
        return "", 0.0
    text, confidence = result[0][0], result[0][1]
    return str(text).strip(), float(confidence)


def read_boxes(gray: np.ndarray) -> list[Box]:
    result, _ = _engine()(np.stack([gray] * 3, axis=-1), use_cls=False)
    boxes = []
    for points, text, confidence in result or []:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        boxes.append(Box(text.strip(), min(xs), min(ys), max(xs), max(ys), float(confidence)))
    return [b for b in boxes if b.text]


# ---- boxes → lines --------------------------------------------------------------


def _join(boxes: list[Box]) -> str:
    """Text of the boxes of one cell or line: wrapped lines joined, reading order."""
    lines = _lines(boxes)
    parts = []
    for line in lines:
        line.sort(key=lambda b: b.x0)
        text = ""
        for previous, box in zip([None, *line], line):
            gap = "" if previous is None or box.x0 - previous.x1 < (box.y1 - box.y0) else " "
            text += gap + box.text
        parts.append(text)
    return "".join(parts)


def _lines(boxes: list[Box]) -> list[list[Box]]:
    """Boxes grouped into text lines by vertical overlap, top to bottom."""
    lines: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: b.cy):
        if lines:
            last = lines[-1]
            top = min(b.y0 for b in last)
            bottom = max(b.y1 for b in last)
            overlap = min(bottom, box.y1) - max(top, box.y0)
            if overlap > 0.5 * min(bottom - top, box.y1 - box.y0):
                last.append(box)
                continue
        lines.append([box])
    return lines


def _cell_value(text: str) -> str:
    """A cell that reads as a number, give or take letter-O zeros and a speck of dust read
    as a dot or colon beside it, is that number; anything else stays as read."""
    fixed = _SPECKS.fullmatch(text.replace(" ", "").translate(_LOOKALIKE))
    return fixed.group(1) if fixed else text


CELL_MARGIN = 5  # pixels kept clear of the rulings when looking for ink inside a cell
CELL_INK = 20  # dark pixels: fewer is dust, not a character
CELL_PAD = 8


def inked_crop(page: np.ndarray, top: int, bottom: int, left: int, right: int) -> np.ndarray | None:
    """The ink inside one grid cell, cropped with a white border, or None for a blank cell
    (paper, dust, the trace of an erased ruling)."""
    inner = page[top + CELL_MARGIN : bottom - CELL_MARGIN + 1, left + CELL_MARGIN : right - CELL_MARGIN + 1]
    if inner.size == 0:
        return None
    ink = inner < INK
    if int(ink.sum()) < CELL_INK:
        return None
    rows = np.flatnonzero(ink.sum(axis=1) >= 2)  # a row of ink, not one dust pixel
    cols = np.flatnonzero(ink.sum(axis=0) >= 2)
    if len(rows) == 0 or len(cols) == 0 or rows[-1] - rows[0] < 8:
        return None  # too flat to be a character (a ruling's trace)
    if rows[-1] - rows[0] >= 0.9 * (inner.shape[0] - 1) and cols[-1] - cols[0] < 6:
        return None  # a thin stroke from the top of the cell to its bottom: a vertical ruling's trace, not a 1
    crop = inner[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    return np.pad(crop, CELL_PAD, constant_values=255)


def page_lines(
    gray: np.ndarray, read=read_boxes, reread=read_cell
) -> list[tuple[float, list[tuple[str, float | None]], float]]:
    """(y, fields, height) of every line of one page, top to bottom; a field is (text,
    confidence of a number); height is a text line's glyph height (0 for a table row).
    `reread`: the recogniser for a grid cell the detector left empty though it holds ink
    (None: such cells stay empty)."""
    gray = straighten(gray)
    grids = find_grids(gray)
    page = erase_rulings(gray, grids) if grids else gray
    boxes = read(page)
    placed: dict[tuple[int, int, int], list[Box]] = {}
    loose: list[Box] = []
    for box in boxes:
        for g, grid in enumerate(grids):
            pieces = grid.split(box)
            cells = [grid.cell_of(piece) for piece in pieces]
            if cells[0] is not None:
                for piece, cell in zip(pieces, cells):
                    if cell is not None:
                        placed.setdefault((g, *cell), []).append(piece)
                break
        else:
            loose.append(box)
    if reread is not None:
        _reread_empty_cells(page, grids, placed, reread)
    out: list[tuple[float, list[tuple[str, float | None]], float]] = []
    for line in _lines(loose):
        out.append((min(b.y0 for b in line), [(_join(line), None, "")], float(np.median([b.y1 - b.y0 for b in line]))))
    for g, grid in enumerate(grids):
        for r, (top, _) in enumerate(grid.rows):
            fields = []
            for c in range(len(grid.columns[r]) - 1):
                cell = placed.get((g, r, c), [])
                printed = _join(cell)
                text = _cell_value(printed)
                number = _NUMBER.fullmatch(text)
                repaired = printed if number and printed != text else ""
                fields.append((text, min(b.confidence for b in cell) if number else None, repaired))
            if any(text for text, _, _ in fields):
                out.append((top, fields, 0.0))
    out.sort(key=lambda item: item[0])
    return out


def _reread_empty_cells(page: np.ndarray, grids: list[Grid], placed: dict, reread) -> None:
    for g, grid in enumerate(grids):
        for r, (top, bottom) in enumerate(grid.rows):
            edges = grid.columns[r]
            for c in range(len(edges) - 1):
                if (g, r, c) in placed:
                    continue
                crop = inked_crop(page, top, bottom, edges[c], edges[c + 1])
                if crop is None:
                    continue
                text, confidence = reread(crop)
                if text:
                    placed[(g, r, c)] = [Box(text, edges[c], top, edges[c + 1], bottom, confidence)]


_CJK = re.compile(r"[\u4e00-\u9fff]")
TITLE_RATIO = 1.15  # a title's text boxes are this much taller than the body's (measured: 58 px vs 47 at 200 dpi)


def _title_joined(page: list) -> list:
    """The report's title printed over two or more lines in a large font (淮安市洪泽区人民政府 /
    2024年政府信息公开工作年度报告) is one line, as a text layer gives it: the first lines of
    the first page whose glyphs are clearly taller than the body text's are joined."""
    heights = [h for _, _, h in page if h]
    if len(heights) < 4:
        return page
    body = float(np.median(heights))
    start = next((i for i, (_, fields, h) in enumerate(page) if h and _CJK.search(fields[0][0])), None)
    if start is None or page[start][2] < TITLE_RATIO * body:
        return page
    end = start
    while end + 1 < len(page) and page[end + 1][2] >= TITLE_RATIO * body and len(page[end + 1][1]) == 1:
        end += 1
    if end == start:
        return page
    joined = "".join(fields[0][0] for _, fields, _ in page[start : end + 1])
    return page[:start] + [(page[start][0], [(joined, None, "")], page[start][2])] + page[end + 1 :]


def _unbalanced(before: str, after: str) -> bool:
    opened = lambda text: text.count("（") + text.count("(") - text.count("）") - text.count(")")  # noqa: E731
    return opened(before) > 0 and opened(after) < 0


def _rows_joined_across_pages(pages: list[list]) -> list[list[tuple[str, float | None, str]]]:
    """Every line's fields, page after page, with a table row broken by a page break made
    one row: when a page's first table row holds only text (a wrapped label's last lines,
    no number) in a row of the same cells as the previous page's last table row, nothing
    but page furniture (a page number, no Chinese) lies between them, and the label is
    visibly cut (a bracket opened before the break and closed after it: `（二）部分公开（区分
    处理的，只` / `计这一情形，不计其他情形）`), its texts are appended to that row's cells.
    Without that sign the rows stay apart: a new block of the same table (第二十条第（八）项)
    also starts a page with a text-only row."""
    out: list[list[tuple[str, float | None, str]]] = []
    last_row: int | None = None  # index in out of the previous page's last table row
    for page in pages:
        between = True  # nothing with Chinese text yet on this page
        for _, fields, _ in page:
            table_row = len(fields) > 1
            if (
                table_row
                and between
                and last_row is not None
                and len(out[last_row]) == len(fields)
                and all(confidence is None for _, confidence, _ in fields)
                and not any(_NUMBER.search(text) and not _CJK.search(text) for text, _, _ in fields)
                and all(not _CJK.search(" ".join(t for t, _, _ in line)) for line in out[last_row + 1 :])
                and _unbalanced("".join(t for t, _, _ in out[last_row]), "".join(t for t, _, _ in fields))
            ):
                out[last_row] = [
                    (a + b, confidence, repaired) for (a, confidence, repaired), (b, _, _) in zip(out[last_row], fields)
                ]
                between = False
                continue
            if _CJK.search(" ".join(text for text, _, _ in fields)):
                between = False
            out.append(fields)
            if table_row:
                last_row = len(out) - 1
    return out


def ocr_pdf(data: bytes, read=read_boxes, reread=read_cell) -> tuple[str, list[Token]]:
    """The text of a scanned PDF, and the confidence of every number in it.
    `read`: the engine, page image → boxes, and `reread`, cell image → text (bench/ocr_bench.py
    compares another engine, without the re-reading)."""
    pages = [page_lines(gray, read, reread) for gray in page_images(data)]
    if pages:
        pages[0] = _title_joined(pages[0])
    lines: list[str] = []
    tokens: list[Token] = []
    for fields in _rows_joined_across_pages(pages):
        for index, (text, confidence, repaired) in enumerate(fields):
            if confidence is not None:
                tokens.append(Token(len(lines) + 1, index, text, round(confidence, 3), repaired))
        lines.append("\t".join(text.replace("\t", " ") for text, _, _ in fields))
    text = "\n".join(lines).strip("\n")
    if not re.search(r"[\u4e00-\u9fff]", text):
        raise InputError("the PDF has no text layer, and OCR found no Chinese text on its pages")
    return text + "\n", tokens


def ocr_pdf_once(data: bytes) -> tuple[str, tuple[Token, ...]]:
    """The text of a scanned PDF and its tokens, returned together (the caller hands the
    tokens on). A scan read once in this process is not read again: OCR takes seconds per
    page, and `goi add` then `goi parse` of the same file in one process is common in tests."""
    key = hashlib.sha256(data).hexdigest()
    if key not in _DONE:
        text, tokens = ocr_pdf(data)
        _DONE[key] = (text, tuple(tokens))
        while len(_DONE) > 8:  # a few scans, not a whole corpus, stay in memory
            _DONE.pop(next(iter(_DONE)))
    return _DONE[key]


_DONE: dict[str, tuple[str, tuple[Token, ...]]] = {}
