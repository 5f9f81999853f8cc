"""Why has the buyer not answered? Facts from their calendar and our channels.

Each reason has a stable ``code`` (the managers' dashboard counts them) and a
sentence with the facts: the buyer's local time, the holidays by name, how
many business hours have passed in *their* calendar, which channel to try.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from followup.calendar import Calendar
from followup.channels import DIRECT
from followup.selectors import channel_rankings, ranked_channels
from leads.dates import shown
from leads.models import ChannelKind, EmailStatus

HOLIDAY, WEEKEND, OUTSIDE_HOURS, VACATION = "holiday", "weekend", "outside_hours", "vacation"
BAD_EMAIL, NO_OTHER_CHANNEL, TOO_SOON, SILENCE = ("bad_email", "no_other_channel", "too_soon",
                                                 "silence")
CODES = (HOLIDAY, WEEKEND, OUTSIDE_HOURS, VACATION, BAD_EMAIL, NO_OTHER_CHANNEL, TOO_SOON,
         SILENCE)
MESSAGING = DIRECT  # the order next_channel tries what is on file outside the ranking


@dataclass(frozen=True)
class Reason:
    code: str
    text: str


def business_minutes(calendar: Calendar, start: datetime, end: datetime) -> int:
    """Minutes of the buyer's business window on working days between two instants."""
    return calendar.business_minutes(start, end)


def reply_window_minutes(calendar: Calendar) -> int:
    """How long a buyer usually takes to answer, in business minutes of their calendar
    (``LEADQUAL_REPLY_WINDOW_DAYS`` business days, 2 by default)."""
    return round(settings.LEADQUAL_REPLY_WINDOW_DAYS * calendar.window_minutes)


