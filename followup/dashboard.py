"""The managers' figures: who is silent and why, how the team responds, the funnel.

Counts and grouping happen in the database (aggregations with filters); only
what needs the buyer's calendar (business days of silence, the reasons) is
computed per company, and only for the companies awaiting a reply: from plain
rows, with the calendars' shared day tables, the reasons as codes, and in words
only for the rows the page shows. The page's figures are shared by the managers
for a minute (``page_cached``).
"""

from __future__ import annotations

import time as time_module
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property, partial
from statistics import median

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, F, Min, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from followup.calendar import team_calendar
from followup.models import FollowUp
from followup.queue import first_response_minutes
from followup.selectors import calendars_for, channel_rankings, reachable_kinds_of
from followup.silence import CODES, PRIORITY, SILENCE, headline, why_no_reply
from leads.countries import country_name
from leads.models import (
    CLOSED_STATUSES,
    Activity,
    ChannelKind,
    Company,
    CompanyStatus,
    Inquiry,
    MailMessage,
    Platform,
)

GENUINE = ("A", "B")
TARGET_FIT = 50

# What each funnel stage counts: inquiries first, then their buyers' companies.
FUNNEL_LABELS = {
    "inquiries": gettext_lazy("Inquiries received"),
    "genuine": gettext_lazy("… from genuine buyers (A, B)"),
    "target": gettext_lazy("… from genuine target buyers"),
    "contacted": gettext_lazy("Their companies we contacted"),
    "replied": gettext_lazy("… that replied"),
    "quoting": gettext_lazy("… quoting or won"),
    "won": gettext_lazy("… won"),
}
REASON_LABELS = {
    "holiday": gettext_lazy("Public holiday there"),
    "weekend": gettext_lazy("Their weekend"),
    "outside_hours": gettext_lazy("Outside their business hours"),
    "vacation": gettext_lazy("Away (vacation)"),
    "bad_email": gettext_lazy("Our email risky or bounced"),
    "no_other_channel": gettext_lazy("No other channel on file"),
    "too_soon": gettext_lazy("Within their usual reply time"),
    "silence": gettext_lazy("Plain silence"),
}
GROUP_LABELS = {"rep": gettext_lazy("Rep"), "country": gettext_lazy("Country"),
                "platform": gettext_lazy("Platform"), "grade": gettext_lazy("Grade"),
                "month": gettext_lazy("Month")}


def _platform_label(value: str) -> str:
    return force_str(PLATFORMS.get(value, value)) or "–"


def _reason_label(code: str) -> str:
    return force_str(REASON_LABELS.get(code, code))


def _channel_label(value: str) -> str:
    return force_str(dict(ChannelKind.choices).get(value, value))


def _group_value(by: str, key) -> str:
    """A group's key as shown: a platform's or country's name, "public pool"."""
    if by == "platform":
        return _platform_label(key)
    if by == "country" and key and key != "–":
        return f"{country_name(key)} ({key})"
    if by == "rep" and key == "pool":
        return _("Public pool")
    return key


@dataclass
class Period:
    start: date
    end: date  # inclusive

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        zone = timezone.get_current_timezone()
        return (datetime.combine(self.start, time.min, tzinfo=zone),
                datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone))


class SilentCompany:
    """The columns of a company that the silent list needs, read as plain rows: thousands
    of model instances cost more than all the calendar arithmetic. The company's own
    rules (zone, awaiting a reply, link) are borrowed from ``Company``."""

    FIELDS = ("pk", "name", "country", "platform", "grade", "owner_id", "status",
              "email_status", "last_contact_at", "last_reply_at", "time_zone",
              "time_zone_source", "subdivision", "business_hours")
    __slots__ = (*FIELDS, "owner")

    buyer_zone = Company.buyer_zone
    awaiting_reply = Company.awaiting_reply
    get_absolute_url = Company.get_absolute_url

    def __init__(self, row: tuple, owner=None):
        for name, value in zip(self.FIELDS, row, strict=True):
            setattr(self, name, value)
        self.owner = owner

    def get_platform_display(self) -> str:
        return force_str(PLATFORMS.get(self.platform, self.platform), strings_only=True)


PLATFORMS = dict(Platform.choices)


