"""The corpus as a whole: read every report, check them, join the two.

The library entry points the CLI calls. Reading gives each report's parsed record (what
the cache holds); checking gives findings, per report and across years; the corpus's
reports are the records with the checks' findings after their own, new objects, so a
parsed record is never changed. Reports come back sorted by agency and year so every
output built on them is deterministic.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

from goi_site.check.rules import check_corpus
from goi_site.corpus.cache import ParseCache
from goi_site.corpus.reader import Failure, display_path, expand, read_many
from goi_site.form.loader import Form, load_form
from goi_site.parse.metadata import sidecar
from goi_site.parse.record import Finding, Report


@dataclass
class Corpus:
    reports: list[Report]
    failures: list[Failure]

    def findings(self):
        return [f for r in self.reports for f in r.findings]

    def rule_findings(self):
        """Findings of severity warning or error (what --strict fails on)."""
        return [f for f in self.findings() if f.needs_attention]

    def error_findings(self):
        return [f for f in self.findings() if f.severity == "error"]


def load_corpus(
    paths: list[Path],
    cache: ParseCache | None = None,
    timings: dict | None = None,
    corpus_root: Path | None = None,
    form: Form | None = None,
) -> Corpus:
    """Read and check every report under `paths` (files or directories) with `form` (the
    shipped one by default: this is the entry point the CLI and `goi add` call).

    With a cache, reports whose bytes, metadata and reading code are unchanged are not
    parsed again; the checks always run (they are cheap, and span years).
    `timings`, if given, receives the seconds spent reading ("parse") and checking.
    Below `corpus_root` (the corpus: build, validate) every report needs its metadata
    file and every metadata file its report: half of a pair is a failure, not a report."""
    form = form if form is not None else load_form()
    start = time.perf_counter()
    files = expand(paths)
    files, failures = _pairs(files, paths, corpus_root)
    reports, unread = read_many(files, cache, form)
    failures += unread
    middle = time.perf_counter()
    reports, layout = _layout(reports)
    failures += layout
    reports, clashes = _distinct_ids(reports)
    failures += clashes
    reports.sort(key=lambda r: (r.agency_id or "", r.year or 0, r.source))
    found = check_corpus(reports, form)
    reports = [checked(r, findings) for r, findings in zip(reports, found)]
    if timings is not None:
        timings["parse"] = timings.get("parse", 0.0) + middle - start
        timings["checks"] = timings.get("checks", 0.0) + time.perf_counter() - middle

    return Corpus(reports, failures)


def checked(report: Report, findings: list[Finding]) -> Report:
    """The report as published: its reading's findings, then its checks' (a new record)."""
    return replace(report, findings=[*report.findings, *findings]) if findings else report


def _pairs(files: list[Path], given: list[Path], corpus_root: Path | None) -> tuple[list[Path], list[Failure]]:
    """Split off the corpus files that lack their other half (see load_corpus)."""
    if corpus_root is None:
        return files, []
    root = corpus_root.resolve()

    def in_corpus(path: Path) -> bool:
        resolved = path.resolve()
        return resolved == root or root in resolved.parents

    kept, failures = [], []
    for path in files:
        if in_corpus(path) and not sidecar(path).exists():
            failures.append(
                Failure(
                    display_path(path),
                    f"no metadata file {sidecar(path).name} beside it: every report "
                    "in the corpus needs one (`goi add` writes both); add it or "
                    "remove the report",
                )
            )
        else:
            kept.append(path)
    for folder in given:
        if folder.is_dir() and in_corpus(folder):
            for meta in sorted(folder.rglob("*.yml"), key=lambda p: p.as_posix()):
                if not meta.name.startswith(".") and not meta.with_suffix(".txt").exists():
                    failures.append(
                        Failure(
                            display_path(meta),
                            f"a metadata file without its report "
                            f"{meta.with_suffix('.txt').name}: add the report or "
                            "remove this file",
                        )
                    )
    return kept, failures


def _distinct_ids(reports: list[Report]) -> tuple[list[Report], list[Failure]]:
    """Two agencies must never share an id silently (their reports would merge into one
    page and one series): every report of an id that two different names claim fails,
    with the way out. Names are compared as the metadata gives them (a title may shorten
    a name differently from year to year; metadata is the maintainer's full name)."""
    names: dict[str, dict[str, str]] = {}
    for report in reports:
        if report.agency_id and report.agency and report.meta:
            names.setdefault(report.agency_id, {}).setdefault(report.agency, report.source)
    clashing = {aid: found for aid, found in names.items() if len(found) > 1}
    if not clashing:
        return reports, []
    kept, failures = [], []
    for report in reports:
        found = clashing.get(report.agency_id)
        if found is None:
            kept.append(report)
            continue
        others = "; ".join(f"{name} ({source})" for name, source in found.items() if name != report.agency)
        failures.append(
            Failure(
                report.source,
                f"agency id {report.agency_id} is also the id of {others}, but this "
                f"report's agency is {report.agency}. If they are one agency, write "
                "the same `agency:` in both metadata files; if two, give one of them "
                f"`agency_id: {report.agency_id}-2` in its metadata and move its "
                "files to a folder of that name",
            )
        )
    return kept, failures


def _layout(reports: list[Report]) -> tuple[list[Report], list[Failure]]:
    """Corpus files (those with metadata beside them) must sit where their identity says,
    once: data/<province>/<agency id>/<year>.txt. A second copy of a report is refused.
    Loose files (goi parse of a download) are not held to the layout."""
    kept: list[Report] = []
    failures: list[Failure] = []
    seen: dict[tuple[str | None, int | None], str] = {}
    for report in sorted(reports, key=lambda r: r.source):
        path = Path(report.source)
        in_corpus = sidecar(path).exists()
        if in_corpus:
            if path.stem != str(report.year):
                failures.append(
                    Failure(
                        report.source,
                        f"the file is named {path.name} but the report year is {report.year}: "
                        f"rename it {report.year}.txt (and its .yml)",
                    )
                )
                continue
            if report.agency_id and path.parent.name != report.agency_id:
                failures.append(
                    Failure(
                        report.source,
                        f"the folder is {path.parent.name} but the agency id is "
                        f"{report.agency_id}: move it to .../{report.agency_id}/{path.name}",
                    )
                )
                continue
        key = (report.agency_id, report.year)
        if in_corpus and report.agency_id and key in seen:
            failures.append(
                Failure(
                    report.source,
                    f"duplicate: {seen[key]} is already the {report.year} report of "
                    f"{report.agency} ({report.agency_id})",
                )
            )
            continue
        if in_corpus:
            seen[key] = report.source
        kept.append(report)
    return kept, failures
