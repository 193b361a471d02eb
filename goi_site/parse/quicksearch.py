"""A regular expression's search made cheap for patterns run over the whole text of every
report (the form's cell annotations and prose counts): the same match as `pattern.search`.
"""

from __future__ import annotations

import re
from collections.abc import Callable


def quick_search(pattern: re.Pattern) -> Callable[[str], re.Match | None]:
    """`pattern.search`, giving the same match, made cheap for patterns run over whole reports.

    A pattern that starts with an optional group or a class (the form's prose counts,
    cell annotations) makes the regex engine try a match at every character of a 6 KB
    text. Two things every match has are looked at first instead: the literal runs it
    must contain (其中, 申请), found by str's fast substring search, and the characters it
    can begin with: a match is tried only where one of those stands, from the left, so
    the first match found is the one `search` finds. A pattern these cannot be read
    from (any character first, a match of nothing) is searched as it is.
    """
    try:
        literals, first = _needs(pattern)
    except Exception:  # an unforeseen shape of the parse tree: the plain search, always right
        return pattern.search
    match = pattern.match
    if first is None:
        if not literals:
            return pattern.search

        def search_literal(text: str) -> re.Match | None:
            for literal in literals:
                if literal not in text:
                    return None
            return pattern.search(text)

        return search_literal
    starts = re.compile("[" + "".join(re.escape(ch) for ch in sorted(first)) + "]").finditer

    def search(text: str) -> re.Match | None:
        for literal in literals:
            if literal not in text:
                return None
        for start in starts(text):
            found = match(text, start.start())  # ^, lookbehinds and \b still see the whole text
            if found is not None:
                return found
        return None

    return search


def _needs(pattern: re.Pattern) -> tuple[tuple[str, ...], frozenset[str] | None]:
    """(literal runs every match contains, longest first; characters a match can start with, or None)."""
    from re import _constants as c  # the stdlib's own parser (Python ≥ 3.11)
    from re import _parser

    if pattern.flags & re.IGNORECASE or not isinstance(pattern.pattern, str):
        return (), None
    tree = _parser.parse(pattern.pattern, pattern.flags)
    runs: list[str] = []

    def collect(items) -> None:  # literals in sequence outside any optional or repeated part
        run = ""
        for op, av in items:
            if op is c.LITERAL:
                run += chr(av)
                continue
            if run:
                runs.append(run)
            run = ""
            if op is c.SUBPATTERN:
                if av[1] & re.IGNORECASE:  # (?i:…): its literals match other cases too
                    raise ValueError("case-insensitive group")
                collect(av[-1])
        if run:
            runs.append(run)

    def firsts(items) -> tuple[set[str] | None, bool]:  # (start characters or None for any, can be empty)
        chars: set[str] = set()
        for op, av in items:
            if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
                continue  # zero-width: the next item holds the first character
            if op is c.LITERAL:
                return chars | {chr(av)}, False
            if op is c.IN:
                if any(kind is not c.LITERAL for kind, _ in av):
                    return None, False
                return chars | {chr(v) for _, v in av}, False
            if op is c.SUBPATTERN:
                if av[1] & re.IGNORECASE:
                    raise ValueError("case-insensitive group")
                inner, empty = firsts(av[-1])
            elif op is c.BRANCH:
                inner, empty = set(), False
                for branch in av[1]:
                    part, part_empty = firsts(branch)
                    if part is None:
                        return None, False
                    inner |= part
                    empty = empty or part_empty
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
                inner, empty = firsts(av[2])
                empty = empty or av[0] == 0
            else:
                return None, False
            if inner is None:
                return None, False
            chars |= inner
            if not empty:
                return chars, False
        return chars, True

    collect(tree.data)
    chars, empty = firsts(tree.data)
    first = None if chars is None or empty or not chars else frozenset(chars)
    return tuple(sorted(set(runs), key=len, reverse=True)), first
