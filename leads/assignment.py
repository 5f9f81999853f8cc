"""Who gets a new company.

In order: the same buyer's rep (a contact of the new company already belongs
to an owned company), the first matching assignment rule (country or region,
product), else round robin among the reps, skipping those at the daily cap.
When nothing applies the company waits in the public pool.

One ``Assigner`` serves a whole import: rules, reps and today's counts are
read once, so assigning costs no query per row beyond the one it must make.
"""

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
    note: str


POOL = Decision(None, "", "")


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

    def decide(self, *, country: str, text: str, contacts: list[str],
               now: datetime | None = None) -> Decision:
        now = now or timezone.now()
        if contacts:
            known = (
                ContactChannel.objects.filter(value__in=contacts, company__owner__isnull=False,
                                              company__owner__is_active=True)
                .select_related("company__owner").first()
            )
            if known is not None:
                return Decision(known.company.owner, AssignedVia.SAME_BUYER,
                                f"Same buyer as {known.company.name} (#{known.company_id})")
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
