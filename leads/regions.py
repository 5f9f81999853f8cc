"""The buyer's state or province, from the area code of their phone number.

Public holidays differ by state in many countries (Bavaria, Texas, São Paulo,
Catalonia, Victoria, Maharashtra), and ``holidays`` applies a state's days only when
the subdivision is known. Inquiries usually carry only a phone number; a landline's
area code says where it is. ``data/phone_regions.json`` maps national number prefixes
to the subdivision codes ``holidays.country_holidays(country, subdiv=code)`` accepts;
``data/make_phone_regions.py`` builds it from phonenumbers' geocoder descriptions and
explains how. Nothing is fetched at run time.

The answer is None whenever the number does not say: mobile numbers (except where
they keep an area code, as in Brazil), numbers the parser rejects, countries whose
subdivisions the table does not cover, and area codes whose place name is ambiguous.
A wrong state would plan a follow-up on someone else's holiday; no state only falls
back to the country's holidays.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import phonenumbers

TABLE = Path(__file__).with_name("data") / "phone_regions.json"


@dataclass(frozen=True)
class Region:
    country: str  # ISO 3166-1 alpha-2 of the number ("DE")
    code: str  # the subdivision as holidays knows it, without the country ("BY")
    name: str  # its English name ("Bavaria")
    prefix: str  # the area code as dialled from abroad ("+49 89")
    number: str = field(default="", compare=False, repr=False)  # E.164

    @property
    def stored(self) -> str:
        """How the source is kept on the company ("phone:+49 89")."""
        return f"phone:{self.prefix}"

    def describe(self) -> str:
        """Why a rep sees this state: "Bavaria, from +49 89"."""
        return f"{self.name}, from {self.prefix}"

    @property
    def place(self) -> str:
        """What the geocoder calls the area ("Munich"); loaded only when asked for (the
        geocoder's data costs a third of a second and 80 MB)."""
        return _place(phonenumbers.parse(self.number), self.country) if self.number else ""


@dataclass(frozen=True)
class _Table:
    prefixes: dict[str, dict[str, str]]  # country -> national prefix -> code ("" = none)
    longest: dict[str, int]
    names: dict[str, dict[str, str]]
    zones: dict[str, dict[str, str]]
    languages: dict[str, str]


@cache
def _table() -> _Table:
    document = json.loads(TABLE.read_text(encoding="utf-8"))
    prefixes = {
        country: {digits: code for code, joined in by_code.items() for digits in joined.split()}
        for country, by_code in document["prefixes"].items()
    }
    return _Table(prefixes, {c: max(map(len, p), default=0) for c, p in prefixes.items()},
                  document["names"], document["zones"], document["languages"])


def region_for_phone(phone: str, country: str = "") -> Region | None:
    """The subdivision of a landline's area code, or None when the number does not say.

    ``country`` (ISO alpha-2) is how to read a number written without "+": the
    buyer's country as the inquiry gave it.
    """
    if not phone or not phone.strip():
        return None
    try:
        number = phonenumbers.parse(phone, country.strip().upper() or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    kind = phonenumbers.number_type(number)
    if not phonenumbers.is_number_type_geographical(kind, number.country_code):
        return None
    region = phonenumbers.region_code_for_number(number)
    table = _table()
    prefixes = table.prefixes.get(region)
    if not prefixes:
        return None
    national = phonenumbers.national_significant_number(number)
    for length in range(min(len(national), table.longest[region]), 0, -1):
        code = prefixes.get(national[:length])
        if code is not None:
            break
    else:
        return None
    if not code:
        return None
    return Region(region, code, table.names[region].get(code, code),
                  _area(number, national, length),
                  phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def buyer_region(phones, country: str = "") -> Region | None:
    """The region of the first of ``phones`` whose area code says one."""
    for phone in phones:
        if phone and (region := region_for_phone(phone, country)):
            return region
    return None


def subdivision_name(country: str, code: str) -> str:
    """The English name of a subdivision ("Bavaria"); the code when the table has none."""
    return _table().names.get(country.upper(), {}).get(code.upper(), code.upper())


def main_zone(country: str, code: str) -> str:
    """The IANA zone of most of a subdivision's businesses (its largest city's).

    Given for subdivisions of countries that span several zones: where phonenumbers
    offers a number two zones (Newfoundland's 709: Halifax and St. John's), the
    province's own decides. "" when the table does not know.
    """
    return _table().zones.get(country.upper(), {}).get(code, "")


def _area(number: phonenumbers.PhoneNumber, national: str, matched: int) -> str:
    """"+49 89": the area code; where a country has none, the prefix that matched."""
    length = phonenumbers.length_of_geographical_area_code(number) or matched
    return f"+{number.country_code} {national[:length]}"


def _place(number: phonenumbers.PhoneNumber, region: str) -> str:
    from phonenumbers import geocoder

    place = geocoder.description_for_valid_number(number, "en")
    if not place and region in _table().languages:
        place = geocoder.description_for_valid_number(number, _table().languages[region])
    return place
