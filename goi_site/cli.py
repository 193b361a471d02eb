"""The `goi` command. Thin: parse options, call the library once, map errors to exit codes.

Exit codes: 0 success; 1 a file could not be read as a report (or, with --strict, a
check failed), or the environment stopped the command (disk full, a file that cannot be
written, another build running); 2 wrong usage; 3 a bug in goi (and where to report it).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
from enum import StrEnum
from pathlib import Path

import typer

from goi_site.core import paths
from goi_site.core.errors import GoiError
from goi_site.corpus.load import load_corpus
from goi_site.form.loader import Form, FormError, load_form
from goi_site.maintain.annotate import github_annotations
from goi_site.publish.jsonout import report_to_json
from goi_site.terminal import render_reports, render_summary

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="goi-site: read 政府信息公开工作年度报告 into data, check them, build the site.",
)


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"goi: {message}", err=True)
    raise typer.Exit(code)


def _run(call):
    """Call the library; a domain error becomes its one line and exit code."""
    try:
        return call()
    except GoiError as exc:
        _fail(str(exc), exc.exit_code)


def _corpus_dir(data: Path | None) -> Path:
    folder = data or paths.default_data_dir()
    if not folder.is_dir():
        _fail(f"--data {folder}: {'not a folder' if folder.exists() else 'no such folder'}", 2)
    return folder


FORM_HELP = (
    "A form folder to read the reports with (its form.yml, and any of charts.yml, indicators.yml, … "
    "beside it; a file it lacks is the shipped one), e.g. a draft edition (default: goi_site/form/)."
)


def _form(folder: Path | None) -> Form:
    """The form of --form (default: the shipped one): a folder whose files do not fit
    together is one line naming the file and key, exit 2."""
    if folder is not None and not folder.is_dir():
        _fail(f"--form {folder}: {'not a folder' if folder.exists() else 'no such folder'}", 2)
    try:
        return load_form(folder)
    except FormError as exc:
        _fail(f"--form: {exc}", 2)


@app.command()
def parse(
    files: list[Path] = typer.Argument(..., help="Report text files (or directories of them)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per report, one per line."),
    form_dir: Path = typer.Option(None, "--form", help=FORM_HELP),
) -> None:
    """Read reports and print every cell (tables, or JSON with --json)."""
    form = _form(form_dir)
    try:
        corpus = load_corpus(files, form=form)
    except GoiError as exc:
        _fail(str(exc), exc.exit_code)
    for report in corpus.reports:
        if as_json:
            typer.echo(json.dumps(report_to_json(report, form), ensure_ascii=False, sort_keys=False))
        else:
            typer.echo(render_reports([report], form))
    for failure in corpus.failures:
        typer.echo(f"goi: {failure.located()}", err=True)
    raise typer.Exit(1 if corpus.failures else 0)


class Format(StrEnum):
    text = "text"
    github = "github"


class FailOn(StrEnum):
    unreadable = "unreadable"
    error = "error"
    warning = "warning"


@app.command()
def validate(
    targets: list[Path] | None = typer.Argument(None, help="Files or directories (default: the corpus)."),
    data: Path = typer.Option(None, "--data", help="The corpus directory (default: data/)."),
    strict: bool = typer.Option(False, "--strict", help="Also fail on findings (same as --fail-on warning)."),
    fail_on: FailOn = typer.Option(
        FailOn.unreadable,
        "--fail-on",
        help="unreadable: only unreadable reports fail; error: also missing tables or rows; "
        "warning: also failed checks.",
    ),
    output: Format = typer.Option(Format.text, "--format", help="text, or github (workflow annotations)."),
    changed_since: str = typer.Option(
        None,
        "--changed-since",
        help="Only the reports added or changed since this git revision (e.g. "
        "origin/main), read with their agencies' other years.",
    ),
    form_dir: Path = typer.Option(None, "--form", help=FORM_HELP),
) -> None:
    """Parse and check reports; print a summary table and every finding."""
    from goi_site.maintain.prsummary import load_changed

    form = _form(form_dir)
    root = _corpus_dir(data)
    if changed_since:
        if targets:
            _fail("give either files or --changed-since", 2)
        corpus = _run(lambda: load_changed(changed_since, root, form))
    else:
        corpus = _run(lambda: load_corpus(targets or [root], corpus_root=root, form=form))
    for failure in corpus.failures:
        typer.echo(f"goi: {failure.located()}", err=True)
    if output is Format.github:
        for line in github_annotations(corpus):
            typer.echo(line)
    typer.echo(render_summary(corpus, form))
    level = FailOn.warning if strict else fail_on
    if corpus.failures:
        raise typer.Exit(1)
    failing = {FailOn.unreadable: [], FailOn.error: corpus.error_findings(), FailOn.warning: corpus.rule_findings()}[
        level
    ]
    if failing:
        typer.echo(f"goi: --fail-on {level.value}: {len(failing)} finding(s)", err=True)
        raise typer.Exit(1)


@app.command()
def add(
    sources: list[str] = typer.Argument(
        ...,
        help="The report: a .txt, .md, .html, .pdf or .docx file, an http(s) address, "
        "or several of them / a folder (batch: one line per file).",
    ),
    data: Path = typer.Option(None, "--data", help="The corpus directory (default: data/)."),
    agency: str = typer.Option(None, "--agency", help="The agency's full name, if the title does not give it."),
    region: str = typer.Option(None, "--region", help="Province / city / county, e.g. 某某省/某某市/某某区."),
    year: int = typer.Option(None, "--year", help="The report year, if the title does not give it."),
    source_url: str = typer.Option(
        None,
        "--source-url",
        help="Where the report was published (an address given as the source is recorded by itself).",
    ),
    retrieved: str = typer.Option(None, "--retrieved", help="Date retrieved, YYYY-MM-DD (default: today)."),
    replace: bool = typer.Option(False, "--replace", help="Replace an existing report of the same agency and year."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be written; write nothing."),
    allow_findings: bool = typer.Option(
        False,
        "--allow-findings",
        help="Write a report even with error findings (a table or row not read); "
        "its pull request will fail the data check.",
    ),
    timeout: float = typer.Option(30.0, "--timeout", help="Seconds to wait for a server (addresses only)."),
    form_dir: Path = typer.Option(None, "--form", help=FORM_HELP),
) -> None:
    """Add reports to the corpus: extract, detect, check, write data/<province>/<agency>/<year>.txt + .yml.

    Exit 1 when a report is refused: unreadable, a duplicate, or with error findings
    (nothing is written for it unless --allow-findings)."""
    import datetime as dt

    from goi_site.core.textsafe import one_line
    from goi_site.maintain.add import add_batch, add_source, outcome_line, pull_request_preview
    from goi_site.parse.metadata import region_parts, retrieved_problem, unknown_region, year_problem

    try:
        when = dt.date.fromisoformat(retrieved) if retrieved else None
    except ValueError:
        _fail(f"--retrieved must be a date like 2026-11-20, not {retrieved!r}", 2)
    if when and retrieved_problem(when):
        _fail(f"--retrieved {retrieved_problem(when)}", 2)
    if year is not None and year_problem(year):
        _fail(f"--year {year_problem(year)}", 2)
    if agency is not None:
        agency = one_line(agency).strip()  # a name is one line
        if not agency:
            _fail("--agency is empty", 2)
    if region is not None and (not region_parts(region) or unknown_region(region_parts(region))):
        _fail(f"--region {unknown_region(region_parts(region)) or 'is empty'}", 2)
    if source_url and not source_url.startswith(("http://", "https://")):
        _fail(f"--source-url must be an http(s) address, not {source_url!r}", 2)
    form = _form(form_dir)
    options = dict(
        retrieved=when, replace=replace, dry_run=dry_run, allow_findings=allow_findings, timeout=timeout, form=form
    )
    data = data or paths.default_data_dir()
    if len(sources) > 1 or Path(sources[0]).is_dir():
        if agency or region or year or source_url:
            _fail("--agency, --region, --year and --source-url describe one report; add that one on its own", 2)
        try:
            outcomes = add_batch(sources, data, **options)
        except GoiError as exc:
            _fail(str(exc), exc.exit_code)
        for outcome in outcomes:
            typer.echo(outcome_line(outcome, dry_run))
        refused = sum(not o.ok for o in outcomes)
        typer.echo(
            f"{len(outcomes) - refused} added, {refused} refused" + (" (dry run: nothing written)" if dry_run else "")
        )
        raise typer.Exit(1 if refused else 0)
    source = sources[0]
    try:
        added = add_source(source, data, agency=agency, region=region, year=year, source_url=source_url, **options)
    except GoiError as exc:
        _fail(f"{source}: {exc}", exc.exit_code)
    typer.echo(render_reports([added.report], form))
    if added.refused:
        _fail(
            f"{source}: {len(added.errors)} error finding(s) (listed above), nothing written; fix the source "
            f"(another format often reads better) or add --allow-findings: {pull_request_preview(added)}"
        )
    verb = (
        ("would replace" if added.replaced else "would write")
        if dry_run
        else ("replaced" if added.replaced else "wrote")
    )
    typer.echo(f"\n{verb} {added.text_path} and {added.meta_path.name}")
    if added.errors:
        typer.echo(f"with {len(added.errors)} error finding(s) (--allow-findings): {pull_request_preview(added)}")
        typer.echo("next: commit both files and open a pull request; say in it what the report's original shows")
    elif not dry_run:
        typer.echo("next: goi validate, then commit both files and open a pull request")


@app.command()
def summary(
    changed_since: str = typer.Option(..., "--changed-since", help="Git revision to compare with, e.g. origin/main."),
    data: Path = typer.Option(None, "--data", help="The corpus directory (default: data/)."),
    form_dir: Path = typer.Option(None, "--form", help=FORM_HELP),
) -> None:
    """Markdown summary of the reports added or changed since a git revision (for a job summary)."""
    import re

    from goi_site.maintain.prsummary import summarise_changes

    if changed_since.startswith("-") or not re.fullmatch(r"[\w./@^~{}:+-]+", changed_since):
        _fail(f"--changed-since {changed_since!r} is not a git revision (a branch, tag or commit, e.g. origin/main)", 2)
    try:
        typer.echo(summarise_changes(changed_since, data or paths.default_data_dir(), _form(form_dir)))
    except GoiError as exc:
        _fail(str(exc), exc.exit_code)


@app.command()
def build(
    data: Path = typer.Option(None, "--data", help="The corpus directory (default: data/)."),
    out: Path = typer.Option(None, "--out", help="Where to write the built site (default: site/)."),
    repo_url: str = typer.Option(
        None, "--repo-url", envvar="GOI_REPO_URL", help="Repository URL for links to the source texts (default: none)."
    ),
    stats: Path = typer.Option(None, "--stats", help="Also write the build's figures (stages, counts) as JSON here."),
    form_dir: Path = typer.Option(None, "--form", help=FORM_HELP),
) -> None:
    """Parse and check the corpus, generate pages, charts and downloads, run mkdocs build --strict."""
    from goi_site.publish.sitebuild import build_site, site_size

    form = _form(form_dir)
    out = out or paths.default_out_dir()
    result = _run(lambda: build_site(_corpus_dir(data), out, repo_url, form=form))
    for note in result.notes:
        typer.echo(f"goi: note: {note}", err=True)
    files, size = site_size(out)
    corpus = result.corpus
    stages = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in result.stages.items())
    typer.echo(
        f"{len(corpus.reports)} report(s) of {len({r.agency_id for r in corpus.reports})} agencies "
        f"({result.cache_misses} parsed, {result.cache_hits} from the cache), "
        f"{len(corpus.rule_findings())} finding(s) to look at"
    )
    typer.echo(f"built {files} files ({size / 1e6:.1f} MB) into {out} in {result.total:.1f}s ({stages})")
    typer.echo(f"open it: goi serve   (or open {out / 'index.html'} in a browser)")
    if stats:
        stats.write_text(
            json.dumps(
                {
                    "reports": len(corpus.reports),
                    "agencies": len({r.agency_id for r in corpus.reports}),
                    "parsed": result.cache_misses,
                    "cached": result.cache_hits,
                    "stages": result.stages,
                    "downloads": result.downloads,
                    "total": result.total,
                    "files": files,
                    "bytes": size,
                },
                indent=1,
            ),
            encoding="utf-8",
        )


@app.command()
def export(
    data: Path = typer.Option(None, "--data", help="The corpus directory (default: data/)."),
    out: Path = typer.Option(None, "--out", help="The site directory; files go to OUT/downloads/ (default: site/)."),
    form_dir: Path = typer.Option(None, "--form", help=FORM_HELP),
) -> None:
    """Write the open-data downloads (CSV, JSON, codebook, datapackage.json) without building pages."""
    from goi_site.publish.exports import write_downloads
    from goi_site.publish.outdir import check_out

    form = _form(form_dir)
    out = out or paths.default_out_dir()
    data = _corpus_dir(data)
    _run(lambda: check_out(out, data))
    corpus = _run(lambda: load_corpus([data], corpus_root=data, form=form))
    if corpus.failures:
        _fail(f"{len(corpus.failures)} report(s) could not be read; run `goi validate` for the reasons")
    written, _ = write_downloads(corpus.reports, out / "downloads", data.resolve().parent, form=form)
    rows = sum(d.rows for d in written if d.group == "main" and d.name == "values")
    typer.echo(
        f"wrote {len(written) + 1} files ({rows} values of {len(corpus.reports)} reports) into {out / 'downloads'}"
    )


@app.command()
def serve(
    data: Path = typer.Option(None, "--data", help="The corpus directory (default: data/)."),
    out: Path = typer.Option(None, "--out", help="Where to write the built site (default: site/)."),
    port: int = typer.Option(8000, "--port", help="Port on localhost."),
    form_dir: Path = typer.Option(None, "--form", help=FORM_HELP),
) -> None:
    """Build the site, then preview it on http://127.0.0.1:PORT/ (Ctrl-C stops)."""
    from goi_site.publish.serve import serve_directory
    from goi_site.publish.sitebuild import build_site

    form = _form(form_dir)
    out = out or paths.default_out_dir()
    _run(lambda: build_site(_corpus_dir(data), out, form=form))
    typer.echo(f"serving {out} on http://127.0.0.1:{port}/  (Ctrl-C stops)")
    serve_directory(out, port)


