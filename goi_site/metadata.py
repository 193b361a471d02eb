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

from .errors import MetadataError

KEYS = {
    "agency": "the agency's full name, e.g. 平顶山市湛河区商务局",
    "region": "province / city / county, e.g. 河南省 / 平顶山市 / 湛河区",
    "division_code": "6-digit administrative division code, e.g. \"410411\"",
    "year": "the report year (the statistics period), e.g. 2024",
    "source_url": "where the report was published (null if not recorded)",
    "retrieved": "the date the text was retrieved, e.g. 2026-11-20",
    "title": "the report's title as printed (optional)",
    "sha256": "SHA-256 of the text file as received (optional; checked when present)",
    "extracted_from": "for text extracted by `goi add`: the original file and its format (optional)",
    "notes": "anything a reviewer should know (optional)",
}
REQUIRED = ("agency", "year", "retrieved")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster


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
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problem = str(exc).splitlines()[0]
        raise MetadataError(f"{where}: not valid YAML ({problem})") from None
    if not isinstance(raw, dict):
        raise MetadataError(f"{where}: expected `key: value` lines, e.g. `agency: 平顶山市商务局`")
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        raise MetadataError(f"{where}: unknown key {unknown[0]!r}; allowed keys: {', '.join(KEYS)}")
    missing = [key for key in REQUIRED if raw.get(key) in (None, "")]
    if missing:
        raise MetadataError(f"{where}: missing {missing[0]!r} ({KEYS[missing[0]]})")
    return Metadata(
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
    )


def _text(raw: dict, key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise MetadataError(f"{where}: {key!r} must be text ({KEYS[key]})")
    return value.strip()


def _optional_text(raw: dict, key: str, where: str) -> str | None:
    return None if raw.get(key) in (None, "") else _text(raw, key, where)


def _year(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
        raise MetadataError(f"{where}: 'year' must be a year like 2024, not {value!r}")
    year = int(value)
    if not 1990 <= year <= dt.date.today().year:
        raise MetadataError(f"{where}: 'year' {year} is out of range")
    return year


def _date(value, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise MetadataError(f"{where}: 'retrieved' must be a date like 2026-11-20, not {value!r}") from None


def _region(value, where: str) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    if isinstance(value, str):
        return [part for part in re.split(r"\s*[/／>›]\s*|\s+", value.strip()) if part]
    raise MetadataError(f"{where}: 'region' must be text like 河南省 / 平顶山市 / 湛河区")


def _code(value, where: str) -> str | None:
    if value in (None, ""):
        return None
    code = str(value)
    if not re.fullmatch(r"\d{6}", code):
        raise MetadataError(f"{where}: 'division_code' must be 6 digits in quotes, e.g. \"410411\", not {value!r}")
    return code


def _url(value, where: str) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not re.match(r"^https?://\S+$", value.strip()):
        raise MetadataError(f"{where}: 'source_url' must be an http(s) address, not {value!r}")
    return value.strip()
