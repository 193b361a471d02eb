"""Derived indicators (rates and shares) of a report, defined in form/indicators.yml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from goi_site.form.loader import CellRef, Form
from goi_site.parse.record import Report


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    en: str
    formula: str
    description: str
    numerator: tuple[CellRef, ...]
    denominator: tuple[CellRef, ...]

    def value(self, report: Report) -> float | None:
        return self.ratio(sum_cells(report, self.numerator), sum_cells(report, self.denominator))

    @staticmethod
    def ratio(top, bottom) -> float | None:
        """The indicator from its two sums (None when either is missing or the base is 0)."""
        if top is None or bottom is None or bottom == 0:
            return None
        return float(top) / float(bottom)


def sum_cells(report: Report, refs) -> int | None:
    """The sum of some cells, or None if any is missing: no total is made up around a gap."""
    total = 0
    for ref in refs:
        cell = report.cells.get(ref)
        if cell is None or cell.value is None:
            return None
        total += cell.value
    return total


@lru_cache(maxsize=8)  # keyed by the Form object (one per folder)
def load_indicators(form: Form) -> dict[str, Indicator]:
    """The indicators of a form, their cells resolved at load."""
    return {
        key: Indicator(key, v["label"], v["en"], v["formula"], v["description"], v["numerator"], v["denominator"])
        for key, v in form.file("indicators").items()
    }
