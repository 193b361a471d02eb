"""Blocks of finished HTML kept out of Markdown, and put back after MkDocs renders a page.

A template wraps a block in `{% filter part %}…{% endfilter %}` (pages.py); when the page
is written, each block goes to `<page>.parts.html` and a placeholder comment stays in the
Markdown; the MkDocs hook (mkdocs_hooks.py) puts the blocks back into the built page.
Markdown and the search indexer then never parse the big tables, which is most of a
page's build time. Nothing is held between calls: the blocks travel inside the rendered
text, between two markers, until the page is written.
"""

from __future__ import annotations

from markupsafe import Markup

SUFFIX = ".parts.html"  # beside the page: <page>.md.parts.html
SEPARATOR = "\n<!--goi-part-separator-->\n"
PLACEHOLDER = "<!--goi-part {}-->"
_BEGIN, _END = "\x02goi-part\x02", "\x03goi-part\x03"  # control characters: never in escaped page text


def keep_out(html: str) -> Markup:
    """The `part` filter: the block, marked for `split` (its placeholder is decided there)."""
    return Markup("\n" + _BEGIN + html.strip() + _END + "\n")


def split(text: str) -> tuple[str, list[str]]:
    """(the page with a placeholder for each marked block, the blocks in placeholder order).
    A block inside a block is numbered first, as it is finished first."""
    if _BEGIN not in text:
        return text, []
    blocks: list[str] = []
    stack: list[list[str]] = [[]]
    rest = text
    while rest:
        begin, end = rest.find(_BEGIN), rest.find(_END)
        if begin != -1 and (end == -1 or begin < end):
            stack[-1].append(rest[:begin])
            stack.append([])
            rest = rest[begin + len(_BEGIN) :]
        elif end != -1:
            stack[-1].append(rest[:end])
            blocks.append("".join(stack.pop()))
            stack[-1].append(PLACEHOLDER.format(len(blocks) - 1))
            rest = rest[end + len(_END) :]
        else:
            stack[-1].append(rest)
            rest = ""
    if len(stack) != 1:
        raise ValueError("a kept-out HTML block is not closed")
    return "".join(stack[0]), blocks


def put_back(output: str, blocks: list[str]) -> str:
    """The built page with each placeholder replaced by its block."""
    for index, block in enumerate(blocks):
        output = output.replace(PLACEHOLDER.format(index), block, 1)
    return output
