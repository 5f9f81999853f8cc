"""The buyer's state from the area code of their number: its holidays in the plan,
its zone where the number alone gives two, the source shown, the rep's word winning."""

import json
from datetime import date, datetime

import holidays
import pytest
from django.core.management import call_command
from django.urls import reverse

from followup.selectors import buyer_calendar
from leads.timezones import buyer_zone
from tests.leads.helpers import ingest
from tests.leads.test_regions import COVERED, _entries, _sample

# The outside check's examples: the number alone must bring the state's holidays.
EXAMPLES = [("DE", "+49 89 1234567", "BY"), ("US", "+1 512 555 0100", "TX"),
            ("BR", "+55 11 3456 7890", "SP"), ("ES", "+34 93 123 45 67", "CT"),
            ("AU", "+61 3 9001 2345", "VIC"), ("IN", "+91 22 2345 6789", "MH")]


def _state_day(country: str, code: str) -> date | None:
    """A weekday of 2027 that is a public holiday in the state but not in the country."""
    state = holidays.country_holidays(country, subdiv=code, years=2027)
    national = holidays.country_holidays(country, years=2027)
    return next((day for day in sorted(state) if day not in national and day.weekday() < 5),
                None)


def _cases():
    cases = [pytest.param(*example, id=f"{example[0]} {example[1]}") for example in EXAMPLES]
    named = {country for country, *_ in EXAMPLES}
    for country in sorted(set(COVERED) - named):  # a sample number of every other country
        found = _sample(country, _entries()[country])
        if found and _state_day(country, found[1]):  # where its states' holidays differ
            cases.append(pytest.param(country, *found, id=f"{country} {found[0]}"))
    return cases


@pytest.mark.django_db
@pytest.mark.parametrize(("country", "phone", "state"), _cases())
def test_next_followup_with_only_a_phone_skips_the_state_holiday(capsys, country, phone,
                                                                 state):
    day = _state_day(country, state)
    zone = buyer_zone(phones=[phone], country=country).zone
    after = datetime(day.year, day.month, day.day, tzinfo=zone).isoformat()
    call_command("next_followup", "--country", country, "--phone", phone, "--after", after,
                 "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["subdivision"] == state
    assert result["subdivision_source"].startswith("phone:+")
    assert day.isoformat() in {skipped["date"] for skipped in result["skipped"]}
    assert result["local"][:10] != day.isoformat()


@pytest.mark.django_db
def test_the_state_given_wins_over_the_area_code(capsys):
    # Munich's number, but the rep says Berlin: Epiphany (a Bavarian holiday) is worked.
    call_command("next_followup", "--country", "DE", "--phone", "+49 89 1234567",
                 "--subdivision", "BE", "--after", "2027-01-06T00:00:00+01:00", "--json")
    result = json.loads(capsys.readouterr().out)
    assert (result["subdivision"], result["subdivision_source"]) == ("BE", "explicit")
    assert result["local"] == "2027-01-06T09:00:00+01:00"


@pytest.mark.django_db
def test_newfoundland_is_planned_in_st_johns_time(capsys):
    call_command("next_followup", "--country", "CA", "--phone", "+1 709 739 1234",
                 "--subdivision", "NL", "--after", "2027-01-05T09:00:00-03:30", "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["timezone"] == "America/St_Johns"
    assert result["local"] == "2027-01-05T09:00:00-03:30"


@pytest.mark.django_db
def test_a_new_company_gets_its_state_from_the_number_and_the_rep_corrects_it(client, rep):
    inquiry = ingest(email="max@bayern-aqua.de", phone="+49 89 1234567", country="DE")
    company = inquiry.company
    assert (company.subdivision, company.subdivision_source) == ("BY", "phone:+49 89")
    assert company.subdivision_described() == "Bavaria (BY), from +49 89"
    calendar = buyer_calendar(company)
    assert calendar.subdivision == "BY"
    assert not calendar.is_working_day(date(2027, 1, 6))  # Epiphany in Bavaria

    company.owner = rep
    company.save(update_fields=["owner"])
    client.force_login(rep)
    html = client.get(reverse("leads:company", args=[company.pk])).content.decode()
    assert "Bavaria (BY), from +49 89" in html

    client.post(reverse("leads:company-calendar", args=[company.pk]),
                {"time_zone": "", "subdivision": "be", "business_hours": ""})
    company.refresh_from_db()
    assert (company.subdivision, company.subdivision_source) == ("BE", "explicit")
    assert company.subdivision_described() == "Berlin (BE), set by hand"
    assert buyer_calendar(company).is_working_day(date(2027, 1, 6))

    # Blank again: the area code's state comes back.
    client.post(reverse("leads:company-calendar", args=[company.pk]),
                {"time_zone": "", "subdivision": "", "business_hours": ""})
    company.refresh_from_db()
    assert (company.subdivision, company.subdivision_source) == ("BY", "phone:+49 89")


@pytest.mark.django_db
def test_a_newfoundland_company_is_in_st_johns_time():
    company = ingest(email="k@nl-water.ca", phone="+1 709 739 1234", country="CA").company
    assert company.time_zone == "America/St_Johns"
    assert company.subdivision == "NL"
