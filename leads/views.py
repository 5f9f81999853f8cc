import logging

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from leads import selectors, services
from leads.exporting import export_inquiries
from leads.forms import (
    AssignForm,
    BuyerCalendarForm,
    ChannelForm,
    ContactAttemptForm,
    GradeOverrideForm,
    ImportForm,
    LanguageForm,
    NoteForm,
    ReplyForm,
    SegmentForm,
    StatusForm,
    form_errors,
)
from leads.importer import (
    AUTO,
    ROW_NUMBER,
    NotATable,
    UnreadableFile,
    detect_preset,
    read_table,
    with_row_numbers,
)
from leads.mail.forms import AwayRecordForm, EmlUploadForm
from leads.mail.services import away_record, held_decide, mail_ingest, spam_filter_status
from leads.models import (
    Company,
    CompanyStatus,
    ImportBatch,
    Inquiry,
    MailMessage,
    Profile,
)
from leads.roles import can_work_leads, is_manager
from leads.services import ClaimRefused

log = logging.getLogger(__name__)


def _next_url(request) -> str:
    """Where a POST asked to go back to, if it is on this site; else the inbox."""
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return back
    return reverse("leads:inbox")


def _require_role(user) -> None:
    if not can_work_leads(user):
        raise PermissionDenied(_("Your account has no Leadqual role yet; ask an admin."))


BULK_ACTIONS = ("assign", "claim", "fake", "status", "verify", "export")


@login_required
@require_POST
def inbox_bulk(request):
    """Bulk actions on the ticked companies; then back to the same filtered view."""
    _require_role(request.user)
    action = request.POST.get("action", "")
    ids = [int(v) for v in request.POST.getlist("company") if v.isdigit()]
    back = _next_url(request)
    companies = list(selectors.companies_visible_to(request.user).filter(pk__in=ids))
    if action not in BULK_ACTIONS or not companies:
        messages.error(request, _("Tick at least one company and choose an action."))
        return redirect(back)
    if action == "export":
        return _export_companies(companies)
    done, refused = 0, []
    for company in companies:
        try:
            done += _bulk_one(request, action, company)
        except (ClaimRefused, PermissionDenied, ValueError) as exc:
            refused.append(f"{company.name}: {exc}" if str(exc) else company.name)
    if done:
        messages.success(request, ngettext("%(n)s company updated.", "%(n)s companies updated.",
                                           done) % {"n": done})
    if refused:
        messages.error(request, _("Not done: %(list)s") % {"list": "; ".join(refused[:10])})
    return redirect(back)


def _bulk_one(request, action: str, company: Company) -> int:
    user = request.user
    if action == "assign":
        if not is_manager(user):
            raise PermissionDenied(_("only managers assign companies"))
        form = AssignForm(request.POST)
        if not form.is_valid():
            raise ValueError(_("choose a rep"))
        services.company_assign(company=company, owner=form.cleaned_data["owner"], user=user)
    elif action == "claim":
        if company.owner_id == user.pk:
            return 0
        services.company_claim(company_id=company.pk, user=user)
    elif action == "fake":
        services.company_set_status(company=company, status=CompanyStatus.FAKE, user=user,
                                    note=request.POST.get("note", "")[:1000])
    elif action == "status":
        status = request.POST.get("status", "")
        if status not in CompanyStatus.values:
            raise ValueError(_("choose a status"))
        services.company_set_status(company=company, status=status, user=user)
    elif action == "verify":
        services.company_verify_again(company=company, user=user)
    return 1


def _export_companies(companies) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="leadqual-{stamp}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with a BOM as UTF-8
    export_inquiries(response, fmt="csv",
                     queryset=Inquiry.objects.filter(company__in=[c.pk for c in companies]))
    return response


def _visible_company(request, pk: int) -> Company:
    _require_role(request.user)
    try:
        return selectors.companies_visible_to(request.user).select_related("owner").get(pk=pk)
    except Company.DoesNotExist as exc:
        raise Http404(_("No such company, or it belongs to another rep.")) from exc


@login_required
def company_checks(request, pk: int):
    """htmx: the grade headline and each inquiry's checks, polled while any is running."""
    _require_role(request.user)
    try:
        company = selectors.company_detail(user=request.user, pk=pk)
    except Company.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "leads/_company_checks.html", {"company": company})