@dataclass
class Silent:
    company: SilentCompany
    business_days: float
    codes: list[str] = field(default_factory=list)
    explain: Callable[[], list] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def reasons(self) -> list:
        """The reasons in words (``why_no_reply``), worked out when first asked for: the
        page words a hundred rows, the counts need only ``codes``."""
        return self.explain() if self.explain else []

    @property
    def reason(self):
        return headline(self.reasons)

    @property
    def reason_code(self) -> str:
        """The code of ``reason``, without wording the reasons."""
        return min(self.codes, key=_PRIORITY.__getitem__) if self.codes else ""


_PRIORITY = {code: rank for rank, code in enumerate(PRIORITY)}


def awaiting(period: Period, *, min_days: float = 3, now: datetime | None = None) -> list[Silent]:
    """Companies contacted in the period and awaiting a reply for more than ``min_days``
    business days of the buyer's calendar, longest silence first."""
    from django.contrib.auth import get_user_model

    now = now or timezone.now()
    start, end = period.bounds
    candidates = (
        Company.objects.filter(last_contact_at__gte=start, last_contact_at__lt=end)
        .filter(Q(last_reply_at__isnull=True) | Q(last_reply_at__lt=F("last_contact_at")))
        .exclude(status__in=CLOSED_STATUSES)
    )
    rows = list(candidates.values_list(*SilentCompany.FIELDS))
    owners = {user.pk: user for user in get_user_model().objects.filter(
        pk__in={row[5] for row in rows if row[5] is not None})}
    companies = [SilentCompany(row, owners.get(row[5])) for row in rows]
    calendars = calendars_for(companies, ids=candidates.values("pk"))
    found = []
    for company in companies:
        calendar = calendars[company.pk]
        if calendar is None:
            continue
        minutes = calendar.business_minutes(company.last_contact_at, now)
        days = minutes / calendar.window_minutes
        if days > min_days:
            found.append((company, calendar, minutes, round(days, 1)))
    # The kinds of channel each company can be reached on (WhatsApp through a mobile).
    channels = reachable_kinds_of(companies, ids=candidates.values("pk"))
    rankings = channel_rankings()
    silent = []
    for company, calendar, minutes, days in found:
        arguments = {"channels": channels.get(company.pk, set()), "now": now,
                     "rankings": rankings, "minutes": minutes}
        silent.append(Silent(
            company, days,
            [reason.code for reason in why_no_reply(company, calendar, text=False, **arguments)],
            partial(why_no_reply, company, calendar, **arguments)))
    return sorted(silent, key=lambda s: -s.business_days)


def group_counts(silent: list[Silent]) -> dict[str, list[tuple[str, int]]]:
    """How many silent companies per rep, country, platform and grade, most first."""
    by = {"rep": Counter(), "country": Counter(), "platform": Counter(), "grade": Counter()}
    owners = {}
    for row in silent:
        company = row.company
        owners.setdefault(company.owner_id, company.owner)
        by["rep"][company.owner_id] += 1
        by["country"][company.country or "–"] += 1
        by["platform"][company.platform] += 1
        by["grade"][company.grade or "–"] += 1
    # Labels last, once per value (two reps of one name count together, as shown).
    labels = {
        "rep": {pk: (owner.get_full_name() or owner.username) if owner else "pool"
                for pk, owner in owners.items()},
        "platform": {value: force_str(PLATFORMS.get(value, value)) or "–"
                     for value in by["platform"]},
    }
    for key, names in labels.items():
        counted = Counter()
        for value, n in by[key].items():
            counted[names[value]] += n
        by[key] = counted
    return {key: counter.most_common() for key, counter in by.items()}


def reason_counts(silent: list[Silent]) -> list[tuple[str, int]]:
    """Each silent company once, under its main reason (the one the list shows): the
    counts add up to the companies awaiting a reply, most common first."""
    counter = Counter(row.reason_code or SILENCE for row in silent)
    return sorted(((code, counter[code]) for code in CODES if counter[code]),
                  key=lambda pair: -pair[1])


def overdue_by_rep(now: datetime | None = None) -> list[dict]:
    now = now or timezone.now()
    return list(
        FollowUp.objects.filter(status=FollowUp.Status.SCHEDULED, due_at__lt=now,
                                company__owner__isnull=False)
        .values("company__owner__username", "company__owner__first_name",
                "company__owner__last_name")
        .annotate(n=Count("pk")).order_by("-n", "company__owner__username")
    )


