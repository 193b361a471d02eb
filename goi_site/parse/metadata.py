"""The metadata file beside each report: `2024.yml` next to `2024.txt`.

Written by hand (or by `goi add`) and reviewed in a diff, so it is small YAML with
fixed keys; an unknown key or a wrong type is an error naming the file and the key.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from goi_site.core.errors import MetadataError
from goi_site.core.textsafe import one_line

KEYS = {
    "agency": "the agency's full name, as the report's title prints it, with its city and county",
    "region": "province / city / county, e.g. 某某省 / 某某市 / 某某区",
    "division_code": "6-digit administrative division code, in quotes",
    "year": "the report year (the statistics period), e.g. 2024",
    "source_url": "where the report was published (null if not recorded)",
    "retrieved": "the date the text was retrieved, e.g. 2026-11-20",
    "title": "the report's title as printed (optional)",
    "sha256": "SHA-256 of the text file as received (optional; checked when present)",
    "extracted_from": "for text extracted by `goi add`: the original file and its format (optional)",
    "notes": "anything a reviewer should know (optional)",
    "agency_id": "the agency's id, only when two agencies' names give the same id (optional)",
}
FIRST_YEAR = 2008  # the Regulations on Open Government Information took effect in 2008
MAX_BYTES = 64 * 1024  # a metadata file is a dozen lines
MAX_DEPTH = 8  # its values are flat; deeper nesting is refused before it is built

REQUIRED = ("agency", "year", "retrieved")
_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster


class _Loader(_BASE_LOADER):  # type: ignore[misc, valid-type]
    """Safe YAML without implicit dates: `retrieved: 2026-13-45` reaches our own check as
    text (a clear message) instead of failing inside the YAML library."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BASE_LOADER.yaml_implicit_resolvers.items()
}


@dataclass
class Metadata:
    path: str
    agency: str
    year: int
    retrieved: dt.date
    region: list[str]
    division_code: str | None = None
    source_url: str | None = None
    title: str | None = None
    sha256: str | None = None
    notes: str | None = None
    extracted_from: str | None = None
    agency_id: str | None = None

    def as_dict(self) -> dict:
        return {
            "agency": self.agency,
            "region": " / ".join(self.region),
            "division_code": self.division_code,
            "year": self.year,
            "source_url": self.source_url,
            "retrieved": self.retrieved.isoformat(),
            "title": self.title,
            "notes": self.notes,
        }


def sidecar(text_path: Path) -> Path:
    return text_path.with_suffix(".yml")


def read_metadata(path: Path) -> Metadata:
    where = str(path)
    raw = _load(path, where)
    if not isinstance(raw, dict):
        raise MetadataError(f"{where}: expected `key: value` lines, e.g. `year: 2024`")
    unknown = sorted(set(map(str, raw)) - set(KEYS))
    if unknown:
        raise MetadataError(f"{where}: unknown key {unknown[0]!r}; allowed keys: {', '.join(KEYS)}")
    missing = [key for key in REQUIRED if raw.get(key) in (None, "")]
    if missing:
        raise MetadataError(f"{where}: missing {missing[0]!r} ({KEYS[missing[0]]})")
    meta = Metadata(
        path=where,
        agency=_text(raw, "agency", where),
        year=_year(raw.get("year"), where),
        retrieved=_date(raw.get("retrieved"), where),
        region=_region(raw.get("region"), where),
        division_code=_code(raw.get("division_code"), where),
        source_url=_url(raw.get("source_url"), where),
        title=_optional_text(raw, "title", where),
        sha256=_optional_text(raw, "sha256", where),
        notes=_optional_text(raw, "notes", where),
        extracted_from=_optional_text(raw, "extracted_from", where),
        agency_id=_agency_id(raw.get("agency_id"), where),
    )
    _check_place(meta, where)
    return meta


