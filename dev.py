#!/usr/bin/env python3
"""Set up and run goi-site with nothing but Python 3.11+ and pip.

    python3 dev.py site    # install into .venv, build the site from data/ into site/
    python3 dev.py test    # install into .venv (with test tools), run the whole test suite
    python3 dev.py lock    # rewrite requirements.lock from pyproject.toml, with hashes (maintainers)

Installs are pinned by requirements.lock, every file checked against its SHA-256
(pip --require-hashes), and skipped when the lock has not changed. `lock` keeps the
versions already pinned; `python3 dev.py lock --upgrade` moves them to the newest.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
CHROMIUM = "/usr/bin/chromium"


def run(*cmd: str | Path, **kw) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, **kw)


def must(*cmd: str | Path, **kw) -> None:
    code = run(*cmd, **kw)
    if code:
        sys.exit(code)


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs on whatever python3 the reader has
        sys.exit("goi-site needs Python 3.11 or newer")
    if not PY.exists():
        must(sys.executable, "-m", "venv", VENV)
    stamp = VENV / ".lock-sha256"
    digest = hashlib.sha256(LOCK.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    must(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--require-hashes", "-r", LOCK)
    # The project itself, built by the setuptools the lock installed: nothing fetched unchecked.
    must(
        PY,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",
        "--no-build-isolation",
        "-e",
        ".",
    )
    stamp.write_text(digest)


def ensure_chromium() -> None:
    """The browser tests drive Debian's chromium; install it when it is missing."""
    if Path(CHROMIUM).exists() or os.environ.get("GOI_CHROMIUM"):
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        must("apt-get", "update", "-qq")
        must("apt-get", "install", "-y", "-qq", "chromium", env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    else:
        print(
            "chromium is not installed and cannot be installed here (needs root and apt-get); "
            "the browser tests will fail. Install Debian's `chromium` or set GOI_CHROMIUM.",
            flush=True,
        )


def ensure_axe() -> None:
    """axe-core for the accessibility test, from npm by tests/a11y/package-lock.json
    (installed once; the test then runs offline)."""
    folder = ROOT / "tests" / "a11y"
    if (folder / "node_modules" / "axe-core" / "axe.min.js").exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        print("npm is not installed: the accessibility test needs axe-core (apt-get install npm)", flush=True)
        return
    must(npm, "ci", "--no-audit", "--no-fund", "--prefix", folder)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    if command == "site":
        ensure_venv()
        return run(BIN / "goi", "build", *argv[1:])
    if command == "test":
        ensure_venv()
        ensure_chromium()
        ensure_axe()
        return run(PY, "-m", "pytest", *argv[1:])
    if command == "lock":
        ensure_venv()
        return run(
            BIN / "uv",
            "pip",
            "compile",
            "pyproject.toml",
            "--extra",
            "test",
            "--extra",
            "lock",
            "--generate-hashes",
            "--python",
            PY,
            "--custom-compile-command",
            "python3 dev.py lock",
            "--output-file",
            LOCK.name,
            *argv[1:],
        )
    print(__doc__)
    return 0 if command == "help" else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
