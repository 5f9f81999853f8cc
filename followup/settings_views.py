"""Admins' settings screens: channel ranking, mail lists, team rules and hours, cadence,
the library of files sent with follow-up emails."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from django.views.decorators.http import require_POST

from followup.attachments import ACCEPT, FileCheck, Problem, human_size
from followup.cadence import default_cadence
from followup.channels import RETIRED
from followup.models import CadenceStep, ChannelRanking, LibraryFile
from followup.services import (
    FileRefused,
    library_file_active_set,
    library_file_add,
    library_file_delete,
    rankings_changed,
)
from leads.countries import country_name, parse_country
from leads.forms import BusinessHoursField, form_errors
from leads.models import ChannelKind, TeamSettings
from leads.roles import can_work_leads, is_admin, require_admin
from verification.models import MailList

STEP_CHANNELS = [(CadenceStep.AUTO, gettext_lazy("auto (email, else the country's channel)")),
                 *ChannelKind.choices]


class TeamForm(forms.ModelForm):
    business_hours = BusinessHoursField(label=gettext_lazy("Buyers' default business hours"))

    class Meta:
        model = TeamSettings
        fields = ["business_hours", "first_response_hours", "round_robin", "daily_cap",
                  "pool_cap", "pool_return_days"]


class StepForm(forms.ModelForm):
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=STEP_CHANNELS)

    class Meta:
        model = CadenceStep
        fields = ["offset_days", "channel", "template", "offer", "offer_days"]
        widgets = {"template": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"template": gettext_lazy(
            "Placeholders: {buyer}, {company}, {product}, {rep}, {offer}, {offer_until}, "
            "{attachments} (the names of the files ticked on the email page, or nothing: "
            "promise attachments only with it).")}


def _channel_shown(value: str) -> str:
    """A channel's name for the ranking table; a retired service says so."""
    label = str(ChannelKind(value).label)
    return _("%(channel)s (retired)") % {"channel": label} if value in RETIRED else label


def channel_value(text: str) -> str:
    """A channel as an admin types it: its name in any case or language ("WhatsApp",
    "电话", "Facebook / Messenger") or its code ("apple_messages")."""
    text = text.strip()
    for value, label in ChannelKind.choices:
        names = {value, str(label).casefold(), str(label).casefold().split(" / ")[0]}
        with override("en"):
            names |= {str(label).casefold(), str(label).casefold().split(" / ")[0]}
        if text.casefold() in names or text.casefold().replace(" ", "_") == value:
            return value
    return text.casefold().replace(" ", "_")


@login_required
def settings_page(request):
    require_admin(request.user)
    rankings: dict[str, list[str]] = {}
    for row in ChannelRanking.objects.order_by("country", "rank"):
        rankings.setdefault(row.country, []).append(row.channel)
    cadence = default_cadence()
    return render(request, "followup/settings.html", {
        "rankings": [(code, country_name(code), [_channel_shown(c) for c in channels],
                      "\n".join(str(ChannelKind(c).label) for c in channels))
                     for code, channels in rankings.items()],
        "channel_labels": [_channel_shown(c) for c in ChannelKind.values],
        "free_mail": "\n".join(MailList.objects.filter(kind=MailList.Kind.FREE_MAIL)
                               .order_by("value").values_list("value", flat=True)),
        "role_account": "\n".join(MailList.objects.filter(kind=MailList.Kind.ROLE_ACCOUNT)
                                  .order_by("value").values_list("value", flat=True)),
        "team_form": TeamForm(instance=TeamSettings.load()),
        "cadence": cadence,
        "step_forms": [(step, StepForm(instance=step, prefix=f"s{step.pk}"))
                       for step in (cadence.steps.all() if cadence else [])],
        "new_step_form": StepForm(prefix="new"),
    })


