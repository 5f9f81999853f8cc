"""Why has the buyer not answered? Facts from their calendar and our channels.

Each reason has a stable ``code`` (the managers' dashboard counts them) and a
sentence with the facts: the buyer's local time, the holidays by name, how
many business hours have passed in *their* calendar, which channel to try.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from followup.calendar import Calendar
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
    if end <= start:
        return 0
    opens, closes = calendar.window
    total, day = 0, start.astimezone(calendar.zone).date()
    last = end.astimezone(calendar.zone).date()
    while day <= last and total < 60 * 24 * 400:
        if calendar.is_working_day(day):
            window_start = calendar._at(day, opens)
            window_end = calendar._at(day, closes)
            overlap = min(end, window_end) - max(start, window_start)
            total += max(0, int(overlap.total_seconds() // 60))
        day += timedelta(days=1)
    return total


def why_no_reply(company, calendar: Calendar | None, *, channels: set[str],
                 now: datetime | None = None) -> list[Reason]:
    """The reasons a company that awaits our answer may be silent, most telling first."""
    if not company.awaiting_reply or calendar is None:
        return []
    from followup.services import suggested_channels

    now = (now or timezone.now())
    local = now.astimezone(calendar.zone)
    sent = company.last_contact_at
    reasons: list[Reason] = []
    today_off = calendar.day_off(local.date())
    if today_off is not None:
        code = {"holiday": HOLIDAY, "override": HOLIDAY, "vacation": VACATION}.get(
            today_off.kind, WEEKEND)
        reasons.append(Reason(code, _("Today is a day off there: %(reason)s.")
                              % {"reason": today_off.reason}))
    elif not calendar.is_open(now):
        opens, closes = calendar.window
        reasons.append(Reason(OUTSIDE_HOURS, _(
            "It is %(time)s there, outside their business hours (%(opens)s–%(closes)s).")
            % {"time": date_format(local, "D H:i"), "opens": f"{opens:%H:%M}",
               "closes": f"{closes:%H:%M}"}))
    since: dict[str, list[str]] = {}
    day = sent.astimezone(calendar.zone).date()
    while day < local.date():
        off = calendar.day_off(day)
        if off is not None:
            since.setdefault(off.kind, []).append(
                f"{off.reason.split(': ', 1)[-1]} ({date_format(day, 'D j M')})")
        day += timedelta(days=1)
    if since.get("holiday") or since.get("override"):
        names = since.get("holiday", []) + since.get("override", [])
        reasons.append(Reason(HOLIDAY, _("Public holidays there since our message: %(list)s.")
                              % {"list": "; ".join(dict.fromkeys(names))}))
    if since.get("vacation"):
        reasons.append(Reason(VACATION, _("They were away since our message: %(list)s.")
                              % {"list": "; ".join(since["vacation"][:3])}))
    if since.get("weekend"):
        reasons.append(Reason(WEEKEND, _("Their weekend came since our message (%(days)s).")
                              % {"days": ", ".join(since["weekend"][:3])}))
    minutes = business_minutes(calendar, sent, now)
    window = calendar.window_minutes
    if minutes < window:
        reasons.append(Reason(TOO_SOON, _(
            "Only %(hours)s business hours have passed there since our message.")
            % {"hours": round(minutes / 60, 1)}))
    ranked = [s for s in suggested_channels(company.country, channels) if s.channel != "email"]
    others = [s.label for s in ranked if s.on_file] or [
        ChannelKind(kind).label for kind in MESSAGING if kind in channels]
    bad_email = company.email_status in ("risky", "undeliverable")
    if bad_email:
        text = (_("Our email was %(status)s, so it may never have arrived: try %(channel)s.")
                % {"status": company.email_status, "channel": others[0]} if others else
                _("Our email was %(status)s, so it may never have arrived.")
                % {"status": company.email_status})
        reasons.append(Reason(BAD_EMAIL, text))
    if not others and (bad_email or minutes >= 3 * window):
        best = ranked[0].label if ranked else ChannelKind.WHATSAPP.label
        reasons.append(Reason(NO_OTHER_CHANNEL, _(
            "No other channel on file: ask for one (%(channel)s is much used there).")
            % {"channel": best}))
    # A weekend or holiday passed, a missing channel: facts, but not why days of silence.
    explaining = {HOLIDAY, VACATION, OUTSIDE_HOURS, TOO_SOON, BAD_EMAIL}
    if today_off is None and not any(reason.code in explaining for reason in reasons):
        reasons.append(Reason(SILENCE, _(
            "%(days)s business days of silence in their calendar.")
            % {"days": round(minutes / window, 1)}))
    return reasons


# The order in which a one-line summary (the inbox) picks a reason: what the rep can act
# on or what explains the silence first; the buyer's clock is shown beside it anyway.
PRIORITY = (VACATION, HOLIDAY, BAD_EMAIL, NO_OTHER_CHANNEL, TOO_SOON, SILENCE, WEEKEND,
            OUTSIDE_HOURS)


def headline(reasons: list[Reason]) -> Reason | None:
    return min(reasons, key=lambda r: PRIORITY.index(r.code)) if reasons else None