def why_no_reply(company, calendar: Calendar | None, *, channels: set[str],
                 now: datetime | None = None, rankings: dict | None = None,
                 minutes: int | None = None, text: bool = True) -> list[Reason]:
    """The reasons a company that awaits our answer may be silent, most telling first.

    A day off, a weekend, a vacation or the time of day there explains a silence only
    while it plausibly covers it: its own length plus the buyer's usual reply window
    (``reply_window_minutes``). Business minutes leave days off and nights out, so that
    is when fewer business minutes than the window have passed since our message. Past
    it the reason is plain silence, with what to try next.

    ``text=False`` gives the same codes with empty texts, at a fraction of the cost (the
    dashboard counts the reasons of thousands of companies and words a hundred).
    ``rankings`` (``channel_rankings()``) and ``minutes`` (business minutes since our
    message) may be passed in by callers that have them already.
    """
    if not company.awaiting_reply or calendar is None:
        return []
    now = (now or timezone.now())
    local = now.astimezone(calendar.zone)
    today = local.date()
    sent = company.last_contact_at
    reasons: list[Reason] = []

    def add(code: str, words) -> None:
        reasons.append(Reason(code, words() if text else ""))

    if minutes is None:
        minutes = calendar.business_minutes(sent, now)
    window = calendar.window_minutes
    usual = reply_window_minutes(calendar)
    within = minutes <= usual
    today_off = calendar.off_kind(today)
    if within and today_off is not None:
        code = {"holiday": HOLIDAY, "override": HOLIDAY, "vacation": VACATION}.get(
            today_off, WEEKEND)
        add(code, lambda: _("Today is a day off there: %(reason)s.")
            % {"reason": calendar.day_off(today).reason})
    elif within and not calendar.is_open(now):
        opens, closes = calendar.window
        add(OUTSIDE_HOURS, lambda: _(
            "It is %(time)s there, outside their business hours (%(opens)s–%(closes)s).")
            % {"time": _clock(get_language(), local.replace(tzinfo=None, second=0,
                                                            microsecond=0)),
               "opens": f"{opens:%H:%M}",
               "closes": f"{closes:%H:%M}"})
    since: dict[str, list[date]] = {}  # the days off by kind, when the reasons are worded
    if within:
        first = sent.astimezone(calendar.zone).date()
        if text:
            for day, kind in calendar.off_days_between(first, today):
                since.setdefault(kind, []).append(day)
            kinds = set(since)
        else:
            kinds = calendar.off_kinds_between(first, today)
    else:
        kinds = set()

    def named(days: list[date]) -> list[str]:
        """"Thanksgiving Day (Thu 26 Nov)": each day off's name or note, and its date."""
        return [f"{calendar.day_off(day).reason.split(': ', 1)[-1]} "
                f"({_short_date(get_language(), day)})" for day in days]

    if kinds & {"holiday", "override"}:
        add(HOLIDAY, lambda: _("Public holidays there since our message: %(list)s.")
            % {"list": "; ".join(dict.fromkeys(
                named(since.get("holiday", []) + since.get("override", []))))})
    if "vacation" in kinds:
        add(VACATION, lambda: _("They were away since our message: %(list)s.")
            % {"list": "; ".join(named(since["vacation"][:3]))})
    if "weekend" in kinds:
        add(WEEKEND, lambda: _("Their weekend came since our message (%(days)s).")
            % {"days": ", ".join(named(since["weekend"][:3]))})
    if within:
        add(TOO_SOON, lambda: _(
            "Only %(hours)s business hours have passed there since our message; buyers "
            "usually answer within %(usual)s.")
            % {"hours": round(minutes / 60, 1), "usual": _business_days(usual / window)})
    ranked = [kind for kind in ranked_channels(
        company.country, rankings if rankings is not None else channel_rankings())[0]
        if kind != "email"]
    others = [kind for kind in ranked if kind in channels] or [
        kind for kind in MESSAGING if kind in channels]
    bad_email = company.email_status in ("risky", "undeliverable")
    if bad_email:
        add(BAD_EMAIL, lambda: (
            _("Our email was %(status)s, so it may never have arrived: try %(channel)s.")
            % {"status": _email_status(company.email_status),
               "channel": ChannelKind(others[0]).label}
            if others else _("Our email was %(status)s, so it may never have arrived.")
            % {"status": _email_status(company.email_status)}))
    ask = ChannelKind(ranked[0] if ranked else ChannelKind.WHATSAPP).label
    if not others and (bad_email or not within):
        add(NO_OTHER_CHANNEL, lambda: _(
            "No other channel on file: ask for one (%(channel)s is much used there).")
            % {"channel": ask})
    if not within:
        days = round(minutes / window, 1)
        if others:
            add(SILENCE, lambda: _(
                "%(days)s business days of silence in their calendar, longer than a day "
                "off or the time of day explains: try %(channel)s.")
                % {"days": days, "channel": ChannelKind(others[0]).label})
        else:
            add(SILENCE, lambda: _(
                "%(days)s business days of silence in their calendar, longer than a day "
                "off or the time of day explains: ask for %(channel)s, or send an offer "
                "with a date.") % {"days": days, "channel": ask})
    return reasons


def _business_days(days: float) -> str:
    return ngettext("%(n)s business day", "%(n)s business days", round(days)) % {
        "n": f"{days:g}"}


def _email_status(status: str) -> str:
    return str(dict(EmailStatus.choices).get(status, status)).lower()


@lru_cache(maxsize=4096)
def _clock(language: str | None, wall: datetime) -> str:
    """"Thu 18:25": a local time to the minute, in ``language`` (part of the key)."""
    return shown(wall, "clock", language)


@lru_cache(maxsize=4096)
def _short_date(language: str | None, day: date) -> str:
    """"Thu 26 Nov" in ``language`` (the active one: it is part of the key)."""
    return shown(day, "day", language)


# The order in which a one-line summary (the inbox) picks a reason: what the rep can act
# on or what explains the silence first; the buyer's clock is shown beside it anyway.
PRIORITY = (VACATION, HOLIDAY, BAD_EMAIL, WEEKEND, TOO_SOON, OUTSIDE_HOURS, SILENCE,
            NO_OTHER_CHANNEL)


def headline(reasons: list[Reason]) -> Reason | None:
    return min(reasons, key=lambda r: PRIORITY.index(r.code)) if reasons else None
