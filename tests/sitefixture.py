"""One real build of the fixture corpus, shared by the site tests (it takes seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from goi_site.publish.sitebuild import build_site

from .conftest import DATA


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(DATA, out)  # the real thing: pages, downloads, then mkdocs build --strict
    return out
