"""Read the statistical tables (sections 二, 三, 四) out of normalised lines.

Layouts differ wildly (tabs, runs of spaces, `|`, one cell per line, labels broken
over lines, headings after their tables, lost leading tabs), so the reader ignores
layout altogether. It turns the text into a stream of pieces (text or number), and
recognises a line of the form by its label: the text pieces just before a run of
numbers, joined, must equal the label (or an alias) of a line of the form. The
numbers that follow, up to the next text, are that line's cells.

Prose can contain a label followed by a number, and a report can print a table
twice, so every occurrence is collected first; then the best chain is chosen: lines
in the form's order, each used once, maximising the cells read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

from goi_site.core.text import NUMBER_START, match_key, parse_number
from goi_site.form.loader import Edition, Line

MAX_LABEL_PIECES = 8  # a label broken over more pieces than this is not recognised
MEMO_SIZE = 65536  # remembered label matches per edition (a few MB at most)


class Piece(NamedTuple):  # a NamedTuple: millions are made, and they are cheap
    text: str  # "" for a blank cell of a grid line (see `_grid_fields`)
    line: int
    value: int | Decimal | None = None
    number: bool = False
    glued: bool = False  # digits printed against the text before them, no separator

    @property
    def blank(self) -> bool:
        return self.number and not self.text


# The reading loops below make pieces with `_new(Piece, (text, line, value, number, glued))`:
# the same tuple as calling Piece, at half the cost (no Python-level __new__ with defaults).
_new = tuple.__new__
_IS_NUMBER = itemgetter(3)
_TEXT = itemgetter(0)


@dataclass
class Occurrence:
    """A run of numbers after text whose tail matched one or more lines of the form."""

    position: int
    label_line: int
    candidates: Sequence[int]  # indexes into edition.lines (never changed once found)
    numbers: list[Piece] = field(default_factory=list)
    typo: str | None = None  # the printed label, when it matched a form label by edit distance
    unlabelled: bool = False  # no label: placed by its labelled neighbours (sections.unlabelled)


def pieces(lines: list[str]) -> list[Piece]:
    out = _pieces(lines, glued_inside=False)
    if sum(map(_IS_NUMBER, out)) < FEW_NUMBERS:
        # Hardly a number stands on its own: a crawler dropped every separator, so
        # digits also sit inside words (`…数量3000003二、上年结转…`). Read again, splitting them.
        out = _pieces(lines, glued_inside=True)
    return out


FEW_NUMBERS = 20  # a table of the form prints far more cells than this


def _pieces(lines: list[str], glued_inside: bool) -> list[Piece]:
    out: list[Piece] = []
    append = out.append
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        # (_grid_fields's first test ahead of the call: a tab line with no empty field)
        if ("\t" in line and ("\t\t" in line or line.rstrip(" \r\n")[-1:] == "\t")) or "|" in line:
            fields = _grid_fields(line)
            if fields is not None:
                _grid_pieces(fields, number, out)
                continue
        if "|" in line or "¦" in line:
            line = line.replace("|", " ").replace("¦", " ")
        for text in line.split():  # str.split: whitespace of every kind, and fast
            # (the body of _piece, inlined: this loop runs for every word of every report)
            if text[0] not in NUMBER_START or len(text) > 24:  # prose: no number lookup
                if text[-1] in DIGITS or (glued_inside and _GLUED_INSIDE.search(text)):
                    _glued_pieces(text, number, append, glued_inside)
                else:
                    append(_new(Piece, (text, number, None, False, False)))
                continue
            cell = parse_number(text)
            if cell is not None:
                append(_new(Piece, (text, number, cell.value, True, False)))
            elif text[-1] in DIGITS:  # `2.其他法律行政法规禁止公开0000000`
                _glued_pieces(text, number, append, glued_inside)
            else:
                append(_new(Piece, (text, number, None, False, False)))
    return out


def _piece(text: str, number: int, append) -> None:
    if text[0] not in NUMBER_START or len(text) > 24:  # prose: no number lookup
        if text[-1] in DIGITS or _GLUED_INSIDE.search(text):
            _glued_pieces(text, number, append, True)
        else:
            append(_new(Piece, (text, number, None, False, False)))
        return
    cell = parse_number(text)
    if cell is not None:
        append(_new(Piece, (text, number, cell.value, True, False)))
    elif text[-1] in DIGITS:
        _glued_pieces(text, number, append, True)
    else:
        append(_new(Piece, (text, number, None, False, False)))


DIGITS = frozenset("0123456789")
# Digits printed against the label before them (a crawler that drops separators):
# `行政许可3960181`, `…申请数量3000003二、上年结转…`. A digit run after CJK text, ending
# the piece or followed by the next label's numbering. One digit before `.`/`、` and
# CJK text is the next row's numbering (`…秘密00000002.其他法律…`), not a cell.
_GLUED = re.compile(
    r"(?<=[\u3400-\u9fff）)”\]])(\d+?)(?=(?:\d[.、])?(?:$|[一二三四五六七八九十]+、|[（(]|[\u3400-\u9fff]))"
)
_GLUED_INSIDE = re.compile(r"[\u3400-\u9fff）)]\d+(?:[一二三四五六七八九十]+、|[（(]|\d[.、][\u3400-\u9fff])")


def _glued_pieces(text: str, number: int, append, inside: bool = True) -> None:
    start = 0
    for match in _GLUED.finditer(text):
        digits = match.group(1)
        end = match.end(1)
        if not inside and end < len(text):
            continue  # in a report that prints separators, only digits that end a word
        if match.start(1) > start:
            append(_new(Piece, (text[start : match.start(1)], number, None, False, False)))
        append(_new(Piece, (digits, number, int(digits), True, True)))
        start = end
    if start < len(text):
        append(_new(Piece, (text[start:], number, None, False, False)))


def _grid_fields(line: str) -> list[str] | None:
    """The fields of a grid line that prints its blank cells, from its first number; else None.

    HTML, Word and PDF grids come out as one line per table row with a tab between
    cells (a Markdown table: `|`), and a blank cell as an empty field: `26\t\t\t\t\t\t26`
    says which columns hold the two numbers. Blank fields between the label and the
    first number are the label's own columns (a label spanning two columns, a group
    cell), as real grids print them, so they do not count; only a line with an empty
    field after its first number is read by position.
    """
    if "\t" in line:
        body = line.strip(" \r\n").lstrip("\t")
        if "\t\t" not in body and not body.endswith("\t"):
            return None  # no empty field: the common case, decided without splitting
        fields = body.split("\t")
    elif "|" in line:
        if not _EMPTY_PIPE_FIELD.search(line):
            return None
        fields = line.strip().split("|")
        if fields and not fields[-1].strip():
            fields = fields[:-1]
    else:
        return None
    first = next((i for i, f in enumerate(fields) if _is_number_field(f)), None)
    if first is None or all(f.strip() for f in fields[first:]):
        return None
    return [f for f in fields[:first] if f.strip()] + fields[first:]


_EMPTY_PIPE_FIELD = re.compile(r"\|\s*\|")


def _is_number_field(text: str) -> bool:
    text = text.strip()
    return bool(text) and text[0] in NUMBER_START and parse_number(text) is not None


def _grid_pieces(fields: list[str], number: int, out: list[Piece]) -> None:
    append = out.append
    for field_text in fields:
        words = field_text.split()
        if not words:
            append(_new(Piece, ("", number, None, True, False)))
            continue
        for text in words:
            _piece(text, number, append)


_NUMBERED = re.compile(r"(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")


def line_index(edition: Edition) -> LineIndex:
    """One index per Edition object, built on first use (a draft form's edition of the
    same id as a shipped one has its own)."""
    index = edition.__dict__.get("_line_index")
    if index is None:
        index = LineIndex(edition)
        object.__setattr__(edition, "_line_index", index)
    return index


class LineIndex:
    """Match keys of an edition's lines → line indexes."""

    def __init__(self, edition: Edition):
        self.edition = edition
        self.loose: dict[str, list[int]] = {}
        self.strict: dict[str, list[int]] = {}
        for index, line in enumerate(edition.lines):
            target = self.strict if line.strict else self.loose
            for key in line.keys:
                target.setdefault(key, []).append(index)
        # For match_typo, which runs on every run of numbers that has no label: each loose
        # label with its edit allowance and its characters, computed once per edition.
        self.typo_labels = [
            (label, indexes, max(1, len(label) // 4), frozenset(label)) for label, indexes in self.loose.items()
        ]
        self.typo_memo: dict[str, list[int]] = {}  # prose repeats (dates, 年, page numbers)
        # match's answers by the texts it looks at: labels repeat in every report, and each
        # answer costs up to 2 × MAX_LABEL_PIECES key lookups on joined strings.
        self.match_memo: dict[tuple[str, ...], tuple[int, ...]] = {}
        self.end_memo: dict[str, tuple[int, ...]] = {}

    def match(self, run: list[Piece]) -> tuple[int, ...]:
        """Lines whose label equals the text at the tail of `run`, longest tail first
        (one tuple per distinct tail, shared: never changed by its users)."""
        texts = tuple(map(_TEXT, run[-MAX_LABEL_PIECES:]))
        found = self.match_memo.get(texts)
        if found is None:
            found = self._match(run)
            if len(self.match_memo) >= MEMO_SIZE:
                self.match_memo.clear()  # prose tails never recur; keep memory bounded
            self.match_memo[texts] = found
        return found

    def _match(self, run: list[Piece]) -> tuple[int, ...]:
        found: list[int] = []
        joined = ""
        for size in range(1, min(len(run), MAX_LABEL_PIECES) + 1):
            joined = run[-size].text + joined
            for index in self.strict.get(match_key(joined, keep_numbering=True), ()):
                found.append(index)
            for index in self.loose.get(match_key(joined), ()):
                found.append(index)
        return tuple(dict.fromkeys(reversed(found)))

    def match_typo(self, text: str) -> list[int]:
        """The one line whose label is nearest `text` by edit distance, by a clear margin.

        A character missing or added (其他法律行政止公开): at most a quarter of the label's
        characters differ, and every other line's label is at least two edits further.
        """
        key = match_key(text)
        if len(key) < 4:
            return []
        found = self.typo_memo.get(key)
        if found is None:
            found = self._nearest(key)
            if len(self.typo_memo) < 4096:
                self.typo_memo[key] = found
        return list(found)

    def _nearest(self, key: str) -> list[int]:
        scored: dict[int, tuple[int, int]] = {}  # line → (distance, edits allowed for that label)
        near = [entry for entry in self.typo_labels if abs(len(entry[0]) - len(key)) <= entry[2]]
        if not near:
            return []
        # Only distances up to (largest allowance + 1) can pick the line or spoil its margin.
        # Each edit removes at most one character of either side that the other lacks, so
        # that count bounds the distance from below and skips the full computation for most
        # labels.
        cap = max(allowed for _, _, allowed, _ in near) + 1
        characters = set(key)
        for label, indexes, allowed, label_characters in near:
            if max(len(characters - label_characters), len(label_characters - characters)) > cap:
                continue
            d = _distance(key, label)
            for i in indexes:
                if i not in scored or d < scored[i][0]:
                    scored[i] = (d, allowed)
        if not scored:
            return []
        ranked = sorted(scored.items(), key=lambda kv: kv[1][0])
        best_line, (best, allowed) = ranked[0]
        if best > allowed or (len(ranked) > 1 and ranked[1][1][0] < best + 2):
            return []
        return [best_line]

    def match_end(self, text: str) -> tuple[int, ...]:
        """Lines whose label ends `text`: a label glued to the words before it (no separators).
        Remembered by text, as `match` is: each answer tries every label of the edition."""
        found = self.end_memo.get(text)
        if found is None:
            found = self._match_end(text)
            if len(self.end_memo) >= MEMO_SIZE:
                self.end_memo.clear()
            self.end_memo[text] = found
        return found

    def _match_end(self, text: str) -> tuple[int, ...]:
        found: list[tuple[int, int]] = []
        for keys, strict in ((self.strict, True), (self.loose, False)):
            key = match_key(text, keep_numbering=strict)
            for label, indexes in keys.items():
                if key.endswith(label):
                    found.extend((len(label), i) for i in indexes)
        found.sort(key=lambda f: -f[0])
        return tuple(dict.fromkeys(i for _, i in found))


def occurrences(stream: list[Piece], index: LineIndex) -> list[Occurrence]:
    """Every run of numbers with the lines of the form its label matches, in stream order.

    The stream alternates runs of text pieces and runs of numbers (groupby splits it at
    C speed); a run of numbers is one occurrence, labelled by the text run just before it."""
    found: list[Occurrence] = []
    run: list[Piece] = []  # the text just before the numbers (none at the very start)
    position = 0
    for is_number, group in groupby(stream, _IS_NUMBER):
        numbers = list(group)
        if not is_number:
            run = numbers
            position += len(numbers)
            continue
        piece = numbers[0]
        candidates = index.match(run) if run else []
        # a label glued to the words before it: digits glued to it, or a long digit string
        # or a row label printed in one cell with its group's (三、本年度办理结果（一）予以公开)
        if (
            not candidates
            and run
            and (piece.glued or (len(piece.text) >= 5 and piece.text.isdigit()) or _NUMBERED.match(run[-1].text))
        ):
            candidates = index.match_end(run[-1].text)
        typo = None
        if not candidates and run and not run[-1].number:
            candidates = index.match_typo(run[-1].text)
            typo = run[-1].text if candidates else None
        label_line = run[-1].line if run else piece.line
        run = []
        # no label: prose, a page number… or a table row that lost its label; kept
        # with no candidates (best_chain ignores it; sections.unlabelled may place it)
        found.append(Occurrence(position, label_line, candidates, numbers, typo=typo))
        position += len(numbers)
    return found


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (labels are short: a plain two-row table is enough)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def best_chain(found: list[Occurrence], lines: tuple[Line, ...]) -> dict[int, Occurrence]:
    """Pick occurrences in document order whose lines follow the form's order.

    Weighted longest-chain by dynamic programming: the weight of an occurrence is the
    cells it fills (at most the line's width) plus one for the label, so a complete
    table row beats a label quoted in prose. Ties go to the earlier occurrence.
    """
    items = [(o, line) for o in found for line in o.candidates]
    chosen: dict[int, Occurrence] = {}
    if not items:
        return chosen
    if all(a.position < b.position for a, b in zip(found, found[1:])):
        best, back = _chain_scores(found, items, lines)
    else:  # not in document order (never from `occurrences`): compare every pair
        best, back = _chain_scores_pairwise(items, lines)
    i = best.index(max(best))  # the best score, the earliest item on a tie
    while i >= 0:
        occ, line = items[i]
        chosen[line] = occ
        i = back[i]
    return chosen


def _chain_scores(found: list[Occurrence], items: list, lines: tuple[Line, ...]) -> tuple[list[int], list[int]]:
    """best_chain's scores and back links, for occurrences in document order.

    The same as comparing every pair (`_chain_scores_pairwise`), without the quadratic
    loop: an item's parent is the best-scoring item of an earlier occurrence on an
    earlier line of the form, the earliest one on a tie. `top[line]` holds that best over
    the occurrences done so far, as one integer `score * size - item` (a higher score,
    then an earlier item, is a larger number), so the parent is max(top[:line]).
    """
    size = len(items) + 1
    top = [-1] * (max(line for _, line in items) + 1)  # -1: no item on that line yet
    best: list[int] = []
    back: list[int] = []
    done = 0
    for occ in found:
        count = len(occ.numbers)
        for line in occ.candidates:
            weight = min(count, len(lines[line].cells)) + 1
            key = max(top[:line]) if line else -1
            if key < 0:
                best.append(weight)
                back.append(-1)
            else:
                score = -(-key // size)
                best.append(score + weight)
                back.append(score * size - key)
        for k in range(done, len(best)):  # this occurrence's items become possible parents
            line = items[k][1]
            key = best[k] * size - k
            if key > top[line]:
                top[line] = key
        done = len(best)
    return best, back


def _chain_scores_pairwise(items: list, lines: tuple[Line, ...]) -> tuple[list[float], list[int]]:
    best: list[float] = []
    back: list[int] = []
    for i, (occ, line) in enumerate(items):
        width = len(lines[line].cells)
        weight = min(len(occ.numbers), width) + 1.0
        score, parent = weight, -1
        for j in range(i):
            prev_occ, prev_line = items[j]
            if prev_occ.position < occ.position and prev_line < line and best[j] + weight > score:
                score, parent = best[j] + weight, j
        best.append(score)
        back.append(parent)
    return best, back


def chain_weight(chosen: dict[int, Occurrence], lines: tuple[Line, ...]) -> float:
    return sum(min(len(o.numbers), len(lines[i].cells)) + 1.0 for i, o in chosen.items())
