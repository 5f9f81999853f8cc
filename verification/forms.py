from django import forms
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
            (industry.slug, industry.name) for industry in Industry.objects.order_by("name")
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