def inquiry_counts(period: Period) -> list[dict]:
    """Inquiries received in the period per platform: all, genuine, target, fake (one scan
    for the funnel and the fake share)."""
    start, end = period.bounds
    return list(
        Inquiry.objects.filter(received_at__gte=start, received_at__lt=end)
        .values("platform").annotate(
            total=Count("pk"),
            genuine=Count("pk", filter=Q(verification__grade__in=GENUINE)),
            target=Count("pk", filter=Q(verification__grade__in=GENUINE,
                                        verification__fit__gte=TARGET_FIT)),
            fake=Count("pk", filter=Q(verification__grade="D")))
        .order_by("platform"))


def funnel(period: Period, counts: list[dict] | None = None) -> list[tuple[str, int]]:
    """Inquiries received in the period, and how far their companies got."""
    start, end = period.bounds
    counts = inquiry_counts(period) if counts is None else counts
    received = Inquiry.objects.filter(received_at__gte=start, received_at__lt=end)
    reached = Company.objects.filter(pk__in=received.values("company_id")).aggregate(
        contacted=Count("pk", filter=Q(last_contact_at__isnull=False)),
        replied=Count("pk", filter=Q(last_reply_at__isnull=False)),
        quoting=Count("pk", filter=Q(status__in=[CompanyStatus.QUOTING, CompanyStatus.WON])),
        won=Count("pk", filter=Q(status=CompanyStatus.WON)),
    )
    return [("inquiries", sum(row["total"] for row in counts)),
            ("genuine", sum(row["genuine"] for row in counts)),
            ("target", sum(row["target"] for row in counts)),
            ("contacted", reached["contacted"]), ("replied", reached["replied"]),
            ("quoting", reached["quoting"]), ("won", reached["won"])]


def fake_share(period: Period, counts: list[dict] | None = None) -> list[dict]:
    counts = inquiry_counts(period) if counts is None else counts
    return [{"platform": row["platform"], "total": row["total"], "fake": row["fake"],
             "share": round(100 * row["fake"] / row["total"], 1) if row["total"] else 0}
            for row in counts]


def response(period: Period, by: str = "rep") -> list[dict]:
    """Reply rate (replied / contacted), median hours to their reply and to our first
    response (also in the team's business hours, and the share answered within the
    admins' first-response target), per rep, country, platform or month of the first
    contact."""
    return responses(period)[by]


GROUPINGS = ("rep", "country", "platform", "month")


