"""List the ``holidays`` package's English holiday names and keep the Chinese table complete.

    .venv/bin/python followup/data/make_holiday_names.py [--where FILE]

For every supported country (two-letter codes) and each of its subdivisions, the holidays
of 2024-2030 are taken in English: language ``en_US`` where the country has it, else the
country's default language (English for all the rest). Names of two holidays on one day
(``"; "``) are split, and the package's label templates (``"%s (observed)"``,
``"%s (estimated)"``, ``"Monday following %s"``, ``"Day off (substituted from %s)"`` ...)
are taken off, leaving *base names*. The templates are read from the package itself: its
en_US translations and the string literals of its source.

``holiday_names_zh_hans.json`` beside this script is then merged: translations already
there are kept, new base names and templates are added with an empty value. The script
prints the counts and the untranslated entries and exits 1 while any is left, so rerun
it after upgrading ``holidays`` and fill in what it lists. ``--where FILE`` also writes
each base name with the countries that use it (context for translating).
"""

from __future__ import annotations

import argparse
import ast
import gettext
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import holidays

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(ROOT) not in sys.path:  # run as a script: make ``followup`` importable
    sys.path.insert(0, str(ROOT))

from followup.holiday_names import TABLE_PATH, Templates, split_parts  # noqa: E402

YEARS = range(2024, 2031)
ENGLISH = "en_US"
# Literals with one "%s" that are not label templates around a holiday name, or too
# general to take off ("%s Holiday" is the Marshall Islands' observed label, but other
# countries name whole holidays "... Holiday": those stay base names).
NOT_TEMPLATES = frozenset({"%s", "%s Holiday"})


def package_templates() -> set[str]:
    """Every label template the installed package could put around an English name."""
    root = Path(holidays.__file__).resolve().parent
    strings: set[str] = set()
    for mo in sorted(root.glob(f"locale/{ENGLISH}/LC_MESSAGES/*.mo")):
        with mo.open("rb") as fh:
            catalog = gettext.GNUTranslations(fh)._catalog
        strings.update(v for v in catalog.values() if isinstance(v, str))
    for source in sorted(root.rglob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        strings.update(
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        )
    return {
        s
        for s in strings
        if s.count("%s") == 1
        and not re.search(r"%[^s]", s)
        and "\n" not in s
        and len(s) <= 80
        and s.isascii()
        and re.search(r"[A-Za-z]", s)
        and s not in NOT_TEMPLATES
    }


def country_language(code: str, localized: dict[str, list[str]]) -> str | None:
    return ENGLISH if ENGLISH in localized.get(code, []) else None


def list_names(
    countries: Iterable[str] | None = None, years: Iterable[int] = YEARS
) -> dict[str, set[str]]:
    """{name as the package gives it: {country codes}} over the countries' subdivisions."""
    supported = holidays.list_supported_countries()
    localized = holidays.list_localized_countries()
    codes = sorted(c for c in supported if len(c) == 2) if countries is None else countries
    years = list(years)
    found: dict[str, set[str]] = {}
    for code in codes:
        language = country_language(code, localized)
        for subdiv in (None, *supported[code]):
            table = holidays.country_holidays(code, subdiv=subdiv, years=years, language=language)
            for name in table.values():
                found.setdefault(name, set()).add(code)
    return found


def base_names(
    names: dict[str, set[str]], templates: Templates | None = None
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """({base name: countries}, {template used: countries}) of the package's names."""
    templates = templates or Templates(package_templates())
    bases: dict[str, set[str]] = {}
    used: dict[str, set[str]] = {}
    for name, codes in names.items():
        for part in split_parts(name, templates):
            for template in part.templates:
                used.setdefault(template, set()).update(codes)
            if not part.is_date:
                bases.setdefault(part.base, set()).update(codes)
    return bases, used


def list_base_names(
    countries: Iterable[str] | None = None,
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """The base names and templates of ``countries`` (all when ``None``)."""
    return base_names(list_names(countries))


def merge(path: Path, bases: Iterable[str], templates: Iterable[str]) -> dict:
    """The table at ``path`` with new entries added (empty), sorted by key."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    names = dict(data.get("names", {}))
    patterns = dict(data.get("patterns", {}))
    for base in bases:
        names.setdefault(base, "")
    for template in templates:
        patterns.setdefault(template, "")
    return {"names": dict(sorted(names.items())), "patterns": dict(sorted(patterns.items()))}


def write(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--where", type=Path, help="write {base name: countries} here")
    args = parser.parse_args(argv)

    names = list_names()
    bases, used = base_names(names)
    data = merge(TABLE_PATH, bases, used)
    write(TABLE_PATH, data)
    if args.where:
        where = {base: sorted(codes) for base, codes in sorted(bases.items())}
        args.where.write_text(json.dumps(where, ensure_ascii=False, indent=1), encoding="utf-8")

    missing_names = sorted(base for base in bases if not data["names"].get(base))
    missing_patterns = sorted(t for t in used if not data["patterns"].get(t))
    stale = sorted(set(data["names"]) - set(bases))
    print(
        f"holidays {holidays.__version__}: {len(names)} names as given, "
        f"{len(bases)} base names, {len(used)} patterns"
    )
    print(
        f"table: {len(data['names'])} names, {len(data['patterns'])} patterns "
        f"({len(stale)} names no longer given, kept)"
    )
    print(f"untranslated: {len(missing_names)} names, {len(missing_patterns)} patterns")
    for template in missing_patterns:
        print(f"  pattern {template!r}  ({', '.join(sorted(used[template]))})")
    for base in missing_names:
        print(f"  {base!r}  ({', '.join(sorted(bases[base]))})")
    return 1 if missing_names or missing_patterns else 0


if __name__ == "__main__":
    sys.exit(main())
