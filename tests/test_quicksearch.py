"""quick_search(pattern) finds what pattern.search finds: the same match, or none.

It looks for the literals a match must contain and tries a match only where a
character a match can start with stands; the form's patterns (the cell annotation, the
prose counts) run through it over every report, so they are tested here on generated
texts and on every bundled report, beside patterns of the other shapes its reading of
the pattern handles (and some it must leave to the plain search).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goi_site.form.loader import load_form
from goi_site.parse.quicksearch import _needs, quick_search

ROOT = Path(__file__).resolve().parent.parent
FORM = load_form()
FORM_PATTERNS = [FORM.cell_annotation] + [pattern for pattern, _, _ in FORM.prose_counts]
SHAPES = [
    r"(?<=[\u3400-\u9fff])[(（][a-z]{1,6}[)）]",  # a lookbehind first
    r"[(（](?<=[\u3400-\u9fff][(（])[a-z]{1,6}[)）]",  # normalize's pinyin pattern
    r"^\s*第\s*\d+\s*页\s*$",  # anchors
    r"(?m)^共\d+件$",
    r"\b申请\d",
    r"(?:共|累计)?收到\d+件",  # an optional start, then the required one
    r"(?:其中|共)+\d",  # a repeat of a group
    r"(申请|件)\s*(\d*)",  # groups: the same groups come back
    r"[0-9]+件",  # a range: any start is tried
    r"(?i)a申请",  # case-insensitive: plain search
    r"(?i:a)申请",
    r"\d*",  # matches nothing: plain search
    r"[^件]申请",
    r"申请(?=\d)",
    r"(?!共)收到",
]
ALPHABET = "共累计收到受理接申请件其中修订（）()，。；、 \n\t0123456789aA自然人法企业组织信访本年度第页規guī"


def same(pattern: str, text: str) -> None:
    compiled = re.compile(pattern)
    expected = compiled.search(text)
    found = quick_search(compiled)(text)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert (found.span(), found.groups()) == (expected.span(), expected.groups())


@settings(max_examples=300, deadline=None)
@given(pattern=st.sampled_from(FORM_PATTERNS + SHAPES), text=st.text(alphabet=ALPHABET, max_size=120))
def test_quick_search_finds_what_search_finds(pattern, text):
    same(pattern, text)


@settings(max_examples=200, deadline=None)
@given(
    pattern=st.sampled_from(FORM_PATTERNS),
    parts=st.lists(
        st.sampled_from(["共", "收到", "受理", "申请", "件", "其中", "自然人", "（", "）", "17", " ", "\n", "，"])
    ),
)
def test_the_forms_patterns_on_texts_made_of_their_words(pattern, parts):
    same(pattern, "".join(parts))


def test_what_is_read_from_a_pattern():
    assert _needs(re.compile(FORM.cell_annotation)) == (("其中",), None)  # \d first: any digit, not a list
    literals, first = _needs(re.compile(FORM.prose_counts[0][0]))
    assert set(literals) == {"申请", "件"} and first == frozenset("共累收受接")
    assert _needs(re.compile(r"(?:共|累计)?收到\d+件")) == (("收到", "件"), frozenset("共累收"))
    assert _needs(re.compile(r"(?i)申请"))[1] is None  # other cases: nothing is assumed
    assert _needs(re.compile(r"\d*"))[1] is None  # a match of nothing can start anywhere


@pytest.mark.parametrize(
    "path", sorted((ROOT / "data").rglob("*.txt")) + sorted((ROOT / "tests" / "fixtures" / "quirks").glob("*.txt"))
)
def test_quick_search_on_every_bundled_report(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    for pattern in FORM_PATTERNS + SHAPES:
        same(pattern, text)


def test_the_pinyin_prefilter_admits_every_letter_of_the_patterns_class():
    from goi_site.parse.normalize import _PINYIN, _PINYIN_FIRST

    letters = re.compile(re.search(r"\]\)(\[[^\]]+\])", _PINYIN.pattern).group(1))  # the class after the lookbehind
    assert {chr(c) for c in range(0x30000) if letters.fullmatch(chr(c))} == _PINYIN_FIRST


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="規數章件(（)）guīshùaGz 12\n", max_size=40))
def test_the_pinyin_prefilter_passes_every_text_with_pinyin(text):
    from goi_site.parse.normalize import _PINYIN, _may_hold_pinyin

    if _PINYIN.search(text):
        assert _may_hold_pinyin(text)
