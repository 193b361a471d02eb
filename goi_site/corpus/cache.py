"""A parse cache keyed by content, so a rebuild re-parses only what changed.

The key is the SHA-256 of the report's bytes, its metadata file's bytes, the OCR
tokens kept beside a scan's text (`<year>.ocr.tsv`: they change the reading), the path it
is reported under, the code that reads it (every module and form file of the package)
and the form it is read with (the files of its folder: a draft form is another key):
change any of these and the entry is simply never found again, so a stale entry cannot
be served. Entries live in one SQLite file (.goi-cache/parse.sqlite3).
"""

from __future__ import annotations

import hashlib
import sqlite3
from functools import lru_cache
from pathlib import Path

from goi_site.core import paths
from goi_site.extract.ocrtokens import sidecar as ocr_sidecar
from goi_site.form.loader import Form


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of everything that decides how a report is read."""
    digest = hashlib.sha256()
    for path in sorted(paths.PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".yml", ".csv", ".tsv"):
            digest.update(path.relative_to(paths.PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=8)  # keyed by the Form object (one per folder)
def form_version(form: Form) -> str:
    """A digest of the form folder's files (what the shipped files of code_version do not
    cover when the form is read from another folder)."""
    digest = hashlib.sha256(form.folder.as_posix().encode())
    for path in sorted(form.folder.glob("*.yml")):
        digest.update(b"\0" + path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def report_key(source: str, text_path: Path, meta_path: Path | None, data: bytes | None, form: Form) -> str | None:
    """The cache key of a report file read with `form` (`data`: its bytes if already
    read), or None if it cannot be read (then it is not cached)."""
    digest = hashlib.sha256(code_version().encode())
    digest.update(form_version(form).encode())
    digest.update(source.encode())
    try:
        digest.update(text_path.read_bytes() if data is None else data)
        if meta_path is not None and meta_path.exists():
            digest.update(b"\0meta\0" + meta_path.read_bytes())
        tokens_path = ocr_sidecar(text_path)
        if tokens_path.exists():
            digest.update(b"\0ocr\0" + tokens_path.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


class ParseCache:
    """The cache is a convenience, never a reason to fail: a damaged file (truncated,
    garbage, not SQLite) is detected on first use, deleted and started afresh (noted in
    `repaired`); a cache that cannot be written at all is simply not used."""

    def __init__(self, path: Path | None = None):
        self.path = path or paths.cache_dir() / "parse.sqlite3"
        self.hits = 0
        self.misses = 0
        self.repaired: str | None = None  # why the cache file was started afresh, if it was
        self.db: sqlite3.Connection | None = None
        try:
            self._open()
        except sqlite3.DatabaseError as exc:
            self._reset(exc)
        except OSError:
            self.db = None

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path)
        self.db.execute("CREATE TABLE IF NOT EXISTS parsed (key TEXT PRIMARY KEY, value BLOB)")
        self.db.execute("SELECT count(*) FROM parsed WHERE key = ''").fetchone()  # reads the file: fails if damaged

    def _reset(self, exc: Exception) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
        self.repaired = f"the parse cache {self.path} was damaged ({exc}); it was deleted and is being rebuilt"
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        try:
            self._open()
        except (sqlite3.DatabaseError, OSError):
            self.db = None  # no cache this time: every report is parsed

    def get_blob(self, key: str) -> bytes | None:
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT value FROM parsed WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError as exc:
            self._reset(exc)
            return None
        return row[0] if row else None

    def put_blobs(self, items: dict[str, bytes]) -> None:
        if self.db is None:
            return
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO parsed (key, value) VALUES (?, ?)", items.items())
        except sqlite3.DatabaseError as exc:
            self._reset(exc)

    def forget(self, key: str) -> None:
        """Drop an entry that could not be used (it is parsed again and stored anew)."""
        if self.db is not None:
            try:
                with self.db:
                    self.db.execute("DELETE FROM parsed WHERE key = ?", (key,))
            except sqlite3.DatabaseError as exc:
                self._reset(exc)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
