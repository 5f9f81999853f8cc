"""Working calendars: the buyer's and the team's.

A day is a working day unless it is a weekend day of the country (CLDR, via
Babel: Friday–Saturday in much of the Middle East, Friday alone in Iran), a
public holiday there (the ``holidays`` package, with the subdivision when
known), or a vacation the rep entered. Announced make-up working days (China
works some Saturdays around Spring Festival and National Day) and admins'
date overrides turn a day back into a working day, or off.

Inside a working day, the business window (default 09:00–17:00 local) is when
a follow-up may land. ``Calendar.next_moment`` finds the earliest such minute
at or after an instant; the ``next_followup`` command and the pages use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib
from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

ESTIMATED = "(estimated)"
SEARCH_DAYS = 400  # a year of holidays and a long vacation; beyond it, give up


@cache
def weekend_days(country: str) -> frozenset[int]:
    """Weekday numbers (Monday = 0) of the weekend in ``country``, per CLDR."""
    try:
        locale = Locale.parse(f"und_{country.upper()}") if country else None
    except (UnknownLocaleError, ValueError):
        locale = None
    if locale is None or locale.territory != country.upper():
        return frozenset({5, 6})
    start, end = locale.weekend_start, locale.weekend_end
    days = {start}
    while start != end:
        start = (start + 1) % 7
        days.add(start)
    return frozenset(days)


@lru_cache(maxsize=2048)
def public_holidays(country: str, subdivision: str, year: int) -> tuple[dict, frozenset]:
    """({date: name}, make-up working days) of one country and year; empty when unknown."""
    if not country:
        return {}, frozenset()
    try:
        table = holidays_lib.country_holidays(country.upper(), subdiv=subdivision or None,
                                              years=year)
    except NotImplementedError:  # a country or subdivision the package does not know
        if subdivision:
            return public_holidays(country, "", year)
        return {}, frozenset()
    workdays = frozenset(d for d in getattr(table, "weekend_workdays", ()) if d.year == year)
    return dict(table.items()), workdays


def parse_window(text: str) -> tuple[time, time]:
    start, end = text.split("-")
    opens, closes = time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    if closes <= opens:
        raise ValueError(f"the window {text!r} closes before it opens")
    return opens, closes


def business_window() -> tuple[time, time]:
    """The buyers' default window: the admins' setting, else LEADQUAL_BUSINESS_HOURS."""
    from leads.models import TeamSettings

    try:
        configured = TeamSettings.cached().business_hours
    except Exception:  # noqa: BLE001 - no database yet (migrations, plain unit tests)
        configured = ""
    return parse_window(configured or settings.LEADQUAL_BUSINESS_HOURS)


@dataclass(frozen=True)
class DayOff:
    day: date
    kind: str  # "weekend", "holiday", "vacation", "override"
    reason: str
    estimated: bool = False


@dataclass(frozen=True)
class Moment:
    """The chosen instant, and the days passed over on the way, with why."""

    at: datetime  # aware, in the calendar's zone
    skipped: list[DayOff]

    @property
    def utc(self) -> datetime:
        return self.at.astimezone(UTC)


@dataclass
class Calendar:
    country: str
    zone: ZoneInfo
    subdivision: str = ""
    window: tuple[time, time] = field(default_factory=business_window)
    # (first day, last day, note), both days off
    vacations: list[tuple[date, date, str]] = field(default_factory=list)
    # {date: ("holiday" | "working_day", name)}
    overrides: dict[date, tuple[str, str]] = field(default_factory=dict)

    @property
    def window_minutes(self) -> int:
        """Length of one business day, in minutes."""
        opens, closes = self.window
        return (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)

    # --- days ---------------------------------------------------------------

    def holidays(self, day: date) -> tuple[str, bool] | None:
        """(name, estimated) of the public holiday on ``day``, or None."""
        names = public_holidays(self.country, self.subdivision, day.year)[0]
        name = names.get(day)
        if name is None:
            return None
        return name, ESTIMATED in name

    def day_off(self, day: date) -> DayOff | None:
        """Why ``day`` is not a working day here, or None when it is one."""
        for first, last, note in self.vacations:
            if first <= day <= last:
                return DayOff(day, "vacation", _("vacation: %(note)s") % {"note": note}
                              if note else _("vacation"))
        override = self.overrides.get(day)
        if override is not None:
            kind, name = override
            if kind == "working_day":
                return None
            return DayOff(day, "override", name or _("day off"))
        workdays = public_holidays(self.country, self.subdivision, day.year)[1]
        holiday = self.holidays(day)
        if holiday is not None:
            name, estimated = holiday
            return DayOff(day, "holiday", _("public holiday: %(name)s") % {"name": name},
                          estimated)
        if day in workdays:
            return None  # an announced make-up working day
        if day.weekday() in weekend_days(self.country):
            return DayOff(day, "weekend",
                          _("weekend (%(day)s)") % {"day": date_format(day, "l")})
        return None

    def is_working_day(self, day: date) -> bool:
        return self.day_off(day) is None

    def working_days(self, start: date, count: int) -> list[date]:
        days, day = [], start
        for _attempt in range(SEARCH_DAYS):
            if len(days) == count:
                break
            if self.is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    def upcoming_days_off(self, start: date, days: int = 60) -> list[DayOff]:
        """Holidays, overrides and vacations (not weekends) in the coming ``days``."""
        found = []
        for offset in range(days):
            off = self.day_off(start + timedelta(days=offset))
            if off is not None and off.kind != "weekend":
                found.append(off)
        return found

    # --- moments ------------------------------------------------------------

    def _at(self, day: date, moment: time) -> datetime:
        # Through UTC, so a wall time that does not exist (DST gap) moves forward.
        return datetime.combine(day, moment, tzinfo=self.zone).astimezone(UTC).astimezone(
            self.zone)

    def is_open(self, instant: datetime) -> bool:
        local = instant.astimezone(self.zone)
        opens, closes = self.window
        return self.is_working_day(local.date()) and opens <= local.time() < closes

    def next_moment(self, after: datetime | None = None) -> Moment:
        """The earliest minute at or after ``after`` in the window of a working day."""
        after = (after or timezone.now()).astimezone(self.zone)
        if after.second or after.microsecond:  # to the minute, never earlier than asked
            after = (after.replace(second=0, microsecond=0) + timedelta(minutes=1)).astimezone(
                self.zone)
        opens, closes = self.window
        skipped: list[DayOff] = []
        day = after.date()
        for _attempt in range(SEARCH_DAYS):
            off = self.day_off(day)
            if off is not None:
                skipped.append(off)
            else:
                start, end = self._at(day, opens), self._at(day, closes)
                candidate = max(start, after)
                if candidate < end:
                    return Moment(candidate, skipped)
                if day == after.date():
                    skipped.append(DayOff(day, "hours", _("after business hours (%(time)s)")
                                          % {"time": f"{closes:%H:%M}"}))
            day += timedelta(days=1)
        raise ValueError(f"no working day within {SEARCH_DAYS} days")

    def add_business_days(self, instant: datetime, days: int) -> Moment:
        """The moment ``days`` working days after ``instant``'s day, in the window."""
        local = instant.astimezone(self.zone)
        day, counted, skipped = local.date(), 0, []
        while counted < days:
            day += timedelta(days=1)
            off = self.day_off(day)
            if off is None:
                counted += 1
            else:
                skipped.append(off)
        # Same time of day as the instant, or the opening hour when that was outside
        # the window: the follow-up stays on the n-th working day.
        opens, closes = self.window
        wall = local.time().replace(second=0, microsecond=0)
        moment = self.next_moment(self._at(day, wall if opens <= wall < closes else opens))
        return Moment(moment.at, skipped + moment.skipped)