def _form_action(form_class, handler, success: str):
    """A POST-only quick action on one visible company: validate, run, say so, go back."""

    @login_required
    @require_POST
    def view(request, pk: int):
        company = _visible_company(request, pk)
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(request, form_errors(form) or _("Check the form."))
            return redirect(company)
        try:
            handler(request, company, form.cleaned_data)
        except (ClaimRefused, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, success)
        return redirect(company)

    return view


company_note = _form_action(
    NoteForm,
    lambda r, c, d: services.activity_note_add(company=c, body=d["body"], user=r.user),
    _("Note added."))
company_status = _form_action(
    StatusForm,
    lambda r, c, d: services.company_set_status(company=c, status=d["status"],
                                                note=d["note"], user=r.user),
    _("Status changed."))
company_attempt = _form_action(
    ContactAttemptForm,
    lambda r, c, d: services.contact_attempt_log(company=c, channel=d["channel"],
                                                 outcome=d["outcome"], body=d["body"],
                                                 user=r.user),
    _("Contact attempt logged."))
company_reply = _form_action(
    ReplyForm,
    lambda r, c, d: services.reply_log(company=c, channel=d["channel"], body=d["body"],
                                       away_until=d["away_until"], user=r.user),
    _("Reply logged."))
company_segment = _form_action(
    SegmentForm,
    lambda r, c, d: services.company_set_segment(company=c, segment=d["segment"], user=r.user),
    _("Segment changed."))
company_calendar = _form_action(
    BuyerCalendarForm,
    lambda r, c, d: services.company_set_calendar(company=c, user=r.user, **d),
    _("Buyer's calendar saved."))
company_grade = _form_action(
    GradeOverrideForm,
    lambda r, c, d: services.grade_override_set(company=c, grade=d["grade"],
                                                reason=d["reason"], user=r.user),
    _("Grade saved."))


@login_required
@require_POST
def company_verify(request, pk: int):
    company = _visible_company(request, pk)
    count = services.company_verify_again(company=company, user=request.user)
    messages.success(request, ngettext("Checking %(n)s inquiry again.",
                                       "Checking %(n)s inquiries again.", count) % {"n": count})
    return redirect(company)


@login_required
@require_POST
def company_claim(request, pk: int):
    company = _visible_company(request, pk)
    try:
        services.company_claim(company_id=company.pk, user=request.user)
    except ClaimRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s is now yours.") % {"name": company.name})
    return redirect(company)


@login_required
@require_POST
def company_release(request, pk: int):
    company = _visible_company(request, pk)
    if company.owner_id != request.user.pk and not is_manager(request.user):
        raise PermissionDenied
    services.company_assign(company=company, owner=None, user=request.user)
    messages.success(request, _("%(name)s is back in the public pool.") % {"name": company.name})
    return redirect(company)


@login_required
@require_POST
def company_assign(request, pk: int):
    company = _visible_company(request, pk)
    if not is_manager(request.user):
        raise PermissionDenied
    form = AssignForm(request.POST)
    if form.is_valid():
        owner = form.cleaned_data["owner"]
        services.company_assign(company=company, owner=owner, user=request.user)
        messages.success(request, _("Assigned to %(who)s.") % {
            "who": owner or _("the public pool")})
    else:
        messages.error(request, _("Choose a rep."))
    return redirect(company)


@login_required
@require_POST
def channel_save(request, pk: int, channel_id: int | None = None):
    """Add a contact channel, or edit one (``channel_id``)."""
    company = _visible_company(request, pk)
    instance = get_object_or_404(company.channels, pk=channel_id) if channel_id else None
    form = ChannelForm(request.POST, instance=instance, company=company)
    if form.is_valid():
        channel = form.save(commit=False)
        channel.company = company
        emergency = channel.is_emergency
        channel.is_emergency = False
        channel.save()
        if emergency:
            services.channel_set_emergency(channel=channel)
        messages.success(request, _("Contact saved."))
    else:
        messages.error(request, form_errors(form))
    return redirect(company)


@login_required
@require_POST
def channel_delete(request, pk: int, channel_id: int):
    company = _visible_company(request, pk)
    get_object_or_404(company.channels, pk=channel_id).delete()
    messages.success(request, _("Contact removed."))
    return redirect(company)


