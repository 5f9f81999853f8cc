from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from leads.countries import country_name as _country_name
from verification.models import Verification

register = template.Library()

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


@register.simple_tag
def email_icon(status: str) -> str:
    return _icon(_("Email"), status, _EMAIL, Verification.EmailStatus)


@register.simple_tag
def website_icon(status: str) -> str:
    return _icon(_("Website"), status, _WEBSITE, Verification.WebsiteStatus)


@register.filter
def country_name(code: str) -> str:
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
