"""Admins' settings screens: channel ranking, mail lists, team rules and hours, cadence."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from followup.cadence import default_cadence
from followup.models import CadenceStep, ChannelRanking
from followup.services import rankings_changed
from leads.countries import country_name, parse_country
from leads.forms import BusinessHoursField, form_errors
from leads.models import ChannelKind, TeamSettings
from leads.roles import require_admin
from verification.models import MailList

STEP_CHANNELS = [(CadenceStep.AUTO, gettext_lazy("auto (email, else the country's channel)")),
                 *ChannelKind.choices]


class TeamForm(forms.ModelForm):
    business_hours = BusinessHoursField(label=gettext_lazy("Buyers' default business hours"))

    class Meta:
        model = TeamSettings
        fields = ["business_hours", "round_robin", "daily_cap", "pool_cap", "pool_return_days"]


class StepForm(forms.ModelForm):
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=STEP_CHANNELS)

    class Meta:
        model = CadenceStep
        fields = ["offset_days", "channel", "template", "offer", "offer_days"]
        widgets = {"template": forms.Textarea(attrs={"rows": 4})}


@login_required
def settings_page(request):
    require_admin(request.user)
    rankings: dict[str, list[str]] = {}
    for row in ChannelRanking.objects.order_by("country", "rank"):
        rankings.setdefault(row.country, []).append(row.channel)
    cadence = default_cadence()
    return render(request, "followup/settings.html", {
        "rankings": [(code, country_name(code), [ChannelKind(c).label for c in channels],
                      "\n".join(channels)) for code, channels in rankings.items()],
        "channel_values": ChannelKind.values,
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
        value = line.strip().lower().replace(" ", "_")
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
