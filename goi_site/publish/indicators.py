"""Derived indicators (rates and shares) of a report, defined in form/indicators.yml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from goi_site.form.loader import CellRef, Form


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    en: str
    formula: str
    description: str
    numerator: tuple[CellRef, ...]
    denominator: tuple[CellRef, ...]

    @staticmethod
    def ratio(top, bottom) -> float | None:
        """The indicator from its two sums (None when either is missing or the base is 0)."""
        if top is None or bottom is None or bottom == 0:
            return None
        return float(top) / float(bottom)


@lru_cache(maxsize=8)  # keyed by the Form object (one per folder)
def load_indicators(form: Form) -> dict[str, Indicator]:
    """The indicators of a form, their cells resolved at load."""
    return {
        key: Indicator(key, v["label"], v["en"], v["formula"], v["description"], v["numerator"], v["denominator"])
        for key, v in form.file("indicators").items()
    }