@login_required
@require_POST
def channel_emergency(request, pk: int, channel_id: int):
    company = _visible_company(request, pk)
    channel = get_object_or_404(company.channels, pk=channel_id)
    try:
        services.channel_set_emergency(channel=channel)
    except ValueError as exc:
        messages.error(request, str(exc))
    return redirect(company)


@login_required
@require_POST
def language_set(request):
    """Save the user's language; the interface follows it from the next page on."""
    form = LanguageForm(request.POST)
    if form.is_valid():
        Profile.objects.update_or_create(user=request.user,
                                         defaults={"language": form.cleaned_data["language"]})
    back = _next_url(request)
    return redirect(back)


@login_required
@require_POST
def company_merge(request, pk: int):
    """Fold another visible company (a duplicate of this buyer) into this one."""
    company = _visible_company(request, pk)
    other_id = request.POST.get("other", "").strip().lstrip("#")
    other = (
        selectors.companies_visible_to(request.user).exclude(pk=company.pk)
        .filter(pk=int(other_id)).first() if other_id.isdigit() else None
    )
    if other is None:
        messages.error(request, _("Choose a company number you can see, other than this one."))
    else:
        services.company_merge(target=company, sources=[other], user=request.user)
        messages.success(request, _("Merged %(other)s into %(name)s.")
                         % {"other": other.name, "name": company.name})
    return redirect(company)


