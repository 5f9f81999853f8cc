from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from leads.importer import PRESET_CHOICES
from leads.models import Activity, ChannelKind, CompanyStatus


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
