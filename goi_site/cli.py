"""The `goi` command. Thin: parse options, call the library once, map errors to exit codes.

Exit codes: 0 success; 1 a file could not be read as a report (or, with --strict, a
check failed); 2 wrong usage.
"""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from . import paths
from .corpus import load_corpus
from .errors import GoiError
from .annotate import github_annotations
from .jsonout import report_to_json
from .summary import render_reports, render_summary

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="goi-site: read 政府信息公开工作年度报告 into data, check them, build the site.",
)


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"goi: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def parse(
    files: list[Path] = typer.Argument(..., help="Report text files (or directories of them)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per report, one per line."),
) -> None:
    """Read reports and print every cell (tables, or JSON with --json)."""
    try:
        corpus = load_corpus(files)
    except GoiError as exc:
        _fail(str(exc))
    for report in corpus.reports:
        if as_json:
            typer.echo(json.dumps(report_to_json(report), ensure_ascii=False, sort_keys=False))
        else:
            typer.echo(render_reports([report]))
    for failure in corpus.failures:
        typer.echo(f"goi: {failure.located()}", err=True)
    raise typer.Exit(1 if corpus.failures else 0)


class Format(str, Enum):
    text = "text"
    github = "github"


class FailOn(str, Enum):
    unreadable = "unreadable"
    error = "error"
    warning = "warning"


@app.command()
def validate(
    targets: Optional[list[Path]] = typer.Argument(None, help="Files or directories (default: the corpus)."),
    data: Path = typer.Option(None, "--data", help="The corpus directory (default: data/)."),
    strict: bool = typer.Option(False, "--strict", help="Also fail on findings (same as --fail-on warning)."),
    fail_on: FailOn = typer.Option(FailOn.unreadable, "--fail-on",
                                   help="unreadable: only unreadable reports fail; error: also missing tables or rows; "
                                        "warning: also failed checks."),
    output: Format = typer.Option(Format.text, "--format", help="text, or github (workflow annotations)."),
) -> None:
    """Parse and check reports; print a summary table and every finding."""
    try:
        corpus = load_corpus(targets or [data or paths.default_data_dir()])
    except GoiError as exc:
        _fail(str(exc))
    if output is Format.github:
        for line in github_annotations(corpus):
            typer.echo(line)
    typer.echo(render_summary(corpus))
    level = FailOn.warning if strict else fail_on
    if corpus.failures:
        raise typer.Exit(1)
    failing = {FailOn.unreadable: [], FailOn.error: corpus.error_findings(), FailOn.warning: corpus.rule_findings()}[level]
    if failing:
        typer.echo(f"goi: --fail-on {level.value}: {len(failing)} finding(s)", err=True)
        raise typer.Exit(1)


