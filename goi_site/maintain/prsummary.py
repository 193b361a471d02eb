"""Which reports a pull request adds or changes, their check, and a Markdown summary of them.

A pull request is judged on its own reports: they are read with the other years of
the same agencies (the carry chain spans years), and only their findings are shown,
annotated and failed on; a warning in a report already merged is not the PR's.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from goi_site.core import paths
from goi_site.core.errors import GoiError
from goi_site.core.textsafe import link_url
from goi_site.corpus.load import Corpus, load_corpus
from goi_site.form.loader import CellRef, Form, load_form
from goi_site.parse.record import Report
from goi_site.publish.frameviews import report_headlines
from goi_site.publish.templating import template_env
from goi_site.publish.views import headline_specs


def changed_reports(base: str, data_dir: Path) -> list[Path]:
    """Report files under data_dir that differ from git revision `base` (added or modified)."""
    try:
        run = subprocess.run(
            [
                "git",
                "diff",
                "--name-only",
                "--diff-filter=AMR",
                "--end-of-options",
                f"{base}...HEAD",
                "--",
                str(data_dir),
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=paths.repo_root(),
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        raise GoiError(
            f"git could not compare with {base}: {detail.strip().splitlines()[-1] if detail.strip() else exc}"
        ) from None
    found = set()
    for name in run.stdout.splitlines():
        path = paths.repo_root() / name
        if path.suffix == ".yml":
            path = path.with_suffix(".txt")
        if path.suffix == ".txt" and path.exists():
            found.add(path)
    return sorted(found)


def load_changed(base: str, data_dir: Path, form: Form) -> Corpus:
    """The changed reports, read and checked with `form` with their agencies' other years;
    only the changed ones (their reports, findings and failures) are kept."""
    files = changed_reports(base, data_dir)
    if not files:
        return Corpus([], [])
    folders = sorted({f.parent for f in files})
    corpus = load_corpus(folders, form=form)
    wanted = {os.path.realpath(f) for f in files}
    return Corpus(
        [r for r in corpus.reports if os.path.realpath(r.source) in wanted],
        [f for f in corpus.failures if os.path.realpath(f.source) in wanted],
    )


@dataclass
class TableView:
    """One table of the form as the report filled it: row labels, cells, and a header row
    wherever the columns change (section 二 has three kinds of rows)."""

    title: str
    rows: list[tuple[list[str] | None, str, list[str]]]  # (header if the columns change, label, values)
    lines: tuple[int, int] | None


def form_tables(report: Report, form: Form) -> list[TableView]:
    edition = form.editions[report.edition]
    out = []
    for table_id, table in form.tables.items():
        rows, previous, lines = [], None, []
        for row in edition.rows(table_id):
            columns = edition.columns(table_id, row)
            header = [form.columns[c].label for c in columns] if columns != previous else None
            previous = columns
            values = []
            for column in columns:
                cell = report.cells[CellRef(table_id, row, column)]
                if cell.line:
                    lines.append(cell.line)
                values.append(_shown(cell))
            rows.append((header, form.row(table_id, row).label, values))
        out.append(TableView(f"{table.section}、{table.title}", rows, (min(lines), max(lines)) if lines else None))
    return out


def _shown(cell) -> str:
    """A cell as a reviewer compares it with the original: blank stays visibly blank."""
    if cell.value is None:
        return "—"
    return f"{cell.value}†" if cell.status in ("filled", "recovered") else str(cell.value)


def summary_markdown(corpus: Corpus, form: Form | None = None) -> str:
    """`form`: the form the corpus was read with (an entry point of tests: shipped by default)."""
    # Names and messages reach the job summary only as inert text, as on the site (textsafe.py).
    env = template_env(html=False)
    env.filters["link_url"] = link_url
    form = form if form is not None else load_form()
    rows = [
        (r, values, form_tables(r, form)) for r, values in zip(corpus.reports, report_headlines(corpus.reports, form))
    ]
    return env.get_template("summary.md.j2").render(
        rows=rows, specs=headline_specs(form), failures=corpus.failures, editions=form.editions
    )


def summarise_changes(base: str, data_dir: Path, form: Form) -> str:
    corpus = load_changed(base, data_dir, form)
    if not corpus.reports and not corpus.failures:
        return "### goi: no report added or changed\n"
    return summary_markdown(corpus, form)
