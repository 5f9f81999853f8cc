"""The buyer's working week and business window.

Weekends come from CLDR (Babel): Friday–Saturday in much of the Middle East,
Friday alone in Iran, Saturday–Sunday elsewhere. Public holidays, vacations
and the next follow-up moment are the follow-up scheduler's (issue 6); this
module answers "is the buyer at work right now, and if not, when next?".
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.utils import timezone


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


def business_window() -> tuple[time, time]:
    start, end = settings.LEADQUAL_BUSINESS_HOURS.split("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


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

    @property
    def weekend(self) -> bool:
        return not self.working_day


def buyer_clock(zone: ZoneInfo, country: str = "", now: datetime | None = None) -> Clock:
    now = (now or timezone.now()).astimezone(zone)
    opens, closes = business_window()
    weekend = weekend_days(country)
    working_day = now.weekday() not in weekend
    open_now = working_day and opens <= now.time() < closes
    if open_now:
        next_open = now
    else:
        day = now.date() if (working_day and now.time() < opens) else now.date() + timedelta(1)
        while day.weekday() in weekend:
            day += timedelta(1)
        next_open = datetime.combine(day, opens, tzinfo=zone)
    return Clock(local=now, zone=zone, opens=opens, closes=closes, working_day=working_day,
                 open_now=open_now, next_open=next_open)