@login_required
@require_POST
def ranking_save(request):
    """Replace one country's ranking: one channel per line, most used first."""
    require_admin(request.user)
    code = parse_country(request.POST.get("country", ""))
    channels = []
    for line in request.POST.get("channels", "").replace(",", "\n").splitlines():
        value = channel_value(line)
        if value and value not in channels:
            channels.append(value)
    unknown = [c for c in channels if c not in ChannelKind.values]
    if code is None or unknown:
        messages.error(request, _("Unknown country or channel: %(what)s")
                       % {"what": ", ".join(unknown) or request.POST.get("country", "")})
        return redirect("settings:index")
    with transaction.atomic():
        ChannelRanking.objects.filter(country=code).delete()
        ChannelRanking.objects.bulk_create(
            [ChannelRanking(country=code, channel=c, rank=n) for n, c in enumerate(channels, 1)])
        rankings_changed()  # bulk_create sends no signal
    messages.success(request, _("Ranking for %(country)s saved.") % {"country": code})
    return redirect("settings:index")


@login_required
@require_POST
def mail_lists_save(request):
    """Replace the free-mail and role-account lists with the text areas' lines."""
    require_admin(request.user)
    with transaction.atomic():
        for kind in (MailList.Kind.FREE_MAIL, MailList.Kind.ROLE_ACCOUNT):
            wanted = {line.strip().lower() for line in request.POST.get(kind, "").splitlines()
                      if line.strip()}
            current = set(MailList.objects.filter(kind=kind).values_list("value", flat=True))
            for value in current - wanted:
                MailList.objects.filter(kind=kind, value=value).delete()
            for value in sorted(wanted - current):
                MailList.objects.create(kind=kind, value=value)
    messages.success(request, _("Mail lists saved; new inquiries are checked with them."))
    return redirect("settings:index")


@login_required
@require_POST
def team_save(request):
    require_admin(request.user)
    form = TeamForm(request.POST, instance=TeamSettings.load())
    if form.is_valid():
        form.save()
        messages.success(request, _("Team settings saved."))
    else:
        messages.error(request, form_errors(form))
    return redirect("settings:index")


@login_required
@require_POST
def step_save(request, pk: int | None = None):
    """Edit a step of the default cadence, or add one (no ``pk``)."""
    require_admin(request.user)
    cadence = default_cadence()
    if cadence is None:
        raise PermissionDenied
    step = get_object_or_404(cadence.steps, pk=pk) if pk else CadenceStep(cadence=cadence)
    form = StepForm(request.POST, instance=step, prefix=f"s{pk}" if pk else "new")
    if form.is_valid():
        form.save()
        messages.success(request, _("Cadence step saved."))
    else:
        messages.error(request, form_errors(form))
    return redirect("settings:index")


@login_required
@require_POST
def step_delete(request, pk: int):
    require_admin(request.user)
    step = get_object_or_404(CadenceStep, pk=pk, cadence__is_default=True)
    if step.followups.exists():
        messages.error(request, _("Follow-ups were planned with this step; it stays."))
    else:
        step.delete()
        messages.success(request, _("Cadence step removed."))
    return redirect("settings:index")


# --- the library of files for follow-up emails ------------------------------------

class LibraryFileForm(forms.ModelForm):
    upload = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("PDF, JPEG, PNG, XLSX, CSV or DOCX; checked by its content."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))

    class Meta:
        model = LibraryFile
        fields = ["title", "kind", "language"]


