"""Normalise the text of a report, line by line, keeping every line where it was.

What is folded, and why:
- radical look-alikes that PDF extraction produces (⼀ ⼈ ⻔ ⺠ …): the Kangxi block
  and the CJK Radicals Supplement, from Unicode's EquivalentUnifiedIdeograph table
  (NFKC would fix only the Kangxi block, and would also rewrite things we keep);
- full-width digits, letters and brackets, odd spaces (text.fold_width);
- traditional characters, but only those whose simplified form the form itself
  prints (報告 → 报告, 數量 → 数量), so prose and names are otherwise left alone;
- page footers of extracted PDFs (— 3 —, 第 3 页) become blank lines, so their
  numbers never land in a table.

The line count never changes: line N of the result is line N of the file.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import paths
from .form import load_form
from .text import fold_width

_FOOTER = re.compile(r"^\s*(?:[-—–]+\s*\d{1,3}\s*[-—–]+|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$")


def _read_table(path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        rows.append(line.split("\t"))
    return rows[1:]  # the first row names the columns


@lru_cache(maxsize=1)
def _char_map() -> tuple[dict[str, str], re.Pattern]:
    table: dict[int, str] = {}
    for radical, ideograph, _ in _read_table(paths.RADICALS_FILE):
        table[ord(radical)] = ideograph
    vocabulary = load_form().vocabulary
    for traditional, simplified in _read_table(paths.T2S_FILE):
        if simplified in vocabulary:
            table[ord(traditional)] = simplified
    # Width folding last, so one translate pass does everything.
    for code in range(0x10000):
        folded = fold_width(chr(code))
        if folded != chr(code) and code not in table:
            table[code] = folded
    by_char = {chr(code): value for code, value in table.items()}
    pattern = re.compile("[" + "".join(re.escape(ch) for ch in sorted(by_char)) + "]")
    return by_char, pattern


def normalize_lines(text: str) -> list[str]:
    """The text as a list of normalised lines; index 0 is line 1."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    table, pattern = _char_map()
    # Substituting only the characters that change is much faster than translate()
    # over the whole text: most characters of a report are left as they are.
    text = pattern.sub(lambda m: table[m.group()], text)  # none maps to or from a newline
    return ["" if _FOOTER.match(line) else line for line in text.split("\n")]
