"""Server-rendered SVG bar charts; the numbers are always in a table beside them."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def bar_chart(rows, label: str = "", value_index: int = 1, width: int = 420):
    """Horizontal bars for ``rows`` of (label, value, ...); decorative (aria-hidden)."""
    rows = [(str(row[0]), float(row[value_index] or 0)) for row in rows]
    if not rows:
        return ""
    top = max(value for _, value in rows) or 1
    bar_height, gap, label_width = 18, 6, 180
    height = len(rows) * (bar_height + gap)
    bars = format_html_join("", (
        '<text x="{}" y="{}" text-anchor="end" class="label">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" class="bar"></rect>'
        '<text x="{}" y="{}" class="value">{}</text>'), (
        (label_width - 6, i * (bar_height + gap) + 13, name if len(name) <= 28 else name[:27] + "…",
         label_width, i * (bar_height + gap), max(1, int((width - label_width - 40) * v / top)),
         bar_height, label_width + max(1, int((width - label_width - 40) * v / top)) + 4,
         i * (bar_height + gap) + 13, f"{v:g}")
        for i, (name, v) in enumerate(rows)))
    return format_html('<svg class="chart" viewBox="0 0 {} {}" width="{}" height="{}" '
                       'role="img" aria-label="{}">{}</svg>', width, height, width, height,
                       label, bars)


@register.filter
def get_table(tables: dict, name: str):
    return tables.get(name, ([], []))


@register.filter
def split(text: str):
    return text.split()
