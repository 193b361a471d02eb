"""The one Jinja environment of goi_site/templates/, for the site's pages and the pull
request's job summary alike: data values reach either only as inert text (finalize,
core/textsafe.py), whitespace handled the same way."""

from __future__ import annotations

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Undefined

from goi_site.core import paths
from goi_site.core.textsafe import finalize


def template_env(*, html: bool = True) -> Environment:
    """`html`: a page of the site (autoescaped, an undefined name is an error, the trailing
    newline kept); else plain Markdown for a job summary (not escaped: GitHub renders it)."""
    return Environment(
        loader=FileSystemLoader(str(paths.TEMPLATES)),
        undefined=StrictUndefined if html else Undefined,
        autoescape=html,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=html,
        finalize=finalize,
    )
