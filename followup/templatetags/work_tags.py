"""The work queue's wording of waiting times, counted in business hours."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def business_age(minutes: int, day_minutes: int = 480) -> str:
    """"3 h 20 min" under one business day, else "2.5 business days"."""
    minutes = max(0, int(minutes or 0))
    if minutes < day_minutes:
        hours, rest = divmod(minutes, 60)
        if not hours:
            return _("%(m)s min") % {"m": rest}
        return _("%(h)s h %(m)s min") % {"h": hours, "m": rest}
    days = round(minutes / day_minutes, 1)
    return ngettext("%(n)s business day", "%(n)s business days", round(days)) % {
        "n": f"{days:g}"}
