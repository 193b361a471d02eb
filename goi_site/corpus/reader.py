"""Read report files from disk: size and type checks, decoding, the metadata beside them.

This is the only module of the parsing path that touches the file system.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, replace
from pathlib import Path

from goi_site.check.ocrmark import mark_ocr
from goi_site.check.plausible import implausible_values
from goi_site.core.errors import GoiError, InputError, MetadataError
from goi_site.core.parallel import parallel_map
from goi_site.corpus.cache import ParseCache, report_key
from goi_site.extract.decode import MAX_BYTES, decode
from goi_site.extract.formats import source_extract
from goi_site.extract.ocrtokens import stored_tokens
from goi_site.form.loader import Form, load_form
from goi_site.parse.identity import region_disagreement
from goi_site.parse.metadata import Metadata, read_metadata, sidecar
from goi_site.parse.parser import parse_text
from goi_site.parse.record import Report

TEXT_SUFFIXES = (".txt",)


@dataclass
class Failure:
    """A file that could not be read as a report, with the one-line reason."""

    source: str
    error: str

    def located(self) -> str:
        return f"{self.source}: {self.error}"


def display_path(path: Path) -> str:
    """The path relative to the working directory when it is below it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


def read_report(path: Path, data: bytes | None = None, form: Form | None = None) -> Report:
    """Read one file into its parsed record (the reading's findings only: the rules run in
    the check step, over the whole corpus). `data`: the file's bytes if already read;
    `form`: the form to read it with (a public entry point: the shipped one by default).
    Raises GoiError (InputError, MetadataError, ReportError) with the reason."""
    form = form if form is not None else load_form()
    source = display_path(path)
    if path.is_dir():
        raise InputError("is a directory (give files, or use `goi validate DIR`)")
    tokens = None  # a scan's OCR tokens: from its extraction, or kept beside its .txt
    if data is None or path.suffix.lower() != ".txt" or len(data) > MAX_BYTES:
        data, _, tokens = source_extract(path)  # .txt as received; .html, .pdf, .docx extracted
    text, encoding = decode(data)
    meta = None
    meta_path = sidecar(path)
    if meta_path.exists():
        meta = read_metadata(meta_path)
        digest = hashlib.sha256(data).hexdigest()
        if meta.sha256 and meta.sha256 != digest:
            raise MetadataError(
                f"{display_path(meta_path)}: sha256 does not match the text file: the report text must be kept as received"
            )
    if tokens is None:
        tokens = stored_tokens(path)
    report = read_text(text, source, meta, tokens, form)
    report.sha256 = hashlib.sha256(data).hexdigest()
    report.encoding = encoding
    return report


def read_text(text: str, source: str, meta: Metadata | None, tokens, form: Form) -> Report:
    """The reading of a report's text, the same for the corpus and `goi add`: the parse, the
    identity its metadata gives, the values no report can hold and, for a scan read by OCR
    (`tokens`), the OCR marks. The record is final once returned: nothing changes it later."""
    report = parse_text(text, source=source, meta=meta, form=form)
    _identity_from_metadata(report, meta, text, form)
    implausible_values(report, form)
    if tokens is not None:  # read by OCR: mark every value, empty the rows that fail their sums
        mark_ocr(report, tokens, form)
    return report


def relocated(report: Report, source: str) -> Report:
    """The same record under another path (`goi add` reads a file before it is stored):
    its findings name the new path."""
    findings = [replace(f, file=source) if f.file == report.source else f for f in report.findings]
    return replace(report, source=source, findings=findings)


def _identity_from_metadata(report: Report, meta, text: str, form: Form) -> None:
    """The metadata's agency_id (set when two names give one id) wins; a region that
    contradicts the report's title is a finding."""
    if meta is not None and meta.agency_id:
        report.agency_id = meta.agency_id
    disagreement = region_disagreement(report, text.splitlines())
    if disagreement:
        report.add("region_mismatch", report.title_line, meta=disagreement[0], text=disagreement[1], form=form)


def _read_one(path: Path, data: bytes | None, form: Form) -> Report | Failure:
    """One file's report, or its Failure: one bad file never stops the others."""
    try:
        return read_report(path, data, form)
    except GoiError as exc:
        return Failure(display_path(path), str(exc))
    except OSError as exc:  # unreadable (permissions, I/O error): the file's problem, not a bug
        return Failure(display_path(path), f"cannot be read ({exc.strerror or exc})")


class _Lookup:
    """The parse cache as one process sees it: opened on first use, so each worker of the
    parallel map opens its own connection (an SQLite connection must not cross a fork).
    It carries the form the files are read with (inherited by the workers at fork)."""

    def __init__(self, path: Path | None, form: Form):
        self.path = path
        self.form = form
        self.cache: ParseCache | None = None

    def blob(self, key: str) -> bytes | None:
        if self.path is None:
            return None
        if self.cache is None:
            self.cache = ParseCache(self.path)
        return self.cache.get_blob(key)

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()


def _read_cached(lookup: _Lookup, path: Path) -> tuple[str | None, bytes, bool]:
    """(key, pickled result, freshly parsed?). Hashing, the cache lookup and the parse all
    happen in the worker, on every core; the parent only unpickles."""
    key = data = None
    if lookup.path is not None:
        try:
            data = path.read_bytes() if path.is_file() else None
        except OSError:
            data = None
        key = report_key(display_path(path), path, sidecar(path), data, lookup.form)
        blob = lookup.blob(key) if key else None
        if blob is not None:
            return key, blob, False
    return key, pickle.dumps(_read_one(path, data, lookup.form), protocol=pickle.HIGHEST_PROTOCOL), True


def read_many(paths: list[Path], cache: ParseCache | None, form: Form) -> tuple[list[Report], list[Failure]]:
    """Read every file with `form`: from the cache when its content (and the form) was read
    before, the rest on every core."""
    lookup = _Lookup(cache.path if cache else None, form)
    try:
        results = parallel_map(_read_cached, paths, lookup)
    finally:
        lookup.close()
    if cache:
        fresh = {key: blob for key, blob, new in results if new and key}
        cache.put_blobs(fresh)
        cache.misses += sum(1 for _, _, new in results if new)
        cache.hits += sum(1 for _, _, new in results if not new)
    loaded = []
    for path, (key, blob, new) in zip(paths, results):
        try:
            loaded.append(pickle.loads(blob))
        except Exception:  # a damaged cache entry (any unpickling error): read the file again
            if new or cache is None:
                raise
            cache.forget(key)
            loaded.append(_read_one(path, None, form))
            cache.put_blobs({key: pickle.dumps(loaded[-1], protocol=pickle.HIGHEST_PROTOCOL)})
            cache.repaired = cache.repaired or f"a damaged entry of the parse cache {cache.path} was read again"
    reports = [r for r in loaded if isinstance(r, Report)]
    failures = [r for r in loaded if isinstance(r, Failure)]
    return reports, failures


def find_reports(root: Path) -> list[Path]:
    """Every report text file below a directory, in a stable order."""
    return sorted(
        (p for p in root.rglob("*") if p.suffix in TEXT_SUFFIXES and p.is_file() and not p.name.startswith(".")),
        key=lambda p: p.as_posix(),
    )


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; directories replaced by the reports below them."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = find_reports(path)
            if not found:
                raise InputError(f"{display_path(path)}: no report files (*.txt) in this directory")
            out.extend(found)
        else:
            out.append(path)
    return out