@login_required
@require_POST
def company_split(request, pk: int):
    """Move the ticked inquiries to a company of their own."""
    company = _visible_company(request, pk)
    ids = [int(v) for v in request.POST.getlist("inquiry") if v.isdigit()]
    try:
        new = services.company_split(company=company, inquiry_ids=ids, user=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect(company)
    messages.success(request, _("Split off into %(name)s.") % {"name": new.name})
    return redirect(new)


@login_required
def import_upload(request):
    _require_role(request.user)
    if not request.user.has_perm("leads.add_inquiry"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = read_table(upload.read(), filename=upload.name,
                               max_rows=services.import_max_rows())
        except UnreadableFile as exc:
            form.add_error("file", _unreadable_message(exc))
        else:
            preset = form.cleaned_data["preset"]
            if preset == AUTO:
                preset = detect_preset(table.headers)
            batch = services.inquiries_import(
                table=with_row_numbers(table), preset=preset,
                source=ImportBatch.Source.UPLOAD, filename=upload.name, user=request.user,
            )
            return redirect("leads:import-result", pk=batch.pk)
    return render(request, "leads/import_form.html", {"form": form})


def _unreadable_message(exc: UnreadableFile) -> str:
    if not isinstance(exc, NotATable):
        return _("This file cannot be read: %(reason)s") % {"reason": exc}
    what = _(exc.what) + (f" ({exc.detail})" if exc.detail else "")
    message = _("This file cannot be read. It is not a CSV or Excel (.xlsx) file: it is "
                "%(what)s.") % {"what": what}
    return f"{message} {capfirst(_(exc.advice))}." if exc.advice else message


IMPORT_PAGE_ROWS = 100
# The row gave nothing to reach the buyer by (a platform inquiry number only).
UNREACHABLE = Q(email="", phone="", whatsapp="")


@login_required
def import_result(request, pk: int):
    """One import as its importer (or a manager) needs it: the rows rejected, with their
    row numbers and reasons, then every imported row and who got it, also the rows that
    went to another rep (their company opens only for those who may open it)."""
    _require_role(request.user)
    batches = ImportBatch.objects.select_related("created_by")
    if not is_manager(request.user):
        batches = batches.filter(created_by=request.user)
    batch = get_object_or_404(batches, pk=pk)
    unreachable_only = request.GET.get("only") == "unreachable"
    inquiries = batch.inquiries.select_related("company__owner").order_by("id")
    if unreachable_only:
        inquiries = inquiries.filter(UNREACHABLE)
    page = Paginator(inquiries, IMPORT_PAGE_ROWS).get_page(request.GET.get("page"))
    rejected = Paginator(batch.rejected_rows, IMPORT_PAGE_ROWS).get_page(
        request.GET.get("rejected"))
    owners, unreachable = _import_owners(batch, request.user)
    return render(request, "leads/import_result.html", {
        "batch": batch, "page": page, "rows": _import_rows(page.object_list, request.user),
        "owners": owners, "unreachable": unreachable, "unreachable_only": unreachable_only,
        "hidden_from_me": batch.inquiries.exclude(
            company__in=selectors.companies_visible_to(request.user)).count(),
        "rejected": rejected,
        "rejected_rows": [{"row": r.get("row"), "reason": r.get("reason", ""),
                           "raw": {k: v for k, v in (r.get("raw") or {}).items()
                                   if k != ROW_NUMBER}} for r in rejected.object_list],
        "pages": _pager_links(request, "page", page),
        "rejected_pages": _pager_links(request, "rejected", rejected),
    })


def _import_rows(inquiries, user) -> list[dict]:
    inquiries = list(inquiries)
    visible = set(selectors.companies_visible_to(user).filter(
        pk__in={inquiry.company_id for inquiry in inquiries}).values_list("pk", flat=True))
    rows = []
    for inquiry in inquiries:
        company = inquiry.company
        rows.append({
            "inquiry": inquiry,
            "number": inquiry.raw.get(ROW_NUMBER) if isinstance(inquiry.raw, dict) else None,
            "company": company,
            "url": company.get_absolute_url() if company.pk in visible else "",
            "owner": _owner_name(company.owner, user),
            "contacts": [value for value in (inquiry.email, inquiry.phone, inquiry.whatsapp)
                         if value],
        })
    return rows


def _import_owners(batch: ImportBatch, user) -> tuple[list[dict], int]:
    """Who got the imported rows (you first, the public pool last), and how many rows
    gave no way to reach the buyer."""
    counts = (batch.inquiries.order_by().values("company__owner")
              .annotate(rows=Count("id"), unreachable=Count("id", filter=UNREACHABLE)))
    by_owner = {entry["company__owner"]: entry for entry in counts}
    people = {person.pk: person for person in get_user_model().objects.filter(
        pk__in=[owner_id for owner_id in by_owner if owner_id is not None])}
    owners = [{"name": _owner_name(people.get(owner_id), user), "rows": entry["rows"],
               "mine": owner_id == user.pk, "pool": owner_id is None}
              for owner_id, entry in by_owner.items()]
    owners.sort(key=lambda owner: (not owner["mine"], owner["pool"], -owner["rows"],
                                   owner["name"]))
    return owners, sum(entry["unreachable"] for entry in by_owner.values())


def _owner_name(owner, user) -> str:
    if owner is None:
        return _("Public pool")
    if owner.pk == user.pk:
        return _("You")
    return owner.get_full_name() or owner.username


def _pager_links(request, key: str, page) -> dict:
    """Previous and next links of one of the page's listings, keeping the other's page."""

    def link(number: int) -> str:
        query = request.GET.copy()
        query[key] = str(number)
        return f"?{query.urlencode()}"

    return {
        "previous": link(page.previous_page_number()) if page.has_previous() else "",
        "next": link(page.next_page_number()) if page.has_next() else "",
    }


@login_required
def history(request):
    """Managers' audit trail: status, owner, grade-override and keyword changes, who and when."""
    from django.core.paginator import Paginator

    from leads import audit
    from leads.forms import HistoryFilterForm

    if not is_manager(request.user):
        raise PermissionDenied
    form = HistoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit.history(
        kind=filters.get("kind") or "", actor_id=getattr(filters.get("actor"), "pk", None),
        company_id=filters.get("company"), since=filters.get("since"),
        until=filters.get("until"))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "leads/history.html", {
        "form": form, "page": page, "rows": audit.entries_display(list(page.object_list)),
        "query": query.urlencode()})


# --- email --------------------------------------------------------------------


@login_required
def mail_upload(request):
    """A rep adds a message saved as .eml: an inquiry, or a reply of a known company."""
    _require_role(request.user)
    if not request.user.has_perm("leads.add_inquiry"):
        raise PermissionDenied
    form = EmlUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        record, created = mail_ingest(raw=form.cleaned_data["file"].read(), user=request.user,
                                      source="upload")
        if record.outcome == MailMessage.Outcome.FAILED:
            messages.error(request, _("This email was kept but could not be used: %(reason)s")
                           % {"reason": record.reason})
        elif record.outcome == MailMessage.Outcome.HELD:
            messages.warning(request, _held_notice(record))
            return redirect("leads:mail-upload")
        elif not created:
            messages.info(request, _("This email was already added (%(outcome)s).")
                          % {"outcome": record.get_outcome_display()})
        else:
            messages.success(request, _("Email added: %(outcome)s.")
                             % {"outcome": record.get_outcome_display()})
        visible = record.company_id and selectors.companies_visible_to(request.user).filter(
            pk=record.company_id).exists()
        return redirect(record.company if visible else "leads:mail-upload")
    recent = MailMessage.objects.filter(user=request.user, source="upload").defer(
        "raw", "body").order_by("-created_at")[:10]
    return render(request, "leads/mail_upload.html", {"form": form, "recent": recent})


@login_required
@require_POST
def mail_away_record(request, pk: int, message_id: int):
    """Record the days away an out-of-office reply named (or the date the rep corrected)."""
    company = _visible_company(request, pk)
    message = get_object_or_404(company.mail.filter(outcome=MailMessage.Outcome.AWAY),
                                pk=message_id)
    form = AwayRecordForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form) or _("Check the form."))
        return redirect(company)
    last_day = form.cleaned_data["last_day"]
    if last_day < timezone.localdate():
        messages.error(request, _("That day has passed already."))
        return redirect(company)
    away_record(message=message, last_day=last_day, user=request.user)
    messages.success(request, _("Vacation recorded until %(day)s: no follow-up lands before.")
                     % {"day": last_day.isoformat()})
    return redirect(company)


