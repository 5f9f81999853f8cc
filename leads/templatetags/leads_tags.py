import html
from functools import lru_cache

from django import template
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.template.defaultfilters import date as date_filter
from django.template.loader import get_template
from django.templatetags.tz import do_timezone
from django.utils.formats import get_format, localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from leads.countries import country_name as _country_name
from leads.dates import FORMS, shown
from leads.models import ChannelKind, EmailStatus, WebsiteStatus

register = template.Library()

# Words the inbox row translates through ``_word`` (makemessages finds them here).
_WORDS = (gettext_noop("our time"), gettext_noop("their time"), gettext_noop("overdue"),
          gettext_noop("inquiries"), gettext_noop("pool"), gettext_noop("awaiting reply"))

# status → (symbol, css class); the word is the model's own label.
_EMAIL = {"deliverable": ("✓", "ok"), "risky": ("!", "warn"), "undeliverable": ("✗", "bad"),
          "unknown": ("?", "muted")}
_WEBSITE = {"reachable": ("✓", "ok"), "parked": ("P", "bad"), "placeholder": ("~", "warn"),
            "unreachable": ("✗", "bad"), "error": ("✗", "bad"), "none": ("–", "muted")}


def _icon(kind: str, status: str, table: dict, labels) -> str:
    symbol, css = table.get(status, ("·", "muted"))
    label = labels(status).label if status in labels.values else _("Not checked")
    return format_html('<span class="icon icon-{}" title="{}: {}">{}<span class="sr">{}: {}</span>'
                       '</span>', css, kind, label, symbol, kind, label)


# Two icons on each inbox row, a handful of different ones: made once per language.
_ICONS: dict[tuple[str, str, str | None], str] = {}


@register.simple_tag
def email_icon(status: str) -> str:
    return _email_icon(status, get_language())


@register.simple_tag
def website_icon(status: str) -> str:
    return _website_icon(status, get_language())


def _email_icon(status: str, language: str | None) -> str:
    key = ("email", status, language)
    if key not in _ICONS:
        _ICONS[key] = _icon(_("Email"), status, _EMAIL, EmailStatus)
    return _ICONS[key]


def _website_icon(status: str, language: str | None) -> str:
    key = ("website", status, language)
    if key not in _ICONS:
        _ICONS[key] = _icon(_("Website"), status, _WEBSITE, WebsiteStatus)
    return _ICONS[key]


# {(field, language): {value: label}}: Django's get_FOO_display() translates every
# choice of the field on each call (it hashes their lazy labels); pages call it often.
_LABELS: dict[tuple, dict] = {}


@register.filter
def choice_label(obj, field_name: str):
    """``obj.get_<field_name>_display()``, the field's labels translated once."""
    field = obj._meta.get_field(field_name)
    key = (field, get_language())
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = {value: str(label) for value, label in field.flatchoices}
    value = getattr(obj, field.attname)
    return labels.get(value, value)


_OPTIONS: dict[tuple, str] = {}


@register.simple_tag
def options(choices, selected) -> str:
    """``<option>``s of ``choices`` with ``selected`` marked, as the contact forms write
    them; the same list for each contact of a company, so made once per language."""
    choices = list(choices)
    key = (tuple(value for value, _label in choices), selected, get_language())
    if key not in _OPTIONS:
        if len(_OPTIONS) > 1000:
            _OPTIONS.clear()
        _OPTIONS[key] = format_html_join("", '<option value="{}" {}>{}</option>', (
            (value, "selected" if value == selected else "", label) for value, label in choices))
    return _OPTIONS[key]


@register.filter
def translated(name: str) -> str:
    """An admin-editable name in the reader's language when it is one we shipped (the
    default industries, the default cadence); the admin's own name as typed otherwise."""
    return _(name) if name else name


@register.filter
def assignment_note(note: str) -> str:
    """How a company came to its owner (stored in English by ``leads.assignment``), in
    the reader's language: "Rule: Latin America → Kevin", "Round robin"."""
    if note.startswith("Rule: "):
        return _("Rule: %(name)s") % {"name": note.removeprefix("Rule: ")}
    if note in _NOTES:
        return _(note)
    return note


_NOTES = (gettext_noop("Round robin"), gettext_noop("Claimed from the pool"))


@register.filter
def channel_label(kind: str) -> str:
    """A channel's name ("WhatsApp", "电子邮件") from its stored value."""
    return str(dict(ChannelKind.choices).get(kind, kind))


