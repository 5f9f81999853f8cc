from django import template
from django.utils.html import format_html, format_html_join

from verification.fit import snippet_parts

register = template.Library()


@register.filter
def highlight(snippet: str):
    """A fit snippet with its keyword in <mark>, everything escaped."""
    return format_html_join("", "{}", ((format_html("<mark>{}</mark>", text) if hl else text,)
                                       for text, hl in snippet_parts(snippet or "")))
