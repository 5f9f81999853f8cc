from functools import lru_cache

from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from leads.importer import PRESET_CHOICES
from leads.models import Activity, ChannelKind, CompanyStatus, ContactChannel, Grade, Segment


def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html`` in Python."""
    return format_html_join("", " {}{}", (
        (name, "" if value is True else format_html('="{}"', str(value)))
        for name, value in attrs.items() if value is not False))


class FastSelect(forms.Select):
    """A ``Select`` that writes exactly what Django's templates write (``select.html``,
    ``select_option.html``, ``attrs.html``), in Python, and remembers what it wrote for
    the same name, attributes, value and choices: a long list of options through the
    template engine, one include per option, cost more than the rest of a page.
    ``tests/test_screen_output.py`` compares the two."""

    _rendered: dict = {}  # shared by the process; emptied when it grows past _KEEP
    _KEEP = 512

    def choices_key(self) -> tuple:
        return tuple((str(choice), str(label)) for choice, label in self.choices)

    def render(self, name, value, attrs=None, renderer=None):
        key = (name, get_language(), tuple((attrs or {}).items()), tuple(self.attrs.items()),
               tuple(self.format_value(value)), self.choices_key())
        try:
            return self._rendered[key]
        except KeyError:
            pass
        except TypeError:  # an attribute that cannot be a key: render each time
            return self._render_options(name, value, attrs)
        html = self._render_options(name, value, attrs)
        if len(self._rendered) >= self._KEEP:
            self._rendered.clear()
        self._rendered[key] = html
        return html

    def _render_options(self, name, value, attrs) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            parts.extend(
                format_html('\n  <option value="{}"{}>{}</option>\n', str(option["value"]),
                            _attrs(option["attrs"]), option["label"])
                for option in options)
            if group_name:
                parts.append(SafeString("\n  </optgroup>"))
        parts.append(SafeString("\n</select>"))  # the renderer strips the last newline
        return SafeString("".join(parts))


def _frozen(value):
    """A widget's context as a key: what each value is and what it writes."""
    if isinstance(value, dict):
        return ("dict", tuple((name, _frozen(item)) for name, item in value.items()))
    if isinstance(value, list | tuple):
        return ("list", tuple(_frozen(item) for item in value))
    if value is None or isinstance(value, bool | int | float):
        return (type(value).__name__, value)
    # Strings (lazy ones in the language of the key), values of model choices, dates: as
    # the templates write them, with their kind (a safe string is not escaped).
    return (type(value).__name__, str(value))


class WidgetRenderer(DjangoTemplates):
    """Django's form renderer, remembering the HTML of each widget it drew by the widget's
    context and the language: pages draw the same inputs with the same values on every
    view, and each one through the template engine cost more than the lookup. What it
    draws is what Django draws (``tests/test_screen_output.py``)."""

    _drawn: dict = {}  # shared by the process; emptied when it grows past _KEEP
    _KEEP = 2048

    def render(self, template_name, context, request=None):
        if (request is not None or set(context) != {"widget"}
                or not template_name.startswith("django/forms/widgets/")):
            return super().render(template_name, context, request)
        key = (template_name, get_language(), _frozen(context["widget"]))
        try:
            return self._drawn[key]
        except KeyError:
            pass
        html = super().render(template_name, context, request)
        if len(self._drawn) >= self._KEEP:
            self._drawn.clear()
        self._drawn[key] = html
        return html


WIDGETS = WidgetRenderer()


class PageForm(forms.Form):
    """The forms of the pages: their widgets are remembered (``WidgetRenderer``)."""

    default_renderer = WIDGETS


