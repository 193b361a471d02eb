"""Normalise the text of a report, line by line, keeping every line where it was.

What is folded, and why:
- radical look-alikes that PDF extraction produces (⼀ ⼈ ⻔ ⺠ …): the Kangxi block
  and the CJK Radicals Supplement, from Unicode's EquivalentUnifiedIdeograph table
  (NFKC would fix only the Kangxi block, and would also rewrite things we keep);
- full-width digits, letters and brackets, odd spaces (text.fold_width);
- traditional mirrors (a text that prints the form's words in traditional characters)
  are read back to simplified, phrases included (規範性檔案 → 规范性文件, 資訊 → 信息),
  with OpenCC, a maintained converter; a simplified report is left as it is;
- pinyin that some mirrors print after characters (規(guī)章, 件數(shù)) is dropped;
- page footers of extracted PDFs (— 3 —, 第 3 页) become blank lines, so their
  numbers never land in a table.

The line count never changes: line N of the result is line N of the file.
"""

from __future__ import annotations

import re
from functools import lru_cache

from goi_site.core import paths
from goi_site.core.text import fold_width
from goi_site.form.loader import Form, load_form
from goi_site.parse.quicksearch import quick_search

_FOOTER = re.compile(
    r"^\s*(?:[-—–]+\s*\d{1,3}\s*[-—–]+|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$"
)


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
    # Width folding last, so one translate pass does everything.
    for code in range(0x10000):
        folded = fold_width(chr(code))
        if folded != chr(code) and code not in table:
            table[code] = folded
    by_char = {chr(code): value for code, value in table.items()}
    pattern = re.compile("[" + "".join(re.escape(ch) for ch in sorted(by_char)) + "]")
    # normalize_lines replaces one character after the other; that equals one pass only
    # because no replacement holds a character that is replaced itself (checked here).
    assert not any(ch in by_char for value in by_char.values() for ch in value)
    return by_char, pattern


# Tone-marked (or plain) pinyin in brackets right after a character: 規(guī)章. The bracket
# comes first in the pattern and the character before it is a lookbehind after it, so
# the regex engine jumps from bracket to bracket instead of trying every character.
_PINYIN = re.compile(r"[(（](?<=[\u3400-\u9fff][(（])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}[)）]")
_PINYIN_FIRST = frozenset("abcdefghijklmnopqrstuvwxyzāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü")  # its letter class


def _may_hold_pinyin(text: str) -> bool:
    """Whether a bracket stands before a pinyin letter anywhere: the only place _PINYIN can
    match. str.find jumps between the few brackets of a report; the regex engine would
    test its bracket class on every character (several times slower on CJK text)."""
    for bracket in "(（":
        at = text.find(bracket)
        while at >= 0:
            if text[at + 1 : at + 2] in _PINYIN_FIRST:
                return True
            at = text.find(bracket, at + 1)
    return False


@lru_cache(maxsize=4)
def _mirror(form: Form) -> tuple[re.Pattern, object, tuple[tuple[str, str], ...]]:
    """The traditional forms of the form's own words (a text holding one is a mirror),
    the converter that reads a mirror back, and the phrases to undo after it."""
    import opencc  # loaded on first use: most runs never meet a mirror

    simplified = "".join(sorted(form.vocabulary))
    words = "\n".join(sorted({line.label for e in form.editions.values() for line in e.lines}))
    traditional = set(opencc.OpenCC("s2t").convert(simplified)) | set(opencc.OpenCC("s2twp").convert(words))
    markers = sorted(ch for ch in traditional if ch not in form.vocabulary and ord(ch) > 0x2E7F)
    pattern = re.compile("[" + "".join(markers) + "]")
    return pattern, opencc.OpenCC(form.mirror_converter), tuple(form.mirror_phrases.items())


def _from_traditional(text: str, form: Form) -> str:
    markers, converter, phrases = _mirror(form)
    if not markers.search(text):
        return text
    converted = converter.convert(text)
    if converted.count("\n") != text.count("\n"):  # never move a line: convert line by line
        converted = "\n".join(converter.convert(line) for line in text.split("\n"))
    for phrase, word in phrases:
        converted = converted.replace(phrase, word)
    return converted


@lru_cache(maxsize=4)
def _annotation(form: Form) -> tuple[re.Pattern, object]:
    pattern = re.compile(form.cell_annotation)
    return pattern, quick_search(pattern)  # most reports hold no 其中 at all: one substring test


def normalize_lines(text: str, form: Form | None = None) -> list[str]:
    """The text as a list of normalised lines; index 0 is line 1. `form`: the form whose
    words tell a traditional mirror and whose cell asides are dropped (default: shipped)."""
    form = form if form is not None else load_form()
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if _may_hold_pinyin(text) and _PINYIN.search(text):
        text = _PINYIN.sub("", text)
    text = _from_traditional(text, form)
    annotation, has_annotation = _annotation(form)
    if has_annotation(text):
        text = annotation.sub(r"\1 ", text)
    table, pattern = _char_map()
    # Replacing only the characters that change is much faster than translate() over
    # the whole text: most characters of a report are left as they are, and the few that
    # change (，（）：) are a handful of distinct ones, each replaced at C speed.
    for ch in set(pattern.findall(text)):  # none maps to or from a newline
        text = text.replace(ch, table[ch])
    # A footer begins and ends with a digit, a dash, 第 or 页 once stripped (strip and the
    # regex's \s both take Python's Unicode whitespace; isdecimal is what its \d matches):
    # that test spares the regex nearly every line.
    return [
        ""
        if (bare := line.strip())
        and (bare[0] in _ENDS or bare[0].isdecimal())
        and (bare[-1] in _ENDS or bare[-1].isdecimal())
        and _FOOTER.match(line)
        else line
        for line in text.split("\n")
    ]


_ENDS = frozenset("-—–第页")
