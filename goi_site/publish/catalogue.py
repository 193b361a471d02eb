"""The download catalogue (form/downloads.yml) as typed objects: every table's columns,
with labels and types, expanded from the form and the indicators. frames.py builds its
DataFrames from these columns and exports.py writes every format from them, so a column
is declared once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from goi_site.core import paths
from goi_site.form.loader import CellRef, Form, load_form
from goi_site.parse.record import Report
from goi_site.publish.indicators import load_indicators

CATALOGUE_FILE = paths.PACKAGE / "form" / "downloads.yml"


@dataclass
class Download:
    """One published file, as the downloads page and datapackage.json describe it."""

    name: str  # ASCII resource name
    path: str  # relative to the downloads folder, with /; ends in .zip when zipped
    title: str
    description: str
    rows: int
    bytes: int = 0  # of the file itself (unzipped)
    schema: str | None = None  # the catalogue table whose columns a CSV has
    group: str = "main"  # main | year | agency | meta | format
    format: str = "csv"
    holds: dict = field(default_factory=dict)  # a typed file: catalogue table → its table/sheet in the file

    @property
    def zipped(self) -> bool:
        return self.path.endswith(".zip")


@dataclass(frozen=True)
class Field:
    name: str
    title: str  # Chinese label
    en: str
    type: str  # frictionless type: string, integer, number
    description: str = ""
    unit: str = ""
    exact: bool = False  # a number printed as the report printed it: integers without ".0"


@dataclass(frozen=True)
class TableSpec:
    name: str  # the schema name (values, wide, findings, indicators, codebook)
    resource: str  # the datapackage resource name of the whole-table file
    file: str  # file stem, relative to the downloads folder
    title: str
    en: str
    description: str
    fields: tuple[Field, ...]  # the CSV's columns
    typed_only: tuple[Field, ...]  # further columns of the typed formats (Parquet, SQLite, .xlsx)
    primary_key: tuple[str, ...]
    group: str
    raw: dict  # the rest of the entry (by_year, by_agency, whole_max_mb, describes)

    @property
    def all_fields(self) -> tuple[Field, ...]:
        return self.fields + self.typed_only


@dataclass(frozen=True)
class Catalogue:
    tables: dict[str, TableSpec]
    package: dict
    json: dict
    formats: dict


def cell_id(ref: CellRef) -> str:
    return f"{ref.table}.{ref.row}.{ref.column}"


@lru_cache(maxsize=8)  # keyed by the Form object (one per folder)
def load_catalogue(form: Form) -> Catalogue:
    raw = form.file("downloads")  # downloads.yml as the form folder loaded it
    known = {name: _field(name, spec) for name, spec in raw["fields"].items()}

    def expand(names: list[str], where: str) -> tuple[Field, ...]:
        out: list[Field] = []
        for name in names:
            if name == "@cells":
                out += _cell_fields(raw["cell_field"], form)
            elif name == "@indicators":
                out += _indicator_fields(raw["indicator_field"], form)
            elif isinstance(name, dict):  # a column described differently in this table
                base = known[name["name"]]
                out.append(replace(base, **{k: v for k, v in name.items() if k != "name"}))
            elif name in known:
                out.append(known[name])
            else:
                raise ValueError(
                    f"{CATALOGUE_FILE.name}: {where} names column {name!r}, which `fields:` does not define"
                )
        return tuple(out)

    tables = {}
    for name, spec in raw["tables"].items():
        fields = expand(spec["columns"], f"tables.{name}.columns")
        ids = {f.name for f in fields}
        for key in spec["primary_key"]:
            if key not in ids:
                raise ValueError(
                    f"{CATALOGUE_FILE.name}: tables.{name}.primary_key names {key!r}, not one of its columns"
                )
        tables[name] = TableSpec(
            name,
            spec.get("resource", name),
            spec["file"],
            spec["title"],
            spec.get("en", ""),
            spec["description"],
            fields,
            expand(spec.get("typed_only", []), f"tables.{name}.typed_only"),
            tuple(spec["primary_key"]),
            spec.get("group", "main"),
            spec,
        )
    return Catalogue(tables, raw["package"], raw["json"], raw["formats"])


def _field(name: str, spec: dict) -> Field:
    return Field(
        name,
        spec["zh"],
        spec["en"],
        spec["type"],
        spec.get("description", ""),
        spec.get("unit", ""),
        spec.get("number") == "exact",
    )


def _cell_fields(template: dict, form: Form) -> list[Field]:
    out = []
    for ref in form.all_cells():
        column, row, table = form.columns[ref.column], form.row(ref.table, ref.row), form.tables[ref.table]
        names = dict(
            section=table.section,
            title=table.title,
            table_en=table.en,
            row=row.label,
            row_en=row.en,
            column=column.label,
            column_en=column.en,
        )
        out.append(
            Field(
                cell_id(ref),
                template["zh"].format(**names),
                template["en"].format(**names),
                "number" if column.type == "decimal" else "integer",
                template["description"].format(**names),
                column.unit,
                exact=True,
            )
        )
    return out


def _indicator_fields(template: dict, form: Form) -> list[Field]:
    return [
        Field(
            i.id,
            i.label,
            i.en,
            "number",
            template["description"].format(formula=i.formula, description=i.description),
            template["unit"],
        )
        for i in load_indicators(form).values()
    ]


def table_spec(name: str, form: Form | None = None) -> TableSpec:
    # an entry point of tests and benches too: the shipped form unless one is given
    return load_catalogue(form if form is not None else load_form()).tables[name]


def source_path(report: Report, root: Path) -> str:
    """The report's text file relative to the repository (or corpus parent), with /."""
    return _relative(report.source, str(root))


@lru_cache(maxsize=200_000)
def _relative(source: str, root: str) -> str:
    absolute = os.path.abspath(source)
    try:
        return os.path.relpath(absolute, os.path.abspath(root)).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return absolute.replace(os.sep, "/")