PRESET_LABELS = {"auto": _("Recognise by the headers"), "generic": _("Generic columns"),
                 "alibaba": "Alibaba.com", "made-in-china": "Made-in-China.com"}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Export file"),
        help_text=_("CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) or Excel .xlsx; save an old "
                    ".xls as .xlsx first"),
        # The file picker offers these first; anything else is still read and, when it is
        # no table, refused with what it is.
        widget=forms.FileInput(attrs={"accept": ".csv,.tsv,.txt,.xlsx,.xlsm,text/csv,"
                                      "application/vnd.openxmlformats-officedocument"
                                      ".spreadsheetml.sheet"}),
    )
    preset = forms.ChoiceField(
        label=_("Columns"),
        choices=[(p, PRESET_LABELS.get(p, p)) for p in PRESET_CHOICES],
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


class NoteForm(PageForm):
    body = forms.CharField(
        label=_("Note"), max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Add a note for the team")}),
    )


class StatusForm(PageForm):
    status = forms.ChoiceField(label=_("Status"), choices=CompanyStatus.choices,
                               widget=FastSelect)
    note = forms.CharField(
        label=_("Why"), required=False, max_length=1000,
        widget=forms.TextInput(attrs={"placeholder": _("Why (optional)")}),
    )


class ContactAttemptForm(PageForm):
    channel = forms.ChoiceField(label=_("Channel"), choices=ChannelKind.choices,
                                widget=FastSelect)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Activity.Outcome.choices[1:],
                                widget=FastSelect)
    body = forms.CharField(label=_("What was sent"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}), max_length=10_000)


class ReplyForm(PageForm):
    channel = forms.ChoiceField(label=_("Channel"), choices=ChannelKind.choices,
                                widget=FastSelect)
    body = forms.CharField(label=_("What they said"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}), max_length=10_000)
    away_until = forms.DateField(
        label=_("Out of office until"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("An automatic out-of-office reply: records a vacation and keeps the "
                    "follow-ups going after it."),
    )


class SnoozeForm(PageForm):
    until = forms.DateField(label=_("Snooze until"),
                            widget=forms.DateInput(attrs={"type": "date"}))


class SegmentForm(PageForm):
    segment = forms.ChoiceField(label=_("Segment"), choices=Segment.choices, required=False,
                                widget=FastSelect)


class GradeOverrideForm(PageForm):
    grade = forms.ChoiceField(
        label=_("Grade"), required=False,
        choices=[("", _("Verified grade (no override)")), *Grade.choices],
        widget=FastSelect,
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


class AssignForm(PageForm):
    owner = forms.ModelChoiceField(label=_("Assign to"), queryset=None, required=False,
                                   empty_label=_("Public pool"), widget=FastSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = reps_queryset()
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username


class ChannelForm(forms.ModelForm):
    default_renderer = WIDGETS

    class Meta:
        model = ContactChannel
        fields = ["kind", "value", "note", "is_emergency"]
        widgets = {"kind": FastSelect,
                   "value": forms.TextInput(attrs={"placeholder": _("address, number or handle")})}

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


class VacationForm(PageForm):
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


@lru_cache(maxsize=8)
def zone_choices(language: str = "en") -> tuple[tuple[str, str], ...]:
    """The IANA zones a rep may choose, read from the zone files once per process and
    language; outside English named by CLDR ("德国（柏林）时间" for Europe/Berlin)."""
    import zoneinfo

    from babel import Locale, UnknownLocaleError
    from babel.dates import get_timezone_location
    from django.utils.translation import to_locale

    names = sorted(name for name in zoneinfo.available_timezones()
                   if "/" in name and not name.startswith(("Etc/", "SystemV/", "posix/",
                                                           "right/")))
    locale = None
    if not language.startswith("en"):
        try:
            locale = Locale.parse(to_locale(language))
        except (UnknownLocaleError, ValueError):
            locale = None

    def label(name: str) -> str:
        if locale is None:
            return name
        try:
            return get_timezone_location(name, locale=locale)
        except (LookupError, ValueError):
            return name

    return tuple((name, label(name)) for name in names)


class ZoneSelect(FastSelect):
    """The time zones: ``zone_choices()`` after an empty choice, the same list in each
    language, so the language names them (no need to compare 430 choices)."""

    def choices_key(self) -> tuple:
        return ("zones", get_language())


class BuyerCalendarForm(PageForm):
    """The buyer's zone (blank = from phone or country), state and business hours."""

    time_zone = forms.ChoiceField(label=_("Time zone"), required=False, widget=ZoneSelect)
    subdivision = forms.CharField(
        label=_("State / province"), required=False, max_length=10,
        help_text=_("ISO code, e.g. BY; blank: from the area code of their phone number."))
    business_hours = BusinessHoursField(label=_("Business hours"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [("", _("From the phone or the country")),
                                            *zone_choices(get_language() or "en")]


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
