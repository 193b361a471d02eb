"""The glossary (form/glossary.yml): each term of the form explained once. The term is
the form's own label (form.yml, indicators.yml), looked up by its id; the page and the
tooltips (assets/glossary.json, keyed like the tables' `data-t`) are both made from it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from goi_site.form.loader import Form
from goi_site.publish.indicators import load_indicators


@dataclass(frozen=True)
class Term:
    key: str  # "applications.granted", "col.natural_person", "group.withheld", "indicator.…"
    term: str
    text: str

    @property
    def anchor(self) -> str:
        return self.key.replace(".", "-").replace("_", "-")


def _label(key: str, form: Form) -> str:
    kind, _, name = key.partition(".")  # the keys were checked when the form loaded
    if kind == "col":
        return form.columns[name].label
    if kind == "indicator":
        return load_indicators(form)[name].label
    return form.row(kind, name).label


@lru_cache(maxsize=8)  # keyed by the Form object (one per folder)
def glossary(form: Form) -> list[tuple[str, list[Term]]]:
    raw = form.file("glossary")
    sections = []
    for section in raw["sections"]:
        terms = []
        for key, entry in section["terms"].items():
            if isinstance(entry, dict):
                terms.append(Term(key, entry["term"], entry["text"]))
            else:
                terms.append(Term(key, _label(key, form), entry))
        sections.append((section["title"], terms))
    return sections


def glossary_json(form: Form) -> str:
    """key → "term：explanation", what the tooltips show."""
    entries = {t.key: f"{t.term}：{t.text}" for _, terms in glossary(form) for t in terms}
    return json.dumps(entries, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