# --- Clock for the pages -----------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """What a rep needs to know about the buyer's day, right now."""

    local: datetime
    zone: ZoneInfo
    opens: time
    closes: time
    working_day: bool
    open_now: bool
    next_open: datetime  # local; == local when open now
    day_off: DayOff | None = None

    @property
    def weekend(self) -> bool:
        return self.day_off is not None and self.day_off.kind == "weekend"


def buyer_clock(zone: ZoneInfo, country: str = "", now: datetime | None = None,
                calendar: Calendar | None = None) -> Clock:
    calendar = calendar or Calendar(country=country, zone=zone)
    now = (now or timezone.now()).astimezone(zone)
    off = calendar.day_off(now.date())
    open_now = calendar.is_open(now)
    next_open = now if open_now else calendar.next_moment(now).at
    opens, closes = calendar.window
    return Clock(local=now, zone=zone, opens=opens, closes=closes, working_day=off is None,
                 open_now=open_now, next_open=next_open, day_off=off)


def overrides_by_country(countries: Iterable[str]) -> dict[str, dict[date, tuple[str, str]]]:
    """Admins' date overrides, by country ("" = the team's own shutdown days)."""
    from followup.models import CalendarOverride

    found: dict[str, dict[date, tuple[str, str]]] = {}
    for row in CalendarOverride.objects.filter(country__in=list(countries)).values(
            "country", "date", "kind", "name"):
        found.setdefault(row["country"], {})[row["date"]] = (row["kind"], row["name"])
    return found


def team_calendar() -> Calendar:
    """The sales team's calendar: its zone, hours, country holidays and make-up days."""
    country = settings.TEAM_COUNTRY
    overrides = overrides_by_country([country, ""])
    merged = {**overrides.get(country, {}), **overrides.get("", {})}
    return Calendar(country=country, zone=ZoneInfo(settings.TEAM_TIME_ZONE),
                    window=parse_window(settings.LEADQUAL_TEAM_HOURS), overrides=merged)
