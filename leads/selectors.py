"""Reads that are more than a get(); visibility rules live here."""

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, Prefetch, Q, QuerySet

from leads.models import Activity, Company, ContactChannel, Inquiry
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
    values = [channel.value for channel in company.channels.all()]  # prefetched on the page
    sharing = ContactChannel.objects.filter(value__in=values).order_by().values("company_id")
    # A union of two index lookups: with an OR between them PostgreSQL read every company.
    same_name = Company.objects.filter(name__iexact=company.name).order_by().values("pk")
    return (
        companies_visible_to(user)
        .exclude(pk=company.pk)
        .filter(pk__in=same_name.union(sharing))
        .order_by("name", "pk")[:limit]  # the number decides between equal names
    )


def company_countries(companies: QuerySet[Company]) -> list[str]:
    """The countries of ``companies`` (a filter of ``Company`` without joins), sorted.

    ``SELECT DISTINCT country`` reads every row; this jumps from one country to the next
    in the index on ``country`` (a "loose index scan": about as many steps as there are
    countries), so the inbox's country list costs little at any number of companies.
    """
    query = companies.query
    compiler = query.get_compiler(companies.db)
    try:
        where, params = compiler.compile(query.where) if query.where else ("", [])
    except EmptyResultSet:
        return []
    table = connections[companies.db].ops.quote_name(Company._meta.db_table)
    visible = f" AND ({where})" if where else ""
    # Only Django's compiled WHERE (with its parameters) and the quoted table name.
    sql = (f"WITH RECURSIVE found(country) AS ("  # noqa: S608
           f" SELECT MIN({table}.country) FROM {table} WHERE {table}.country > ''{visible}"
           f" UNION ALL SELECT (SELECT MIN({table}.country) FROM {table}"
           f" WHERE {table}.country > found.country{visible})"
           f" FROM found WHERE found.country IS NOT NULL)"
           f" SELECT country FROM found WHERE country IS NOT NULL")
    with connections[companies.db].cursor() as cursor:
        cursor.execute(sql, [*params, *params])
        return [row[0] for row in cursor.fetchall()]
