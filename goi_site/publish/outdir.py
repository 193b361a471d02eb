"""The folders `goi build` deletes and rewrites, and the rules that keep it off the corpus.

goi only ever deletes a folder it wrote itself: the built site and the generated pages
carry a marker file (MARKER), and a folder without it is refused, naming a file in the
way. --out may never be, contain or sit inside the corpus or site_src/, nor be or
contain the repository root. Builds go to a temporary folder beside --out and are
swapped in when complete; a lock file beside --out keeps two builds apart.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from goi_site.core import paths
from goi_site.core.errors import GoiError, UsageError
from goi_site.corpus.reader import display_path

MARKER = ".goi-site"
MARKER_TEXT = "Written by `goi build`: goi may delete and rewrite this folder. Do not keep other files here.\n"


def _inside(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents


def check_out(out: Path, data: Path, option: str = "--out") -> None:
    """Raise UsageError if `out` is not a folder goi may (re)write. Paths are resolved,
    so a symlink or `..` does not get round the rules."""
    target = out.resolve()
    if target.exists() and not target.is_dir():
        raise UsageError(f"{option} {out} is a file, not a folder: give a folder for the built site")
    guarded = [
        (data.resolve(), "the corpus (--data)", True),
        (paths.default_site_src().resolve(), "site_src/", True),
        (paths.repo_root().resolve(), "the repository root", False),
    ]
    for folder, what, not_inside in guarded:
        if _inside(folder, target):
            raise UsageError(
                f"{option} {out} is or contains {what} ({display_path(folder)}): "
                "goi would delete it; give a folder of its own, e.g. site/"
            )
        if not_inside and _inside(target, folder):
            raise UsageError(f"{option} {out} is inside {what} ({display_path(folder)}); give a folder outside it")


def check_ours(folder: Path, option: str = "--out") -> None:
    """Raise UsageError if `folder` holds files but not goi's marker."""
    if not folder.is_dir() or (folder / MARKER).is_file():
        return
    stranger = next(iter(sorted(folder.iterdir())), None)
    if stranger is not None:
        raise UsageError(
            f"{option} {display_path(folder)} holds {display_path(stranger)}, which goi did not write "
            f"(no {MARKER} marker): goi will not delete it; give an empty or new folder"
        )


def mark(folder: Path) -> None:
    (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def clear(folder: Path, option: str = "--out") -> None:
    """Delete and recreate a folder goi wrote (refused if it is not goi's), marked."""
    check_ours(folder, option)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    mark(folder)


def temporary_beside(out: Path, what: str) -> Path:
    """A fresh folder beside `out` (same file system, so the swap is a rename)."""
    folder = out.parent / f".{out.name}.{what}-{os.getpid()}"
    if folder.exists():
        shutil.rmtree(folder)
    return folder


def remove_leftovers(out: Path) -> None:
    """Temporary folders of builds that were killed (only ours: named by temporary_beside)."""
    for stale in out.parent.glob(f".{out.name}.*-*"):
        if stale.is_dir() and stale.name.rsplit("-", 1)[-1].isdigit():
            shutil.rmtree(stale, ignore_errors=True)


def swap_in(built: Path, out: Path) -> None:
    """Replace `out` by the complete build: two renames, the old site deleted after."""
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        out.rename(old)
    built.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def build_lock(out: Path):
    """Hold the lock of `out` for a build; refuse at once if another build holds it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    lock_path = out.parent / f".{out.name}.goi-lock"
    handle = open(lock_path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            who = handle.read().strip() or "?"
            raise GoiError(
                f"another `goi build` (pid {who}) is writing {display_path(out)}; "
                "wait for it to finish, then build again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the lock
