"""The buyer's state or province from the area code (leads/regions.py)."""

import json
from datetime import date

import holidays
import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import timezone as phone_timezone

from leads.regions import TABLE, Region, main_zone, region_for_phone

SUPPORTED = holidays.list_supported_countries()
YEARS = range(2025, 2028)


def _knows(country: str, code: str) -> bool:
    return code in SUPPORTED.get(country, ())


def _holiday_dates(country: str, code: str | None) -> set[date]:
    return set(holidays.country_holidays(country, subdiv=code, years=YEARS))


@pytest.mark.parametrize(
    ("phone", "country", "code", "prefix", "place"),
    [
        ("+49 89 1234567", "DE", "BY", "+49 89", "Munich"),
        ("+49 30 12345678", "DE", "BE", "+49 30", "Berlin"),
        ("+1 512 555 0100", "US", "TX", "+1 512", "Texas"),
        ("+1 416 555 0100", "CA", "ON", "+1 416", "Ontario"),
        ("+1 709 739 1234", "CA", "NL", "+1 709", "St. John's, NL"),
        ("+55 11 3456 7890", "BR", "SP", "+55 11", "São Paulo - SP"),
        ("+34 93 123 45 67", "ES", "CT", "+34 93", "Barcelona"),
        ("+61 3 9001 2345", "AU", "VIC", "+61 3", "Melbourne"),
        ("+91 22 2345 6789", "IN", "MH", "+91 22", "Mumbai"),
    ],
)
def test_the_area_code_gives_the_state(phone, country, code, prefix, place):
    region = region_for_phone(phone)

    assert region == Region(country, code, region.name, prefix)
    assert region.name and region.place == place
    # The point of it all: the state's holidays are not the country's.
    assert _holiday_dates(country, code) != _holiday_dates(country, None)


def test_a_region_explains_itself():
    region = region_for_phone("+49 89 1234567")

    assert region.name == "Bavaria"
    assert region.describe() == "Bavaria, from +49 89"


def test_a_number_without_plus_is_read_in_the_given_country():
    assert region_for_phone("089 1234567", "de").code == "BY"
    assert region_for_phone("(512) 555-0100", "US").code == "TX"
    assert region_for_phone("089 1234567") is None  # no country, no way to read it


@pytest.mark.parametrize(
    ("phone", "country", "code"),
    [
        ("+52 33 3123 4567", "MX", "JAL"),  # "Guadalajara, JAL"
        ("+86 755 8123 4567", "CN", "GD"),  # "Shenzhen, Guangdong"
        ("+7 343 212 3456", "RU", "SVE"),  # "Ekaterinburg"
    ],
)
def test_countries_whose_states_holidays_does_not_know_get_none(phone, country, code):
    # holidays 0.109 has no subdivisions for these. When an upgrade adds them, this
    # fails: rerun leads/data/make_phone_regions.py so that the table covers them.
    region = region_for_phone(phone)

    if _knows(country, code):
        assert region is not None and region.code == code
    else:
        assert region is None


def test_newfoundland_is_planned_in_its_own_time_zone():
    number = phonenumbers.parse("+1 709 739 1234")
    offered = phone_timezone.time_zones_for_number(number)
    region = region_for_phone("+1 709 739 1234")

    assert set(offered) == {"America/Halifax", "America/St_Johns"}  # why it is needed
    assert main_zone(region.country, region.code) == "America/St_Johns"


def test_main_zones():
    assert main_zone("US", "TX") == "America/Chicago"
    assert main_zone("AU", "WA") == "Australia/Perth"
    assert main_zone("ca", "NL") == "America/St_Johns"
    assert main_zone("US", "XX") == ""
    assert main_zone("IT", "MI") == ""  # one zone for the whole country


@pytest.mark.parametrize(
    "phone",
    [
        "+49 151 23456789",  # German mobile
        "+61 412 345 678",  # Australian mobile
        "+44 7400 123456",  # British mobile
    ],
)
def test_a_mobile_number_does_not_say(phone):
    assert region_for_phone(phone) is None


@pytest.mark.parametrize(
    "phone",
    ["", "   ", "not a number", "+49 89 1", "+1 555", "12345", "+999 123456789"],
)
def test_an_invalid_number_does_not_say(phone):
    assert region_for_phone(phone) is None


@pytest.mark.parametrize(
    "phone",
    [
        "+1 787 555 0100",  # Puerto Rico: its own region code for phonenumbers
        "+33 1 42 12 34 56",  # Paris: no French subdivision applies
        "+41 32 123 45 67",  # "Bienne/Neuchâtel/Soleure/Jura": four cantons
        "+54 11 4123 4567",  # Buenos Aires: the City and the province's suburbs
        "+81 3 1234 5678",  # Japan: holidays knows no subdivisions there
    ],
)
def test_an_area_that_spans_states_or_has_none_does_not_say(phone):
    assert region_for_phone(phone) is None


# -- the shipped table -------------------------------------------------------------------


def _document() -> dict:
    return json.loads(TABLE.read_text(encoding="utf-8"))


def _entries() -> dict[str, dict[str, str]]:
    return {country: {digits: code for code, joined in by_code.items()
                      for digits in joined.split()}
            for country, by_code in _document()["prefixes"].items()}


def _sample(country: str, entries: dict[str, str]) -> tuple[str, str] | None:
    """A valid number the table maps, and its code: one per country."""
    calling = phonenumbers.country_code_for_region(country)
    for digits, code in sorted(entries.items(), key=lambda item: -len(item[0])):
        if not code:
            continue
        for fill in ("0", "1", "2", "5", "9", "2345678901"):
            for length in range(len(digits) + 1, 13):
                phone = f"+{calling}{digits}{(fill * length)[: length - len(digits)]}"
                region = region_for_phone(phone)
                if region is not None and region.code == code:
                    return phone, code
    return None


COVERED = sorted(country for country, entries in _entries().items() if any(entries.values()))


def test_the_table_is_small_and_covers_the_big_countries():
    assert TABLE.stat().st_size < 1.5 * 1024 * 1024
    assert {"US", "CA", "DE", "BR", "ES", "AU", "IN", "GB", "IT", "AT", "CH"} <= set(COVERED)


@pytest.mark.parametrize("country", COVERED)
def test_every_code_is_one_holidays_accepts(country):
    codes = {code for code in _entries()[country].values() if code}

    assert codes <= set(SUPPORTED[country])
    for code in codes:
        holidays.country_holidays(country, subdiv=code, years=2026)


@pytest.mark.parametrize("country", COVERED)
def test_a_number_of_each_covered_country_finds_its_subdivision(country):
    found = _sample(country, _entries()[country])

    assert found is not None, f"no valid number of {country} maps to a subdivision"
    phone, code = found
    region = region_for_phone(phone)
    assert region.country == country and region.code == code
    assert region.name and region.prefix.startswith("+") and region.place
    holidays.country_holidays(country, subdiv=region.code, years=2026)


def test_main_zones_are_real_and_only_for_mapped_subdivisions():
    from zoneinfo import ZoneInfo

    document = _document()
    for country, zones in document["zones"].items():
        assert set(zones) <= set(document["names"][country])
        for zone in zones.values():
            ZoneInfo(zone)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="+0123456789 ()-", max_size=20), st.sampled_from(["", "DE", "US", "xx"]))
def test_any_input_gives_none_or_a_subdivision_holidays_knows(phone, country):
    region = region_for_phone(phone, country)

    assert region is None or _knows(region.country, region.code)