# --- held-back mail -------------------------------------------------------------------
# Spam and phishing are held back before they become an inquiry or a reply. Their pages
# show them defanged: text only, never the mail's HTML, no address that can be clicked,
# attachments only after a page that names the risk.


def _held_notice(record: MailMessage) -> str:
    """"Held back as phishing: <first reason>", with a link to the message's page."""
    reasons = selectors.sign_reasons(record.screen_signs, 1)
    reason = f"{reasons[0][0]}: {reasons[0][1]}" if reasons else record.reason
    return format_html('{} <a href="{}">{}</a>', _("Held back as %(verdict)s: %(reason)s") % {
        "verdict": _verdict_word(record.screen_verdict), "reason": reason},
        reverse("leads:held", args=[record.pk]), _("Open it (defanged)"))


def _verdict_word(verdict: str) -> str:
    return _("phishing") if verdict == MailMessage.Screen.PHISHING else _("spam")


def _visible_held(request, pk: int) -> MailMessage:
    _require_role(request.user)
    try:
        return selectors.held_visible_to(request.user).select_related(
            "mailbox", "decided_by", "company", "user").get(pk=pk)
    except MailMessage.DoesNotExist as exc:
        raise Http404(_("No such held-back message, or not one of your mailboxes.")) from exc


@login_required
def held_list(request):
    """Held-back mail: undecided first (the default), or decided, or all."""
    _require_role(request.user)
    state = request.GET.get("state", "undecided")
    state = state if state in selectors.HELD_STATES else "undecided"
    verdict = request.GET.get("verdict", "")
    verdict = verdict if verdict in (MailMessage.Screen.PHISHING, MailMessage.Screen.SPAM) \
        else ""
    page = Paginator(selectors.held_list(user=request.user, state=state, verdict=verdict),
                     50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "leads/held_list.html", {
        "page_obj": page, "query": query.urlencode(), "state": state, "verdict": verdict,
        "rows": [{"message": m, "reasons": selectors.sign_reasons(m.screen_signs, 2, varied=True)}
                 for m in page.object_list],
        "states": [("undecided", _("Undecided")), ("decided", _("Decided")), ("all", _("All"))],
        "spam_filter": spam_filter_status(),
        "verdicts": [("", _("Phishing and spam")),
                     (MailMessage.Screen.PHISHING, _("Phishing")),
                     (MailMessage.Screen.SPAM, _("Spam"))],
    })