def responses(period: Period) -> dict[str, list[dict]]:
    """``response`` for every grouping at once, from one query.

    The companies first contacted in the period are found by an aggregate over the
    contact attempts (index ``activity_kind_company``); their first reply and first
    inquiry come from correlated subqueries on the same indexes, for those companies
    only. Grouping and medians then run over these rows in Python: a few thousand
    rows at most, and SQLite has no percentile function.
    """
    start, end = period.bounds
    first_contacts = (
        Activity.objects.filter(kind=Activity.Kind.CONTACT_ATTEMPT).order_by()
        .values("company_id").annotate(first=Min("created_at"))
        .filter(first__gte=start, first__lt=end).values("company_id")
    )
    attempts = Activity.objects.filter(company=OuterRef("pk"),
                                       kind=Activity.Kind.CONTACT_ATTEMPT)
    rows = (
        Company.objects.filter(pk__in=first_contacts)
        .annotate(contact=Subquery(attempts.order_by("created_at").values("created_at")[:1]))
        .annotate(
            reply=Subquery(Activity.objects.filter(
                company=OuterRef("pk"), kind=Activity.Kind.REPLY,
                created_at__gte=OuterRef("contact")).order_by("created_at")
                .values("created_at")[:1]),
            received=Subquery(Inquiry.objects.filter(company=OuterRef("pk"))
                              .order_by("received_at").values("received_at")[:1]),
        )
        .order_by()
        .values_list("owner__username", "country", "platform", "contact", "reply", "received")
    )
    zone = timezone.get_current_timezone()
    team = team_calendar()
    target = first_response_minutes(team)
    grouped: dict[str, dict] = {by: {} for by in GROUPINGS}
    for username, country, platform, contact, reply, received in rows:
        # Our first answer, in the team's business hours (its target counts in them).
        business = (team.business_minutes(received, contact) / 60
                    if received and contact >= received else None)
        month = contact.astimezone(zone).replace(day=1, hour=0, minute=0, second=0,
                                                 microsecond=0)
        for by, group in (("rep", username), ("country", country), ("platform", platform),
                          ("month", month)):
            bucket = grouped[by].setdefault(group, {"contacted": 0, "replied": 0,
                                                    "to_reply": [], "to_first": [],
                                                    "to_first_business": []})
            bucket["contacted"] += 1
            if reply:
                bucket["replied"] += 1
                bucket["to_reply"].append((reply - contact).total_seconds() / 3600)
            if business is not None:
                bucket["to_first"].append((contact - received).total_seconds() / 3600)
                bucket["to_first_business"].append(business)
    names = _rep_names() if grouped["rep"] else {}
    result = {}
    for by, buckets in grouped.items():
        rows_out = []
        # The database's order (NULL, the pool, last), as the grouped query had it.
        for group in sorted(buckets, key=lambda g: (g is None, g or "")):
            bucket = buckets[group]
            if by == "month":
                label = group.strftime("%Y-%m")
            elif by == "rep":
                label = names.get(group, group or "pool")
            else:
                label = group or "–"
            rows_out.append({
                "key": label, "contacted": bucket["contacted"], "replied": bucket["replied"],
                "rate": round(100 * bucket["replied"] / bucket["contacted"], 1),
                "median_reply_hours": round(median(bucket["to_reply"]), 1)
                if bucket["to_reply"] else None,
                "median_first_response_hours": round(median(bucket["to_first"]), 1)
                if bucket["to_first"] else None,
                "median_first_response_business_hours":
                    round(median(bucket["to_first_business"]), 1)
                    if bucket["to_first_business"] else None,
                "in_target_percent": round(100 * sum(
                    hours * 60 <= target for hours in bucket["to_first_business"])
                    / len(bucket["to_first_business"]), 1)
                    if bucket["to_first_business"] else None,
            })
        result[by] = rows_out
    return result


def emails_by_step(period: Period) -> list[tuple]:
    """Emails sent for cadence steps in the period, per step and channel: how many were
    sent, bounced (for good), and answered (a reply in the thread)."""
    start, end = period.bounds
    replied = MailMessage.objects.filter(
        direction=MailMessage.Direction.IN, outcome=MailMessage.Outcome.REPLY,
        in_reply_to=OuterRef("mail__message_id"))
    rows = (FollowUp.objects.filter(mail__isnull=False, mail__created_at__gte=start,
                                    mail__created_at__lt=end)
            .values("step__offset_days", "channel")
            .annotate(sent=Count("pk", filter=~Q(mail__outcome__in=[
                          MailMessage.Outcome.QUEUED, MailMessage.Outcome.SENDING,
                          MailMessage.Outcome.SEND_FAILED])),
                      bounced=Count("pk", filter=Q(mail__outcome=MailMessage.Outcome.BOUNCED)),
                      replied=Count("pk", filter=Q(Exists(replied))))
            .order_by("step__offset_days", "channel"))
    return [(r["step__offset_days"], r["channel"], r["sent"], r["bounced"],
             r["replied"]) for r in rows]


def _rep_names() -> dict[str, str]:
    from django.contrib.auth import get_user_model

    return {u.username: (u.get_full_name() or u.username)
            for u in get_user_model().objects.filter(companies__isnull=False).distinct()}


# Part of the shared figures' cache key: a new shape of ``page`` never meets the old.
FIGURES_VERSION = 2
SHOWN_SILENT = 100  # rows of the silent list on the page; the CSV has them all


