"""Reads that are more than a get(); visibility rules live here."""

from django.db.models import F, Prefetch, Q, QuerySet

from leads.models import Activity, Company, Inquiry
from leads.roles import can_work_leads, is_manager


def companies_visible_to(user) -> QuerySet[Company]:
    """Managers and admins see every company; reps their own and the public pool."""
    companies = Company.objects.all()
    if is_manager(user):
        return companies
    if can_work_leads(user):
        return companies.filter(Q(owner=user) | Q(owner__isnull=True))
    return companies.none()


def inquiries_visible_to(user) -> QuerySet[Inquiry]:
    return Inquiry.objects.filter(company__in=companies_visible_to(user))


def inquiry_list(*, user) -> QuerySet[Inquiry]:
    return (
        inquiries_visible_to(user)
        .select_related("company", "company__owner", "verification")
        .order_by("-received_at", "-id")
    )


def company_list(*, user) -> QuerySet[Company]:
    """The inbox rows: headline fields live on the company, so no joins but the owner."""
    return (
        companies_visible_to(user)
        .select_related("owner")
        .order_by(F("last_received_at").desc(nulls_last=True), "-id")
    )


def company_detail(*, user, pk: int) -> Company:
    """The company with everything its page shows; DoesNotExist when not visible."""
    return (
        companies_visible_to(user)
        .select_related("owner")
        .prefetch_related(
            "tags",
            "people",
            "vacations",
            "channels__person",
            Prefetch(
                "inquiries",
                queryset=Inquiry.objects.select_related("verification", "batch"),
            ),
            Prefetch("activities", queryset=Activity.objects.select_related("author")
                     .order_by("-created_at", "-id")),
        )
        .get(pk=pk)
    )


def company_merge_candidates(*, user, company: Company, limit: int = 10) -> QuerySet[Company]:
    """Visible companies that look like the same buyer: same name, or a shared contact."""
    values = list(company.channels.values_list("value", flat=True))
    return (
        companies_visible_to(user)
        .exclude(pk=company.pk)
        .filter(Q(name__iexact=company.name) | Q(channels__value__in=values))
        .distinct()
        .order_by("name")[:limit]
    )
