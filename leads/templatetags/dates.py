"""``{{ when|moment }}``, ``|day``, ``|clock``, ``|weekday_time``: see ``leads.dates``.

Like Django's ``date`` filter, an aware datetime is shown in the current time zone, or
in the zone a ``|timezone:zone`` filter before it chose."""

from django import template

from leads.dates import shown

register = template.Library()


def _filter(form: str):
    def render(value) -> str:
        return shown(value, form)

    render.__name__ = form
    register.filter(form, render, expects_localtime=True)


for _form in ("day", "moment", "clock", "weekday_time"):
    _filter(_form)
