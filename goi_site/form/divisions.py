"""The administrative division table (reference/divisions.csv) and placing names in it.

An agency's name starts with the divisions it belongs to (平顶山市湛河区商务局), but a
county name alone can be ambiguous nationally (朝阳区, 鼓楼区). `place()` reads the
chain of division names at the start of a name and, when a name fits several
divisions, lets the report's own text decide: the candidate whose parent city or
province the text mentions most. When nothing decides, it says so.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from goi_site.core import paths

# Placeholder rows of the code table that are not names anyone writes.
_NOT_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_SUFFIX = re.compile(
    r"(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区|自治州|地区|盟|区|县|自治县|旗|自治旗|林区|特区)$"
)


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # province | city | county
    parent: str | None

    @property
    def short(self) -> str:
        """平顶山市 → 平顶山; names of two characters keep their suffix (湛河区 → 湛河)."""
        stem = _SUFFIX.sub("", self.name)
        return stem if len(stem) >= 2 else self.name


class DivisionTable:
    def __init__(self, rows: list[Division]):
        self.by_code = {d.code: d for d in rows}
        self.by_name: dict[str, list[Division]] = {}
        for d in rows:
            if d.name not in _NOT_NAMES:
                self.by_name.setdefault(d.name, []).append(d)
        self.longest = max(len(name) for name in self.by_name)

    def ancestors(self, division: Division) -> list[Division]:
        """From the province down to the division itself."""
        chain = [division]
        while chain[0].parent and chain[0].parent in self.by_code:
            chain.insert(0, self.by_code[chain[0].parent])
        return [d for d in chain if d.name not in _NOT_NAMES]

    def prefixes(self, name: str) -> list[str]:
        """The division names printed at the start of `name`, in order (longest match)."""
        found = []
        rest = name
        while rest:
            for size in range(min(self.longest, len(rest) - 1), 1, -1):
                if rest[:size] in self.by_name:
                    found.append(rest[:size])
                    rest = rest[size:]
                    break
            else:
                break
        return found

    def place(self, name: str, context: str = "") -> tuple[Division | None, list[Division], str]:
        """Place an agency name: (division, candidates if ambiguous, the rest of the name)."""
        names = self.prefixes(name)
        rest = name[sum(len(n) for n in names) :]
        if not names:
            return None, [], rest
        candidates = self.by_name[names[-1]]
        # Keep the candidates whose ancestors include every earlier printed name.
        if len(names) > 1:
            candidates = [
                c for c in candidates if all(n in {a.name for a in self.ancestors(c)} for n in names[:-1])
            ] or candidates
        if len(candidates) == 1:
            return candidates[0], [], rest
        scores = [(self._mentions(c, context), c) for c in candidates]
        scores.sort(key=lambda item: -item[0])
        if scores[0][0] > 0 and scores[0][0] > scores[1][0]:
            return scores[0][1], [], rest
        return None, candidates, rest

    def _mentions(self, division: Division, context: str) -> int:
        """How often the text names the division's parents (full or short names)."""
        count = 0
        for ancestor in self.ancestors(division)[:-1]:
            count += context.count(ancestor.name)
            if ancestor.short != ancestor.name:
                count += context.count(ancestor.short)
        return count

    def by_path(self, parts: list[str]) -> Division | None:
        """A division from names written province-first (河南省 / 平顶山市 / 湛河区)."""
        if not parts:
            return None
        candidates = self.by_name.get(parts[-1], [])
        for candidate in candidates:
            chain = {a.name for a in self.ancestors(candidate)}
            if all(p in chain for p in parts[:-1]):
                return candidate
        return None


@lru_cache(maxsize=1)
def load_divisions() -> DivisionTable:
    """The one shipped division table. Not the form (no edition of it is ever drafted):
    code that places regions may load it; the parser and views take it as a parameter."""
    with paths.DIVISIONS_FILE.open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    rows = [Division(r["code"], r["name"], r["level"], r["parent"] or None) for r in csv.DictReader(lines)]
    return DivisionTable(rows)
