from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from followup.calendar import buyer_clock, weekend_days
from leads.timezones import COUNTRY, EXPLICIT, PHONE, POPULOUS, buyer_zone


@pytest.mark.parametrize(("kwargs", "zone", "source"), [
    ({"explicit": "America/Chicago", "phones": ["+1 212 555 0100"], "country": "US"},
     "America/Chicago", EXPLICIT),
    ({"phones": ["+1 415 555 0100"], "country": "US"}, "America/Los_Angeles", PHONE),
    ({"phones": ["(415) 555-0100"], "country": "US"}, "America/Los_Angeles", PHONE),
    ({"phones": ["not a number"], "country": "DE"}, "Europe/Berlin", POPULOUS),
    ({"country": "FR"}, "Europe/Paris", COUNTRY),
    ({"country": "SA"}, "Asia/Riyadh", COUNTRY),
    ({"country": "US"}, "America/New_York", POPULOUS),
    ({"country": "BR"}, "America/Sao_Paulo", POPULOUS),
    ({"explicit": "Mars/Olympus", "country": "FR"}, "Europe/Paris", COUNTRY),
])
def test_buyer_zone_order_of_trust(kwargs, zone, source):
    found = buyer_zone(**kwargs)
    assert (found.key, found.source) == (zone, source)


def test_no_country_no_zone():
    assert buyer_zone().zone is None


def test_zone_source_survives_storage_and_reads_well():
    from django.utils import translation

    found = buyer_zone(phones=["+1 415 555 0100"], country="US")
    again = type(found).from_stored(found.key, found.stored)
    assert again == found
    with translation.override("en"):
        assert again.describe() == "from phone +1 415-555-0100"


@pytest.mark.parametrize(("country", "days"), [
    ("DE", {5, 6}), ("SA", {4, 5}), ("AE", {5, 6}), ("IR", {4}), ("IL", {4, 5}), ("", {5, 6}),
])
def test_weekends_from_cldr(country, days):
    assert weekend_days(country) == frozenset(days)


def test_clock_open_closed_and_next_opening(settings):
    settings.LEADQUAL_BUSINESS_HOURS = "09:00-17:00"
    riyadh = ZoneInfo("Asia/Riyadh")
    # Wednesday 2026-11-25 10:00 in Riyadh: open.
    clock = buyer_clock(riyadh, "SA", datetime(2026, 11, 25, 7, 0, tzinfo=UTC))
    assert clock.open_now and clock.working_day
    # Thursday 18:00: closed; Friday and Saturday are the weekend → Sunday 09:00.
    clock = buyer_clock(riyadh, "SA", datetime(2026, 11, 26, 15, 0, tzinfo=UTC))
    assert not clock.open_now
    assert clock.next_open == datetime(2026, 11, 29, 9, 0, tzinfo=riyadh)
    # Friday in Riyadh is a weekend day.
    assert buyer_clock(riyadh, "SA", datetime(2026, 11, 27, 8, 0, tzinfo=UTC)).weekend
    # Early morning on a working day opens the same day.
    early = buyer_clock(riyadh, "SA", datetime(2026, 11, 25, 3, 0, tzinfo=UTC))
    assert early.next_open == datetime(2026, 11, 25, 9, 0, tzinfo=riyadh)