def _load(path: Path, where: str):
    """The file's YAML, or MetadataError: unreadable, too large, too deep, or not YAML."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise MetadataError(
                f"{where}: {path.stat().st_size} bytes is too large for a metadata file (limit {MAX_BYTES // 1024} KB)"
            )
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise MetadataError(f"{where}: not UTF-8 text; save it as UTF-8") from None
    except IsADirectoryError:
        raise MetadataError(f"{where}: is a folder, not a metadata file") from None
    except OSError as exc:
        raise MetadataError(f"{where}: cannot be read ({exc.strerror or exc})") from None
    try:
        depth = 0
        for event in yaml.parse(text, Loader=_Loader):  # events only: no recursion, whatever the nesting
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise MetadataError(
                        f"{where}: nested more than {MAX_DEPTH} levels deep; "
                        "metadata values are plain text, numbers and dates"
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        problem = str(exc).splitlines()[0]
        raise MetadataError(f"{where}: not valid YAML ({problem})") from None


def _text(raw: dict, key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise MetadataError(f"{where}: {key!r} must be text ({KEYS[key]})")
    return one_line(value).strip()  # a name is one line: a line break in it is a typing slip


def _optional_text(raw: dict, key: str, where: str) -> str | None:
    return None if raw.get(key) in (None, "") else _text(raw, key, where)


def _year(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
        raise MetadataError(f"{where}: 'year' must be a year like 2024, not {value!r}")
    problem = year_problem(int(value))
    if problem:
        raise MetadataError(f"{where}: 'year' {problem}")
    return int(value)


def year_problem(year: int) -> str | None:
    """Why `year` cannot be a report year (None if it can): reports exist from 2008 on,
    and a year's report is published after the year."""
    if not FIRST_YEAR <= year <= dt.date.today().year:
        return f"{year} is out of range: a report year is {FIRST_YEAR}..{dt.date.today().year}"
    return None


def _date(value, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise MetadataError(f"{where}: 'retrieved' must be a date like 2026-11-20, not {value!r}") from None
    problem = retrieved_problem(value)
    if problem:
        raise MetadataError(f"{where}: 'retrieved' {problem}")
    return value


def retrieved_problem(day: dt.date) -> str | None:
    """Why `day` cannot be a retrieval date (None if it can): not before the first
    reports, not in the future (a day of slack for time zones)."""
    if day < dt.date(FIRST_YEAR, 1, 1) or day > dt.date.today() + dt.timedelta(days=1):
        return f"{day.isoformat()} is not a possible date: between {FIRST_YEAR}-01-01 and today"
    return None


def _region(value, where: str) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    if isinstance(value, str):
        return region_parts(value)
    raise MetadataError(f"{where}: 'region' must be text like 某某省 / 某某市 / 某某区")


def region_parts(value: str) -> list[str]:
    return [part for part in re.split(r"\s*[/／>›]\s*|\s+", value.strip()) if part]


def unknown_region(parts: list[str]) -> str | None:
    """Why a region path names no division (None if it names one)."""
    from goi_site.form.divisions import load_divisions

    if parts and load_divisions().by_path(parts) is None:
        return f"{' / '.join(parts)} is not a division in the division table; write it as 省 / 市 / 县 as the table names them"
    return None


def _check_place(meta: Metadata, where: str) -> None:
    """division_code and region must name real divisions, and the same one: else the
    report would be placed somewhere else without a word."""
    from goi_site.form.divisions import load_divisions

    table = load_divisions()
    if meta.division_code and meta.division_code not in table.by_code:
        raise MetadataError(f"{where}: 'division_code' {meta.division_code} is not in the division table")
    problem = unknown_region(meta.region)
    if problem:
        raise MetadataError(f"{where}: 'region' {problem}")
    if meta.division_code and meta.region:
        named = table.by_path(meta.region)
        if named is not None and named.code != meta.division_code:
            raise MetadataError(
                f"{where}: 'region' {' / '.join(meta.region)} is division {named.code}, "
                f"but 'division_code' is {meta.division_code}: correct one of them"
            )


def _agency_id(value, where: str) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{6}-[a-z0-9]+(?:-[a-z0-9]+)*", value):
        raise MetadataError(
            f"{where}: 'agency_id' must be the division code, a hyphen and lower-case letters or "
            f"digits, like 410100-shangwuju-2, not {value!r}"
        )
    return value


def _code(value, where: str) -> str | None:
    if value in (None, ""):
        return None
    code = str(value)
    if not re.fullmatch(r"\d{6}", code):
        raise MetadataError(f"{where}: 'division_code' must be 6 digits in quotes, not {value!r}")
    return code


def _url(value, where: str) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not re.match(r"^https?://\S+$", value.strip()):
        raise MetadataError(f"{where}: 'source_url' must be an http(s) address, not {value!r}")
    return value.strip()
