"""`goi add`: put a report into the corpus from a .txt, .md, .html, .pdf or .docx file.

Extract the text, detect agency, region, year and edition (options override), check
it, and write `data/<province>/<agency id>/<year>.txt` with its `.yml` beside it.
Nothing is written unless everything succeeds; an existing report is never replaced
without --replace, and a report with error findings (a table or row not read) is not
written without --allow-findings. Findings name the stored file and its lines, as the
pull request's check will.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from dataclasses import replace as with_fields  # `replace` is add_report's option
from pathlib import Path

import yaml
from pypinyin import lazy_pinyin

from goi_site.check.rules import check_corpus
from goi_site.core.errors import GoiError, InputError
from goi_site.core.textsafe import one_line
from goi_site.corpus.load import checked
from goi_site.corpus.reader import display_path, read_report, read_text, relocated
from goi_site.extract.decode import decode
from goi_site.extract.formats import SOURCE_SUFFIXES, source_extract
from goi_site.extract.ocrtokens import sidecar as ocr_sidecar
from goi_site.extract.ocrtokens import stored_tokens, tokens_tsv
from goi_site.extract.pagemeta import page_hints
from goi_site.form.divisions import load_divisions
from goi_site.form.loader import Form, load_form
from goi_site.maintain.fetch import TIMEOUT_SECONDS, fetch, is_url
from goi_site.parse.metadata import Metadata, region_parts, sidecar, year_problem
from goi_site.parse.parser import parse_text
from goi_site.parse.record import Report


class AddError(GoiError):
    """The report cannot be added as asked; the message says what to give or change."""


@dataclass
class Added:
    report: Report
    text_path: Path
    meta_path: Path
    replaced: bool
    written: bool
    errors: list = field(default_factory=list)  # error findings (the PR's data check fails on them)

    @property
    def refused(self) -> bool:
        """Not written because of error findings (no --allow-findings)."""
        return bool(self.errors) and not self.written


def province_slug(name: str) -> str:
    table = load_divisions()
    short = table.by_name[name][0].short if name in table.by_name else name
    return re.sub(r"[^a-z]", "", "".join(lazy_pinyin(short)).lower()) or "unknown"


def add_report(
    source: Path,
    data_dir: Path,
    *,
    agency: str | None = None,
    region: str | None = None,
    year: int | None = None,
    source_url: str | None = None,
    retrieved: dt.date | None = None,
    replace: bool = False,
    dry_run: bool = False,
    allow_findings: bool = False,
    source_name: str | None = None,
    form: Form | None = None,
) -> Added:
    """`source_name`: what to record as the origin when `source` is a temporary copy (a download).
    `form`: the form to read it with (the shipped one by default: `goi add` reads what the
    corpus reads)."""
    form = form if form is not None else load_form()
    data, how, tokens = source_extract(source)  # tokens: the confidences of a scan read by OCR
    if tokens is None:  # a .txt that was read by OCR keeps its confidences beside it
        tokens = stored_tokens(source)
        how = "OCR" if tokens is not None else how
    text, _ = decode(data)
    first = parse_text(text, source=display_path(source), form=form)  # what the text says, to propose the metadata
    meta = Metadata(
        path="(goi add options)",
        agency=agency or first.agency or "",
        year=year or first.year or page_hints(text.splitlines()).report_year or 0,  # a page's 发布日期 as a hint
        retrieved=retrieved or dt.date.today(),
        region=region_parts(region) if region else first.region.path(),
        division_code=None if region else first.region.code,
        source_url=source_url,
        title=first.title,
        extracted_from=None if how == "text" else f"{source_name or source.name} ({how})",
    )
    if not meta.agency:
        raise AddError(
            "could not find the agency's name in the title; give it with --agency, the full name with its city and county as the report prints them"
        )
    if not meta.year:
        raise AddError("could not find the report year in the title; give it with --year YYYY")
    if year_problem(meta.year):  # before anything is written: validate would refuse it
        raise AddError(f"the report year {year_problem(meta.year)}; give the right one with --year")
    report = read_text(text, display_path(source), meta, tokens, form)  # the reading `goi validate` will make
    if report.region.code is None:
        raise AddError(
            f"could not place {meta.agency} in a region; give it with --region 省/市/县, named as in the report"
        )
    if not report.agency_id:
        raise AddError(f"could not make an id for {meta.agency}")
    meta.division_code = report.region.code
    meta.region = report.region.path()
    folder = data_dir / province_slug(report.region.province or "") / report.agency_id
    text_path = folder / f"{report.year}.txt"
    meta_path = sidecar(text_path)
    existing = sorted(data_dir.glob(f"*/{report.agency_id}/{report.year}.txt"))
    if existing and not replace:
        raise AddError(
            f"{display_path(existing[0])} is already the {report.year} report of {meta.agency}; "
            f"use --replace to replace it"
        )
    # Findings name the stored file; the record carries the metadata as it is written.
    report = with_fields(
        relocated(report, display_path(text_path)), meta=meta.as_dict(), sha256=hashlib.sha256(data).hexdigest()
    )
    # The check step of the corpus, over this report and the same agency's years around it.
    report = checked(report, check_corpus([report, *_neighbours(report, folder, form)], form)[0])
    errors = [f for f in report.findings if f.severity == "error"]
    write = not dry_run and (allow_findings or not errors)
    if write:
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
    return Added(report, text_path, meta_path, bool(existing), write, errors)


def add_source(
    source: str, data_dir: Path, *, timeout: float = TIMEOUT_SECONDS, source_url: str | None = None, **options
) -> Added:
    """`add_report` for a file, or for an http(s) address: downloaded (fetch.py), then read
    like a file of its type, with the address (after redirects) recorded as source_url."""
    if not is_url(source):
        return add_report(Path(source), data_dir, source_url=source_url, **options)
    fetched = fetch(source, timeout=timeout)
    with tempfile.TemporaryDirectory(prefix="goi-fetch-") as temp:
        path = Path(temp) / fetched.name
        path.write_bytes(fetched.data)
        return add_report(
            path, data_dir, source_url=source_url or fetched.final_url, source_name=fetched.name, **options
        )


@dataclass
class Outcome:
    """One source of a batch: added (or, with errors and --allow-findings, written) or refused."""

    source: str
    added: Added | None = None
    refusal: str | None = None  # why nothing was written

    @property
    def ok(self) -> bool:
        return self.refusal is None


def expand_sources(sources: list[str]) -> list[str]:
    """Files and addresses as given; a directory becomes the report files below it, sorted."""
    out: list[str] = []
    for source in sources:
        path = Path(source)
        if not is_url(source) and path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SOURCE_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise AddError(f"{source}: no report files ({', '.join(SOURCE_SUFFIXES)}) in this folder")
            out += [str(p) for p in found]
        else:
            out.append(source)
    return out


def add_batch(sources: list[str], data_dir: Path, **options) -> list[Outcome]:
    """Add each source in turn; a refusal never stops the others, and what was added stays."""
    outcomes = []
    for source in expand_sources(sources):
        try:
            added = add_source(source, data_dir, **options)
        except GoiError as exc:
            outcomes.append(Outcome(source, refusal=str(exc)))
            continue
        if added.refused:
            first = added.errors[0]
            more = f" and {len(added.errors) - 1} more" if len(added.errors) > 1 else ""
            outcomes.append(
                Outcome(source, added, f"{first.located()}{more} (nothing written; --allow-findings writes it)")
            )
        else:
            outcomes.append(Outcome(source, added))
    return outcomes


def pull_request_preview(added: Added) -> str:
    """What the pull request will show for this report's error findings."""
    stored = display_path(added.text_path)
    lines = sorted({f.line for f in added.errors if f.line})
    where = f"{stored}:{','.join(map(str, lines))}" if lines else stored
    rules = ", ".join(sorted({f.rule for f in added.errors}))
    return (
        f"its pull request will fail the data check with {len(added.errors)} error annotation(s) ({rules}) on "
        f"{where}, and the job summary will show the tables as read"
    )


