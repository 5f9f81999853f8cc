from django import template
from django.utils.html import format_html, format_html_join

from verification.fit import snippet_parts

register = template.Library()


@register.filter
def highlight(snippet: str):
    """A fit snippet with its keyword in <mark>, everything escaped."""
    return format_html_join("", "{}", ((format_html("<mark>{}</mark>", text) if hl else text,)
                                       for text, hl in snippet_parts(snippet or "")))


@register.filter
def pretty_json(value) -> str:
    """Raw evidence as indented JSON, for the expandable details (escaped by the template)."""
    import json

    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)


@register.filter
def industry_name(slug: str) -> str:
    """The admin's name for an industry code (cached with the keyword lists)."""
    from django.utils.translation import gettext

    from verification.lists import keyword_matcher

    return gettext(keyword_matcher()[1].get(slug, slug))  # a shipped name is translated


@register.filter
def signed(value) -> str:
    """+1.25 / −0.40: a share of the fit's logit, with its direction."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    return f"+{number:.2f}" if number >= 0 else f"\u2212{-number:.2f}"


@register.filter
def language_label(code: str) -> str:
    """A language's name in the reader's language (Babel), from its ISO 639-1 code."""
    from babel import Locale, UnknownLocaleError
    from django.utils.translation import get_language, to_locale

    try:
        locale = Locale.parse(to_locale(get_language() or "en"))
    except (UnknownLocaleError, ValueError):
        locale = Locale("en")
    return locale.languages.get(code or "", code or "?")


@register.filter
def reason_text(reason) -> str:
    """A grade reason in the reader's language (``verification.grading.reason_text``)."""
    from django.utils.translation import gettext

    from verification.grading import reason_text as text

    return text(reason if isinstance(reason, dict) else {}, gettext)


@register.filter
def get_item(mapping: dict, key):
    """``mapping[key]`` in a template ("" when missing)."""
    return mapping.get(key, "") if isinstance(mapping, dict) else ""
