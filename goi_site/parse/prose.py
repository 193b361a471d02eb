"""Counts the report's prose states, checked against its own table.

The patterns live in form.yml (`prose_counts`): each names a regular expression whose
first group is a count, and the cell it states. The table stays what is published; a
prose count that disagrees with it is a finding (the agency's text and table differ).
"""

from __future__ import annotations

import re
from functools import lru_cache

from goi_site.form.loader import CellRef, Form
from goi_site.parse.quicksearch import quick_search
from goi_site.parse.record import Report


@lru_cache(maxsize=4)
def _patterns(form: Form) -> tuple[tuple[object, CellRef, str], ...]:
    """(search, cell, label) per count; `search` is the pattern's, made cheap (quick_search):
    it runs over the whole text of every report."""
    return tuple((quick_search(re.compile(pattern)), ref, label) for pattern, ref, label in form.prose_counts)


def check_prose(report: Report, lines: list[str], form: Form) -> None:
    text = "\n".join(lines)
    for search, ref, label in _patterns(form):
        match = search(text)
        if match is None:
            continue
        stated = int(match.group(1))
        cell = report.cells.get(ref)
        if cell is None or cell.value is None or cell.value == stated:
            continue
        line = text.count("\n", 0, match.start()) + 1
        quote = re.sub(r"\s+", "", match.group(0))  # prose wraps over lines; the message is one line
        report.add(
            "prose_mismatch",
            line,
            quote=quote,
            stated=stated,
            label=label,
            table=cell.value,
            table_line=cell.line or "?",
            form=form,
        )