def refusal(check: FileCheck) -> str:
    """Why an upload is refused, in words an admin can act on."""
    what = _(check.seen_as) if check.seen_as else ""
    limit = human_size(settings.LEADQUAL_ATTACHMENT_MAX_BYTES)
    messages_by_problem = {
        Problem.EMPTY: _("The file is empty."),
        Problem.TOO_LARGE: _("The file is larger than %(limit)s, the most one file may be.")
        % {"limit": limit},
        Problem.PROGRAM: _("This is %(what)s: programs, scripts and web pages are never sent "
                           "to buyers.") % {"what": what},
        Problem.ARCHIVE: _("This is %(what)s: archives are not sent (mail filters hold them "
                           "back). Upload the files inside it one by one.") % {"what": what},
        Problem.MACROS: _("This is %(what)s: save it as .xlsx or .docx without macros, or "
                          "as PDF.") % {"what": what},
        Problem.ENCRYPTED: _("The file (%(what)s) is protected by a password: buyers could "
                             "not open it. Save it without one.") % {"what": what},
        Problem.BROKEN: _("The file looks like %(what)s but cannot be read as one.")
        % {"what": what},
        Problem.MISMATCH: _("The file is a %(what)s but its name says otherwise: rename it "
                            "with the right extension.") % {"what": what},
        Problem.UNKNOWN: _("Only PDF, JPEG, PNG, XLSX, CSV and DOCX files are sent; this file "
                           "is none of them%(what)s.")
        % {"what": f" ({what})" if what else ""},
    }
    return messages_by_problem[check.problem]


def _library_page(request, form: LibraryFileForm, *, status: int = 200):
    files = (LibraryFile.objects.select_related("uploaded_by")
             .annotate(sent=Count("sent_with")).order_by("-active", "kind", "language", "title"))
    return render(request, "followup/attachments.html", {
        "files": [{"file": f, "size": human_size(f.size)} for f in files],
        "form": form,
        "file_limit": human_size(settings.LEADQUAL_ATTACHMENT_MAX_BYTES),
        "email_limit": human_size(settings.LEADQUAL_ATTACHMENT_EMAIL_MAX_BYTES),
    }, status=status)


@login_required
def attachments_page(request):
    require_admin(request.user)
    return _library_page(request, LibraryFileForm())


@login_required
@require_POST
def attachment_upload(request):
    require_admin(request.user)
    form = LibraryFileForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            record = library_file_add(upload=data["upload"], title=data["title"],
                                      kind=data["kind"], language=data["language"],
                                      user=request.user)
        except FileRefused as exc:
            form.add_error("upload", refusal(exc.check))
        else:
            messages.success(request, _("%(name)s is in the library; reps can attach it now.")
                             % {"name": record.filename})
            return redirect("settings:attachments")
    return _library_page(request, form)


@login_required
@require_POST
def attachment_active(request, pk: int):
    """Offer the file to reps again, or no longer (``active``: "1" or "0")."""
    require_admin(request.user)
    file = get_object_or_404(LibraryFile, pk=pk)
    active = request.POST.get("active") == "1"
    library_file_active_set(file=file, active=active)
    messages.success(request, (_("%(name)s is offered to reps again.") if active
                               else _("%(name)s is no longer offered to reps; emails already "
                                      "queued still carry it.")) % {"name": file.filename})
    return redirect("settings:attachments")


@login_required
@require_POST
def attachment_delete(request, pk: int):
    require_admin(request.user)
    file = get_object_or_404(LibraryFile, pk=pk)
    if library_file_delete(file=file):
        messages.success(request, _("%(name)s was deleted; the emails it went with still "
                                    "name it.") % {"name": file.filename})
    else:
        messages.error(request, _("%(name)s waits to go out with an email; deactivate it "
                                  "instead, or delete it once the email is sent.")
                       % {"name": file.filename})
    return redirect("settings:attachments")


@login_required
def attachment_download(request, pk: int):
    """The file as a download, for anyone with a role (admins also inactive ones)."""
    if not can_work_leads(request.user):
        raise PermissionDenied
    files = LibraryFile.objects.all() if is_admin(request.user) else \
        LibraryFile.objects.filter(active=True)
    file = get_object_or_404(files, pk=pk)
    try:
        handle = file.file.open("rb")
    except OSError as exc:
        raise Http404(_("The file is missing from storage.")) from exc
    response = FileResponse(handle, as_attachment=True, filename=file.filename,
                            content_type=file.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
