"""The form (政府信息公开工作年度报告) as one typed object, read from a form folder.

The folder (goi_site/form/ is the shipped one) holds form.yml (tables, rows, columns,
editions, named groups of cells, rules) and the files that refer to its cells: charts.yml,
indicators.yml, headlines.yml, layout.yml, glossary.yml, downloads.yml, findings.yml.
`load_form(folder)` reads them all and resolves every reference once, so a misspelled
cell is an error at load naming the file and key, never a silent empty value later.

Generic code everywhere else asks the Form for ids, labels, lines and rules; it never
spells a Chinese label or a row id itself. The parser, checks and pages take the Form as
a parameter; only the outer edge (CLI, corpus reader) loads the shipped one by default.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import yaml

from goi_site.core import paths
from goi_site.core.errors import GoiError
from goi_site.core.text import match_key


class FormError(GoiError):
    """A form folder whose files do not fit together (a reference to no cell, group, chart…)."""


GROUP_MARK = "@"  # `applications.@withheld.total`: every row of the named group, in its order


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


@dataclass(eq=False)  # one object per loaded folder, hashed by identity (caches keyed by the form)
class Form:
    columns: dict[str, Column]
    tables: dict[str, Table]
    rows: dict[str, dict[str, Row]]
    editions: dict[str, Edition]
    rules: dict[str, Rule]
    groups: dict[str, tuple[str, ...]]  # named groups of rows (form.yml `groups`), in form order
    applicant_columns: tuple[str, ...]
    appeal_columns: tuple[str, ...]
    vocabulary: frozenset[str] = field(default_factory=frozenset)
    # traditional mirrors: the OpenCC configuration that reads them back, and phrases
    # its regional tables rewrite differently from the form (訊息 → 消息, not 信息)
    mirror_converter: str = "tw2sp"
    mirror_phrases: dict[str, str] = field(default_factory=dict)
    folder: Path = paths.PACKAGE / "form"
    # prose counts (pattern, cell, label) and the aside printed inside a number cell
    prose_counts: tuple[tuple[str, CellRef, str], ...] = ()
    cell_annotation: str = ""
    # the other files of the folder, as read (their references resolved at load):
    # name ("charts", "indicators", "headlines", "layout", "glossary", "downloads", "findings") → data
    files: dict[str, object] = field(default_factory=dict)

    @property
    def outcome_groups(self) -> dict[str, tuple[str, ...]]:  # the name before groups were shared
        return self.groups

    def row(self, table: str, row: str) -> Row:
        return self.rows[table][row]

    def file(self, name: str):
        """The data of one file of the form folder (charts, indicators, headlines, layout, …)."""
        return self.files[name]

    def refs(self, text: str, where: str = "") -> tuple[CellRef, ...]:
        """The cells a reference names: `table.row.column`, or `table.@group.column` for
        every row of a group. `where` ("file: key") names the place in an error."""
        return _refs(self, text, where)

    def ref(self, text: str, where: str = "") -> CellRef:
        """The one cell a reference names (a group is an error here)."""
        refs = self.refs(text, where)
        if len(refs) != 1:
            raise FormError(f"{where}: {text} names {len(refs)} cells where one is expected")
        return refs[0]

    def row_ids(self, table: str, ids, where: str = "") -> tuple[str, ...]:
        """Row ids with `@group` entries expanded, each checked against the table."""
        out: list[str] = []
        for rid in ids:
            if isinstance(rid, str) and rid.startswith(GROUP_MARK):
                out.extend(self._group(rid[1:], where))
            else:
                if rid not in self.rows.get(table, {}):
                    known = [f"{table}.{r}" for r in self.rows.get(table, {})]
                    raise FormError(f"{where}: no row {table}.{rid}{_hint(f'{table}.{rid}', known)}")
                out.append(rid)
        return tuple(out)

    def _group(self, name: str, where: str) -> tuple[str, ...]:
        if name not in self.groups:
            raise FormError(f"{where}: no group {GROUP_MARK}{name}{_hint(name, list(self.groups))}")
        return self.groups[name]

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
        cells = tuple(CellRef(table, group["row"], col) for group in raw["cells"] for col in group["columns"])
    else:
        cells = tuple(CellRef(table, raw["row"], col) for col in raw["columns"])
    strict = bool(raw.get("strict", False))
    labels = [raw["label"], *raw.get("aliases", [])]
    group = raw.get("printed_as_group", {})
    group_keys = tuple(match_key(label, keep_numbering=strict) for label in group.get("labels", ()))
    keys = tuple(dict.fromkeys((*(match_key(label, keep_numbering=strict) for label in labels), *group_keys)))
    sums, sum_rules = _sums_for_line(cells, rules)
    return Line(
        raw["label"], table, cells, keys, strict, sums, sum_rules, group_keys, tuple(group.get("absent_rows", ()))
    )


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


def _hint(text: str, known) -> str:
    close = difflib.get_close_matches(text, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _refs(form: Form, text, where: str) -> tuple[CellRef, ...]:
    """The one parser of cell references (`table.row.column`, `table.@group.column`)."""
    parts = text.split(".") if isinstance(text, str) else []
    if len(parts) != 3 or not all(parts):
        raise FormError(f"{where}: {text!r} is not a cell reference (table.row.column or table.@group.column)")
    table, row, column = parts
    rows = form._group(row[1:], where) if row.startswith(GROUP_MARK) else (row,)
    known = form.__dict__.get("_known_cells")
    if known is None:
        known = form.__dict__["_known_cells"] = frozenset(form.all_cells())
    refs = tuple(CellRef(table, r, column) for r in rows)
    for ref in refs:
        if ref not in known:
            name = ".".join(ref)
            raise FormError(f"{where}: no cell {name}{_hint(name, ['.'.join(c) for c in known])}")
    return refs


def _read(folder: Path, name: str):
    """One file of a form folder. A draft folder may hold form.yml alone: a file it does
    not hold is the shipped one (its references are then resolved against the draft)."""
    path = folder / name
    if not path.exists() and name != "form.yml":
        path = paths.FORM_FILE.parent / name
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FormError(f"{_shown(path)}: missing from the form folder") from None
    except yaml.YAMLError as exc:
        raise FormError(f"{_shown(path)}: not valid YAML ({' '.join(str(exc).split())})") from None


def _shown(path: Path) -> str:
    """A form file as messages name it: relative to the checkout when it is inside it."""
    try:
        return path.resolve().relative_to(paths.PACKAGE.parent).as_posix()
    except ValueError:
        return path.as_posix()


def _columns_checked(form: Form, ids, where: str) -> tuple[str, ...]:
    for cid in ids:
        if cid not in form.columns:
            raise FormError(f"{where}: no column {cid}{_hint(cid, form.columns)}")
    return tuple(ids)


def _rule(form: Form, rid: str, r: dict, where: str) -> Rule:
    table = r["table"]
    if table not in form.tables:
        raise FormError(f"{where}.table: no table {table}{_hint(table, form.tables)}")
    if r["for_each"] == "column":  # the ids are rows (groups allowed)
        left = form.row_ids(table, r.get("left", ()), f"{where}.left")
        right = form.row_ids(table, r.get("right", ()), f"{where}.right")
    else:
        left = _columns_checked(form, r.get("left", ()), f"{where}.left")
        right = _columns_checked(form, r.get("right", ()), f"{where}.right")
    across = r.get("across_years")
    if across:
        form.row_ids(table, [across["earlier"], across["later"]], f"{where}.across_years")
    return Rule(
        id=rid,
        severity=r["severity"],
        title=r["title"],
        en=r["en"],
        description=r["description"],
        table=table,
        for_each=r["for_each"],
        left=left,
        right=right,
        left_label=r["left_label"],
        right_label=r["right_label"],
        across_years=across,
    )


def _cells_of(form: Form, item, where: str) -> tuple[CellRef, ...]:
    """A list of references (groups expanded) as one tuple of cells."""
    if isinstance(item, str):
        item = [item]
    return tuple(ref for i, text in enumerate(item) for ref in form.refs(text, f"{where}[{i}]"))


def _charts(form: Form, raw: dict, name: str) -> dict:
    """charts.yml with every series resolved: `cells` a tuple of CellRef. A series with
    `each: table.@group.column` stands for one series per row of the group, labelled by
    its `label` with {short} / {label} of the row filled in."""
    axes, colors = raw.get("axes", {}), raw.get("colors", {})
    kinds = {}
    for kid, kind in (raw.get("kinds") or {}).items():
        where = f"{name}: kinds.{kid}"
        if kind.get("layout") not in ("grouped", "stacked", "normalized", "ranking"):
            raise FormError(f"{where}.layout: {kind.get('layout')!r} is not grouped, stacked, normalized or ranking")
        if kind.get("page", "agency") not in ("agency", "year", "corpus"):
            raise FormError(f"{where}.page: {kind.get('page')!r} is not agency, year or corpus")
        series = []
        for i, s in enumerate(kind.get("series") or ()):
            at = f"{where}.series[{i}]"
            if "each" in s:
                for ref in form.refs(s["each"], f"{at}.each"):
                    row = form.row(ref.table, ref.row)
                    series.append({**s, "label": s["label"].format(short=row.short, label=row.label), "cells": (ref,)})
                continue
            if "cells" in s:
                cells = _cells_of(form, s["cells"], f"{at}.cells")
            elif "cell" in s:
                cells = (form.ref(s["cell"], f"{at}.cell"),)
            else:
                raise FormError(f"{at}: a series names its `cell`, `cells` or `each`")
            series.append({**s, "cells": cells})
        for i, s in enumerate(series):
            if s["label"] not in colors:
                raise FormError(f"{where}.series[{i}]: no colour for {s['label']!r} under colors")
        if not series:
            raise FormError(f"{where}.series: a chart plots at least one series")
        kinds[kid] = {**kind, "page": kind.get("page", "agency"), "series": series}
    for page in ("year", "corpus"):
        if sum(1 for k in kinds.values() if k["page"] == page) > 1:
            raise FormError(f"{name}: kinds: more than one chart for the {page} page")
    return {"axes": axes, "colors": colors, "kinds": kinds}


def _indicators(form: Form, raw: dict, name: str) -> dict:
    out = {}
    for key, v in (raw or {}).items():
        where = f"{name}: {key}"
        out[key] = {
            **v,
            "numerator": _cells_of(form, v["numerator"], f"{where}.numerator"),
            "denominator": _cells_of(form, v["denominator"], f"{where}.denominator"),
        }
    return out


def _headlines(form: Form, raw: list, indicators: dict, name: str) -> list:
    out = []
    for i, h in enumerate(raw or ()):
        where = f"{name}: [{i}] {h.get('id', '?')}"
        if "indicator" in h:
            if h["indicator"] not in indicators:
                raise FormError(f"{where}.indicator: no indicator {h['indicator']}{_hint(h['indicator'], indicators)}")
            out.append(dict(h))
        else:
            out.append({**h, "sum": _cells_of(form, h["sum"], f"{where}.sum")})
    keys = [h["id"] for h in out if h.get("key")]
    if len(keys) != 1:
        raise FormError(
            f"{name}: exactly one headline is the `key: true` figure (directory, rankings), found {len(keys)}"
        )
    return out


def _layout(form: Form, raw: dict, name: str) -> dict:
    for section in ("stub", "compare"):
        for table in raw.get(section, {}):
            if table not in form.tables:
                raise FormError(f"{name}: {section}.{table}: no table {table}{_hint(table, form.tables)}")
    for table, choice in raw.get("compare", {}).items():
        if choice != "all":
            _columns_checked(form, [choice], f"{name}: compare.{table}")
    for i, group in enumerate(raw.get("column_groups", ())):
        _columns_checked(form, group["columns"], f"{name}: column_groups[{i}].columns")
    order = raw.get("page_order", list(form.tables))
    for i, table in enumerate(order):
        if table not in form.tables:
            raise FormError(f"{name}: page_order[{i}]: no table {table}{_hint(table, form.tables)}")
    return {**raw, "page_order": list(order)}


def _glossary(form: Form, raw: dict, indicators: dict, layout: dict, name: str) -> dict:
    column_groups = {g.get("id") for g in layout.get("column_groups", ())}
    for s, section in enumerate(raw.get("sections", ())):
        for key in section.get("terms", {}):
            kind, _, term = key.partition(".")
            where = f"{name}: sections[{s}].terms.{key}"
            if kind == "col":
                _columns_checked(form, [term], where)
            elif kind == "group":
                if term not in form.groups and term not in column_groups:
                    raise FormError(f"{where}: no group {term}{_hint(term, [*form.groups, *column_groups - {None}])}")
            elif kind == "indicator":
                if term not in indicators:
                    raise FormError(f"{where}: no indicator {term}{_hint(term, indicators)}")
            else:
                form.row_ids(kind, [term], where) if kind in form.tables else _no_table(kind, form, where)
    return raw


def _no_table(table: str, form: Form, where: str) -> None:
    raise FormError(f"{where}: no table {table}{_hint(table, form.tables)}")


def _downloads(raw: dict, name: str) -> dict:
    """downloads.yml: every column a table lists is a field of `fields` (or @cells / @indicators)."""
    tables = raw.get("tables", {})
    fields = raw.get("fields", {})
    for tid, table in tables.items():
        for key in ("columns", "typed_only", "primary_key"):
            for i, column in enumerate(table.get(key, ())):
                column = column["name"] if isinstance(column, dict) else column
                if column not in fields and column not in ("@cells", "@indicators"):
                    raise FormError(f"{name}: tables.{tid}.{key}[{i}]: no field {column}{_hint(str(column), fields)}")
    for table in tables.get("codebook", {}).get("describes", ()):
        if table not in tables:
            raise FormError(f"{name}: tables.codebook.describes: no table {table}{_hint(table, tables)}")
    return raw


def load_form(folder: Path | str | None = None) -> Form:
    """The form of a folder (default: the shipped goi_site/form/), every reference resolved."""
    where = Path(folder).resolve() if folder is not None else _SHIPPED
    try:
        return _load(where)
    except (KeyError, TypeError, AttributeError) as exc:  # a file of the wrong shape: bad input, not a bug
        what = f"the key {exc.args[0]!r} is missing" if isinstance(exc, KeyError) else f"malformed ({exc})"
        raise FormError(
            f"{_shown(where)}/: not a complete form folder: {what} (goi_site/form/ shows every file and key)"
        ) from None


_SHIPPED = paths.FORM_FILE.parent


@lru_cache(maxsize=8)
def _load(folder: Path) -> Form:
    form_file = folder / "form.yml"
    name = _shown(form_file)
    raw = _read(folder, "form.yml")
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
        table: {rid: Row(table, rid, r["label"], r.get("short", r["label"]), r["en"]) for rid, r in table_rows.items()}
        for table, table_rows in raw["rows"].items()
    }
    groups = {k: tuple(v) for k, v in (raw.get("groups") or {}).items()}
    for gid, members in groups.items():
        for rid in members:
            if not any(rid in table_rows for table_rows in rows.values()):
                raise FormError(
                    f"{name}: groups.{gid}: no row {rid}{_hint(rid, [r for t in rows.values() for r in t])}"
                )
    form = Form(
        columns=columns,
        tables=tables,
        rows=rows,
        editions={},
        rules={},
        groups=groups,
        applicant_columns=tuple(raw["applicant_columns"]),
        appeal_columns=tuple(raw["appeal_columns"]),
        vocabulary=_vocabulary(raw),
        mirror_converter=raw.get("traditional_mirrors", {}).get("converter", "tw2sp"),
        mirror_phrases=dict(raw.get("traditional_mirrors", {}).get("phrases", {})),
        folder=folder,
        cell_annotation=raw.get("cell_annotation", ""),
    )
    _columns_checked(form, form.applicant_columns, f"{name}: applicant_columns")
    _columns_checked(form, form.appeal_columns, f"{name}: appeal_columns")
    form.rules = {rid: _rule(form, rid, r, f"{name}: rules.{rid}") for rid, r in raw["rules"].items()}
    for eid, e in raw["editions"].items():
        for i, line in enumerate(e["lines"]):
            where = f"{name}: editions.{eid}.lines[{i}] {line.get('label', '')}"
            table = line.get("table")
            if table not in tables:
                raise FormError(f"{where}: no table {table}{_hint(str(table), tables)}")
            groups_of_line = line["cells"] if "cells" in line else [line]
            for group in groups_of_line:
                form.row_ids(table, [group["row"]], where)
                _columns_checked(form, group["columns"], where)
            form.row_ids(table, line.get("printed_as_group", {}).get("absent_rows", ()), where)
    form.editions = {
        str(eid): Edition(
            id=str(eid),
            issued_by=e["issued_by"],
            default_for_years=tuple(e["default_for_years"]),
            markers=tuple(match_key(m) for m in e["markers"]),
            lines=tuple(_line(line, form.rules) for line in e["lines"]),
        )
        for eid, e in raw["editions"].items()
    }
    form.prose_counts = tuple(  # `cell: [table, row, column]` or `cell: table.row.column`
        (
            p["pattern"],
            form.ref(
                ".".join(p["cell"]) if isinstance(p["cell"], list) else p["cell"], f"{name}: prose_counts[{i}].cell"
            ),
            p["label"],
        )
        for i, p in enumerate(raw.get("prose_counts") or ())
    )
    files: dict[str, object] = {}
    indicators = files["indicators"] = _indicators(
        form, _read(folder, "indicators.yml"), _shown(folder / "indicators.yml")
    )
    files["headlines"] = _headlines(form, _read(folder, "headlines.yml"), indicators, _shown(folder / "headlines.yml"))
    files["charts"] = _charts(form, _read(folder, "charts.yml"), _shown(folder / "charts.yml"))
    layout = files["layout"] = _layout(form, _read(folder, "layout.yml"), _shown(folder / "layout.yml"))
    files["glossary"] = _glossary(
        form, _read(folder, "glossary.yml"), indicators, layout, _shown(folder / "glossary.yml")
    )
    files["downloads"] = _downloads(_read(folder, "downloads.yml"), _shown(folder / "downloads.yml"))
    files["findings"] = _read(folder, "findings.yml")
    form.files = files
    return form
