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
    from verification.lists import keyword_matcher

    return keyword_matcher()[1].get(slug, slug)
