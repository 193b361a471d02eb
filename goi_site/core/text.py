"""Small pure helpers on strings: width folding, match keys and number cells.

They know nothing about the form; form.py and the parser build on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

# Full-width ASCII (！ to ～) sits at a fixed offset from ASCII; the ideographic space
# and a few look-alike punctuation marks are folded too. This is a targeted fold: the
# whole text is never NFKC'd, which would also rewrite circled numbers, units, etc.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH.update(
    {
        0x3000: 0x20,  # ideographic space
        0x00A0: 0x20,  # no-break space
        0x2002: 0x20,
        0x2003: 0x20,
        0x2009: 0x20,
        0x200B: None,  # zero-width space
        0x200C: None,
        0x200D: None,
        0x2060: None,
        0xFEFF: None,  # a BOM or zero-width no-break space inside the text
        0xFE59: ord("("),
        0xFE5A: ord(")"),
    }
)

_QUOTES = str.maketrans("", "", "“”\"'‘’「」『』")
_SPACE = re.compile(r"\s+")
# Numbering in front of a label: 一、  (一)  1.  1、  (1)  ①
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]+\)|\d+[.、]|[①-⑳])")
_NUMBERING_PUNCT = re.compile(r"^(\d+)、")


def fold_width(text: str) -> str:
    """Full-width letters, digits and brackets to their ASCII forms."""
    return text.translate(_WIDTH)


@lru_cache(maxsize=65536)  # labels repeat across reports; keys are asked for often
def match_key(label: str, keep_numbering: bool = False) -> str:
    """The form a label is compared in: folded, without spaces, quotes or numbering."""
    key = _SPACE.sub("", fold_width(label)).translate(_QUOTES)
    if keep_numbering:
        return _NUMBERING_PUNCT.sub(r"\1.", key)
    while True:
        stripped = _NUMBERING.sub("", key, count=1)
        if stripped == key or not stripped:
            return key
        key = stripped


# ---- number cells -----------------------------------------------------------------

_PLAIN = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_CHANGE = re.compile(r"^([增减])(\d+(?:\.\d+)?)$")
# What agencies print in a number cell for "none" or "not applicable".
PLACEHOLDERS = frozenset({"-", "--", "—", "——", "–", "/", "\\", "无", "空", "×"})


@dataclass(frozen=True)
class NumberCell:
    """A cell that stands where a number should: its value, or None for a placeholder."""

    value: int | Decimal | None  # int for a plain count, Decimal otherwise
    raw: str


@lru_cache(maxsize=65536)
def parse_number(piece: str) -> NumberCell | None:
    """Read one whitespace-free piece as a number cell, or None if it is text."""
    folded = fold_width(piece)
    if folded.isdigit():  # most cells: a plain count
        return NumberCell(int(folded), piece)
    if _PLAIN.match(folded):
        return NumberCell(_decimal(folded), piece)
    if _GROUPED.match(folded):
        return NumberCell(_decimal(folded.replace(",", "")), piece)
    change = _CHANGE.match(folded)
    if change:
        value = _decimal(change.group(2))
        return NumberCell(value if change.group(1) == "增" else -value, piece)
    if folded in PLACEHOLDERS:
        return NumberCell(None, piece)
    return None


# First characters a number cell can start with; anything else is text, no lookup needed.
NUMBER_START = frozenset("0123456789+-增减０１２３４５６７８９＋－") | frozenset(p[0] for p in PLACEHOLDERS)


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the patterns above admit only valid input
        raise ValueError(text) from None
