"""Who published a report, for which year, and where: read from its text and metadata.

The title gives the agency as the agency printed it (often shortened: 湛河区商务局)
and the report year. The full name is the title's name with the parent divisions
the report itself prints before it (平顶山市湛河区商务局). The region is placed in the
division table; metadata written by a maintainer wins over what the text suggests,
and a disagreement becomes a finding.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from pypinyin import lazy_pinyin

from goi_site.extract.pagemeta import page_hints, strip_label
from goi_site.form.divisions import Division, DivisionTable, load_divisions
from goi_site.parse.record import Region

_TITLE = re.compile(
    r"^(?P<before>[^，。；：:,;]{0,40}?)(?P<year>(?:19|20)\d{2})年度?(?P<after>[^，。；：:,;]{0,40}?)"
    r"政府信息公开(?:工作)?(?:年度)?报告$"
)
_DECORATION = re.compile(r"^[#*>\s]+|[*\s]+$")
_FILLER = re.compile(r"^(?:关于)|(?:关于|的)$")
_TITLE_SCAN_LINES = 60


def find_title(lines: list[str]) -> tuple[str | None, int | None, str | None, int | None]:
    """(title, its line, agency as printed, year) from the first title-like line."""
    publisher = page_hints(lines).agency  # a crawled page's 发布机构, when it printed one
    for number, line in enumerate(lines[:_TITLE_SCAN_LINES], start=1):
        compact = re.sub(r"\s+", "", _DECORATION.sub("", strip_label(line)))  # never 名称… as a name
        match = _TITLE.match(compact)
        if match:
            agency = _FILLER.sub("", match.group("before") or match.group("after")) or None
            if publisher and (agency is None or publisher.endswith(agency)):
                agency = publisher  # the page's 发布机构 names the same agency in full
            return compact, number, agency, int(match.group("year"))
    return None, None, publisher, None


def full_name(short: str, division: Division | None, text: str, divisions: DivisionTable | None = None) -> str:
    """The longest `<parent divisions><short name>` the report prints, else the short name."""
    if division is None:
        return short
    table = divisions if divisions is not None else load_divisions()
    best = short
    parents = [a for a in table.ancestors(division)][:-1]
    for start in range(len(parents)):
        candidate = "".join(a.name for a in parents[start:])
        if not short.startswith(candidate) and candidate + short in text and len(candidate + short) > len(best):
            best = candidate + short
    return best


def agency_slug(agency: str, division: Division | None, divisions: DivisionTable | None = None) -> str | None:
    """A stable ASCII id: division code and the pinyin of the agency's own name."""
    table = divisions if divisions is not None else load_divisions()
    if division is None:
        return None
    own = agency[sum(len(n) for n in table.prefixes(agency)) :] or agency
    return f"{division.code}-{_pinyin_slug(own)}"


MAX_SLUG = 64


@lru_cache(maxsize=4096)  # a few hundred department names recur across every county
def _pinyin_slug(name: str) -> str:
    # Digits and Latin letters are kept (第1中学 and 第2中学 are two schools): full-width
    # forms are folded to ASCII first, anything else that is not Chinese is dropped.
    words = "".join(lazy_pinyin(unicodedata.normalize("NFKC", name), errors=_keep_ascii))
    slug = re.sub(r"[^a-z0-9]+", "", words.lower()) or "agency"
    if len(slug) > MAX_SLUG:  # a folder and URL name must stay short; the digest keeps long names apart
        slug = f"{slug[: MAX_SLUG - 9]}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"
    return slug


def _keep_ascii(chunk: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "", chunk)


def region_disagreement(report, lines: list[str]) -> tuple[str, str] | None:
    """(metadata's place, the text's place) when the metadata puts the agency in a
    division the report's own title does not lie in (or above), else None. The
    metadata wins; the disagreement is shown, not swallowed."""
    code = report.region.code
    if not report.meta or code is None or not report.agency_as_titled:
        return None
    table = load_divisions()
    placed, _, _ = table.place(report.agency_as_titled, "".join(lines))
    if placed is None or placed.code == code:
        return None
    chosen = table.by_code[code]
    if placed.code in {d.code for d in table.ancestors(chosen)} or code in {d.code for d in table.ancestors(placed)}:
        return None  # one contains the other: the title names a city, the metadata its district (or back)
    return (" ".join(d.name for d in table.ancestors(chosen)), " ".join(d.name for d in table.ancestors(placed)))


def region_of(division: Division | None, divisions: DivisionTable | None = None) -> Region:
    if division is None:
        return Region()
    table = divisions if divisions is not None else load_divisions()
    chain = table.ancestors(division)
    levels = {d.level: d.name for d in chain}
    province = levels.get("province")
    city = levels.get("city")
    if city is None and division.level == "county" and province and province.endswith("市"):
        city = province  # municipalities: 北京市朝阳区 sits directly under 北京市
    return Region(province, city, levels.get("county"), division.code)
