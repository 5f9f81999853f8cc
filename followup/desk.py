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

from followup.cadence import (
    cadence_hold,
    cadence_postpone,
    followup_channel,
    plan_preview,
    step_number,
)
from followup.channels import NextChannel, chat_link, whatsapp_number
from followup.greetings import greeting
from followup.mail import email_draft, sender_address
from followup.models import CadenceStep
from followup.queue import work_first
from followup.selectors import (
    buyer_calendar,
    calendars_for,
    channel_rankings,
    company_clock,
    company_next_channel,
    on_file,
    reachable_kinds,
    reachable_kinds_of,
    suggested_channels,
)
from followup.services import vacation_add
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
from leads.mail.services import away_proposals
from leads.models import Activity, ChannelKind, Company, CompanyStatus, Platform
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
        companies = selectors.company_list(user=self.request.user)
        if not self.request.GET.get("sort"):  # work before history (a sort replaces it)
            companies = work_first(companies)
        return companies

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
    channels = reachable_kinds_of([c for c in companies if c.awaiting_reply]) if waiting \
        else {}
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
    rankings = channel_rankings()
    mobile = whatsapp_number(on_file(channels), company.country)
    # One next channel: the open step's (an auto step's worked out now, as its
    # reminder's), else the first message's.
    next_channel = company_next_channel(
        company, channels, rankings=rankings,
        step=step_number(open_followup) if open_followup else 1)
    step_via = followup_channel(open_followup, channels=channels) if open_followup else ""
    if open_followup and open_followup.step.channel != CadenceStep.AUTO:  # the admin's
        value = next((c.value for c in channels if c.kind == step_via), "")
        next_channel = NextChannel(step_via, value, "step", ask=not value)
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
        "why": why_no_reply(company, calendar, channels=reachable_kinds(channels,
                                                                         company.country),
                            rankings=rankings),
        "open_followup": open_followup,
        "cadence_hold": cadence_hold(company),
        "step_via": step_via,
        "snooze_form": SnoozeForm(),
        "vacation_form": VacationForm(),
        "calendar_form": BuyerCalendarForm(initial={
            "time_zone": company.time_zone if company.time_zone_source.startswith("explicit")
            else "",
            "subdivision": company.subdivision if company.subdivision_source == "explicit"
            else "",
            "business_hours": company.business_hours}),
        "channels": channels,
        "has_email": any(c.kind == ChannelKind.EMAIL for c in channels)
        or any(i.email for i in company.inquiries.all()),
        "suggestions": suggested_channels(company.country, {c.kind for c in channels},
                                          rankings=rankings, mobile=mobile),
        "next_channel": next_channel,
        "chat": _chat(company, next_channel, mobile, request.user),
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


def _chat(company, channel, mobile: str, user) -> dict | None:
    """WhatsApp's click-to-chat link to the buyer's number, with a first message in their
    language (None without a WhatsApp or mobile number)."""
    number = channel.value if channel.kind == ChannelKind.WHATSAPP else mobile
    if not number:
        return None
    inquiry = max(company.inquiries.all(), key=lambda i: i.received_at, default=None)
    language, text = greeting(
        company.country, buyer=inquiry.buyer_name if inquiry else "",
        rep=(user.get_full_name() or user.get_username()),
        product=(inquiry.product if inquiry and inquiry.product else "UV lamps"))
    return {"url": chat_link(number, text), "number": number, "language": language,
            "text": text}


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
    """Write to the buyer: the open step's message, with files from the library, sent
    through the team's relay."""
    from django.conf import settings

    from followup.attachments import human_size, mentions_attachment
    from followup.forms import FollowupEmailForm
    from followup.mail import attachment_choices, buyer_language
    from followup.models import LibraryFile
    from followup.services import AttachmentsRefused, followup_email_with_files_queue

    company = _visible_company(request, pk)
    choices = attachment_choices(company)
    draft = email_draft(company=company, user=request.user, choices=choices)
    language = buyer_language(company)
    form = FollowupEmailForm(request.POST or None, choices=choices, buyer_language=language,
                             initial={"to": draft.to, "subject": draft.subject,
                                      "body": draft.body, "in_reply_to": draft.in_reply_to,
                                      "attachments": list(draft.attachments)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            followup_email_with_files_queue(
                company=company, user=request.user, to=data["to"], subject=data["subject"],
                body=data["body"], in_reply_to=data["in_reply_to"], files=data["attachments"])
        except AttachmentsRefused:
            form.add_error("attachments", _("A ticked file was just taken out of the library, "
                                            "or the files are too large: look again."))
        else:
            if data["attachments"]:
                messages.success(request, _(
                    "Email to %(to)s with %(files)s is on its way; it is logged as a contact "
                    "attempt once the mail server takes it.") % {
                    "to": data["to"], "files": ", ".join(f.filename for f in data["attachments"])})
            else:
                messages.success(request, _(
                    "Email to %(to)s is on its way; it is logged as a contact attempt once the "
                    "mail server takes it.") % {"to": data["to"]})
            return redirect(company)
    return render(request, "leads/company_email.html", {
        "company": company, "form": form, "sender": sender_address(),
        "open_followup": company.followups.filter(status="scheduled").select_related(
            "step").first(),
        "attachment_rows": form.attachment_rows(),
        "buyer_language": LibraryFile.Language(language).label
        if language in LibraryFile.Language.values else language,
        "email_limit": human_size(settings.LEADQUAL_ATTACHMENT_EMAIL_MAX_BYTES),
        # The draft promises a file that the library cannot give: say so before sending.
        "unkept_promise": "" if request.method == "POST" or draft.attachments
        else mentions_attachment(draft.body),
    })


company_target = _form_action(
    TargetLabelForm,
    lambda r, c, d: fit_label_set(company=c, is_target=d["is_target"], industry=d["industry"],
                                  user=r.user),
    _("Thank you: the fit model learns from it at its next retraining."))
