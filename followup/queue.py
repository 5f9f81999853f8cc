"""The work queue: every company that needs a rep now, in the order that wins business.

Reads only (a selector). One row per company, under the first of its kinds of work:

1. ``NEW``: an A or B inquiry (or a customer's) we have not answered. Its age counts in
   the *team's* business hours against the admins' first-response target (one business
   day by default): Alibaba.com shows buyers each supplier's share of inquiries answered
   within 24 hours, so a late first answer costs more than one lead. A before B; inside
   a grade the leads still inside the target first, least time left first, then the late
   ones newest first (the fresher, the warmer).
2. ``REPLY``: the buyer answered after our last message and no one has moved the company
   on since; oldest first.
3. ``DUE``: a follow-up step is due; buyers whose business hours are open now first.
4. ``BOUNCE``: our email bounced and nothing was tried since; oldest first.
5. ``RISK``: a mail of theirs carries a warning sign and nothing was sent since.

Companies marked fake or lost are left out: a rep decided about them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from followup.calendar import team_calendar
from followup.models import FollowUp
from followup.selectors import calendars_for, company_clock
from leads.models import (
    Activity,
    Company,
    CompanyStatus,
    ContactChannel,
    Inquiry,
    MailMessage,
    TeamSettings,
    answer_owed_rank,
    lead_unanswered,
    reply_unanswered,
)
from leads.selectors import RISK_MAIL

NEW, REPLY, DUE, BOUNCE, RISK = "new", "reply", "due", "bounce", "risk"
KINDS = (NEW, REPLY, DUE, BOUNCE, RISK)
DECIDED = (CompanyStatus.FAKE, CompanyStatus.LOST)
WORTH_ANSWERING = ("A", "B")
# Statuses only a person sets (contacted, awaiting and replied follow our messages).
MOVED_ON = (CompanyStatus.QUOTING, CompanyStatus.WON, *DECIDED)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def first_response_minutes(calendar=None) -> int:
    """The admins' first-response target, in minutes of the team's business hours."""
    hours = TeamSettings.cached().first_response_hours
    if hours:
        return hours * 60
    return (calendar or team_calendar()).window_minutes


def _new() -> Q:
    return lead_unanswered()


def _reply() -> Q:
    """The buyer's last reply is newer than our last message, and no one moved the
    company on since (quoting or won set after the reply answered it)."""
    moved_on = Activity.objects.filter(company=OuterRef("pk"),
                                       kind=Activity.Kind.STATUS_CHANGE,
                                       created_at__gt=OuterRef("last_reply_at"),
                                       to_status__in=MOVED_ON)
    return reply_unanswered() & ~Exists(moved_on)


def _since_contact(model, **filters):
    """Rows of ``model`` about the company since our last message (all, if none)."""
    return model.objects.filter(
        company=OuterRef("pk"),
        created_at__gte=Coalesce(OuterRef("last_contact_at"), Value(_EPOCH)), **filters)


def _kind_conditions(now: datetime) -> list:
    bounced = ContactChannel.objects.filter(
        company=OuterRef("pk"), kind="email",
        bounced_at__gte=Coalesce(OuterRef("last_contact_at"), Value(_EPOCH)))
    risky = _since_contact(MailMessage).filter(RISK_MAIL)
    # NULL is no follow-up, not unknown: "not due" must be false, not NULL.
    return [_new(), _reply(), Q(next_followup_at__isnull=False, next_followup_at__lte=now),
            Q(Exists(bounced)), Q(Exists(risky))]


def work_companies(now: datetime):
    """Companies with work of any kind: ``work_kind`` is the index in ``KINDS`` of the
    first kind that applies (a CASE: each subquery runs only when the kinds before it do
    not apply). Nothing refers to ``work_kind`` inside SQL again: each reference would
    repeat the CASE and its subqueries."""
    conditions = _kind_conditions(now)
    kind = Case(*(When(condition, then=Value(number))
                  for number, condition in enumerate(conditions)),
                default=None, output_field=IntegerField())
    return (
        Company.objects.exclude(status__in=DECIDED)
        .annotate(work_kind=kind).filter(work_kind__isnull=False)
        .select_related("owner")
    )


def with_kinds(companies, now: datetime):
    """``companies`` with a flag for every kind of work (``is_new`` …): the rows shown,
    whose other kinds are marked on them (a warning sign on a new inquiry)."""
    return companies.annotate(**{f"is_{kind}": condition for kind, condition in zip(
        KINDS, _kind_conditions(now), strict=True)})


def _first_unanswered(companies):
    """The oldest inquiry we have not answered, per company (for the rows shown only)."""
    return companies.annotate(first_unanswered=Subquery(
        Inquiry.objects.filter(
            company=OuterRef("pk"),
            received_at__gt=Coalesce(OuterRef("last_contact_at"), Value(_EPOCH)))
        .order_by("received_at").values("received_at")[:1]))


SHOWN_PER_KIND = 50


def work_first(companies):
    """The inbox's default order: work before history. Unanswered A and B inquiries,
    then unanswered replies, then the rest; newest first in each. The company's own
    columns only, in the expression of the index ``company_work_first``: the first page
    comes from the index. (Follow-ups due have their own page and a place in the work
    queue: "due" changes with the clock, and no index can hold it.)"""
    return companies.annotate(work_rank=answer_owed_rank()).order_by(
        "work_rank", F("last_received_at").desc(nulls_last=True), F("id").desc())


WORK_COUNT_SECONDS = 30


def work_count(user, now: datetime | None = None) -> int:
    """How many of ``user``'s companies need them now: the badge in the top bar, on
    every page, so shared for ``WORK_COUNT_SECONDS`` (a rep with thousands of
    companies costs a query of some 30 ms)."""
    from django.core.cache import cache

    key = f"followup:work-count:{user.pk}"
    count = cache.get(key)
    if count is None:
        count = work_companies(now or timezone.now()).filter(owner=user).count()
        cache.set(key, count, WORK_COUNT_SECONDS)
    return count


@dataclass
class Work:
    kind: str
    company: Company
    since: datetime | None  # when it started waiting for us
    kinds: list[str] = field(default_factory=list)  # every kind that applies
    minutes: int = 0  # team business minutes waiting (NEW)
    target: int = 0  # the first-response target, in the same minutes
    clock: object = None  # the buyer's clock now
    followup: FollowUp | None = None

    @property
    def late(self) -> bool:
        return self.kind == NEW and self.minutes >= self.target

    @property
    def left(self) -> int:
        """Team business minutes left before the first answer is late (NEW)."""
        return self.target - self.minutes

    @property
    def risky(self) -> bool:
        return RISK in self.kinds


def _sort_key(work: Work):
    company = work.company
    kind = KINDS.index(work.kind)
    since = (work.since or _EPOCH).timestamp()
    if work.kind == NEW:
        grade = WORTH_ANSWERING.index(company.grade) if company.grade in WORTH_ANSWERING \
            else len(WORTH_ANSWERING)
        # Still in time: least time left first; late: newest first.
        return (kind, grade, work.late, work.left if not work.late else -since)
    if work.kind == DUE:
        open_now = bool(work.clock and work.clock.open_now)
        return (kind, not open_now, since)
    return (kind, since)


def work_queue(companies, *, now: datetime | None = None) -> list[Work]:
    """``work_companies`` rows (``with_kinds``) as ``Work``, in the queue's order."""
    now = now or timezone.now()
    companies = list(companies)
    if not companies:
        return []
    team = team_calendar()
    target = first_response_minutes(team)
    calendars = calendars_for(companies)
    due = {f.company_id: f for f in FollowUp.objects.filter(
        company__in=[c.pk for c in companies if c.is_due],
        status=FollowUp.Status.SCHEDULED).select_related("step")}
    queue = []
    for company in companies:
        kind = KINDS[company.work_kind]
        kinds = [other for other in KINDS if getattr(company, f"is_{other}", other == kind)]
        since = {NEW: getattr(company, "first_unanswered", None) or company.last_received_at,
                 REPLY: company.last_reply_at,
                 DUE: company.next_followup_at}.get(kind, company.last_contact_at)
        calendar = calendars.get(company.pk)
        work = Work(kind=kind, company=company, since=since, kinds=kinds, target=target,
                    followup=due.get(company.pk),
                    clock=company_clock(company, now, calendar) if calendar else None)
        if kind == NEW and since is not None:
            work.minutes = team.business_minutes(min(since, now), now)
        queue.append(work)
    return sorted(queue, key=_sort_key)


