"""Write the open-data downloads, every format from the same frames (frames.py) and the
same catalogue (form/downloads.yml): CSV (tidy, wide, findings, indicators, codebook, and
splits per year and per agency), Parquet, SQLite, .xlsx, the parse JSON, and a
Frictionless datapackage.json describing them.

One pass over the corpus, one chunk of agencies at a time: each chunk's frames are
appended to every open file, so memory holds one chunk, whatever the corpus size.

Deterministic: rows in a stable order, no timestamps inside data files (zip members and
the workbook carry a fixed date), so the same corpus gives byte-identical files.

Size: a file larger than ZIP_FROM (10 MB) is published as a .zip holding it (GitHub
Pages takes 1 GB in all). Zipping can run in a second process while MkDocs builds the
pages (see sitebuild.py).
"""

from __future__ import annotations

import json
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from goi_site.core.parallel import PARALLEL_FROM, Background
from goi_site.form.loader import Form, load_form
from goi_site.parse.record import Report
from goi_site.publish.catalogue import Download, Field, load_catalogue, source_path, table_spec
from goi_site.publish.csvout import BOM, Rendered, header_line, write_csv
from goi_site.publish.frames import Frames, codebook_frame, frame_chunks
from goi_site.publish.jsonout import report_to_json
from goi_site.publish.typed import TypedWriters

ZIP_FROM = 10 * 1024 * 1024


def schema_fields(name: str, form: Form | None = None) -> tuple[Field, ...]:
    return table_spec(name, form).fields


def codebook_rows(form: Form) -> list[list]:
    """The codebook as rows of text (the codebook page shows them)."""
    frame = codebook_frame(form)
    return [["" if v is None or v != v else v for v in row] for row in frame.astype(object).itertuples(index=False)]


class _CsvFiles:
    """The open CSV files of one table (the whole table and its splits), rows counted."""

    def __init__(self, out: Path, fields):
        self.out, self.fields = out, fields
        self.header = BOM + header_line(fields)
        self.handles: dict[str, object] = {}
        self.rows: dict[str, int] = {}

    def append(self, path: str, rendered: Rendered | None, rows=None, last: bool = False) -> None:
        """Append rows to a file (opened, with its header, on first use); `last`: no more rows
        will come for it (an agency's file), so it is closed at once."""
        handle = self.handles.get(path)
        if handle is None:
            target = self.out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            handle = self.handles[path] = target.open("wb")
            handle.write(self.header)
            self.rows[path] = 0
        if rendered is not None:
            self.rows[path] += rendered.write(handle, rows)
        if last:
            self.handles.pop(path).close()

    def size(self, path: str) -> int:
        return self.handles[path].tell() if path in self.handles else 0

    def drop(self, path: str) -> None:
        """Stop writing a file and remove it."""
        self.handles.pop(path).close()
        (self.out / path).unlink()
        del self.rows[path]

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()


class _Writer:
    def __init__(self, out: Path):
        self.out = out
        self.done: list[Download] = []
        self.to_zip: list[str] = []

    def record(self, download: Download) -> None:
        path = download.path
        download.bytes = (self.out / path).stat().st_size
        if download.bytes > ZIP_FROM:
            self.to_zip.append(path)
            download.path = path + ".zip"
        self.done.append(download)