@register.filter
def country_name(code: str) -> str:
    """The country's name in the reader's language (not remembered here: the language
    is part of the answer; ``leads.countries`` keeps each language's table)."""
    return _country_name(code) if code else ""


@register.simple_tag(takes_context=True)
def sort_th(context, key: str, label: str, first: str = "-") -> str:
    """A column heading that sorts by ``key``; a second click reverses the order."""
    current = context.get("current_sort", "")
    if current.lstrip("-") == key:
        target = key if current.startswith("-") else f"-{key}"
        arrow = " ↓" if current.startswith("-") else " ↑"
        aria = "descending" if current.startswith("-") else "ascending"
    else:
        target, arrow, aria = f"{first}{key}", "", "none"
    query = context.get("sort_query", "")
    href = f"?{query}&sort={target}" if query else f"?sort={target}"
    return format_html('<th aria-sort="{}"><a href="{}">{}{}</a></th>', aria, href, label, arrow)


@register.filter
def web_href(value: str) -> str:
    """A link target for a website someone typed: http(s) only, never javascript: & co."""
    from urllib.parse import urlsplit

    value = (value or "").strip()
    if not value:
        return ""
    scheme = urlsplit(value).scheme.lower() if "://" in value else ""
    if scheme in ("http", "https"):
        return value
    return "http://" + value.split("://", 1)[-1].lstrip("/")