def page(period: Period, min_days: float, *, now: datetime | None = None) -> dict:
    """Everything the dashboard shows, as plain data: ``tables`` ({name: (header, rows)},
    each also a CSV file), ``groups`` of the silent, the first ``SHOWN_SILENT`` silent
    companies with the reason in words, and how many are silent."""
    silent = awaiting(period, min_days=min_days, now=now)
    counts = inquiry_counts(period)
    platform = _platform_label
    reason = _reason_label
    tables = {
        "funnel": ([_("Stage"), _("Count")],
                   [(str(FUNNEL_LABELS[stage]), n) for stage, n in funnel(period, counts)]),
        "fake_share": ([_("Platform"), _("Inquiries"), _("Fake"), _("Fake share (%)")],
                       [(platform(r["platform"]), r["total"], r["fake"], r["share"])
                        for r in fake_share(period, counts)]),
        "reasons": ([_("Main reason"), _("Companies")],
                    [(reason(code), n) for code, n in reason_counts(silent)]),
        "emails_by_step": ([_("Step"), _("Channel"), _("Sent"), _("Bounced"), _("Replied")],
                           [(_("day %(n)s") % {"n": step}, _channel_label(channel), *rest)
                            for step, channel, *rest in emails_by_step(period)]),
        "overdue": ([_("Rep"), _("Overdue follow-ups")],
                    [(f"{r['company__owner__first_name']} {r['company__owner__last_name']}"
                      .strip() or r["company__owner__username"], r["n"])
                     for r in overdue_by_rep(now)]),
    }
    for by, rows in responses(period).items():
        tables[f"response_{by}"] = (
            [str(GROUP_LABELS[by]), _("Contacted"), _("Replied"), _("Reply rate (%)"),
             _("Median hours to their reply"), _("Median hours to our first answer"),
             _("… in our business hours"), _("First answers within the target (%)")],
            [(_group_value(by, r["key"]), r["contacted"], r["replied"], r["rate"],
              r["median_reply_hours"], r["median_first_response_hours"],
              r["median_first_response_business_hours"], r["in_target_percent"])
             for r in rows])
    groups = group_counts(silent)
    for by, rows in groups.items():
        tables[f"silent_by_{by}"] = ([str(GROUP_LABELS[by]), _("Companies")],
                                     [(_group_value(by, key), n) for key, n in rows])
    tables["silent"] = ([_("Company"), _("Rep"), _("Country"), _("Platform"), _("Grade"),
                         _("Business days silent"), _("Main reason")],
                        [(s.company.name, s.company.owner.username if s.company.owner else "",
                          s.company.country, platform(s.company.platform), s.company.grade,
                          s.business_days, reason(s.reason_code or SILENCE))
                         for s in silent])
    shown = [{
        "url": s.company.get_absolute_url(), "name": s.company.name,
        "owner": (s.company.owner.get_full_name() or s.company.owner.username)
        if s.company.owner else "",
        "country": s.company.country, "platform": s.company.get_platform_display(),
        "grade": s.company.grade, "business_days": s.business_days,
        "reason": s.reason.text if s.reason else "",
    } for s in silent[:SHOWN_SILENT]]
    return {"tables": tables, "groups": {str(GROUP_LABELS[by]): name for by, name in (
        (by, f"silent_by_{by}") for by in groups)}, "silent": shown,
            "silent_total": len(silent),
            "first_answer_chart": [(row[0], row[6]) for row in tables["response_rep"][1]
                                   if row[6] is not None]}


def page_cached(period: Period, min_days: float) -> dict:
    """``page``, shared by every manager for ``LEADQUAL_DASHBOARD_CACHE_SECONDS`` (60).

    Its aggregates read every inquiry, contact and reply of the period: too much work
    to repeat for each manager who opens a page that changes by the hour. The figures
    are worked out again once the clock has moved into the next period of that many
    seconds; meanwhile a change to the data shows at most that late. While one request
    works them out, the others keep the previous figures. Not shared inside a transaction
    (it could see its own uncommitted changes) or with the setting at 0 (always fresh).
    ``shared_as`` names shared figures, so that the page drawn from them is shared too.
    """
    seconds = getattr(settings, "LEADQUAL_DASHBOARD_CACHE_SECONDS", 60)
    if seconds <= 0 or connection.in_atomic_block:
        return page(period, min_days)
    tick = int(time_module.time() // seconds)
    key = (f"followup:dashboard:v{FIGURES_VERSION}:{period.start}:{period.end}:{min_days}:"
           f"{get_language()}")
    held = cache.get(key)
    if held is not None and held[0] == tick:
        return held[1]
    if held is not None and held[0] == tick - 1 and not cache.add(f"{key}:busy", 1, seconds):
        return held[1]  # another request is working out this period's figures
    figures = page(period, min_days)
    figures["shared_as"] = f"{key}:{tick}"
    cache.set(key, (tick, figures), 10 * seconds)
    cache.delete(f"{key}:busy")
    return figures
