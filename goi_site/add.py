"""`goi add`: put a report into the corpus from a .txt, .md, .html, .pdf or .docx file.

Extract the text, detect agency, region, year and edition (options override), check
it, and write `data/<province>/<agency id>/<year>.txt` with its `.yml` beside it.
Nothing is written unless everything succeeds; an existing report is never replaced
without --replace.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml
from pypinyin import lazy_pinyin

from .checks import check_carry_chain, check_report
from .decode import decode
from .divisions import load_divisions
from .errors import GoiError, InputError
from .extract import source_text
from .metadata import Metadata, read_metadata, sidecar, year_problem
from .pagemeta import page_hints
from .ocrmark import mark_ocr, tokens_for, tokens_tsv
from .ocrmark import sidecar as ocr_sidecar
from .parser import parse_text
from .reader import display_path
from .textsafe import one_line
from .record import Report


class AddError(GoiError):
    """The report cannot be added as asked; the message says what to give or change."""


@dataclass
class Added:
    report: Report
    text_path: Path
    meta_path: Path
    replaced: bool
    written: bool


def province_slug(name: str) -> str:
    table = load_divisions()
    short = table.by_name[name][0].short if name in table.by_name else name
    return re.sub(r"[^a-z]", "", "".join(lazy_pinyin(short)).lower()) or "unknown"


def add_report(source: Path, data_dir: Path, *, agency: str | None = None, region: str | None = None,
               year: int | None = None, source_url: str | None = None, retrieved: dt.date | None = None,
               replace: bool = False, dry_run: bool = False) -> Added:
    data, how = source_text(source)
    tokens = tokens_for(source, data)  # the confidences of a scan read by OCR; None otherwise
    how = "OCR" if tokens is not None else how
    text, _ = decode(data)
    first = parse_text(text, source=display_path(source))
    meta = Metadata(
        path="(goi add options)",
        agency=agency or first.agency or "",
        year=year or first.year or page_hints(text.splitlines()).report_year or 0,  # a page's 发布日期 as a hint
        retrieved=retrieved or dt.date.today(),
        region=[p for p in re.split(r"\s*[/／>›]\s*|\s+", region.strip()) if p] if region else first.region.path(),
        division_code=None if region else first.region.code,
        source_url=source_url,
        title=first.title,
        extracted_from=None if how == "text" else f"{source.name} ({how})",
    )
    if not meta.agency:
        raise AddError("could not find the agency's name in the title; give it with --agency, the full name with its city and county as the report prints them")
    if not meta.year:
        raise AddError("could not find the report year in the title; give it with --year YYYY")
    if year_problem(meta.year):  # before anything is written: validate would refuse it
        raise AddError(f"the report year {year_problem(meta.year)}; give the right one with --year")
    report = parse_text(text, source=display_path(source), meta=meta)
    if tokens is not None:
        mark_ocr(report, tokens)
    if report.region.code is None:
        raise AddError(f"could not place {meta.agency} in a region; give it with --region 省/市/县, named as in the report")
    if not report.agency_id:
        raise AddError(f"could not make an id for {meta.agency}")
    meta.division_code = report.region.code
    meta.region = report.region.path()
    folder = data_dir / province_slug(report.region.province or "") / report.agency_id
    text_path = folder / f"{report.year}.txt"
    meta_path = sidecar(text_path)
    existing = sorted(data_dir.glob(f"*/{report.agency_id}/{report.year}.txt"))
    if existing and not replace:
        raise AddError(f"{display_path(existing[0])} is already the {report.year} report of {meta.agency}; "
                       f"use --replace to replace it")
    report.findings.extend(check_report(report))
    report.findings.extend(_carry_chain(report, folder))
    report.sha256 = hashlib.sha256(data).hexdigest()
    if not dry_run:
        files = {text_path: data, meta_path: _metadata_yaml(meta, report.sha256).encode("utf-8")}
        if tokens is not None:  # the confidences of a scan read by OCR, beside its text
            files[ocr_sidecar(text_path)] = tokens_tsv(tokens).encode("utf-8")
        _write_pair(files)
        if tokens is None:  # a text report replacing a scan: the old confidences are not its own
            ocr_sidecar(text_path).unlink(missing_ok=True)
        for old in existing:
            if old != text_path:  # --replace of a copy filed elsewhere: keep one
                old.unlink()
                sidecar(old).unlink(missing_ok=True)
                ocr_sidecar(old).unlink(missing_ok=True)
                ocr_sidecar(old).unlink(missing_ok=True)
    report.source = display_path(text_path)
    return Added(report, text_path, meta_path, bool(existing), not dry_run)


def _carry_chain(report: Report, folder: Path):
    """The carry chain against the same agency's reports of the years before and after."""
    others = []
    for year in (report.year - 1, report.year + 1):
        path = folder / f"{year}.txt"
        if path.exists():
            try:
                meta = read_metadata(sidecar(path)) if sidecar(path).exists() else None
                others.append(parse_text(decode(path.read_bytes())[0], display_path(path), meta))
            except GoiError:
                continue
    return [f for f in check_carry_chain([report, *others]) if f.file == report.source]


def _metadata_yaml(meta: Metadata, sha256: str) -> str:
    def value(v) -> str:
        return yaml.safe_dump(v, allow_unicode=True, default_flow_style=True, width=10_000).strip().removesuffix("\n...").strip()

    lines = [f"# {one_line(meta.title or meta.agency)}" if (meta.title or meta.agency) else "#",
             f"agency: {value(meta.agency)}",
             f"region: {value(' / '.join(meta.region))}",
             f'division_code: "{meta.division_code}"',
             f"year: {meta.year}"]
    if meta.title:
        lines.append(f"title: {value(meta.title)}")
    lines.append(f"source_url: {value(meta.source_url) if meta.source_url else 'null'}")
    lines.append(f"retrieved: {meta.retrieved.isoformat()}")
    if meta.extracted_from:
        lines.append(f"extracted_from: {value(meta.extracted_from)}")
    lines.append(f"sha256: {sha256}")
    return "\n".join(lines) + "\n"


def _write_pair(files: dict[Path, bytes]) -> None:
    """Write both files or neither: each goes to a temporary name in its own folder
    (fsynced), and only when both are complete are they renamed into place, metadata
    first. A failure removes what was written and puts back what was replaced, so a
    report .txt never stands without its .yml."""
    temps: dict[Path, Path] = {}
    backups: dict[Path, Path] = {}
    moved: list[Path] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".goi-add-")
            temps[path] = Path(temp)
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        for path in files:
            if path.exists():  # --replace: keep the old file under a second name until both are in
                backups[path] = path.with_name(f".goi-add-backup-{path.name}")
                backups[path].unlink(missing_ok=True)
                os.link(path, backups[path])
        for path in sorted(files, key=lambda p: p.suffix != ".yml"):
            os.replace(temps[path], path)
            del temps[path]
            moved.append(path)
    except BaseException:
        for temp in temps.values():
            temp.unlink(missing_ok=True)
        for path in moved:
            if path in backups:
                os.replace(backups.pop(path), path)
            else:
                path.unlink(missing_ok=True)
        raise
    finally:
        for backup in backups.values():
            backup.unlink(missing_ok=True)


__all__ = ["add_report", "Added", "AddError", "InputError"]
