"""Why has the buyer not answered? Facts from their calendar and our channels.

Each reason has a stable ``code`` (the managers' dashboard counts them) and a
sentence with the facts: the buyer's local time, the holidays by name, how
many business hours have passed in *their* calendar, which channel to try.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from followup.calendar import Calendar
from followup.selectors import channel_rankings, ranked_channels
from leads.models import ChannelKind

HOLIDAY, WEEKEND, OUTSIDE_HOURS, VACATION = "holiday", "weekend", "outside_hours", "vacation"
BAD_EMAIL, NO_OTHER_CHANNEL, TOO_SOON, SILENCE = ("bad_email", "no_other_channel", "too_soon",
                                                 "silence")
CODES = (HOLIDAY, WEEKEND, OUTSIDE_HOURS, VACATION, BAD_EMAIL, NO_OTHER_CHANNEL, TOO_SOON,
         SILENCE)
MESSAGING = ("whatsapp", "wechat", "facebook", "telegram", "skype", "instagram", "twitter",
             "linkedin", "apple_messages", "google_hangouts", "snapchat", "discord", "phone")


@dataclass(frozen=True)
class Reason:
    code: str
    text: str


def business_minutes(calendar: Calendar, start: datetime, end: datetime) -> int:
    """Minutes of the buyer's business window on working days between two instants."""
    return calendar.business_minutes(start, end)


def why_no_reply(company, calendar: Calendar | None, *, channels: set[str],
                 now: datetime | None = None, rankings: dict | None = None,
                 minutes: int | None = None, text: bool = True) -> list[Reason]:
    """The reasons a company that awaits our answer may be silent, most telling first.

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

    today_off = calendar.off_kind(today)
    if today_off is not None:
        code = {"holiday": HOLIDAY, "override": HOLIDAY, "vacation": VACATION}.get(
            today_off, WEEKEND)
        add(code, lambda: _("Today is a day off there: %(reason)s.")
            % {"reason": calendar.day_off(today).reason})
    elif not calendar.is_open(now):
        opens, closes = calendar.window
        add(OUTSIDE_HOURS, lambda: _(
            "It is %(time)s there, outside their business hours (%(opens)s–%(closes)s).")
            % {"time": _clock(get_language(), local.replace(tzinfo=None, second=0,
                                                            microsecond=0)),
               "opens": f"{opens:%H:%M}",
               "closes": f"{closes:%H:%M}"})
    first = sent.astimezone(calendar.zone).date()
    since: dict[str, list[date]] = {}  # the days off by kind, when the reasons are worded
    if text:
        for day, kind in calendar.off_days_between(first, today):
            since.setdefault(kind, []).append(day)
        kinds = set(since)
    else:
        kinds = calendar.off_kinds_between(first, today)

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
    if minutes is None:
        minutes = calendar.business_minutes(sent, now)
    window = calendar.window_minutes
    if minutes < window:
        add(TOO_SOON, lambda: _(
            "Only %(hours)s business hours have passed there since our message.")
            % {"hours": round(minutes / 60, 1)})
    ranked = [kind for kind in ranked_channels(
        company.country, rankings if rankings is not None else channel_rankings())[0]
        if kind != "email"]
    others = [kind for kind in ranked if kind in channels] or [
        kind for kind in MESSAGING if kind in channels]
    bad_email = company.email_status in ("risky", "undeliverable")
    if bad_email:
        add(BAD_EMAIL, lambda: (
            _("Our email was %(status)s, so it may never have arrived: try %(channel)s.")
            % {"status": company.email_status, "channel": ChannelKind(others[0]).label}
            if others else _("Our email was %(status)s, so it may never have arrived.")
            % {"status": company.email_status}))
    if not others and (bad_email or minutes >= 3 * window):
        add(NO_OTHER_CHANNEL, lambda: _(
            "No other channel on file: ask for one (%(channel)s is much used there).")
            % {"channel": ChannelKind(ranked[0] if ranked else ChannelKind.WHATSAPP).label})
    # A weekend or holiday passed, a missing channel: facts, but not why days of silence.
    explaining = {HOLIDAY, VACATION, OUTSIDE_HOURS, TOO_SOON, BAD_EMAIL}
    if today_off is None and not any(reason.code in explaining for reason in reasons):
        add(SILENCE, lambda: _(
            "%(days)s business days of silence in their calendar.")
            % {"days": round(minutes / window, 1)})
    return reasons


@lru_cache(maxsize=4096)
def _clock(language: str | None, wall: datetime) -> str:
    """"Thu 18:25": a local time to the minute, in ``language`` (part of the key)."""
    return date_format(wall, "D H:i")


@lru_cache(maxsize=4096)
def _short_date(language: str | None, day: date) -> str:
    """"Thu 26 Nov" in ``language`` (the active one: it is part of the key)."""
    return date_format(day, "D j M")


# The order in which a one-line summary (the inbox) picks a reason: what the rep can act
# on or what explains the silence first; the buyer's clock is shown beside it anyway.
PRIORITY = (VACATION, HOLIDAY, BAD_EMAIL, NO_OTHER_CHANNEL, TOO_SOON, SILENCE, WEEKEND,
            OUTSIDE_HOURS)


def headline(reasons: list[Reason]) -> Reason | None:
    return min(reasons, key=lambda r: PRIORITY.index(r.code)) if reasons else None
