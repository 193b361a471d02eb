#!/usr/bin/env python3
"""Set up and run goi-site with nothing but Python 3.11+ and pip.

    python3 dev.py site    # install into .venv, build the site from data/ into site/
    python3 dev.py test    # install into .venv (with test tools), run the whole test suite
    python3 dev.py lock    # re-pin requirements.lock from the current .venv (maintainers)

Installs are pinned by requirements.lock and skipped when the lock has not changed.
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
    if sys.version_info < (3, 11):
        sys.exit("goi-site needs Python 3.11 or newer")
    if not PY.exists():
        must(sys.executable, "-m", "venv", VENV)
    stamp = VENV / ".lock-sha256"
    digest = hashlib.sha256(LOCK.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    must(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", LOCK)
    must(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "-e", ".")
    stamp.write_text(digest)


def ensure_chromium() -> None:
    """The browser tests drive Debian's chromium; install it when it is missing."""
    if Path(CHROMIUM).exists() or os.environ.get("GOI_CHROMIUM"):
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        must("apt-get", "update", "-qq")
        must("apt-get", "install", "-y", "-qq", "chromium", env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    else:
        print("chromium is not installed and cannot be installed here (needs root and apt-get); "
              "the browser tests will fail. Install Debian's `chromium` or set GOI_CHROMIUM.", flush=True)


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
        frozen = subprocess.run([PY, "-m", "pip", "freeze", "--exclude-editable", "--disable-pip-version-check"],
                                capture_output=True, text=True, check=True).stdout
        lines = [line for line in frozen.splitlines() if line and not line.startswith("goi-site")]
        LOCK.write_text("# Pinned by `python3 dev.py lock`; install with `pip install -r requirements.lock`.\n"
                        + "\n".join(sorted(lines, key=str.lower)) + "\n")
        return 0
    print(__doc__)
    return 0 if command == "help" else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