# The moment each kind orders by (``_sort_before_clock``).
ORDER_COLUMN = {NEW: "last_received_at", REPLY: "last_reply_at", DUE: "next_followup_at",
                BOUNCE: "last_contact_at", RISK: "last_received_at"}
_COLUMNS = ("last_received_at", "last_reply_at", "next_followup_at", "last_contact_at")


def _flags(companies) -> list[tuple[int, str, int, datetime | None]]:
    """(pk, grade, kind number, order moment) of every company with work."""
    found = []
    for pk, grade, number, *moments in companies.order_by().values_list(
            "pk", "grade", "work_kind", *_COLUMNS):
        found.append((pk, grade, number,
                      moments[_COLUMNS.index(ORDER_COLUMN[KINDS[number]])]))
    return found


def answer_cutoff(now: datetime, calendar=None) -> datetime:
    """The moment a lead received then reaches the first-answer target now: received
    after it, a lead is still in time (a search back through the team's calendar,
    whose business minutes only grow the further back it starts)."""
    team = calendar or team_calendar()
    target = first_response_minutes(team)
    late, early = now - timedelta(days=7 + 3 * target // max(team.window_minutes, 1)), now
    while (early - late) > timedelta(seconds=30):
        middle = late + (early - late) / 2
        if team.business_minutes(middle, now) >= target:
            late = middle
        else:
            early = middle
    return late


def _sort_before_clock(kind: str, grade: str, at: datetime | None, cutoff: datetime):
    """A kind's order before the buyers' clocks are known (``_sort_key`` after): A before
    B; leads in time (least time left, i.e. oldest, first) before late ones (newest
    first); the oldest reply, step, bounce or sign first."""
    at = at or _EPOCH
    if kind == NEW:
        rank = WORTH_ANSWERING.index(grade) if grade in WORTH_ANSWERING else 2
        late = at <= cutoff
        return (rank, late, -at.timestamp() if late else at.timestamp())
    return (at.timestamp(),)


def queue_page(companies, *, now: datetime | None = None,
               per_kind: int = SHOWN_PER_KIND) -> tuple[list[Work], dict[str, int]]:
    """The queue of ``companies`` (``work_companies`` narrowed to a rep or the pool):
    the first ``per_kind`` rows of each kind in the queue's order, and the counts of
    each kind (``late``: new inquiries past the first-answer target).

    Two queries: every company's kind of work and order moment, then the rows shown;
    only those get the buyer's clock and their age in the team's business hours.
    """
    now = now or timezone.now()
    cutoff = answer_cutoff(now)
    by_kind: dict[str, list] = {kind: [] for kind in KINDS}
    for pk, grade, number, at in _flags(companies):
        by_kind[KINDS[number]].append((pk, grade, at))
    totals = {kind: len(rows) for kind, rows in by_kind.items()}
    totals["late"] = sum((at or _EPOCH) <= cutoff for _pk, _grade, at in by_kind[NEW])
    totals["total"] = sum(totals[kind] for kind in KINDS)
    shown = [pk for kind, rows in by_kind.items()
             for pk, _grade, _at in sorted(rows, key=lambda row, kind=kind: _sort_before_clock(
                 kind, row[1], row[2], cutoff))[:per_kind]]
    rows = list(_first_unanswered(with_kinds(companies.filter(pk__in=shown), now))) \
        if shown else []
    return work_queue(rows, now=now), totals


def team_summary(companies, *, now: datetime | None = None) -> list[dict]:
    """Per owner: how much work of each kind, how many first answers are late and the
    oldest unanswered lead's age (team business minutes); most late first. Counted by
    the database, grouped by owner and kind; only each rep's oldest lead is worked out
    in the team's calendar."""
    from django.contrib.auth import get_user_model

    now = now or timezone.now()
    team = team_calendar()
    cutoff = answer_cutoff(now, team)
    owners: dict[int, dict] = {}
    for owner_id, number, n, late, oldest in (
            companies.filter(owner__isnull=False).order_by()
            .values("owner_id", "work_kind")
            # Within a group the kind is one: these two matter for the new leads' group.
            .annotate(n=Count("pk"), late=Count("pk", filter=Q(last_received_at__lte=cutoff)),
                      oldest=Min("last_received_at"))
            .values_list("owner_id", "work_kind", "n", "late", "oldest")):
        row = owners.setdefault(owner_id, {**dict.fromkeys(KINDS, 0), "late": 0,
                                           "oldest": 0})
        row[KINDS[number]] = n
        if KINDS[number] == NEW:
            row["late"] = late
            row["oldest"] = team.business_minutes(min(oldest, now), now) if oldest else 0
    users = get_user_model().objects.in_bulk(list(owners))
    rows = [{**row, "owner": users[owner_id], "total": sum(row[kind] for kind in KINDS)}
            for owner_id, row in owners.items()]
    return sorted(rows, key=lambda r: (-r["late"], -r[NEW], -r["total"],
                                       r["owner"].get_full_name() or r["owner"].username))
