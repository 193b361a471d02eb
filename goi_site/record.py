"""The typed record of one report: identity, every cell with its source line, findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

import yaml

from . import paths
from .form import CellRef

Number = int | Decimal


class Cell(NamedTuple):  # a NamedTuple: a corpus holds millions of them
    value: Number | None
    line: int | None  # 1-based line of the source file the value was read from
    status: str = "read"  # read | filled | missing | placeholder | invalid
    raw: str | None = None  # the value as printed


@dataclass
class Finding:
    rule: str
    severity: str
    message: str
    line: int | None = None
    file: str | None = None
    numbers: dict = field(default_factory=dict)

    def located(self) -> str:
        """`file:line rule: message`, the form every tool prints."""
        where = self.file or "<text>"
        if self.line:
            where += f":{self.line}"
        return f"{where} {self.rule}: {self.message}"


@dataclass
class Region:
    province: str | None = None
    city: str | None = None
    county: str | None = None
    code: str | None = None  # the most specific division code

    def path(self) -> list[str]:
        return [part for part in (self.province, self.city, self.county) if part]


@dataclass
class Report:
    source: str  # the path as given
    edition: str
    cells: dict[CellRef, Cell]
    findings: list[Finding]
    agency: str | None = None
    agency_as_titled: str | None = None
    agency_id: str | None = None
    year: int | None = None
    region: Region = field(default_factory=Region)
    title: str | None = None
    title_line: int | None = None
    meta: dict = field(default_factory=dict)
    sha256: str | None = None
    encoding: str | None = None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["cells"] = _cells_state(self)
        return state

    def __setstate__(self, state: dict) -> None:
        state["cells"] = _cells_from_state(state["edition"], state["cells"])
        self.__dict__.update(state)

    def value(self, table: str, row: str, column: str) -> Number | None:
        cell = self.cells.get(CellRef(table, row, column))
        return None if cell is None else cell.value

    def add(self, rule: str, line: int | None = None, **fields) -> None:
        """Record a parse finding; its message is the catalogue's template filled with `fields`."""
        info = finding_catalogue()[rule]
        message = info["message"].format(**fields)
        numbers = {k: v for k, v in fields.items() if k in ("printed", "count", "width")}
        self.findings.append(Finding(rule, info["severity"], message, line, self.source, numbers))


@lru_cache(maxsize=1)
def finding_catalogue() -> dict[str, dict]:
    """Every finding id with its severity, title and description (parse findings and rules)."""
    catalogue = yaml.safe_load((paths.PACKAGE / "form" / "findings.yml").read_text(encoding="utf-8"))
    form = yaml.safe_load(paths.FORM_FILE.read_text(encoding="utf-8"))
    for rule_id, rule in form["rules"].items():
        catalogue[rule_id] = {k: rule[k] for k in ("severity", "title", "description")}
    return catalogue


def severity_of(rule: str) -> str:
    return finding_catalogue()[rule]["severity"]


def _cells_state(report: "Report") -> tuple:
    """Cells as a tuple in the edition's order: compact to pickle (cache, worker processes)."""
    from .form import load_form

    order = load_form().editions[report.edition].cells()
    return tuple(tuple(report.cells[ref]) if ref in report.cells else None for ref in order)


def _cells_from_state(edition: str, state: tuple) -> dict:
    from .form import load_form

    order = load_form().editions[edition].cells()
    return {ref: Cell(*values) for ref, values in zip(order, state) if values is not None}
