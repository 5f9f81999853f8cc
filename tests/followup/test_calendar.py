"""The buyer's and the team's calendars, by named examples and by properties."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup.calendar import Calendar, team_calendar
from leads.timezones import buyer_zone


def calendar_for(country, phone="", subdivision="", **kwargs) -> Calendar:
    zone = buyer_zone(phones=[phone] if phone else [], country=country)
    return Calendar(country=country, zone=zone.zone, subdivision=subdivision, **kwargs)


def local(calendar, moment):
    return moment.at.astimezone(calendar.zone).strftime("%a %Y-%m-%d %H:%M")


# --- named examples ---------------------------------------------------------

def test_saudi_arabia_works_sunday_to_thursday():
    riyadh = calendar_for("SA")
    # Thursday 2026-11-26 18:00 Riyadh: after hours, then Friday and Saturday off.
    moment = riyadh.next_moment(datetime(2026, 11, 26, 15, 0, tzinfo=UTC))
    assert local(riyadh, moment) == "Sun 2026-11-29 09:00"
    assert [off.kind for off in moment.skipped] == ["hours", "weekend", "weekend"]


def test_the_uae_weekend_is_saturday_and_sunday():
    dubai = calendar_for("AE")
    assert dubai.is_working_day(date(2026, 11, 27))  # a Friday
    moment = dubai.next_moment(datetime(2026, 11, 28, 6, 0, tzinfo=UTC))  # Saturday
    assert local(dubai, moment) == "Mon 2026-11-30 09:00"


def test_iran_rests_on_friday_only():
    tehran = calendar_for("IR")
    moment = tehran.next_moment(datetime(2026, 11, 27, 6, 0, tzinfo=UTC))  # Friday
    assert local(tehran, moment) == "Sat 2026-11-28 09:00"


@pytest.mark.parametrize(("phone", "expected"), [
    ("+1 212 555 0100", "Fri 2026-11-27 09:00"),   # New York
    ("+1 415 555 0100", "Fri 2026-11-27 09:00"),   # San Francisco, three hours later
])
def test_us_thanksgiving_in_new_york_and_san_francisco(phone, expected):
    buyer = calendar_for("US", phone=phone)
    moment = buyer.next_moment(datetime(2026, 11, 26, 12, 0, tzinfo=UTC))
    assert local(buyer, moment) == expected
    assert "Thanksgiving" in moment.skipped[0].reason
    assert moment.utc.hour == (14 if "212" in phone else 17)


def test_german_christmas_days():
    berlin = calendar_for("DE")
    moment = berlin.next_moment(datetime(2026, 12, 24, 17, 0, tzinfo=UTC))
    # 25 and 26 December are holidays; the 27th is a Sunday.
    assert local(berlin, moment) == "Mon 2026-12-28 09:00"
    reasons = [off.reason for off in moment.skipped if off.kind == "holiday"]
    assert len(reasons) == 2 and all("Christmas" in r for r in reasons)


def test_russian_new_year_holidays():
    moscow = calendar_for("RU")
    moment = moscow.next_moment(datetime(2025, 12, 31, 12, 0, tzinfo=UTC))
    assert moment.at.date() > date(2026, 1, 8)
    assert sum(off.kind == "holiday" for off in moment.skipped) >= 7


def test_vietnamese_tet():
    hanoi = calendar_for("VN")
    moment = hanoi.next_moment(datetime(2026, 2, 16, 2, 0, tzinfo=UTC))
    assert moment.at.date() == date(2026, 2, 23)  # Tet Mon 16 – Fri 20, then the weekend
    assert any("Lunar New Year" in off.reason for off in moment.skipped)


def test_manaus_and_sao_paulo_numbers_are_an_hour_apart():
    manaus = calendar_for("BR", phone="+55 92 3232 1234")
    sao_paulo = calendar_for("BR", phone="+55 11 3232 1234")
    assert (manaus.zone.key, sao_paulo.zone.key) == ("America/Manaus", "America/Sao_Paulo")
    start = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    assert manaus.next_moment(start).utc - sao_paulo.next_moment(start).utc == timedelta(hours=1)


def test_a_state_holiday_counts_when_the_state_is_known():
    texas = calendar_for("US", subdivision="TX")
    assert not texas.is_working_day(date(2026, 3, 2))  # Texas Independence Day
    assert calendar_for("US").is_working_day(date(2026, 3, 2))


def test_estimated_islamic_holidays_are_marked():
    dubai = calendar_for("AE")
    off = [o for o in dubai.upcoming_days_off(date(2027, 3, 1), 60) if o.kind == "holiday"]
    assert off and any(o.estimated for o in off)


def test_vacations_and_overrides():
    berlin = calendar_for("DE", vacations=[(date(2026, 11, 30), date(2026, 12, 2), "fair")],
                          overrides={date(2026, 12, 3): ("holiday", "Plant shutdown"),
                                     date(2026, 12, 25): ("working_day", "")})
    moment = berlin.next_moment(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    assert local(berlin, moment) == "Fri 2026-12-04 09:00"
    assert [o.reason for o in moment.skipped] == ["vacation: fair"] * 3 + ["Plant shutdown"]
    assert berlin.is_working_day(date(2026, 12, 25))


def test_chinese_make_up_working_day_and_golden_week(db, settings):
    settings.TEAM_COUNTRY, settings.TEAM_TIME_ZONE = "CN", "Asia/Shanghai"
    team = team_calendar()
    assert date(2026, 2, 14).weekday() == 5 and team.is_working_day(date(2026, 2, 14))
    assert not team.is_working_day(date(2026, 10, 1))
    assert not team.is_working_day(date(2026, 10, 5))  # a Monday of Golden Week


def test_team_overrides_apply_to_the_team(db, settings):
    from followup.models import CalendarOverride

    settings.TEAM_COUNTRY = "CN"
    CalendarOverride.objects.create(country="", date=date(2026, 12, 1), kind="holiday",
                                    name="Factory move")
    assert team_calendar().day_off(date(2026, 12, 1)).reason == "Factory move"


@pytest.mark.django_db
def test_next_followup_command_prints_json(capsys):
    import json

    from django.core.management import call_command

    call_command("next_followup", "--country", "SA", "--after", "2026-11-26T20:00:00+03:00",
                 "--json")
    result = json.loads(capsys.readouterr().out)
    assert result == {
        "send_at_utc": "2026-11-29T06:00:00Z", "local": "2026-11-29T09:00:00+03:00",
        "timezone": "Asia/Riyadh", "timezone_source": "country",
        "subdivision": "", "subdivision_source": "",
        "skipped": [{"date": "2026-11-26", "reason": "after business hours (17:00)"},
                    {"date": "2026-11-27", "reason": "weekend (Friday)"},
                    {"date": "2026-11-28", "reason": "weekend (Saturday)"}],
    }


@pytest.mark.django_db
def test_next_followup_command_with_a_phone_and_naive_team_time(capsys):
    import json

    from django.core.management import call_command

    # Naive --after is the team's time: 21:00 in Shanghai = 08:00 in New York (EST).
    call_command("next_followup", "--country", "US", "--phone", "+1 212 555 0100",
                 "--after", "2026-12-01T21:00", "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["local"] == "2026-12-01T09:00:00-05:00"
    assert result["timezone_source"] == "phone"


# --- properties -------------------------------------------------------------

COUNTRIES = ["US", "CA", "BR", "MX", "GB", "DE", "FR", "ES", "IT", "RU", "TR", "SA", "AE",
             "IR", "IL", "EG", "IN", "PK", "BD", "VN", "ID", "MY", "AU", "NZ", "ZA", "NG",
             "KE", "CL", "AR", "JP", "KR", "CN", "KZ", "QA", "KW", "OM", "NP", "AF", "DZ", "PH"]
PHONES = {"US": ["+1 212 555 0100", "+1 415 555 0100", "+1 808 555 0100"],
          "BR": ["+55 92 3232 1234", "+55 11 3232 1234"], "AU": ["+61 8 9123 4567"],
          "RU": ["+7 423 222 3344"], "MX": ["+52 664 123 4567"]}
# Instants around DST changes (Northern and Southern hemispheres) and year ends.
DST_EDGES = [datetime(2026, 3, 8, 6, 30, tzinfo=UTC), datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
             datetime(2026, 4, 5, 15, 30, tzinfo=UTC), datetime(2026, 10, 4, 15, 59, tzinfo=UTC),
             datetime(2026, 10, 25, 0, 59, tzinfo=UTC), datetime(2026, 11, 1, 5, 59, tzinfo=UTC),
             datetime(2026, 12, 31, 23, 59, 30, tzinfo=UTC)]


@st.composite
def buyers(draw):
    country = draw(st.sampled_from(COUNTRIES))
    phone = draw(st.sampled_from(["", *PHONES.get(country, [])]))
    vacation = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=300)))
    instant = draw(st.one_of(
        st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31),
                     timezones=st.just(UTC)),
        st.sampled_from(DST_EDGES).flatmap(lambda edge: st.integers(-180, 180).map(
            lambda minutes: edge + timedelta(minutes=minutes)))))
    vacations = []
    if vacation is not None:
        first = date(2025, 1, 1) + timedelta(days=vacation * 3)
        vacations = [(first, first + timedelta(days=draw(st.integers(0, 10))), "away")]
    return calendar_for(country, phone, vacations=vacations), instant


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(buyers())
def test_the_chosen_minute_is_valid_and_none_earlier_is(buyer):
    calendar, after = buyer
    moment = calendar.next_moment(after)
    chosen = moment.utc
    assert chosen >= after and chosen.second == 0 and chosen.microsecond == 0
    local_time = moment.at.astimezone(calendar.zone)
    assert calendar.day_off(local_time.date()) is None
    opens, closes = calendar.window
    assert opens <= local_time.time() < closes
    # Every minute from `after` up to the chosen one is invalid: none earlier exists.
    minute = after.replace(second=0, microsecond=0)
    if minute < after:
        minute += timedelta(minutes=1)
    while minute < chosen:
        assert not calendar.is_open(minute), minute
        minute += timedelta(minutes=1)


@settings(max_examples=40, deadline=None)
@given(buyers(), st.integers(min_value=1, max_value=30))
def test_business_days_land_on_working_days_in_the_window(buyer, days):
    calendar, after = buyer
    moment = calendar.add_business_days(after, days)
    assert calendar.is_open(moment.at)
    counted = sum(calendar.is_working_day(after.astimezone(calendar.zone).date()
                                          + timedelta(days=n))
                  for n in range(1, (moment.at.date() - after.astimezone(calendar.zone).date())
                                 .days + 1))
    assert counted == days


# --- the shared day tables (issue 9) give what the day-by-day walk gives ----------

@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(buyers(), st.integers(min_value=0, max_value=1100 * 24 * 60),
       st.sampled_from([None, "08:00-12:30", "00:30-23:45", "22:00-23:59"]))
def test_day_tables_count_as_the_walk_through_every_day(buyer, minutes, window):
    from followup.calendar import _days, parse_window

    calendar, start = buyer
    if window:
        calendar = Calendar(country=calendar.country, zone=calendar.zone,
                            window=parse_window(window), vacations=calendar.vacations)
    end = start + timedelta(minutes=minutes, seconds=minutes % 61)
    assert calendar.business_minutes(start, end) == calendar._business_minutes_by_day(
        start, end)
    first = start.astimezone(calendar.zone).date()
    stop = end.astimezone(calendar.zone).date()
    walked = [(day, calendar.off_kind(day)) for day in _days(first, stop)
              if calendar.off_kind(day)]
    assert calendar.off_days_between(first, stop) == walked
    assert calendar.off_kinds_between(first, stop) == {kind for _day, kind in walked}
    # A second calendar of the same place shares the table, and agrees.
    again = Calendar(country=calendar.country, zone=calendar.zone, window=calendar.window,
                     vacations=calendar.vacations)
    assert again.business_minutes(start, end) == calendar.business_minutes(start, end)


def test_day_off_is_remembered_per_language():
    from django.utils import translation

    berlin = calendar_for("DE")
    saturday = date(2026, 11, 28)
    with translation.override("en"):
        assert berlin.day_off(saturday).reason == "weekend (Saturday)"
    with translation.override("zh-hans"):
        assert berlin.day_off(saturday).reason != "weekend (Saturday)"
    with translation.override("en"):
        assert berlin.day_off(saturday).reason == "weekend (Saturday)"


def test_business_minutes_count_the_hour_a_day_gains_when_the_clocks_go_back():
    # Israel, Sunday 25 October 2026 (a working day there): 02:00 becomes 01:00 again.
    from zoneinfo import ZoneInfo

    from followup.calendar import parse_window

    israel = ZoneInfo("Asia/Jerusalem")
    calendar = Calendar(country="IL", zone=israel, window=parse_window("00:30-23:45"),
                        vacations=[(date(2025, 1, 1), date(2025, 1, 1), "away")])
    start = datetime(2026, 10, 25, 0, 0, tzinfo=israel)
    end = datetime(2026, 10, 26, 0, 0, tzinfo=israel)
    expected = 24 * 60 + 15  # 00:30 to 23:45 on the wall clock, plus the repeated hour
    assert calendar._business_minutes_by_day(start, end) == expected
    assert calendar.business_minutes(start, end) == expected