@register.filter
def minutes(value) -> int:
    """A timedelta in whole minutes (rounded up): "try again in 15 minutes"."""
    return -(-int(value.total_seconds()) // 60)


# --- The inbox row ---------------------------------------------------------------
# Fifty rows of some sixty template nodes each were most of the inbox's time; the row
# is written here in Python instead, the same HTML as a template would write (the
# ``date``, ``naturaltime`` and ``truncatechars`` filters and Django's number and date
# localisation are called as the template engine calls them).

_ROW = (
    '<tr id="company-{pk}" class="{pending}" data-href="{url}"{oob}>\n'
    '  <td><input type="checkbox" name="company" value="{pk}" form="bulk" '
    'aria-label="{select}"></td>\n'
    '  <td class="gradecell">{grade}</td>\n'
    '  <td class="num">{score}</td>\n'
    '  <td class="companycell"><a href="{url}" class="rowlink">{name}</a>\n'
    '    {count}\n'
    '    {summary}\n'
    '    {domain}</td>\n'
    '  <td class="icons">{email} {website}</td>\n'
    '  <td class="num">{fit}</td>\n'
    '  <td>{country}\n'
    '    {clock}</td>\n'
    '  <td class="small">{platform}</td>\n'
    '  <td class="small" title="{received}">{received_ago}</td>\n'
    '  <td class="small">{owner}</td>\n'
    '  <td><span class="status status-{status}">{status_label}</span>{awaiting}\n'
    '    {why}</td>\n'
    '  <td class="small">{followup}</td>\n'
    '</tr>'
)
_GRADES: dict[tuple, str] = {}


def _number(value) -> str:
    """An integer as ``{{ value }}`` writes it (no grouping unless the settings ask)."""
    if value is None:
        return ""
    if isinstance(value, int) and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return str(localize(value))


_DATES: dict[tuple, str] = {}
# Format characters that need more than the date, the hour and the minute.
_FINER = frozenset("suvceIOrTUZ")


def _minute_date(value, fmt: str, language: str | None) -> str:
    """``value|date:fmt`` in the active ``language``, remembered when the format shows no
    more than the minute: the buyers' clocks of one zone show the same minute on every
    row, and the same rows come back on every page."""
    local = template_localtime(value)
    key = (fmt, language, local.year, local.month, local.day, local.hour, local.minute)
    found = _DATES.get(key)
    if found is None:
        # A form of leads.dates (CLDR's pattern outside English), or Django's format.
        found = shown(local, fmt, language) if fmt in FORMS else date_filter(local, fmt)
        if fmt in FORMS or not _FINER & set(get_format(fmt)):
            if len(_DATES) > 4096:
                _DATES.clear()
            _DATES[key] = found
    return found


def _shown(value, language: str | None) -> str:
    """``{{ value }}`` of a datetime: local time, localised (None is "None", as there)."""
    if value is None:
        return "None"
    return _minute_date(value, "DATETIME_FORMAT", language)


def _grade(company, language: str | None) -> str:
    """``leads/_grade.html``, rendered once per kind of grade and language."""
    key = (company.grade, company.grade_override, company.verified_grade,
           company.verification_pending, language)
    if key not in _GRADES:
        _GRADES[key] = get_template("leads/_grade.html").render({"company": company})
    return _GRADES[key]


@lru_cache(maxsize=4096)
def _truncated(text: str, length: int, language: str | None) -> str:
    """``text|truncatechars:length`` in ``language`` (its "…" is translated), remembered:
    the same rows' texts come back on every page."""
    return Truncator(text).chars(length)


def _esc(value) -> str:
    """``conditional_escape`` (the same text), without the lazy-string check it makes."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


_MESSAGES: dict[tuple[str, str | None], str] = {}


def _message(message: str, language: str | None) -> str:
    """``gettext(message)`` in the active ``language``, remembered."""
    key = (message, language)
    if key not in _MESSAGES:
        _MESSAGES[key] = _(message)
    return _MESSAGES[key]


def _word(message: str, language: str | None) -> str:
    """``{% translate message %}``: translated and escaped."""
    return _esc(_message(message, language))


def _next_followup(at, clock, overdue: bool, language: str | None) -> str:
    """The next step's moment, whose time it is: the buyer's first (the step aims at
    their business hours), ours beside it; ours alone when their zone is unknown."""
    ours = (f'{_esc(_minute_date(at, "moment", language))} '
            f'{_word("our time", language)}')
    theirs = (f'{_esc(_minute_date(do_timezone(at, clock.zone), "moment", language))} '
              f'{_word("their time", language)}') if clock else ""
    return (f'<span class="{"bad" if overdue else ""}" '
            f'title="{_word("overdue", language) if overdue else ""}">'
            f'{theirs or ours}</span>'
            + (f'<div class="muted">{ours}</div>' if theirs else ""))


@register.simple_tag
def inbox_row(row: dict, oob=False) -> str:
    """One company of the inbox (``followup.desk.inbox_rows``); ``oob`` for htmx swaps."""
    c, clock, why = row["company"], row["clock"], row["why"]
    language = get_language()
    overdue = row["overdue"]
    return SafeString(_ROW.format(
        pk=_number(c.pk), pending="pending" if c.verification_pending else "",
        url=_esc(row["url"]), oob=' hx-swap-oob="outerHTML"' if oob else "",
        # {% blocktranslate %} escapes the name, not the sentence.
        select=_message("Select %(name)s", language) % {"name": _esc(c.name)},
        grade=_grade(c, language), score=_number(c.score), name=_esc(c.name),
        count=f'<span class="pill" title="{_word("inquiries", language)}">'
              f'{_number(c.inquiry_count)}</span>' if c.inquiry_count > 1 else "",
        summary=f'<div class="small summary" title="{_esc(c.summary)}">'
                f'{_esc(_truncated(c.summary, 70, language))}</div>' if c.summary else "",
        domain=f'<div class="muted small">{_esc(c.domain)}</div>' if c.domain else "",
        email=_email_icon(c.email_status, language),
        website=_website_icon(c.website_status, language), fit=_number(c.fit),
        country=f'<span title="{_esc(country_name(c.country))}">{_esc(c.country)}</span>'
        if c.country else "",
        clock=f'<div class="small {"open" if clock.open_now else "muted"}" '
              f'title="{_esc(clock.zone.key)}">'
              f'{_esc(_minute_date(do_timezone(clock.local, clock.zone), "clock", language))}'
              f'{" ●" if clock.open_now else ""}</div>' if clock else "",
        platform=_esc(row["platform"]), received=_esc(_shown(c.last_received_at, language)),
        received_ago=_esc(naturaltime(c.last_received_at)),
        owner=_esc(c.owner.get_full_name() or c.owner.username) if c.owner
        else f'<span class="pill">{_word("pool", language)}</span>',
        status=_esc(c.status), status_label=_esc(row["status"]),
        awaiting=f'<div class="small warn">{_word("awaiting reply", language)}</div>'
        if c.awaiting_reply and c.status != "awaiting_reply" else "",
        why=f'<div class="small muted why" title="{"&#10;".join(_esc(r.text) for r in why)}">'
            f'{_esc(_truncated(row["why_headline"].text, 60, language))}</div>'
            if why else "",
        followup=_next_followup(c.next_followup_at, clock, overdue, language)
        if c.next_followup_at else '<span class="muted">—</span>',
    ))