# SQLite reports a full disk or a file-size limit as these, not as OSError (the downloads' goi.sqlite).
_ENVIRONMENT_SQLITE = re.compile(r"disk I/O error|database or disk is full|readonly database|unable to open")


def main() -> None:  # pragma: no cover - the console script
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:  # the environment (disk full, permissions, a file in the way), not a bug
        if os.environ.get("GOI_DEBUG"):
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        typer.echo(f"goi: {where}{exc.strerror or exc}", err=True)
        sys.exit(1)
    except Exception as exc:  # a bug, not bad input: one line, the way to see more, where to report it
        if os.environ.get("GOI_DEBUG"):
            raise
        if isinstance(exc, sqlite3.OperationalError) and _ENVIRONMENT_SQLITE.search(str(exc)):
            typer.echo(
                f"goi: {exc}: the disk is full, a file-size limit was reached, or the folder is read-only", err=True
            )
            sys.exit(1)
        tracker = (
            f"{os.environ['GOI_REPO_URL'].rstrip('/')}/issues"
            if os.environ.get("GOI_REPO_URL")
            else "the project's issue tracker (see CONTRIBUTING.md)"
        )
        typer.echo(
            f"goi: internal error: {type(exc).__name__}: {exc}. This is a bug in goi, not in your input: "
            f"please report it at {tracker} with the command you ran and the traceback that "
            "GOI_DEBUG=1 prints",
            err=True,
        )
        sys.exit(3)


if __name__ == "__main__":  # `python -m goi_site.cli` as well as `python -m goi_site`
    main()
