"""A parse cache keyed by content, so a rebuild re-parses only what changed.

The key is the SHA-256 of the report's bytes, its metadata file's bytes, the path it
is reported under, and the code that reads it (every module and form file of the
package): change any of these and the entry is simply never found again, so a stale
entry cannot be served. Entries live in one SQLite file (.goi-cache/parse.sqlite3).
"""

from __future__ import annotations

import hashlib
import sqlite3
from functools import lru_cache
from pathlib import Path

from . import paths


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of everything that decides how a report is read."""
    digest = hashlib.sha256()
    for path in sorted(paths.PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".yml", ".csv", ".tsv"):
            digest.update(path.relative_to(paths.PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def report_key(source: str, text_path: Path, meta_path: Path | None, data: bytes | None = None) -> str | None:
    """The cache key of a report file (`data`: its bytes if already read), or None if it
    cannot be read (then it is not cached)."""
    digest = hashlib.sha256(code_version().encode())
    digest.update(source.encode())
    try:
        digest.update(text_path.read_bytes() if data is None else data)
        if meta_path is not None and meta_path.exists():
            digest.update(b"\0meta\0" + meta_path.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


class ParseCache:
    def __init__(self, path: Path | None = None):
        self.path = path or paths.cache_dir() / "parse.sqlite3"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path)
        self.db.execute("CREATE TABLE IF NOT EXISTS parsed (key TEXT PRIMARY KEY, value BLOB)")
        self.hits = 0
        self.misses = 0

    def get_blob(self, key: str) -> bytes | None:
        row = self.db.execute("SELECT value FROM parsed WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put_blobs(self, items: dict[str, bytes]) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO parsed (key, value) VALUES (?, ?)", items.items())

    def close(self) -> None:
        self.db.close()
