"""The corpus as a whole: read every report, run every check, summarise.

The library entry points the CLI calls. Reports come back sorted by agency and year
so every output built on them is deterministic.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .cache import ParseCache
from .checks import check_corpus
from .metadata import sidecar
from .reader import Failure, expand, read_many
from .record import Report


@dataclass
class Corpus:
    reports: list[Report]
    failures: list[Failure]

    def findings(self):
        return [f for r in self.reports for f in r.findings]

    def rule_findings(self):
        """Findings of severity warning or error (what --strict fails on)."""
        return [f for f in self.findings() if f.severity in ("warning", "error")]

    def error_findings(self):
        return [f for f in self.findings() if f.severity == "error"]


def load_corpus(paths: list[Path], cache: ParseCache | None = None, timings: dict | None = None) -> Corpus:
    """Read and check every report under `paths` (files or directories).

    With a cache, reports whose bytes, metadata and reading code are unchanged are not
    parsed again; the corpus-wide checks always run (they span years and are cheap).
    `timings`, if given, receives the seconds spent reading ("parse") and checking."""
    start = time.perf_counter()
    reports, failures = read_many(expand(paths), cache)
    middle = time.perf_counter()
    reports, layout = _layout(reports)
    failures += layout
    reports.sort(key=lambda r: (r.agency_id or "", r.year or 0, r.source))
    check_corpus(reports)  # read_report ran the one-report rules
    if timings is not None:
        timings["parse"] = timings.get("parse", 0.0) + middle - start
        timings["checks"] = timings.get("checks", 0.0) + time.perf_counter() - middle

    return Corpus(reports, failures)


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
                failures.append(Failure(report.source, f"the file is named {path.name} but the report year is {report.year}: "
                                                       f"rename it {report.year}.txt (and its .yml)"))
                continue
            if report.agency_id and path.parent.name != report.agency_id:
                failures.append(Failure(report.source, f"the folder is {path.parent.name} but the agency id is "
                                                       f"{report.agency_id}: move it to .../{report.agency_id}/{path.name}"))
                continue
        key = (report.agency_id, report.year)
        if in_corpus and report.agency_id and key in seen:
            failures.append(Failure(report.source, f"duplicate: {seen[key]} is already the {report.year} report of "
                                                   f"{report.agency} ({report.agency_id})"))
            continue
        if in_corpus:
            seen[key] = report.source
        kept.append(report)
    return kept, failures
