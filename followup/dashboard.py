"""The managers' figures: who is silent and why, how the team responds, the funnel.

Counts and grouping happen in the database (aggregations with filters); only
what needs the buyer's calendar (business days of silence, the reasons) is
computed per company, and only for the companies awaiting a reply.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import median

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from followup.models import FollowUp
from followup.services import calendars_for
from followup.silence import CODES, business_minutes, headline, why_no_reply
from leads.models import (
    CLOSED_STATUSES,
    Activity,
    Company,
    CompanyStatus,
    ContactChannel,
    Inquiry,
)

GENUINE = ("A", "B")
TARGET_FIT = 50


@dataclass
class Period:
    start: date
    end: date  # inclusive

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        zone = timezone.get_current_timezone()
        return (datetime.combine(self.start, time.min, tzinfo=zone),
                datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone))


@dataclass
class Silent:
    company: Company
    business_days: float
    reasons: list = field(default_factory=list)

    @property
    def reason(self):
        return headline(self.reasons)


def awaiting(period: Period, *, min_days: float = 3, now: datetime | None = None) -> list[Silent]:
    """Companies contacted in the period and awaiting a reply for more than ``min_days``
    business days of the buyer's calendar, longest silence first."""
    now = now or timezone.now()
    start, end = period.bounds
    companies = list(
        Company.objects.filter(last_contact_at__gte=start, last_contact_at__lt=end)
        .filter(Q(last_reply_at__isnull=True) | Q(last_reply_at__lt=F("last_contact_at")))
        .exclude(status__in=CLOSED_STATUSES).select_related("owner")
    )
    calendars = calendars_for(companies)
    channels: dict[int, set[str]] = {}
    for company_id, kind in ContactChannel.objects.filter(
            company__in=companies).values_list("company_id", "kind"):
        channels.setdefault(company_id, set()).add(kind)
    silent = []
    for company in companies:
        calendar = calendars[company.pk]
        if calendar is None:
            continue
        days = business_minutes(calendar, company.last_contact_at, now) / calendar.window_minutes
        if days > min_days:
            silent.append(Silent(company, round(days, 1), why_no_reply(
                company, calendar, channels=channels.get(company.pk, set()), now=now)))
    return sorted(silent, key=lambda s: -s.business_days)


def group_counts(silent: list[Silent]) -> dict[str, list[tuple[str, int]]]:
    by = {"rep": Counter(), "country": Counter(), "platform": Counter(), "grade": Counter()}
    for row in silent:
        company = row.company
        by["rep"][(company.owner.get_full_name() or company.owner.username)
                  if company.owner else "pool"] += 1
        by["country"][company.country or "–"] += 1
        by["platform"][company.get_platform_display() or "–"] += 1
        by["grade"][company.grade or "–"] += 1
    return {key: counter.most_common() for key, counter in by.items()}


def reason_counts(silent: list[Silent]) -> list[tuple[str, int]]:
    counter = Counter(reason.code for row in silent for reason in row.reasons)
    return [(code, counter[code]) for code in CODES if counter[code]]


def overdue_by_rep(now: datetime | None = None) -> list[dict]:
    now = now or timezone.now()
    return list(
        FollowUp.objects.filter(status=FollowUp.Status.SCHEDULED, due_at__lt=now,
                                company__owner__isnull=False)
        .values("company__owner__username", "company__owner__first_name",
                "company__owner__last_name")
        .annotate(n=Count("pk")).order_by("-n", "company__owner__username")
    )


