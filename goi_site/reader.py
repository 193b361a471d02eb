"""Read report files from disk: size and type checks, decoding, the metadata beside them.

This is the only module of the parsing path that touches the file system.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .decode import decode
from .errors import GoiError, InputError, MetadataError
from .extract import source_text
from .metadata import read_metadata, sidecar
from .parser import parse_text
from .record import Report

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


def read_report(path: Path) -> Report:
    """Parse one file; raises GoiError (InputError, MetadataError, ReportError) with the reason."""
    source = display_path(path)
    if path.is_dir():
        raise InputError("is a directory (give files, or use `goi validate DIR`)")
    data, _ = source_text(path)  # .txt as received; .html, .pdf, .docx extracted
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
    report = parse_text(text, source=source, meta=meta)
    report.sha256 = hashlib.sha256(data).hexdigest()
    report.encoding = encoding
    return report


def read_many(paths: list[Path]) -> tuple[list[Report], list[Failure]]:
    reports: list[Report] = []
    failures: list[Failure] = []
    for path in paths:
        try:
            reports.append(read_report(path))
        except GoiError as exc:
            failures.append(Failure(display_path(path), str(exc)))
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
