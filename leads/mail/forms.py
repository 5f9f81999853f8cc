from django import forms
from django.utils.translation import gettext_lazy as _

MAX_EML_BYTES = 20 * 1024 * 1024


class EmlUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Email file (.eml)"),
        help_text=_("Saved from your mail program (\"Save as\" / drag to the desktop). A "
                    "buyer's email becomes an inquiry, a reply is added to its company."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_EML_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class EmailSendForm(forms.Form):
    to = forms.EmailField(label=_("To"))
    subject = forms.CharField(label=_("Subject"), max_length=500)
    body = forms.CharField(label=_("Message"), max_length=20_000,
                           widget=forms.Textarea(attrs={"rows": 14}))
    in_reply_to = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)


class AwayRecordForm(forms.Form):
    last_day = forms.DateField(label=_("Away until"),
                               widget=forms.DateInput(attrs={"type": "date"}))
