"""The inbox's filters, search and sorting: all of it lives in the query string."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from leads.countries import country_name
from leads.forms import FastSelect, PageForm
from leads.models import (
    CLOSED_STATUSES,
    Company,
    CompanyStatus,
    ContactChannel,
    EmailStatus,
    Grade,
    Inquiry,
    Platform,
    Segment,
    WebsiteStatus,
)
from leads.roles import REP, is_manager
from leads.search import query_parse
from leads.selectors import company_countries

ME, POOL, MINE_AND_POOL = "me", "pool", "mine_pool"


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Sorting puts empty values (not yet verified, no follow-up) last, either way."""

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        field = F(self.param_map[param.lstrip("-")])
        return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        return qs.order_by(*[self.get_ordering_value(param) for param in value], "-id")


class CompanyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"),
                                  widget=forms.TextInput(attrs={
                                      "type": "search",
                                      "placeholder": _("Name, email, domain, phone, "
                                                       "inquiry number or words"),
                                  }))
    # distinct=False: a filter on the company's own column joins nothing, and SELECT
    # DISTINCT over every column made PostgreSQL sort the page and the count.
    grade = django_filters.MultipleChoiceFilter(choices=Grade.choices,
                                                label=_("Grade"), distinct=False,
                                                widget=forms.CheckboxSelectMultiple)
    email_status = django_filters.ChoiceFilter(choices=EmailStatus.choices,
                                               label=_("Email"), empty_label=_("Any email"),
                                               widget=FastSelect)
    website_status = django_filters.ChoiceFilter(choices=WebsiteStatus.choices,
                                                 label=_("Website"),
                                                 empty_label=_("Any website"), widget=FastSelect)
    fit = django_filters.RangeFilter(label=_("Fit"))
    country = django_filters.ChoiceFilter(label=_("Country"), empty_label=_("Any country"),
                                          widget=FastSelect)
    platform = django_filters.ChoiceFilter(choices=Platform.choices, label=_("Platform"),
                                           empty_label=_("Any platform"), widget=FastSelect)
    owner = django_filters.ChoiceFilter(method="filter_owner", label=_("Owner"),
                                        empty_label=None, widget=FastSelect)
    status = django_filters.MultipleChoiceFilter(choices=CompanyStatus.choices,
                                                 label=_("Status"), distinct=False,
                                                 widget=forms.CheckboxSelectMultiple)
    segment = django_filters.ChoiceFilter(choices=Segment.choices[1:], label=_("Segment"),
                                          empty_label=_("Any segment"), widget=FastSelect)
    received = django_filters.DateFromToRangeFilter(
        field_name="last_received_at", label=_("Received"),
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    awaiting = django_filters.ChoiceFilter(method="filter_awaiting", label=_("Awaiting reply"),
                                           choices=[("1", _("Awaiting reply"))])
    sort = NullsLastOrderingFilter(
        label=_("Sort"),
        fields=(
            ("last_received_at", "received"),
            ("score", "score"),
            ("grade", "grade"),
            ("fit", "fit"),
            ("name", "company"),
            ("country", "country"),
            ("status", "status"),
            ("owner__username", "owner"),
            ("next_followup_at", "followup"),
        ),
        field_labels={"last_received_at": _("Received"), "score": _("Score"),
                      "name": _("Company"), "next_followup_at": _("Next follow-up")},
    )

    class Meta:
        model = Company
        fields: list[str] = []
        form = PageForm

    def __init__(self, data=None, *args, user=None, **kwargs):
        # Reps start on their own companies and the pool; managers on everyone.
        data = data.copy() if data is not None else None
        if data is not None and not data.get("owner"):
            data["owner"] = "" if is_manager(user) else MINE_AND_POOL
        super().__init__(data, *args, **kwargs)
        self.user = user
        owner_choices = [(MINE_AND_POOL, _("Mine and the pool")), (ME, _("Mine")),
                         (POOL, _("Public pool"))]
        if is_manager(user):
            owner_choices.insert(0, ("", _("Everyone")))
            owner_choices += [
                (str(rep.pk), rep.get_full_name() or rep.username)
                for rep in get_user_model().objects.filter(groups__name=REP, is_active=True)
                .order_by("first_name", "username")
            ]
        self.filters["owner"].extra["choices"] = owner_choices
        countries = company_countries(self.queryset)
        self.filters["country"].extra["choices"] = [
            (code, f"{country_name(code)} ({code})") for code in countries
        ]

    def search(self, queryset, name, value):
        """Names without case or accents, addresses, domains, platform inquiry numbers,
        phone numbers in any format (``leads.search``), and the words of a request."""
        value = value.strip()
        query = query_parse(value)
        if not query.text:
            return queryset
        # One set of matching company ids, from index-driven scans of the folded search
        # columns and of product and message as written (trigram indexes on PostgreSQL,
        # migrations leads 0005 and 0011): cheaper than an EXISTS per company.
        inquiry = (Q(search_text__contains=query.text) | Q(message__icontains=value)
                   | Q(product__icontains=value))
        channel = Q(search_text__contains=query.text)
        for digits in query.digits:
            inquiry |= Q(search_phones__contains=digits)
            channel |= Q(search_phones__contains=digits)
        by_company = Company.objects.filter(search_text__contains=query.text)
        by_inquiry = Inquiry.objects.filter(inquiry).order_by().values("company_id")
        by_channel = ContactChannel.objects.filter(channel).order_by().values("company_id")
        return queryset.filter(
            pk__in=by_company.order_by().values("pk").union(by_inquiry, by_channel))

    def filter_owner(self, queryset, name, value):
        if value == ME:
            return queryset.filter(owner=self.user)
        if value == POOL:
            return queryset.filter(owner__isnull=True)
        if value == MINE_AND_POOL:
            return queryset.filter(Q(owner=self.user) | Q(owner__isnull=True))
        if value.isdigit() and is_manager(self.user):
            return queryset.filter(owner_id=int(value))
        return queryset

    def filter_awaiting(self, queryset, name, value):
        """Contacted, and no reply since our last contact (Company.awaiting_reply)."""
        return queryset.filter(
            Q(last_contact_at__isnull=False)
            & (Q(last_reply_at__isnull=True) | Q(last_reply_at__lt=F("last_contact_at")))
        ).exclude(status__in=CLOSED_STATUSES)
