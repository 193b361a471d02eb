"""best_chain's running best per form line gives what comparing every pair gives.

formlines._chain_scores keeps, per line of the form, the best item so far (one integer:
score, then the earliest item) instead of comparing each item with every earlier one.
The reference below is the pairwise dynamic programme it replaced, kept here in its
plain form; both must give the same scores, the same parents (ties included) and so
the same chain, on generated occurrences and on the occurrences of every bundled report.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goi_site.extract.decode import decode
from goi_site.extract.formats import source_extract
from goi_site.form.loader import load_form
from goi_site.parse.formlines import (
    Occurrence,
    Piece,
    _chain_scores,
    best_chain,
    line_index,
    occurrences,
    pieces,
)
from goi_site.parse.normalize import normalize_lines

ROOT = Path(__file__).resolve().parent.parent
FORM = load_form()
EDITIONS = sorted(FORM.editions)


def reference_scores(found: list[Occurrence], lines) -> tuple[list, list[float], list[int]]:
    """(items, best score ending at each item, its parent or -1): every earlier item is compared."""
    items = [(o, line) for o in found for line in o.candidates]
    best: list[float] = []
    back: list[int] = []
    for i, (occ, line) in enumerate(items):
        weight = min(len(occ.numbers), len(lines[line].cells)) + 1.0
        score, parent = weight, -1
        for j in range(i):
            prev_occ, prev_line = items[j]
            if prev_occ.position < occ.position and prev_line < line and best[j] + weight > score:
                score, parent = best[j] + weight, j  # strictly better only: the earliest wins a tie
        best.append(score)
        back.append(parent)
    return items, best, back


def reference_chain(found: list[Occurrence], lines) -> dict[int, Occurrence]:
    items, best, back = reference_scores(found, lines)
    chosen: dict[int, Occurrence] = {}
    if not items:
        return chosen
    i = max(range(len(items)), key=lambda k: (best[k], -k))  # the best score, the earliest item on a tie
    while i >= 0:
        occ, line = items[i]
        chosen[line] = occ
        i = back[i]
    return chosen


def assert_same(found: list[Occurrence], lines) -> int:
    """Both ways agree on `found`; returns the number of items compared."""
    items, best, back = reference_scores(found, lines)
    if items and all(a.position < b.position for a, b in zip(found, found[1:])):
        fast_best, fast_back = _chain_scores(found, items, lines)
        assert fast_best == best  # ints against floats: equal values
        assert fast_back == back
    expected = reference_chain(found, lines)
    chosen = best_chain(found, lines)
    assert list(chosen) == list(expected)
    assert all(chosen[line] is expected[line] for line in expected)
    return len(items)


def _occurrence(position: int, candidates: list[int], count: int) -> Occurrence:
    return Occurrence(position, position, candidates, [Piece(str(k), position, k, True) for k in range(count)])


@st.composite
def occurrence_lists(draw, document_order: bool = True):
    lines = FORM.editions[draw(st.sampled_from(EDITIONS))].lines
    # few lines and few numbers: many equal scores, so the ties are tested, not just the maxima
    span = draw(st.integers(1, len(lines)))
    first = draw(st.integers(0, len(lines) - span))
    found, position = [], 0
    for _ in range(draw(st.integers(0, 40))):
        position += draw(st.integers(1 if document_order else 0, 3))
        candidates = draw(st.lists(st.integers(first, first + span - 1), unique=True, max_size=4))
        found.append(_occurrence(position, candidates, draw(st.integers(0, 4))))
    return found, lines


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(occurrence_lists())
def test_running_best_equals_pairwise_on_generated_occurrences(case):
    assert_same(*case)


@settings(max_examples=100, deadline=None)
@given(occurrence_lists(document_order=False))
def test_best_chain_equals_pairwise_when_positions_repeat(case):
    assert_same(*case)


def test_ties_go_to_the_earlier_item():
    lines = FORM.editions[EDITIONS[0]].lines
    # two occurrences of line 1 with the same weight, then line 2: the chain takes the first
    a, b, c = _occurrence(1, [1], 1), _occurrence(2, [1], 1), _occurrence(3, [2], 1)
    assert best_chain([a, b, c], lines) == {1: a, 2: c}
    assert reference_chain([a, b, c], lines) == {1: a, 2: c}
    # and an item's parent: of two equal chains ending on different lines, the earlier item
    d, e, f = _occurrence(1, [2], 1), _occurrence(2, [1], 1), _occurrence(3, [3], 1)
    assert best_chain([d, e, f], lines) == {2: d, 3: f}
    assert _chain_scores([d, e, f], [(d, 2), (e, 1), (f, 3)], lines)[1] == [-1, -1, 0]


def _sources() -> list[Path]:
    """Every bundled report and fixture with a text layer (scans need OCR)."""
    paths = sorted((ROOT / "data").rglob("*.txt")) + sorted((ROOT / "tests" / "fixtures").rglob("*"))
    return [
        path
        for path in paths
        if path.suffix in (".txt", ".md", ".html", ".docx", ".pdf")
        and path.name != "README.md"
        and "scan" not in path.name
        and not {"ocr", "reference"} & set(path.parts)
    ]


SOURCES = _sources()


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(ROOT)) for p in SOURCES])
def test_running_best_equals_pairwise_on_every_report(path):
    stream = pieces(normalize_lines(decode(source_extract(path).data)[0], FORM))
    compared = 0
    for edition in EDITIONS:
        found = occurrences(stream, line_index(FORM.editions[edition]))
        compared += assert_same(found, FORM.editions[edition].lines)
    assert compared > 0  # every report's lines hold labels of the form


def test_reports_were_compared():
    assert len(SOURCES) >= 60  # the bundled reports and the fixtures, not an empty glob