def write_downloads(
    reports: list[Report],
    out: Path,
    root: Path,
    zip_now: bool = True,
    timings: dict | None = None,
    keep: list | None = None,
    form: Form | None = None,
) -> tuple[list[Download], list[str]]:
    """Write every download into `out`. Returns the downloads (for the page and the
    datapackage) and the files still to zip: zipped here unless `zip_now` is False.
    `timings` (if given) gets the seconds spent per format (csv, json, parquet, sqlite,
    xlsx) and building the frames (frames; csv_frames: the CSV process's own), each with
    its CPU seconds beside it (name_cpu).
    `keep` (a list, if given) gets each chunk's frames without its long table: the build
    reads the pages' numbers from the very frames the downloads were written from
    (frameviews.whole_frames), so they are built once and memory holds one chunk of
    the long table at a time. `form`: the form whose cells, labels and indicators the
    files hold (an entry point of `goi export` and tests: the shipped form by default)."""
    form = form if form is not None else load_form()
    out.mkdir(parents=True, exist_ok=True)
    catalogue = load_catalogue(form)
    tables = catalogue.tables
    w = _Writer(out)
    # Two processes, each building the same frames from the same reports: a forked one writes
    # the CSVs and then the JSON, this one the typed formats (and keeps the frames for the
    # pages). The typed workbook's last sheet waits for the CSVs' bookkeeping (which files
    # hold the long table). Below PARALLEL_FROM reports, the CSVs are written here first.
    csv_job = Background(_write_csvs, reports, out, root, form, parallel=len(reports) >= PARALLEL_FROM)
    values, wide = tables["values"], tables["wide"]
    long_rows = sum(len(form.editions[r.edition].cells()) for r in reports)
    typed = TypedWriters(out, catalogue, long_rows, form)
    for frames in _timed_chunks(reports, root, form, timings):
        typed.append(frames, timings)
        if keep is not None:
            keep.append(
                Frames(frames.values.iloc[:0], frames.reports, frames.findings, frames.indicators, ratios=frames.ratios)
            )
    written = csv_job.result()
    if written is None:
        raise OSError("writing the CSV and JSON downloads failed")
    if timings is not None:
        for name, seconds in written["timings"].items():
            timings[name] = timings.get(name, 0.0) + seconds
    rows, agencies, whole = written["rows"], written["agencies"], written["whole"]
    year_files = dict(sorted(written["years"].items()))
    whole_values = f"{values.file}.csv"
    # ---- record what was written, in the order of the downloads page --------------------------
    if whole:  # else _write_csvs dropped it past whole_max_mb: the per-year files hold its rows
        w.record(
            Download(
                values.resource,
                whole_values,
                values.title,
                values.description,
                rows["values"].get(whole_values, 0),
                schema="values",
            )
        )
    split = values.raw["by_year"]
    for year, path in year_files.items():
        w.record(_split_download(split, f"{values.resource}-{year}", path, rows["values"][path], "values", year=year))
    for name in ("wide", "findings", "indicators"):
        spec, path = tables[name], f"{tables[name].file}.csv"
        w.record(Download(spec.resource, path, spec.title, spec.description, rows[name].get(path, 0), schema=name))
    codebook = tables["codebook"]
    codebook_table = codebook_frame(form)
    with (out / f"{codebook.file}.csv").open("wb") as handle:
        write_csv(codebook_table, codebook.fields, handle)
    w.record(
        Download(
            codebook.resource,
            f"{codebook.file}.csv",
            codebook.title,
            codebook.description,
            len(codebook_table),
            schema="codebook",
            group=codebook.group,
        )
    )
    by_agency = wide.raw["by_agency"]
    for agency_id in sorted(agencies):
        path, name = agencies[agency_id]
        w.record(_split_download(by_agency, f"agency-{agency_id}", path, rows["wide"][path], "wide", agency=name))
    for download in typed.finish(
        codebook_table,
        None if whole else list(year_files.values()),
        timings,
    ):
        w.record(download)
    j = catalogue.json
    w.record(Download(j["name"], j["file"], j["title"], j["description"], len(reports), format="json"))
    _write_datapackage(out, w.done, catalogue)
    if zip_now:
        zip_files(out, w.to_zip)
        return w.done, []
    return w.done, w.to_zip


def _split_download(split: dict, name: str, path: str, rows: int, schema: str, **part) -> Download:
    """One file of a table's split (downloads.yml's by_year / by_agency): its title and
    description from the split's templates, filled with the part it holds; its group is
    the part's kind (year, agency)."""
    (kind,) = part
    return Download(
        name,
        path,
        split["title"].format(**part),
        split["description"].format(**part),
        rows,
        schema=schema,
        group=kind,
    )


def _write_csvs(reports: list[Report], out: Path, root: Path, form: Form) -> dict:
    """Every CSV of the tables (whole, per year, per agency) from the frames of consecutive
    chunks, then the parse JSON. Returns what the downloads page needs: the rows of each
    file, per table; each agency's file and latest name; each year's file of the long
    table; whether the whole long table was kept; and the seconds spent (csv, json, and
    this process's frames as csv_frames)."""
    catalogue = load_catalogue(form)
    tables = catalogue.tables
    timings: dict = {}
    values, wide = tables["values"], tables["wide"]
    csvs = {name: _CsvFiles(out, tables[name].fields) for name in ("values", "wide", "findings", "indicators")}
    whole_values = f"{values.file}.csv"
    year_file = values.raw["by_year"]["file"]
    agency_file = wide.raw["by_agency"]["file"]
    agencies: dict[str, tuple[str, str]] = {}  # agency id → (file, name of its latest report)
    years: dict[int, str] = {}  # year → its file of the long table
    whole, whole_max = True, values.raw["whole_max_mb"] * 1024 * 1024
    several_years = len({r.year for r in reports}) > 1
    try:
        for frames in _timed_chunks(reports, root, form, timings, "csv_frames"):
            with _timed(timings, "csv"):
                rendered = Rendered(frames.values, values.fields) if len(frames.values) else None
                if whole:
                    csvs["values"].append(whole_values, rendered)
                    if csvs["values"].size(whole_values) > whole_max and several_years:
                        # past the size limit the whole table is published only split by year (the
                        # same rows): stop writing it now rather than write gigabytes and delete them
                        csvs["values"].drop(whole_values)
                        whole = False
                for year, rows in _groups(frames.values["year"]):
                    path = years.setdefault(int(year), year_file.format(year=year) + ".csv")
                    csvs["values"].append(path, rendered, rows)
                texts = {}
                for name in ("wide", "findings", "indicators"):
                    frame = frames.table(name)
                    texts[name] = Rendered(frame, tables[name].fields) if len(frame) else None
                    csvs[name].append(f"{tables[name].file}.csv", texts[name])
                for agency_id, rows in _groups(frames.reports["agency_id"]):
                    path = agency_file.format(agency_id=agency_id) + ".csv"
                    csvs["wide"].append(path, texts["wide"], rows, last=True)  # a chunk holds all of an agency
                    agencies[agency_id] = (path, frames.reports["agency"].iloc[rows].iloc[-1])
    finally:
        for files in csvs.values():
            files.close()
    with _timed(timings, "json"):
        _write_json(reports, out / catalogue.json["file"], root, form)
    return {
        "rows": {n: f.rows for n, f in csvs.items()},
        "agencies": agencies,
        "years": years,
        "whole": whole,
        "timings": timings,
    }


