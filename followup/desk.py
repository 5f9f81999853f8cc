"""The rep's desk: the inbox and the company page, where what came in (leads) meets
when and how to reach the buyer (follow-up). The URLs keep the ``leads:`` names; they
are put together in ``config/urls.py``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Page
from django.db.models import Count, Window
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView

from followup.cadence import cadence_postpone, plan_preview
from followup.mail import email_draft, sender_address
from followup.selectors import (
    buyer_calendar,
    calendars_for,
    channel_rankings,
    company_clock,
    suggested_channels,
)
from followup.services import followup_email_queue, vacation_add
from followup.silence import headline, why_no_reply
from leads import selectors
from leads.filters import CompanyFilter
from leads.forms import (
    AssignForm,
    BuyerCalendarForm,
    ChannelForm,
    ContactAttemptForm,
    GradeOverrideForm,
    NoteForm,
    ReplyForm,
    SegmentForm,
    SnoozeForm,
    StatusForm,
    VacationForm,
)
from leads.mail.forms import EmailSendForm
from leads.mail.services import away_proposals
from leads.models import Activity, ChannelKind, Company, CompanyStatus, ContactChannel, Platform
from leads.roles import is_manager
from leads.views import _form_action, _require_role, _visible_company
from verification.forms import TargetLabelForm
from verification.services import fit_label_set


class InboxView(LoginRequiredMixin, FilterView):
    """One row per company: the rep's home page. Every filter lives in the URL."""

    template_name = "leads/inbox.html"
    filterset_class = CompanyFilter
    paginate_by = 50
    context_object_name = "companies"
    strict = False

    def get_queryset(self):
        _require_role(self.request.user)
        return selectors.company_list(user=self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["user"] = self.request.user
        return kwargs

    def paginate_queryset(self, queryset, page_size):
        """With a search, one query brings the page and the total (``COUNT(*) OVER ()``):
        the search through every inquiry then runs once instead of twice."""
        page = self.request.GET.get(self.page_kwarg) or 1
        if not self.request.GET.get("q", "").strip() or not str(page).isdigit():
            return super().paginate_queryset(queryset, page_size)
        number = int(page)
        start = (number - 1) * page_size
        rows = list(queryset.annotate(matching=Window(Count("pk")))[start:start + page_size])
        if not rows:  # past the end, or nothing found: the usual way (and its 404)
            return super().paginate_queryset(queryset, page_size)
        paginator = self.get_paginator(queryset, page_size, orphans=self.get_paginate_orphans(),
                                       allow_empty_first_page=self.get_allow_empty())
        paginator.count = rows[0].matching
        page = Page(rows, paginator.validate_number(number), paginator)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        sort_params = params.copy()
        sort_params.pop("sort", None)
        context.update(
            query=params.urlencode(),
            sort_query=sort_params.urlencode(),
            current_sort=self.request.GET.get("sort", ""),
            rows=inbox_rows(context["companies"]),
            assign_form=AssignForm(),
            statuses=CompanyStatus.choices,
            pending_ids=",".join(str(c.pk) for c in context["companies"]
                                 if c.verification_pending),
        )
        return context


PLACEHOLDER_PK = 918273645


def inbox_rows(companies) -> list[dict]:
    """Each company with the buyer's clock now and, when it awaits a reply, why it may be
    silent (calendars, channels and rankings loaded for the whole page at once)."""
    now = timezone.now()
    companies = list(companies)
    calendars = calendars_for(companies)
    waiting = [c.pk for c in companies if c.awaiting_reply]
    channels: dict[int, set[str]] = {}
    if waiting:
        for company_id, kind in ContactChannel.objects.filter(
                company__in=waiting).values_list("company_id", "kind"):
            channels.setdefault(company_id, set()).add(kind)
    rankings = channel_rankings() if waiting else {}
    # get_FOO_display() hashes every choice's lazy label, i.e. translates them all, on
    # each call: once per page is enough.
    statuses = {value: str(label) for value, label in CompanyStatus.choices}
    platforms = {value: str(label) for value, label in Platform.choices}
    # One reverse() for the page: the company links differ only by their number.
    link = reverse("leads:company", args=[PLACEHOLDER_PK])
    rows = []
    for company in companies:
        calendar = calendars[company.pk]
        why = why_no_reply(company, calendar, channels=channels.get(company.pk, set()),
                           now=now, rankings=rankings) if company.pk in waiting else []
        rows.append({
            "company": company,
            "url": link.replace(str(PLACEHOLDER_PK), str(company.pk)),
            "status": statuses.get(company.status, company.status),
            "platform": platforms.get(company.platform, company.platform),
            "clock": company_clock(company, now, calendar) if calendar else None,
            "why": why,
            "why_headline": headline(why),
            "overdue": company.next_followup_at is not None and company.next_followup_at < now,
        })
    return rows


@login_required
def inbox_poll(request):
    """htmx: rows whose verification finished since the page was drawn, swapped in place."""
    _require_role(request.user)
    ids = [int(v) for v in request.GET.get("ids", "").split(",") if v.isdigit()][:200]
    companies = list(selectors.company_list(user=request.user).filter(pk__in=ids))
    done = [c for c in companies if not c.verification_pending]
    still = [c.pk for c in companies if c.verification_pending]
    return render(request, "leads/_inbox_poll.html", {
        "rows": inbox_rows(done), "pending_ids": ",".join(map(str, still)),
    })


@login_required
def company_detail(request, pk: int):
    _require_role(request.user)
    try:
        company = selectors.company_detail(user=request.user, pk=pk)
    except Company.DoesNotExist as exc:
        raise Http404(_("No such company, or it belongs to another rep.")) from exc
    channels = list(company.channels.all())
    calendar = buyer_calendar(company, vacations=[(v.first_day, v.last_day, v.note)
                                                  for v in company.vacations.all()])
    today = timezone.localdate(timezone=calendar.zone) if calendar else None
    next_moment = calendar.next_moment() if calendar else None
    open_followup = (company.followups.filter(status="scheduled").select_related("step").first())
    return render(request, "leads/company_detail.html", {
        "company": company,
        "clock": company_clock(company, calendar=calendar) if calendar else None,
        "zone": company.buyer_zone(),
        "first_received": min((i.received_at for i in company.inquiries.all()), default=None),
        "next_moment": next_moment,
        "working_days": calendar.working_days(today, 5) if calendar else [],
        "days_off": calendar.upcoming_days_off(today, 60) if calendar else [],
        "vacations": company.vacations.all(),
        "plan": plan_preview(open_followup, company, calendar),
        "why": why_no_reply(company, calendar, channels={c.kind for c in channels}),
        "open_followup": open_followup,
        "snooze_form": SnoozeForm(),
        "vacation_form": VacationForm(),
        "calendar_form": BuyerCalendarForm(initial={
            "time_zone": company.time_zone if company.time_zone_source.startswith("explicit")
            else "",
            "subdivision": company.subdivision if company.subdivision_source == "explicit"
            else "",
            "business_hours": company.business_hours}),
        "channels": channels,
        "suggestions": suggested_channels(company.country, {c.kind for c in channels}),
        "note_form": NoteForm(),
        "status_form": StatusForm(initial={"status": company.status}),
        "attempt_form": ContactAttemptForm(initial={"channel": ChannelKind.EMAIL,
                                                    "outcome": Activity.Outcome.SENT}),
        "reply_form": ReplyForm(initial={"channel": ChannelKind.EMAIL}),
        "segment_form": SegmentForm(initial={"segment": company.segment}),
        "grade_form": GradeOverrideForm(initial={"grade": company.grade_override}),
        "assign_form": AssignForm(initial={"owner": company.owner_id}),
        "channel_form": ChannelForm(company=company),
        "can_claim": company.owner_id is None,
        "can_release": company.owner_id is not None and (
            company.owner_id == request.user.pk or is_manager(request.user)),
        "merge_candidates": selectors.company_merge_candidates(user=request.user,
                                                               company=company),
        "away_proposals": list(away_proposals(company)),
        "target_form": TargetLabelForm(initial=TargetLabelForm.initial_for(company)),
    })


company_snooze = _form_action(
    SnoozeForm,
    lambda r, c, d: cadence_postpone(c, until=d["until"]),
    _("Follow-up moved."))
company_vacation = _form_action(
    VacationForm,
    lambda r, c, d: vacation_add(company=c, user=r.user, **d),
    _("Vacation recorded: no follow-up lands on those days."))


@login_required
@require_POST
def vacation_delete(request, pk: int, vacation_id: int):
    company = _visible_company(request, pk)
    get_object_or_404(company.vacations, pk=vacation_id).delete()
    messages.success(request, _("Vacation removed."))
    return redirect(company)


@login_required
def company_email(request, pk: int):
    """Write to the buyer: the open step's message, sent through the team's relay."""
    company = _visible_company(request, pk)
    draft = email_draft(company=company, user=request.user)
    form = EmailSendForm(request.POST or None, initial={
        "to": draft.to, "subject": draft.subject, "body": draft.body,
        "in_reply_to": draft.in_reply_to})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        followup_email_queue(company=company, user=request.user, to=data["to"],
                             subject=data["subject"], body=data["body"],
                             in_reply_to=data["in_reply_to"])
        messages.success(request, _("Email to %(to)s is on its way; it is logged as a contact "
                                    "attempt once the mail server takes it.") % {"to": data["to"]})
        return redirect(company)
    return render(request, "leads/company_email.html", {
        "company": company, "form": form, "sender": sender_address(),
        "open_followup": company.followups.filter(status="scheduled").select_related(
            "step").first()})


company_target = _form_action(
    TargetLabelForm,
    lambda r, c, d: fit_label_set(company=c, is_target=d["is_target"], industry=d["industry"],
                                  user=r.user),
    _("Thank you: the fit model learns from it at its next retraining."))