@app.command()
def add(
    source: Path = typer.Argument(..., help="The report: a .txt, .html, .pdf or .docx file."),
    data: Path = typer.Option(None, "--data", help="The corpus directory (default: data/)."),
    agency: str = typer.Option(None, "--agency", help="The agency's full name, if the title does not give it."),
    region: str = typer.Option(None, "--region", help="Province / city / county, e.g. 河南省/平顶山市/湛河区."),
    year: int = typer.Option(None, "--year", help="The report year, if the title does not give it."),
    source_url: str = typer.Option(None, "--source-url", help="Where the report was published."),
    retrieved: str = typer.Option(None, "--retrieved", help="Date retrieved, YYYY-MM-DD (default: today)."),
    replace: bool = typer.Option(False, "--replace", help="Replace an existing report of the same agency and year."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be written; write nothing."),
) -> None:
    """Add a report to the corpus: extract, detect, check, write data/<province>/<agency>/<year>.txt + .yml."""
    import datetime as dt

    from .add import add_report

    try:
        when = dt.date.fromisoformat(retrieved) if retrieved else None
    except ValueError:
        _fail(f"--retrieved must be a date like 2026-11-20, not {retrieved!r}", 2)
    if source_url and not source_url.startswith(("http://", "https://")):
        _fail(f"--source-url must be an http(s) address, not {source_url!r}", 2)
    try:
        added = add_report(source, data or paths.default_data_dir(), agency=agency, region=region, year=year,
                           source_url=source_url, retrieved=when, replace=replace, dry_run=dry_run)
    except GoiError as exc:
        _fail(f"{source}: {exc}")
    typer.echo(render_reports([added.report]))
    verb = ("would replace" if added.replaced else "would write") if dry_run else ("replaced" if added.replaced else "wrote")
    typer.echo(f"\n{verb} {added.text_path} and {added.meta_path.name}")
    if not dry_run:
        typer.echo("next: goi validate, then commit both files and open a pull request")


@app.command()
def summary(
    changed_since: str = typer.Option(..., "--changed-since", help="Git revision to compare with, e.g. origin/main."),
    data: Path = typer.Option(None, "--data", help="The corpus directory (default: data/)."),
) -> None:
    """Markdown summary of the reports added or changed since a git revision (for a job summary)."""
    from .changes import summarise_changes

    try:
        typer.echo(summarise_changes(changed_since, data or paths.default_data_dir()))
    except GoiError as exc:
        _fail(str(exc))


@app.command()
def build(
    data: Path = typer.Option(None, "--data", help="The corpus directory (default: data/)."),
    out: Path = typer.Option(None, "--out", help="Where to write the built site (default: site/)."),
    repo_url: str = typer.Option(None, "--repo-url", envvar="GOI_REPO_URL",
                                 help="Repository URL for links to the source texts (default: none)."),
    stats: Path = typer.Option(None, "--stats", help="Also write the build's figures (stages, counts) as JSON here."),
) -> None:
    """Parse and check the corpus, generate pages, charts and downloads, run mkdocs build --strict."""
    from .sitebuild import build_site, site_size

    out = out or paths.default_out_dir()
    try:
        result = build_site(data or paths.default_data_dir(), out, repo_url)
    except GoiError as exc:
        _fail(str(exc))
    files, size = site_size(out)
    corpus = result.corpus
    stages = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in result.stages.items())
    typer.echo(f"{len(corpus.reports)} report(s) of {len({r.agency_id for r in corpus.reports})} agencies "
               f"({result.cache_misses} parsed, {result.cache_hits} from the cache), "
               f"{len(corpus.rule_findings())} finding(s) to look at")
    typer.echo(f"built {files} files ({size / 1e6:.1f} MB) into {out} in {result.total:.1f}s ({stages})")
    typer.echo(f"open it: goi serve   (or open {out / 'index.html'} in a browser)")
    if stats:
        stats.write_text(json.dumps({
            "reports": len(corpus.reports), "agencies": len({r.agency_id for r in corpus.reports}),
            "parsed": result.cache_misses, "cached": result.cache_hits, "stages": result.stages,
            "downloads": result.downloads,
            "total": result.total, "files": files, "bytes": size,
        }, indent=1), encoding="utf-8")


@app.command()
def export(
    data: Path = typer.Option(None, "--data", help="The corpus directory (default: data/)."),
    out: Path = typer.Option(None, "--out", help="The site directory; files go to OUT/downloads/ (default: site/)."),
) -> None:
    """Write the open-data downloads (CSV, JSON, codebook, datapackage.json) without building pages."""
    from .exports import write_downloads

    out = out or paths.default_out_dir()
    data = data or paths.default_data_dir()
    try:
        corpus = load_corpus([data])
    except GoiError as exc:
        _fail(str(exc))
    if corpus.failures:
        _fail(f"{len(corpus.failures)} report(s) could not be read; run `goi validate` for the reasons")
    written, _ = write_downloads(corpus.reports, out / "downloads", data.resolve().parent)
    rows = sum(d.rows for d in written if d.group == "main" and d.name == "values")
    typer.echo(f"wrote {len(written) + 1} files ({rows} values of {len(corpus.reports)} reports) into {out / 'downloads'}")


@app.command()
def serve(
    data: Path = typer.Option(None, "--data", help="The corpus directory (default: data/)."),
    out: Path = typer.Option(None, "--out", help="Where to write the built site (default: site/)."),
    port: int = typer.Option(8000, "--port", help="Port on localhost."),
) -> None:
    """Build the site, then preview it on http://127.0.0.1:PORT/ (Ctrl-C stops)."""
    from .sitebuild import build_site
    from .serve import serve_directory

    out = out or paths.default_out_dir()
    try:
        build_site(data or paths.default_data_dir(), out)
    except GoiError as exc:
        _fail(str(exc))
    typer.echo(f"serving {out} on http://127.0.0.1:{port}/  (Ctrl-C stops)")
    serve_directory(out, port)


def main() -> None:  # pragma: no cover - the console script
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a bug, not bad input: one line, and the way to see more
        if os.environ.get("GOI_DEBUG"):
            raise
        typer.echo(f"goi: internal error: {type(exc).__name__}: {exc} (run with GOI_DEBUG=1 for the traceback, "
                   "and please report it)", err=True)
        sys.exit(3)