def outcome_line(outcome: Outcome, dry_run: bool = False) -> str:
    """One line per source of a batch."""
    if not outcome.ok:
        return f"refused {outcome.source}: {outcome.refusal}"
    added = outcome.added
    report = added.report
    verb = "would add" if dry_run else ("replaced" if added.replaced else "added")
    warnings = sum(1 for f in report.findings if f.severity == "warning")
    extra = f", {len(added.errors)} error(s) (--allow-findings)" if added.errors else ""
    return f"{verb} {outcome.source} -> {display_path(added.text_path)} ({report.agency} {report.year}, {warnings} warning(s){extra})"


def _neighbours(report: Report, folder: Path, form: Form) -> list[Report]:
    """The same agency's stored reports of the years before and after, read as the corpus
    reads them (for the carry chain); one that cannot be read is left out."""
    others = []
    for year in (report.year - 1, report.year + 1):
        path = folder / f"{year}.txt"
        if path.exists():
            try:
                others.append(read_report(path, form=form))
            except (GoiError, OSError):
                continue
    return others


def _metadata_yaml(meta: Metadata, sha256: str) -> str:
    def value(v) -> str:
        return (
            yaml.safe_dump(v, allow_unicode=True, default_flow_style=True, width=10_000)
            .strip()
            .removesuffix("\n...")
            .strip()
        )

    lines = [
        f"# {one_line(meta.title or meta.agency)}" if (meta.title or meta.agency) else "#",
        f"agency: {value(meta.agency)}",
        f"region: {value(' / '.join(meta.region))}",
        f'division_code: "{meta.division_code}"',
        f"year: {meta.year}",
    ]
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


__all__ = ["add_report", "add_source", "add_batch", "Added", "AddError", "InputError", "Outcome"]
