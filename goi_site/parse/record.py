"""The typed record of one report: identity, every cell with its source line, findings."""

from __future__ import annotations

from array import array
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from typing import NamedTuple

from goi_site.form.loader import CellRef, Edition, Form

Number = int | Decimal


class Cell(NamedTuple):  # a NamedTuple: a corpus holds millions of them
    value: Number | None
    line: int | None  # 1-based line of the source file the value was read from
    status: str = "read"  # read | filled | recovered | missing | placeholder | invalid
    raw: str | None = None  # the value as printed
    # Provenance beyond "read from the text as printed" (the defaults cost nothing):
    source: str = "text"  # text | ocr: where the digits came from
    confidence: float | None = None  # the OCR engine's confidence (0–1) when source is ocr
    rule: str | None = None  # the form rule(s) that decided a filled/recovered value, e.g. "row_total"


# "filled": a dropped cell of a short row, decided by the row total; "recovered": a cell
# split out of run-together digits or a collapsed row, decided by the form's equations.
_STATUS = ("read", "filled", "missing", "placeholder", "invalid", "recovered")
_DEFAULT_PROVENANCE = ("text", None, None)
_CODE = {status: index for index, status in enumerate(_STATUS)}
STATUSES = _STATUS  # status names by code, for code reading CellMap.arrays()


@cache
def _positions(edition: str) -> dict:
    """Cell → position in an edition of the shipped form (a record read back from a cache)."""
    from goi_site.form.loader import load_form

    return positions_of(load_form().editions[edition])


def positions_of(edition: Edition) -> dict:
    """Cell → position in the edition's cell order, computed once per Edition object."""
    cached = edition.__dict__.get("_positions_cache")
    if cached is None:
        cached = {ref: i for i, ref in enumerate(edition.cells())}
        object.__setattr__(edition, "_positions_cache", cached)
    return cached


def _is_shipped(edition: Edition, positions: dict) -> bool:
    """Whether an edition's cells are those of the shipped edition of its id (then a
    pickled record names the edition alone; a draft edition's record carries its cells)."""
    cached = edition.__dict__.get("_shipped_cache")
    if cached is None:
        from goi_site.form.loader import load_form

        shipped = load_form().editions.get(edition.id)
        cached = shipped is not None and (shipped is edition or shipped.cells() == edition.cells())
        object.__setattr__(edition, "_shipped_cache", cached)
    return cached


class CellMap(Mapping):
    """A report's cells, stored compactly: a corpus of 50,000 reports holds ten million.

    Values, source lines and statuses sit in three arrays in the edition's cell order
    (a tenth of the memory of a dict of tuples); a Cell is made when one is asked for.
    """

    __slots__ = ("edition", "_values", "_lines", "_status", "_raw", "_provenance", "_index", "_cells")

    def __init__(self, edition: str | Edition, cells: dict):
        # an Edition object (of any form, a draft too) or the id of a shipped edition
        if isinstance(edition, str):
            positions, self._cells = _positions(edition), None
        else:
            positions = positions_of(edition)
            self._cells = None if _is_shipped(edition, positions) else tuple(edition.cells())
            edition = edition.id
        self._index = positions
        size = len(positions)
        values: list = [None] * size
        lines = [0] * size
        status = bytearray(b"\xff" * size)  # 255: the cell is not in this report
        raw = {}
        provenance = {}  # sparse: most cells are read from text and carry the default
        code = _CODE
        # (a Cell unpacked at once: this loop runs for every cell of every report read)
        for ref, (value, line, state, printed, source, confidence, rule) in cells.items():
            i = positions[ref]
            values[i] = value
            if line:
                lines[i] = line
            status[i] = code[state]
            if printed is not None and state != "read":
                raw[i] = printed
            if source != "text" or confidence is not None or rule is not None:  # not _DEFAULT_PROVENANCE
                provenance[i] = (source, confidence, rule)
        self.edition = edition
        self._values, self._lines, self._status, self._raw = tuple(values), array("i", lines), bytes(status), raw
        self._provenance = provenance

    def __getitem__(self, ref) -> Cell:
        i = self._index[ref]
        code = self._status[i]
        if code == 255:
            raise KeyError(ref)
        return Cell(
            self._values[i],
            self._lines[i] or None,
            _STATUS[code],
            self._raw.get(i),
            *self._provenance.get(i, _DEFAULT_PROVENANCE),
        )

    @property
    def positions(self) -> dict:
        """Cell → index into arrays(), in the edition's cell order (read-only by contract)."""
        return self._index

    def value_at(self, ref):
        """Just the value (None if missing or absent): cheaper than making a Cell."""
        return self._values[self._index[ref]]

    def arrays(self) -> tuple:
        """(values, lines, status codes, provenance) in the edition's cell order, for code
        that reads whole columns (frames.py): status code 255 = not in this report,
        line 0 = none, provenance {position: (source, confidence, rule)} sparse."""
        return self._values, self._lines, self._status, self._provenance

    def __iter__(self):
        status = self._status
        return (ref for ref, i in self._index.items() if status[i] != 255)

    def __len__(self) -> int:
        return len(self._status) - self._status.count(255)

    def __getstate__(self):
        state = (self.edition, self._values, self._lines, self._status, self._raw, self._provenance)
        return state if self._cells is None else (*state, self._cells)

    def __setstate__(self, state) -> None:
        self.edition, self._values, self._lines, self._status, self._raw, self._provenance = state[:6]
        self._cells = state[6] if len(state) > 6 else None
        self._index = _positions(self.edition) if self._cells is None else {ref: i for i, ref in enumerate(self._cells)}


@dataclass
class Finding:
    rule: str
    severity: str
    message: str
    line: int | None = None
    file: str | None = None
    numbers: dict = field(default_factory=dict)

    @property
    def needs_attention(self) -> bool:
        """A warning or an error: what pages count, --strict fails on and the PR annotates
        (an info finding is a note about how the report was read)."""
        return self.severity != "info"

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
    cells: Mapping  # CellRef → Cell (a CellMap once parsed)
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

    def value(self, table: str, row: str, column: str) -> Number | None:
        cell = self.cells.get(CellRef(table, row, column))
        return None if cell is None else cell.value

    def add(self, rule: str, line: int | None = None, *, form: Form, **fields) -> None:
        """Record a reading finding; its message is the template of `form`'s catalogue
        (findings.yml of the form it was read with) filled with `fields`."""
        info = finding_catalogue(form)[rule]
        message = info["message"].format(**fields)
        numbers = {k: v for k, v in fields.items() if k in ("printed", "count", "width")}
        self.findings.append(Finding(rule, info["severity"], message, line, self.source, numbers))


@lru_cache(maxsize=8)  # keyed by the Form object (hashed by identity): one entry per form folder
def finding_catalogue(form: Form) -> dict[str, dict]:
    """Every finding id of a form with its severity, title and description (findings.yml
    and the form's rules)."""
    catalogue = {rule: dict(info) for rule, info in form.file("findings").items()}
    for rule_id, rule in form.rules.items():
        catalogue[rule_id] = {"severity": rule.severity, "title": rule.title, "description": rule.description}
    return catalogue
