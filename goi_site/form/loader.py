"""The form (政府信息公开工作年度报告) as typed objects, read from form/form.yml.

Generic code everywhere else asks this module for ids, labels, lines and rules; it
never spells a Chinese label itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import yaml

from goi_site.core import paths
from goi_site.core.text import match_key


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    en: str
    type: str = "int"  # "int" (a count) or "decimal"
    unit: str = "件"
    signed: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    table: str
    id: str
    label: str
    short: str
    en: str


class CellRef(NamedTuple):
    """One cell of the record: table, row id, column id. (A NamedTuple: hashed millions of times.)"""

    table: str
    row: str
    column: str


@dataclass(frozen=True)
class Line:
    """A printed line of a table: the label that starts it and the cells it carries."""

    label: str
    table: str
    cells: tuple[CellRef, ...]
    keys: tuple[str, ...]  # normalised match keys of the label and its aliases
    strict: bool
    # (total index, part indexes) within `cells`: sums the line must satisfy, used
    # to tell whether a cell dropped from a short line is determined by the others
    sums: tuple[tuple[int, tuple[int, ...]], ...] = ()
    sum_rules: tuple[str, ...] = ()  # the rule id of each entry of `sums`
    # aliases meaning the line was printed as its group's one row (e.g. 2021's （六）其他处理
    # with no sub-rows): match keys, and the rows then not printed at all (null, no error)
    group_keys: tuple[str, ...] = ()
    group_rows: tuple[str, ...] = ()

    @property
    def rows(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.row for c in self.cells))


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: str
    en: str
    description: str
    table: str
    for_each: str  # "column" or "row"
    left: tuple[str, ...]
    right: tuple[str, ...]
    left_label: str
    right_label: str
    across_years: dict | None = None


@dataclass(frozen=True)
class Edition:
    id: str
    issued_by: str
    default_for_years: tuple[int, int]
    markers: tuple[str, ...]
    lines: tuple[Line, ...]

    def cells(self) -> list[CellRef]:
        cached = self.__dict__.get("_cells_cache")
        if cached is None:
            cached = [cell for line in self.lines for cell in line.cells]
            object.__setattr__(self, "_cells_cache", cached)
        return cached

    def rows(self, table: str) -> list[str]:
        return list(self._layout().get(table, {}))

    def columns(self, table: str, row: str) -> list[str]:
        return list(self._layout()[table][row])

    def _layout(self) -> dict[str, dict[str, list[str]]]:
        """table → row → columns, in the order of the form (computed once)."""
        cached = self.__dict__.get("_layout_cache")
        if cached is None:
            cached = {}
            for cell in self.cells():
                cached.setdefault(cell.table, {}).setdefault(cell.row, []).append(cell.column)
            object.__setattr__(self, "_layout_cache", cached)
        return cached


@dataclass(frozen=True)
class Table:
    id: str
    section: str
    title: str
    en: str
    groups_at_top_level: bool = False


@dataclass
class Form:
    columns: dict[str, Column]
    tables: dict[str, Table]
    rows: dict[str, dict[str, Row]]
    editions: dict[str, Edition]
    rules: dict[str, Rule]
    outcome_groups: dict[str, tuple[str, ...]]
    applicant_columns: tuple[str, ...]
    appeal_columns: tuple[str, ...]
    vocabulary: frozenset[str] = field(default_factory=frozenset)
    # traditional mirrors: the OpenCC configuration that reads them back, and phrases
    # its regional tables rewrite differently from the form (訊息 → 消息, not 信息)
    mirror_converter: str = "tw2sp"
    mirror_phrases: dict[str, str] = field(default_factory=dict)

    def row(self, table: str, row: str) -> Row:
        return self.rows[table][row]

    def all_cells(self) -> list[CellRef]:
        """Every cell of every edition, in the order of the form (2021 first)."""
        cached = self.__dict__.get("_all_cells")
        if cached is None:
            seen: dict[CellRef, None] = {}
            for edition in self.editions.values():
                for cell in edition.cells():
                    seen.setdefault(cell)
            cached = self.__dict__["_all_cells"] = list(seen)
        return cached

    def edition_for_year(self, year: int | None) -> str:
        for edition in self.editions.values():
            low, high = edition.default_for_years
            if year is not None and low <= year <= high:
                return edition.id
        return next(iter(self.editions))


def _sums_for_line(cells: tuple[CellRef, ...], rules: dict[str, Rule]) -> tuple:
    """Row-wise rules applied to the cells of one printed line."""
    sums, names = [], []
    index = {(c.row, c.column): i for i, c in enumerate(cells)}
    for rule in rules.values():
        if rule.for_each != "row" or rule.across_years:
            continue
        for row in dict.fromkeys(c.row for c in cells):
            if cells[0].table != rule.table:
                continue
            try:
                (total,) = [index[(row, col)] for col in rule.left]
                parts = tuple(index[(row, col)] for col in rule.right)
            except KeyError:
                continue
            sums.append((total, parts))
            names.append(rule.id)
    return tuple(sums), tuple(names)


def _line(raw: dict, rules: dict[str, Rule]) -> Line:
    table = raw["table"]
    if "cells" in raw:
        cells = tuple(
            CellRef(table, group["row"], col) for group in raw["cells"] for col in group["columns"]
        )
    else:
        cells = tuple(CellRef(table, raw["row"], col) for col in raw["columns"])
    strict = bool(raw.get("strict", False))
    labels = [raw["label"], *raw.get("aliases", [])]
    group = raw.get("printed_as_group", {})
    group_keys = tuple(match_key(label, keep_numbering=strict) for label in group.get("labels", ()))
    keys = tuple(dict.fromkeys((*(match_key(label, keep_numbering=strict) for label in labels), *group_keys)))
    sums, sum_rules = _sums_for_line(cells, rules)
    return Line(raw["label"], table, cells, keys, strict, sums, sum_rules, group_keys, tuple(group.get("absent_rows", ())))


def _vocabulary(raw: dict) -> frozenset[str]:
    """Every character the form prints: the traditional mirrors of these are folded."""
    chars: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, str):
            chars.update(ch for ch in node if ord(ch) > 0x2E7F)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(raw)
    return frozenset(chars)


@lru_cache(maxsize=1)
def load_form() -> Form:
    raw = yaml.safe_load(paths.FORM_FILE.read_text(encoding="utf-8"))
    columns = {
        cid: Column(
            id=cid,
            label=c["label"],
            en=c["en"],
            type=c.get("type", "int"),
            unit=c.get("unit", "件"),
            signed=bool(c.get("signed", False)),
            aliases=tuple(c.get("aliases", ())),
        )
        for cid, c in raw["columns"].items()
    }
    tables = {tid: Table(id=tid, **t) for tid, t in raw["tables"].items()}
    rows = {
        table: {
            rid: Row(table, rid, r["label"], r.get("short", r["label"]), r["en"])
            for rid, r in table_rows.items()
        }
        for table, table_rows in raw["rows"].items()
    }
    rules = {
        rid: Rule(
            id=rid,
            severity=r["severity"],
            title=r["title"],
            en=r["en"],
            description=r["description"],
            table=r["table"],
            for_each=r["for_each"],
            left=tuple(r.get("left", ())),
            right=tuple(r.get("right", ())),
            left_label=r["left_label"],
            right_label=r["right_label"],
            across_years=r.get("across_years"),
        )
        for rid, r in raw["rules"].items()
    }
    editions = {
        str(eid): Edition(
            id=str(eid),
            issued_by=e["issued_by"],
            default_for_years=tuple(e["default_for_years"]),
            markers=tuple(match_key(m) for m in e["markers"]),
            lines=tuple(_line(line, rules) for line in e["lines"]),
        )
        for eid, e in raw["editions"].items()
    }
    return Form(
        columns=columns,
        tables=tables,
        rows=rows,
        editions=editions,
        rules=rules,
        outcome_groups={k: tuple(v) for k, v in raw["outcome_groups"].items()},
        applicant_columns=tuple(raw["applicant_columns"]),
        appeal_columns=tuple(raw["appeal_columns"]),
        vocabulary=_vocabulary(raw),
        mirror_converter=raw.get("traditional_mirrors", {}).get("converter", "tw2sp"),
        mirror_phrases=dict(raw.get("traditional_mirrors", {}).get("phrases", {})),
    )
