from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from leads.importer import PRESET_CHOICES
from leads.models import Activity, ChannelKind, CompanyStatus, ContactChannel, Segment
from verification.models import Verification


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Export file"),
        help_text=_("CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) or Excel .xlsx"),
    )
    preset = forms.ChoiceField(
        label=_("Columns"),
        choices=[(p, p) for p in PRESET_CHOICES],
        initial="auto",
        help_text=_("auto recognises Alibaba.com and Made-in-China.com exports"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB. Split it and upload "
                  "the parts."),
                params={"size": round(upload.size / 1024 / 1024, 1),
                        "limit": round(limit / 1024 / 1024)},
            )
        return upload


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"), max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Add a note for the team")}),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CompanyStatus.choices)
    note = forms.CharField(
        label=_("Why"), required=False, max_length=1000,
        widget=forms.TextInput(attrs={"placeholder": _("Why (optional)")}),
    )


class ContactAttemptForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=ChannelKind.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Activity.Outcome.choices[1:])
    body = forms.CharField(label=_("What was sent"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}), max_length=10_000)


class ReplyForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=ChannelKind.choices)
    body = forms.CharField(label=_("What they said"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}), max_length=10_000)
    away_until = forms.DateField(
        label=_("Out of office until"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("An automatic out-of-office reply: records a vacation and keeps the "
                    "follow-ups going after it."),
    )


class SnoozeForm(forms.Form):
    until = forms.DateField(label=_("Snooze until"),
                            widget=forms.DateInput(attrs={"type": "date"}))


class SegmentForm(forms.Form):
    segment = forms.ChoiceField(label=_("Segment"), choices=Segment.choices, required=False)


class GradeOverrideForm(forms.Form):
    grade = forms.ChoiceField(
        label=_("Grade"), required=False,
        choices=[("", _("Verified grade (no override)")), *Verification.Grade.choices],
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("Why (kept in the history)")}),
    )

    def clean(self):
        data = super().clean()
        if data.get("grade") and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why you override the grade."))
        return data


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Assign to"), queryset=None, required=False,
                                   empty_label=_("Public pool"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = reps_queryset()
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username


class ChannelForm(forms.ModelForm):
    class Meta:
        model = ContactChannel
        fields = ["kind", "value", "note", "is_emergency"]
        widgets = {"value": forms.TextInput(attrs={"placeholder": _("address, number or handle")})}

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company or self.instance.company

    def clean(self):
        data = super().clean()
        kind, value = data.get("kind"), (data.get("value") or "").strip()
        data["value"] = value
        duplicate = ContactChannel.objects.filter(company=self.company, kind=kind, value=value)
        if self.instance.pk:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if kind and value and duplicate.exists():
            raise forms.ValidationError(_("This company already has that contact."))
        return data


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


def reps_queryset():
    from django.contrib.auth import get_user_model

    from leads.roles import REP

    return (get_user_model().objects.filter(groups__name=REP, is_active=True)
            .order_by("first_name", "username"))


class VacationForm(forms.Form):
    first_day = forms.DateField(label=_("First day"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label=_("Last day"),
                               widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=200,
                           widget=forms.TextInput(attrs={"placeholder": _("e.g. out of office")}))

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            raise forms.ValidationError(_("The last day is before the first."))
        return data


def form_errors(form) -> str:
    """A form's errors as one line for a flash message."""
    return "; ".join(str(error) for errors in form.errors.values() for error in errors)


class BusinessHoursField(forms.RegexField):
    """A local window "HH:MM-HH:MM" that closes after it opens."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("error_messages", {"invalid": _("Write the hours as 08:30-17:00.")})
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "09:00-17:00"}))
        super().__init__(regex=r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$",
                         max_length=11, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value:
            start, end = value.split("-")
            if end <= start:
                raise forms.ValidationError(_("The window closes before it opens."))
        return value


class BuyerCalendarForm(forms.Form):
    """The buyer's zone (blank = from phone or country), state and business hours."""

    time_zone = forms.ChoiceField(label=_("Time zone"), required=False)
    subdivision = forms.CharField(label=_("State / province"), required=False, max_length=10)
    business_hours = BusinessHoursField(label=_("Business hours"))

    def __init__(self, *args, **kwargs):
        import zoneinfo

        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [("", _("From the phone or the country"))] + [
            (name, name) for name in sorted(zoneinfo.available_timezones())
            if "/" in name and not name.startswith(("Etc/", "SystemV/", "posix/", "right/"))
        ]


class HistoryFilterForm(forms.Form):
    """Filters of the audit trail; the dates are days of the team's calendar."""

    kind = forms.ChoiceField(label=_("What"), required=False)
    actor = forms.ModelChoiceField(label=_("Who"), required=False, queryset=None,
                                   empty_label=_("Everyone"))
    since = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    company = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        from django.contrib.auth import get_user_model

        from leads.audit import KINDS
        from leads.roles import ROLES

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Every change"))] + [
            (key, label) for key, (label, _model, _fields) in KINDS.items()]
        self.fields["actor"].queryset = (get_user_model().objects
                                         .filter(groups__name__in=ROLES).distinct()
                                         .order_by("username"))

    def clean(self):
        from datetime import datetime, time, timedelta

        from leads.services import team_zone

        data = super().clean()
        zone = team_zone()
        if data.get("since"):
            data["since"] = datetime.combine(data["since"], time(), tzinfo=zone)
        if data.get("until"):
            data["until"] = datetime.combine(data["until"] + timedelta(days=1), time(),
                                             tzinfo=zone)
        return data
