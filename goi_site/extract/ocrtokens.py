"""What OCR read, beside the text it produced: one token per number, and the sidecar file
that keeps them next to a report's text in data/.

Extraction returns an `Extracted` (the bytes to keep, how they were obtained, and for a
scan the tokens); the reader and `goi add` hand the tokens to check/ocrmark.py, which marks
the parsed values and empties the rows whose sums fail. Nothing is remembered between
calls: the tokens travel with the text. This module is small and imports nothing heavy,
so text reports never load the OCR engine (extract/ocr.py) to know they were not scanned.

The sidecar `<year>.ocr.tsv` holds one number per line: line, field, text as parsed,
confidence, and — when the engine printed something else (`O` for 0, `l` for 1, `。` for
a dot) — what it printed, so a look-alike repair is visible and checked by the sums.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

SUFFIX = ".ocr.tsv"
HEADER = "line\tfield\ttext\tconfidence\tread"


class Token(NamedTuple):
    """One number as OCR read it: where it is in the extracted text, and how sure the engine was."""

    line: int  # 1-based line of the extracted text
    field: int  # 0-based tab-separated field of that line
    text: str  # the number as written into the text
    confidence: float
    read: str = ""  # what the engine printed, when a look-alike was repaired into `text`; else empty


class Extracted(NamedTuple):
    """A report source made text: the bytes kept in data/, how they were obtained (text, PDF,
    OCR, HTML, …), and for a scan read by OCR its tokens (None for every other source)."""

    data: bytes
    how: str
    tokens: tuple[Token, ...] | None = None


def sidecar(text_path: Path) -> Path:
    return text_path.with_suffix(SUFFIX)


def tokens_tsv(tokens) -> str:
    rows = [HEADER] + [f"{t.line}\t{t.field}\t{t.text}\t{t.confidence:.3f}\t{t.read}" for t in tokens]
    return "\n".join(rows) + "\n"


def read_tokens(path: Path) -> tuple[Token, ...]:
    """The tokens of a sidecar; a sidecar written before the `read` column has four."""
    tokens = []
    for row in path.read_text(encoding="utf-8").splitlines()[1:]:
        line, field, text, confidence, *read = row.split("\t")
        tokens.append(Token(int(line), int(field), text, float(confidence), read[0] if read else ""))
    return tuple(tokens)


def stored_tokens(text_path: Path) -> tuple[Token, ...] | None:
    """The tokens kept beside a report's .txt in data/; None for a report not read by OCR
    (the common case costs one stat)."""
    path = sidecar(text_path)
    return read_tokens(path) if text_path.suffix == ".txt" and path.exists() else None
