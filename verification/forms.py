from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from verification.models import Industry

NEGATIVE = "negative"
LANGUAGES = [("en", "English"), ("zh", "中文"), ("es", "Español"), ("pt", "Português"),
             ("fr", "Français"), ("de", "Deutsch"), ("it", "Italiano"), ("ru", "Русский"),
             ("ar", "العربية"), ("tr", "Türkçe"), ("vi", "Tiếng Việt"), ("id", "Bahasa Indonesia")]


class _Target(forms.Form):
    target = forms.ChoiceField(label=_("Industry"))
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=10, initial=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [
            (industry.slug, gettext(industry.name))  # a shipped name in the reader's language
            for industry in Industry.objects.order_by("name")
        ] + [(NEGATIVE, _("Negative keyword (any industry)"))]

    def industry(self) -> Industry | None:
        slug = self.cleaned_data["target"]
        return None if slug == NEGATIVE else Industry.objects.get(slug=slug)

    @property
    def negative(self) -> bool:
        return self.cleaned_data["target"] == NEGATIVE


class KeywordForm(_Target):
    term = forms.CharField(label=_("Keyword or phrase"), max_length=200)


class BulkKeywordForm(_Target):
    text = forms.CharField(label=_("Keywords, one per line"), max_length=50_000,
                           widget=forms.Textarea(attrs={"rows": 5}))


class IndustryForm(forms.Form):
    weight = forms.FloatField(label=_("Weight"), min_value=0, max_value=5)
    active = forms.BooleanField(label=_("Active"), required=False)


class TryForm(forms.Form):
    text = forms.CharField(label=_("Paste a text"), max_length=100_000,
                           widget=forms.Textarea(attrs={"rows": 6, "placeholder": _(
                               "e.g. a buyer's website text or inquiry")}))


class TargetLabelForm(forms.Form):
    """A rep's word on a company: target buyer (in which industry) or not."""

    label = forms.ChoiceField(label=_("Target buyer?"), choices=[
        ("target", _("Yes, a target buyer")), ("not", _("No, not a target")),
        ("", _("No label (take it back)"))], required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = [("", _("(from the page)"))] + [
            (industry.slug, gettext(industry.name))
            for industry in Industry.objects.filter(active=True).order_by("name")]

    def clean(self):
        data = super().clean()
        label = data.get("label", "")
        data["is_target"] = None if not label else label == "target"
        data["industry"] = data.get("industry", "") if label == "target" else ""
        return data

    @staticmethod
    def initial_for(company) -> dict:
        from verification.models import FitLabel

        label = FitLabel.objects.filter(company=company).first()
        if label is None:
            return {"label": ""}
        return {"label": "target" if label.is_target else "not", "industry": label.industry}
