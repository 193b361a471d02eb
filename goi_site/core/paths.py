"""Every path the project uses, in one place.

Package resources live beside the code; the corpus, the site sources and the built
site live in the repository (or wherever the caller points with --data / --out).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # goi_site/, this file being goi_site/core/paths.py
FORM_FILE = PACKAGE / "form" / "form.yml"
PAGE_METADATA_FILE = PACKAGE / "form" / "page_metadata.yml"
REFERENCE = PACKAGE / "reference"
RADICALS_FILE = REFERENCE / "radicals.tsv"
DIVISIONS_FILE = REFERENCE / "divisions.csv"
TEMPLATES = PACKAGE / "templates"


def repo_root() -> Path:
    """The checkout the package runs from (an editable install), or the working directory."""
    env = os.environ.get("GOI_ROOT")
    if env:
        return Path(env).resolve()
    candidate = PACKAGE.parent
    if (candidate / "mkdocs.yml").exists():
        return candidate
    return Path.cwd()


def default_data_dir() -> Path:
    return repo_root() / "data"


def default_site_src() -> Path:
    return repo_root() / "site_src"


def default_out_dir() -> Path:
    return repo_root() / "site"


def cache_dir() -> Path:
    """The parse cache and the Vega bundle (GOI_CACHE moves it, e.g. for benchmarks)."""
    env = os.environ.get("GOI_CACHE")
    return Path(env) if env else repo_root() / ".goi-cache"
