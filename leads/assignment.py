"""Who gets a new company.

In order: the same buyer's rep (a contact of the new company already belongs
to an owned company), the first matching assignment rule (country or region,
product), else round robin among the reps, skipping those at the daily cap.
When nothing applies the company waits in the public pool.

One ``Assigner`` serves a whole import: rules, reps and today's counts are
read once, and an import reads the owned channels of all its rows' contacts at
once (``buyers_load``), so assigning costs no query per row.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Max
from django.utils import timezone

from leads.countries import countries_of
from leads.models import AssignedVia, AssignmentRule, Company, ContactChannel, TeamSettings
from leads.roles import REP


@dataclass(frozen=True)
class Decision:
    owner: object | None
    via: str
    reason: str = ""
    same_as: object | None = None  # the company of the same buyer

    @property
    def note(self) -> str:
        # Read when saved: the same buyer's company may be new in the same import.
        if self.same_as is not None:
            return f"Same buyer as {self.same_as.name} (#{self.same_as.pk})"
        return self.reason


POOL = Decision(None, "")


@dataclass(frozen=True)
class _Buyer:
    """What a decision needs of a known buyer's company."""

    pk: int
    name: str
    owner: object


@dataclass
class _Rule:
    rule: AssignmentRule
    countries: frozenset[str] = frozenset()
    words: tuple[str, ...] = ()

    def matches(self, *, country: str, text: str) -> bool:
        if self.rule.kind == AssignmentRule.Kind.COUNTRY:
            return country in self.countries
        return any(word in text for word in self.words)


@dataclass
class Assigner:
    settings: TeamSettings
    rules: list[_Rule]
    reps: list
    today_counts: dict[int, int] = field(default_factory=dict)
    last_given: dict[int, datetime] = field(default_factory=dict)
    # contact value -> (order, company) of the channels of owned companies with it, for
    # the values read by buyers_load() and the channels added since (buyer_add()).
    buyers: dict[str, list[tuple[tuple, object]]] = field(default_factory=dict)
    loaded: set[str] = field(default_factory=set)
    channel_count: int = 0

    @classmethod
    def load(cls, now: datetime | None = None) -> "Assigner":
        now = now or timezone.now()
        rules = []
        for rule in AssignmentRule.objects.filter(active=True, rep__is_active=True).select_related(
            "rep"
        ):
            if rule.kind == AssignmentRule.Kind.COUNTRY:
                countries = frozenset().union(*(countries_of(t) for t in rule.terms()))
                rules.append(_Rule(rule, countries=countries))
            else:
                rules.append(_Rule(rule, words=tuple(t.lower() for t in rule.terms())))
        reps = list(
            get_user_model().objects.filter(groups__name=REP, is_active=True).order_by("pk")
        )
        day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        given = (
            Company.objects.filter(assigned_via=AssignedVia.ROUND_ROBIN, owner__in=reps)
            .values("owner")
            .annotate(last=Max("owner_since"))
        )
        today = (
            Company.objects.filter(assigned_via=AssignedVia.ROUND_ROBIN, owner__in=reps,
                                   owner_since__gte=day_start)
            .values("owner")
            .annotate(n=Count("pk"))
        )
        return cls(
            settings=TeamSettings.load(),
            rules=rules,
            reps=reps,
            today_counts={row["owner"]: row["n"] for row in today},
            last_given={row["owner"]: row["last"] for row in given if row["last"]},
        )

    def buyers_load(self, values: Iterable[str]) -> None:
        """Read at once which owned companies have these contact values; ``decide`` then
        asks the database nothing about them."""
        values = set(values) - self.loaded
        if not values:
            return
        rows = list(ContactChannel.objects.filter(
            value__in=values, company__owner__isnull=False, company__owner__is_active=True
        ).values_list("pk", "kind", "value", "is_emergency", "company_id", "company__name",
                      "company__owner_id"))
        owners = get_user_model().objects.in_bulk({row[-1] for row in rows})
        for pk, kind, value, emergency, company_id, name, owner_id in rows:
            self._buyer(_Buyer(company_id, name, owners[owner_id]), kind, value, emergency, pk)
        self.loaded |= values

    def buyer_add(self, *, company, kind: str, value: str) -> None:
        """A channel added to ``company`` after ``buyers_load`` (later in the same import)."""
        if value in self.loaded and company.owner is not None and company.owner.is_active:
            self._buyer(company, kind, value, False, math.inf)

    def _buyer(self, company, kind: str, value: str, emergency: bool, pk: float) -> None:
        # The order of ContactChannel.Meta.ordering, then the oldest channel.
        self.channel_count += 1
        order = (not emergency, kind, value, pk, self.channel_count)
        self.buyers.setdefault(value, []).append((order, company))

    def _same_buyer(self, contacts: list[str]):
        """The owned company that already has one of these contacts, if any."""
        if self.loaded.issuperset(contacts):
            known = [entry for value in contacts for entry in self.buyers.get(value, ())]
            return min(known, key=lambda entry: entry[0])[1] if known else None
        channel = (
            ContactChannel.objects.filter(value__in=contacts, company__owner__isnull=False,
                                          company__owner__is_active=True)
            .select_related("company__owner").first()
        )
        return channel.company if channel is not None else None

    def decide(self, *, country: str, text: str, contacts: list[str],
               now: datetime | None = None) -> Decision:
        now = now or timezone.now()
        if contacts:
            known = self._same_buyer(contacts)
            if known is not None:
                return Decision(known.owner, AssignedVia.SAME_BUYER, same_as=known)
        text = text.lower()
        for rule in self.rules:
            if rule.matches(country=country, text=text):
                return Decision(rule.rule.rep, AssignedVia.RULE, f"Rule: {rule.rule.name}")
        return self._round_robin(now)

    def _round_robin(self, now: datetime) -> Decision:
        if not self.settings.round_robin or not self.reps:
            return POOL
        cap = self.settings.daily_cap
        open_reps = [r for r in self.reps if cap is None or self.today_counts.get(r.pk, 0) < cap]
        if not open_reps:
            return POOL
        # Fewest today, then the one who waited longest (never = longest).
        rep = min(open_reps, key=lambda r: (
            self.today_counts.get(r.pk, 0),
            self.last_given[r.pk].timestamp() if r.pk in self.last_given else float("-inf"),
            r.pk,
        ))
        self.today_counts[rep.pk] = self.today_counts.get(rep.pk, 0) + 1
        self.last_given[rep.pk] = now
        return Decision(rep, AssignedVia.ROUND_ROBIN, "Round robin")