@login_required
def held_detail(request, pk: int):
    message = _visible_held(request, pk)
    return render(request, "leads/held_detail.html", {
        "message": message, "contents": selectors.held_contents(message),
        "reasons": selectors.sign_reasons(message.screen_signs),
        "symbols": [(name, score) for name, score in (message.spam_symbols or [])[:10]],
        "can_download_raw": is_manager(request.user),
        "company_visible": bool(message.company_id) and selectors.companies_visible_to(
            request.user).filter(pk=message.company_id).exists(),
    })


@login_required
@require_POST
def held_decision(request, pk: int):
    """**Not spam** releases the message into the intake; **Spam** confirms it."""
    from leads.context_processors import held_count_changed

    message = _visible_held(request, pk)
    if request.POST.get("spam") not in ("0", "1"):
        messages.error(request, _("Choose Not spam or Spam."))
        return redirect("leads:held", pk=message.pk)
    if not message.decision:
        message = held_decide(message=message, user=request.user,
                              spam=request.POST["spam"] == "1")
        held_count_changed()
        if message.decided_by_id == request.user.pk:
            messages.success(request, _decision_notice(request, message))
            return redirect(_next_held_url(request, message))
    messages.info(request, _("Already decided by %(who)s: %(decision)s.") % {
        "who": _user_name(message.decided_by), "decision": message.get_decision_display()})
    return redirect(_next_held_url(request, message))


def _next_held_url(request, message: MailMessage) -> str:
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure()):
        return back
    return reverse("leads:held", args=[message.pk])


def _user_name(user) -> str:
    return (user.get_full_name() or user.username) if user else _("someone")


def _decision_notice(request, message: MailMessage) -> str:
    if message.decision == MailMessage.Decision.CONFIRMED:
        return _("Confirmed as spam; the spam filter learns from it.")
    company = message.company
    if company is None:
        return _("Released: %(outcome)s.") % {"outcome": message.get_outcome_display()}
    visible = selectors.companies_visible_to(request.user).filter(pk=company.pk).exists()
    name = format_html('<a href="{}">{}</a>', company.get_absolute_url(), company.name) \
        if visible else company.name
    if message.outcome == MailMessage.Outcome.INQUIRY:
        return format_html(_("Released: it became a new inquiry of {company}."), company=name)
    if message.outcome == MailMessage.Outcome.REPLY:
        return format_html(_("Released: added to {company} as the buyer's reply."),
                           company=name)
    return format_html(_("Released: {outcome} ({company})."),
                       outcome=message.get_outcome_display(), company=name)


def _download(data: bytes, filename: str) -> HttpResponse:
    """The bytes as a download that no browser opens or guesses the type of."""
    response = HttpResponse(data, content_type="application/octet-stream")
    filename = "".join(c for c in filename if c.isprintable()).strip()[:200] or "attachment"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def held_attachment(request, pk: int, number: int):
    """GET: a page that names the risk; POST (its button): the file, as a download."""
    message = _visible_held(request, pk)
    found = selectors.held_attachment(message, number)
    if found is None:
        raise Http404(_("No such attachment."))
    attachment, danger = found
    name = attachment.name or f"attachment-{number + 1}.bin"
    if request.method == "POST":
        log.info("mail.held.download message=%s attachment=%s user=%s", message.pk, number,
                 request.user.pk)
        return _download(attachment.data, name)
    return render(request, "leads/held_download.html", {
        "message": message, "name": name, "danger": danger, "size": len(attachment.data),
        "content_type": attachment.content_type, "raw": False})


@login_required
@require_http_methods(["GET", "POST"])
def held_raw(request, pk: int):
    """The whole message as it came (.eml), for managers and admins, after the warning."""
    _require_role(request.user)
    if not is_manager(request.user):
        raise PermissionDenied(_("Only managers and admins download the raw message."))
    message = _visible_held(request, pk)
    if not message.raw:
        raise Http404(_("The message itself was not kept."))
    if request.method == "POST":
        log.info("mail.held.download message=%s raw=1 user=%s", message.pk, request.user.pk)
        return _download(bytes(message.raw), f"held-{message.pk}.eml")
    return render(request, "leads/held_download.html", {
        "message": message, "name": f"held-{message.pk}.eml", "danger": "",
        "size": len(message.raw), "content_type": "message/rfc822", "raw": True})
