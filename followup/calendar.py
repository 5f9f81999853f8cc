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

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib
from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from followup.holiday_names import zh_hans_name

ESTIMATED = "(estimated)"
SEARCH_DAYS = 400  # a year of holidays and a long vacation; beyond it, give up
# Business minutes are counted up to this many (the day-by-day walk stops there).
MINUTES_CAP = 60 * 24 * 400


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
                                              years=year, language=_names_language(country))
    except NotImplementedError:  # a country or subdivision the package does not know
        if subdivision:
            return public_holidays(country, "", year)
        return {}, frozenset()
    workdays = frozenset(d for d in getattr(table, "weekend_workdays", ()) if d.year == year)
    return dict(table.items()), workdays


@cache
def _names_language(country: str) -> str | None:
    """English names where the package has them (the country's own language otherwise:
    German names for Germany), so that one table translates them for the interface."""
    languages = holidays_lib.list_localized_countries().get(country.upper(), ())
    return "en_US" if "en_US" in languages else None


def holiday_label(name: str) -> str:
    """A holiday's name in the interface's language: the zh-Hans table for Chinese
    (``followup.holiday_names``), else the package's English name."""
    from django.utils.translation import get_language

    if (get_language() or "").startswith("zh"):
        return zh_hans_name(name) or name
    return name


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
    # What this calendar found out about each day, and the key of its shared day table.
    # A calendar is not changed after it is made (the memo would go stale).
    _days: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _key: tuple | None = field(default=None, init=False, repr=False, compare=False)

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

    def _classify(self, day: date, *, vacations: bool = True) -> tuple[str, str] | None:
        """(kind, name or note) of a day off, None for a working day: the facts behind
        ``day_off`` without its sentence, so that they can be remembered in any language."""
        if vacations:
            for first, last, note in self.vacations:
                if first <= day <= last:
                    return "vacation", note
        override = self.overrides.get(day)
        if override is not None:
            kind, name = override
            return None if kind == "working_day" else ("override", name)
        names, workdays = public_holidays(self.country, self.subdivision, day.year)
        name = names.get(day)
        if name is not None:
            return "holiday", name
        if day in workdays:
            return None  # an announced make-up working day
        if day.weekday() in weekend_days(self.country):
            return "weekend", ""
        return None

    def off_kind(self, day: date) -> str | None:
        """The kind of ``day_off(day)`` ("weekend", "holiday", ...), None on a working day.

        Remembered per calendar: pages ask about the same days again and again.
        """
        try:
            found = self._days[day]
        except KeyError:
            found = self._days[day] = self._classify(day)
        return found[0] if found is not None else None

    def day_off(self, day: date) -> DayOff | None:
        """Why ``day`` is not a working day here, or None when it is one."""
        try:
            found = self._days[day]
        except KeyError:
            found = self._days[day] = self._classify(day)
        if found is None:
            return None
        kind, name = found
        if kind == "vacation":
            return DayOff(day, kind, _("vacation: %(note)s") % {"note": name} if name
                          else _("vacation"))
        if kind == "override":
            return DayOff(day, kind, holiday_label(name) if name else _("day off"))
        if kind == "holiday":
            return DayOff(day, kind, _("public holiday: %(name)s")
                          % {"name": holiday_label(name)}, ESTIMATED in name)
        # WEEKDAYS is what date_format(day, "l") prints, without parsing a format.
        return DayOff(day, kind, _("weekend (%(day)s)") % {"day": WEEKDAYS[day.weekday()]})

    def is_working_day(self, day: date) -> bool:
        return self.off_kind(day) is None

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
            day = start + timedelta(days=offset)
            if self.off_kind(day) not in (None, "weekend"):
                found.append(self.day_off(day))
        return found

    # --- spans of days (the silence of many companies at once) ---------------

    def _vacation_within(self, first: date, last: date) -> bool:
        return any(start <= last and end >= first for start, end, _note in self.vacations)

    def _table(self, first: date, last: date) -> DayTable:
        """The shared day table of this calendar's country, zone, window and overrides,
        covering ``first``..``last`` (vacations are this calendar's own: callers check
        ``_vacation_within`` first)."""
        if self._key is None:
            self._key = (self.country.upper(), self.subdivision, self.zone.key, self.window,
                         tuple(sorted(self.overrides.items())))
        table = _TABLES.get(self._key)
        if table is None or first < table.first or last > table.last:
            if table is not None:
                first, last = min(first, table.first), max(last, table.last)
            # Some days ahead, so that tomorrow's pages still find every day here.
            table = DayTable(self, first, last + timedelta(days=60))
            if len(_TABLES) >= TABLES_MAX:
                _TABLES.clear()
            _TABLES[self._key] = table
        return table

    def off_kinds_between(self, first: date, stop: date) -> set[str]:
        """The kinds of the days off from ``first`` up to, not including, ``stop``."""
        if stop <= first:
            return set()
        last = stop - timedelta(days=1)
        if self._vacation_within(first, last):
            return {kind for day in _days(first, stop) if (kind := self.off_kind(day))}
        return self._table(first, last).kinds_between(first, stop)

    def off_days_between(self, first: date, stop: date) -> list[tuple[date, str]]:
        """(day, kind) of each day off from ``first`` up to, not including, ``stop``;
        ``day_off(day)`` words one."""
        if stop <= first:
            return []
        last = stop - timedelta(days=1)
        if self._vacation_within(first, last):
            return [(day, kind) for day in _days(first, stop) if (kind := self.off_kind(day))]
        return self._table(first, last).days_off(first, stop)

    def business_minutes(self, start: datetime, end: datetime) -> int:
        """Minutes of the business window on working days between two instants."""
        if end <= start:
            return 0
        first = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        if self._vacation_within(first, last):
            return self._business_minutes_by_day(start, end)
        table = self._table(first, last)
        since, until = _microseconds(start), _microseconds(end)
        total = table.overlap(first, since, until)
        if last > first:
            total += table.overlap(last, since, until) + table.minutes_between(
                first + timedelta(days=1), last)
        if total >= MINUTES_CAP:  # years of silence: where the walk stops
            return self._business_minutes_by_day(start, end)
        return total

    def _business_minutes_by_day(self, start: datetime, end: datetime) -> int:
        opens, closes = self.window
        total, day = 0, start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        while day <= last and total < MINUTES_CAP:
            if self.is_working_day(day):
                # In UTC: two datetimes of one zone subtract by the wall clock, and a
                # day the clocks go back has an hour more than its wall clock says.
                overlap = (min(end, self._at(day, closes)).astimezone(UTC)
                           - max(start, self._at(day, opens)).astimezone(UTC))
                total += max(0, int(overlap.total_seconds() // 60))
            day += timedelta(days=1)
        return total

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


# --- Day tables ----------------------------------------------------------------

TABLES_MAX = 512
_TABLES: dict[tuple, DayTable] = {}


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MINUTE = 60_000_000  # microseconds


def _microseconds(instant: datetime) -> int:
    return (instant - EPOCH) // timedelta(microseconds=1)


def _days(first: date, stop: date) -> Iterable[date]:
    day = first
    while day < stop:
        yield day
        day += timedelta(days=1)


class DayTable:
    """The days ``first``..``last`` of one calendar without its vacations: the kind of
    each day off, and the business minutes of the working days summed up to each day.

    Shared by every calendar with the same country, zone, window and overrides, and kept
    by the process: counting the business days of silence of thousands of companies then
    costs a few lookups each, not a walk through every day since our message. Holidays
    come from the ``holidays`` package, so a table never goes stale; a changed window or
    override makes another key.
    """

    def __init__(self, calendar: Calendar, first: date, last: date):
        opens, closes = calendar.window
        self.first, self.last = first, last
        self.kinds: list[str | None] = []
        # Each working day's window, in microseconds since the epoch (exact, and small).
        self.windows: list[tuple[int, int] | None] = []
        self.cumulative = [0]  # business minutes of the days before each index
        self.offs: list[int] = []  # indexes of the days off
        for index, day in enumerate(_days(first, last + timedelta(days=1))):
            found = calendar._classify(day, vacations=False)
            kind = found[0] if found is not None else None
            self.kinds.append(kind)
            if kind is None:
                window = (_microseconds(calendar._at(day, opens)),
                          _microseconds(calendar._at(day, closes)))
                minutes = max(0, (window[1] - window[0]) // MINUTE)
            else:
                window, minutes = None, 0
                self.offs.append(index)
            self.windows.append(window)
            self.cumulative.append(self.cumulative[-1] + minutes)

    def _index(self, day: date) -> int:
        return (day - self.first).days

    def minutes_between(self, first: date, stop: date) -> int:
        """Business minutes of the whole days from ``first`` up to, not including, ``stop``."""
        if stop <= first:
            return 0
        return self.cumulative[self._index(stop)] - self.cumulative[self._index(first)]

    def overlap(self, day: date, start: int, end: int) -> int:
        """Minutes of ``day``'s window between ``start`` and ``end`` (``_microseconds``)."""
        window = self.windows[self._index(day)]
        if window is None:
            return 0
        return max(0, (min(end, window[1]) - max(start, window[0])) // MINUTE)

    def _offs(self, first: date, stop: date) -> list[int]:
        return self.offs[bisect_left(self.offs, self._index(first)):
                         bisect_left(self.offs, self._index(stop))]

    def kinds_between(self, first: date, stop: date) -> set[str]:
        return {self.kinds[index] for index in self._offs(first, stop)}

    def days_off(self, first: date, stop: date) -> list[tuple[date, str]]:
        return [(self.first + timedelta(days=index), self.kinds[index])
                for index in self._offs(first, stop)]


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