def funnel(period: Period) -> list[tuple[str, int]]:
    """Inquiries received in the period, and how far their companies got."""
    start, end = period.bounds
    inquiries = Inquiry.objects.filter(received_at__gte=start, received_at__lt=end)
    companies = Company.objects.filter(inquiries__in=inquiries).distinct()
    totals = inquiries.aggregate(
        inquiries=Count("pk"),
        genuine=Count("pk", filter=Q(verification__grade__in=GENUINE)),
        target=Count("pk", filter=Q(verification__grade__in=GENUINE,
                                    verification__fit__gte=TARGET_FIT)),
    )
    reached = Company.objects.filter(pk__in=companies.values("pk")).aggregate(
        contacted=Count("pk", filter=Q(last_contact_at__isnull=False)),
        replied=Count("pk", filter=Q(last_reply_at__isnull=False)),
        quoting=Count("pk", filter=Q(status__in=[CompanyStatus.QUOTING, CompanyStatus.WON])),
        won=Count("pk", filter=Q(status=CompanyStatus.WON)),
    )
    return [("inquiries", totals["inquiries"]), ("genuine", totals["genuine"]),
            ("target", totals["target"]), ("contacted", reached["contacted"]),
            ("replied", reached["replied"]), ("quoting", reached["quoting"]),
            ("won", reached["won"])]


def fake_share(period: Period) -> list[dict]:
    start, end = period.bounds
    rows = (Inquiry.objects.filter(received_at__gte=start, received_at__lt=end)
            .values("platform").annotate(total=Count("pk"),
                                         fake=Count("pk", filter=Q(verification__grade="D")))
            .order_by("platform"))
    return [{**row, "share": round(100 * row["fake"] / row["total"], 1) if row["total"] else 0}
            for row in rows]


def response(period: Period, by: str = "rep") -> list[dict]:
    """Reply rate (replied / contacted) and median hours to their reply and to our first
    response, per rep, country, platform or month of the first contact.

    Counts are grouped in the database; medians are taken over one query's durations
    (SQLite has no percentile function).
    """
    start, end = period.bounds
    attempts = Activity.objects.filter(company=OuterRef("pk"),
                                       kind=Activity.Kind.CONTACT_ATTEMPT)
    companies = (
        Company.objects
        .annotate(contact=Subquery(attempts.order_by("created_at").values("created_at")[:1]))
        .filter(contact__gte=start, contact__lt=end)
        .annotate(
            reply=Subquery(Activity.objects.filter(
                company=OuterRef("pk"), kind=Activity.Kind.REPLY,
                created_at__gte=OuterRef("contact")).order_by("created_at")
                .values("created_at")[:1]),
            received=Subquery(Inquiry.objects.filter(company=OuterRef("pk"))
                              .order_by("received_at").values("received_at")[:1]),
        )
    )
    key = {"rep": F("owner__username"), "country": F("country"), "platform": F("platform"),
           "month": TruncMonth("contact", tzinfo=timezone.get_current_timezone())}[by]
    counts = (companies.annotate(group=key).values("group")
              .annotate(contacted=Count("pk"), replied=Count("pk", filter=Q(reply__isnull=False)))
              .order_by("group"))
    to_reply: dict = {}
    to_first: dict = {}
    for group, contact, reply, received in companies.annotate(group=key).values_list(
            "group", "contact", "reply", "received"):
        if reply:
            to_reply.setdefault(group, []).append((reply - contact).total_seconds() / 3600)
        if received and contact >= received:
            to_first.setdefault(group, []).append((contact - received).total_seconds() / 3600)
    names = _rep_names() if by == "rep" else {}
    rows = []
    for row in counts:
        group = row["group"]
        if by == "month" and group:
            label = group.strftime("%Y-%m")
        elif by == "rep":
            label = names.get(group, group or "pool")
        else:
            label = group or "–"
        rows.append({
            "key": label, "contacted": row["contacted"], "replied": row["replied"],
            "rate": round(100 * row["replied"] / row["contacted"], 1),
            "median_reply_hours": round(median(to_reply[group]), 1)
            if to_reply.get(group) else None,
            "median_first_response_hours": round(median(to_first[group]), 1)
            if to_first.get(group) else None,
        })
    return rows


def _rep_names() -> dict[str, str]:
    from django.contrib.auth import get_user_model

    return {u.username: (u.get_full_name() or u.username)
            for u in get_user_model().objects.filter(companies__isnull=False).distinct()}
