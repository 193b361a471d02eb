"""Values from the corpus (agency names, regions, titles…) reach pages only as text.

A page is Markdown with raw HTML in it, rendered by Python-Markdown with attr_list and
md_in_html, then by MkDocs' un-escaped Jinja theme. So a value is made inert for all of
them at once: HTML-escaped, and every character that could start Markdown, attribute-
list or Jinja syntax written as a numeric character reference (`{` → `&#123;`).
Browsers and Markdown show those as the character; no parser sees syntax in them.
Line breaks become spaces, so a value cannot start a block (a heading, `---`, a list).

Applied centrally as the pages' Jinja `finalize` (every `{{ … }}` of a plain string),
and front matter is written by `front_matter` (yaml.safe_dump), never by formatting.
"""

from __future__ import annotations

import re

import yaml
from markupsafe import Markup, escape

# HTML (& < > " '), Markdown emphasis, code, links, images, attribute lists, tables,
# headings; `{`/`%` also stop Jinja syntax. One pass, so no reference is escaped twice.
_SPECIAL = "&<>\"'\\`*_{}[]()#!|~^$%:=+"
_ENTITIES = {ord(c): f"&#{ord(c)};" for c in _SPECIAL}
_BREAKS = re.compile(r"[\s\x00-\x1f\x7f\u2028\u2029\x85]+")
# Identifiers, numbers, paths and URLs the templates build ("410411-shangwuju",
# "../downloads/values-2024.csv", "12.5%", "row_total") hold no syntax a value could
# abuse on its own and must stay byte-for-byte (they go into code spans and links).
_PLAIN = re.compile(r"[A-Za-z0-9_./,%+-]*")


def one_line(value: str) -> str:
    """Line breaks and control characters → one space (names are one line)."""
    return _BREAKS.sub(" ", value)


def markdown_text(value: str) -> Markup:
    """`value` as inert text for a Markdown page with raw HTML (see the module doc)."""
    if _PLAIN.fullmatch(value):
        return Markup(value)
    return Markup(one_line(value).translate(_ENTITIES))


def finalize(value):
    """Jinja `finalize`: plain strings become inert text; Markup (the templates' own
    HTML, macros, `| safe` JSON) and non-strings pass as they are."""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return markdown_text(value)
    return value


def link_url(value: str) -> Markup:
    """An http(s) address for a Markdown link, shown and followed as written: every
    character that could end the link or start syntax is percent-encoded. Anything
    else is not a link target: it comes back as inert text."""
    from urllib.parse import quote

    value = one_line(value).strip()
    if not re.match(r"https?://", value, re.I):
        return markdown_text(value)
    return Markup(quote(value, safe="/:?#&=%~+,;@!$.-_"))


def title_text(value: str) -> str:
    """A page title for MkDocs' front matter. MkDocs treats a title as HTML and its
    theme prints it unescaped, also through `striptags` (which decodes entities) in
    <title>: so it is HTML-escaped, and < and > become their full-width forms, which
    no decoding turns back into markup."""
    return str(escape(one_line(value).replace("<", "＜").replace(">", "＞"))).strip()


def front_matter(**fields) -> Markup:
    """A page's YAML front matter, written by the YAML serialiser."""
    clean = {key: title_text(str(value)) for key, value in fields.items() if value is not None}
    body = yaml.safe_dump(clean, allow_unicode=True, sort_keys=False, width=100_000)
    return Markup(f"---\n{body}---\n")