def _timed_chunks(reports: list[Report], root: Path, form: Form, timings: dict | None, name: str = "frames"):
    """frame_chunks, the time spent building each chunk counted as `name`."""
    chunks = frame_chunks(reports, root, form=form)
    while True:
        with _timed(timings, name):
            frames = next(chunks, None)
        if frames is None:
            return
        yield frames


def _groups(column) -> list:
    """(key, row numbers) of each distinct non-missing value, in order of first appearance."""
    import numpy as np

    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    if len(codes) and (np.diff(codes) >= 0).all() and codes[0] >= 0:  # runs in order (an agency's reports): slices
        bounds = np.searchsorted(codes, np.arange(len(uniques) + 1))
        return [(uniques[k], slice(int(bounds[k]), int(bounds[k + 1]))) for k in range(len(uniques))]
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    return [(uniques[k], order[bounds[k] : bounds[k + 1]]) for k in range(len(uniques))]


@contextmanager
def _timed(timings: dict | None, name: str):
    """Seconds of wall time into timings[name], of this process's CPU into timings[name + "_cpu"]
    (on a shared machine the CPU figure is the one that compares)."""
    start, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - start
            timings[name + "_cpu"] = timings.get(name + "_cpu", 0.0) + time.process_time() - cpu


def _write_json(reports: list[Report], path: Path, root: Path, form: Form) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("[")
        for index, report in enumerate(reports):
            handle.write(
                ("," if index else "")
                + json.dumps(_portable_json(report, root, form), ensure_ascii=False, separators=(",", ":"))
            )
        handle.write("]\n")


def zip_files(out: Path, names: list[str]) -> None:
    """Replace each file by a .zip holding it (fixed member date: the bytes stay reproducible)."""
    for name in names:
        source = out / name
        info = zipfile.ZipInfo(Path(name).name, date_time=(2019, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with zipfile.ZipFile(out / (name + ".zip"), "w") as archive:
            with source.open("rb") as handle, archive.open(info, "w", force_zip64=True) as member:
                while chunk := handle.read(1 << 22):
                    member.write(chunk)
        source.unlink()


def _portable_json(report: Report, root: Path, form: Form) -> dict:
    """The parse JSON with the source path relative to the repository."""
    data = report_to_json(report, form)
    data["source"]["file"] = source_path(report, root)
    for finding in data["findings"]:
        finding["file"] = data["source"]["file"]
    return data


def _write_datapackage(out: Path, done: list[Download], catalogue) -> None:
    schemas = out / "schemas"
    schemas.mkdir(exist_ok=True)
    used = sorted({d.schema for d in done if d.schema})
    for name in used:
        spec = catalogue.tables[name]
        schema = {"fields": [_field(f) for f in spec.fields], "primaryKey": list(spec.primary_key)}
        (schemas / f"{name}.json").write_text(json.dumps(schema, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    typed = [d for d in done if d.group == "format"]
    resources = []
    for d in done:
        if d.schema is None:
            continue
        resource = {
            "name": d.name,
            "path": d.path,
            "title": d.title,
            "description": d.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8-sig",
            "schema": f"schemas/{d.schema}.json",
        }
        if d.zipped:
            resource["compression"] = "zip"
        if d.group == "main" or d.group == "meta":
            # The same table in the typed formats (Frictionless validates the CSV; these hold the same rows).
            same = [
                {"path": t.path, "format": t.format, "table": t.holds[d.schema]} for t in typed if d.schema in t.holds
            ]
            if same:
                resource["x-also-as"] = same
        resources.append(resource)
    package = {**catalogue.package, "resources": resources}
    (out / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _field(f: Field) -> dict:
    out = {
        "name": f.name,
        "title": f.title,
        "type": f.type,
        "description": " ".join(x for x in (f.en, f.description) if x),
    }
    if f.type in ("integer", "number"):
        out["bareNumber"] = True
    return out
