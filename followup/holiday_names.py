"""Chinese (Simplified) names of the ``holidays`` package's English holiday names.

The package names holidays in Chinese only for CN, HK, MO, TW and RU; for every other
country the Chinese pages show its English name (language ``en_US`` where the country
has it) translated through ``data/holiday_names_zh_hans.json``:

* ``names``: the English *base name* (no suffix) -> its Chinese name;
* ``patterns``: the package's label templates (``"%s (observed)"``,
  ``"Monday following %s"``, ``"Day off (substituted from %s)"`` ...) -> Chinese templates.

A name as the package gives it may hold two holidays of one day joined by ``"; "``, and
each may carry one or more templates around its base name (``"Eid al-Fitr (observed,
estimated)"``). ``zh_hans_name`` undoes both and returns ``None`` when any part is not in
the table, so that the caller can fall back to the English name.

``data/make_holiday_names.py`` lists every name the installed package gives and keeps the
table complete; rerun it after upgrading ``holidays``. No Django here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TABLE_PATH = Path(__file__).resolve().parent / "data" / "holiday_names_zh_hans.json"

SEPARATOR = "; "  # the package's separator of two holidays on one day
ZH_SEPARATOR = "；"

# The argument of "Day off (substituted from %s)": a date in the en_US format.
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_EU_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


@dataclass(frozen=True)
class Part:
    """One holiday name taken apart: templates (outermost first) around a base or a date."""

    templates: tuple[str, ...]
    base: str  # the English base name, or the date when ``is_date``
    is_date: bool = False


class Templates:
    """Label templates with one ``%s``, tried most specific (longest literal text) first."""

    def __init__(self, templates: Iterable[str]):
        usable = {t for t in templates if t.count("%s") == 1 and t.strip() != "%s"}
        self.ordered = sorted(usable, key=lambda t: (-len(t.replace("%s", "")), t))
        self._regexes = [
            (t, re.compile("^" + re.escape(t).replace(re.escape("%s"), "(.+)", 1) + "$"))
            for t in self.ordered
        ]

    def split(self, name: str) -> Part:
        """Take the templates off one holiday name (no ``"; "`` in it)."""
        found: list[str] = []
        rest = name.strip()
        while True:
            for template, regex in self._regexes:
                match = regex.match(rest)
                if match and match.group(1).strip():
                    found.append(template)
                    rest = match.group(1).strip()
                    break
            else:
                break
        return Part(tuple(found), rest, is_date=is_date(rest))


def is_date(text: str) -> bool:
    return any(r.fullmatch(text) for r in (_US_DATE, _ISO_DATE, _EU_DATE))


def zh_date(text: str) -> str:
    """``"12/28/2024"`` -> ``"2024年12月28日"`` (other forms are kept as they are)."""
    if match := _US_DATE.fullmatch(text):
        month, day, year = (int(g) for g in match.groups())
    elif match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _EU_DATE.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        return text
    return f"{year}年{month}月{day}日"


def split_parts(name: str, templates: Templates) -> list[Part]:
    """The parts of a package name: one per holiday, templates taken off."""
    return [templates.split(piece) for piece in name.split(SEPARATOR) if piece.strip()]


@cache
def load_table(path: str = str(TABLE_PATH)) -> tuple[dict[str, str], dict[str, str], Templates]:
    """(names, patterns, compiled templates) of the table, read once."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    names, patterns = data.get("names", {}), data.get("patterns", {})
    return names, patterns, Templates(patterns)


def render_part(part: Part, names: dict[str, str], patterns: dict[str, str]) -> str | None:
    if part.is_date:
        text = zh_date(part.base)
    else:
        text = names.get(part.base) or None
        if text is None:
            return None
    for template in reversed(part.templates):  # innermost first
        zh_template = patterns.get(template)
        if not zh_template or "%s" not in zh_template:
            return None
        text = zh_template.replace("%s", text, 1)
    return text


def zh_hans_name(name: str) -> str | None:
    """The Simplified Chinese rendering of a ``holidays`` English name, or ``None``.

    >>> zh_hans_name("Thanksgiving Day")
    '感恩节'
    """
    if not name or not name.strip():
        return None
    names, patterns, templates = load_table()
    rendered = []
    for part in split_parts(name, templates):
        text = render_part(part, names, patterns)
        if text is None:
            return None
        rendered.append(text)
    return ZH_SEPARATOR.join(rendered) if rendered else None
