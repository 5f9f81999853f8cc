"""Dates and times as people read them in the interface's language.

English keeps the house forms ("Mon 7 Dec 13:01"); other languages get their CLDR
patterns through Babel ("12月7日周一 13:01" in zh-Hans) instead of English forms with
translated words ("星期一 7 十二月"). Values are shown as given: convert an aware
datetime to the zone wanted first (the template filters do, like Django's ``date``).
"""

from datetime import date, datetime
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton, get_datetime_format
from django.utils.formats import date_format
from django.utils.translation import get_language, to_locale

# form: (Django's format for English, CLDR skeletons for the date and the time parts)
FORMS = {
    "day": ("D j M", ("MMMEd", None)),  # Mon 7 Dec / 12月7日周一
    "moment": ("D j M H:i", ("MMMEd", "Hm")),  # Mon 7 Dec 13:01 / 12月7日周一 13:01
    "clock": ("D H:i", ("EHm", None)),  # Mon 13:01 / 周一13:01
    "weekday_time": ("l H:i", ("EEEE", "Hm")),  # Monday 13:01 / 星期一 13:01
}


@lru_cache(maxsize=16)
def _locale(language: str) -> Locale | None:
    try:
        return Locale.parse(to_locale(language))
    except (UnknownLocaleError, ValueError):
        return None


def shown(value: date | datetime | None, form: str, language: str | None = None) -> str:
    """``value`` in one of ``FORMS``, in ``language`` (the active one by default)."""
    if value is None or value == "":
        return ""
    english, (day_part, time_part) = FORMS[form]
    language = language or get_language() or "en"
    locale = None if language.startswith("en") else _locale(language)
    if locale is None:
        return date_format(value, english)
    text = format_skeleton(day_part, value, locale=locale)
    if time_part and isinstance(value, datetime):
        clock = format_skeleton(time_part, value, locale=locale)
        text = get_datetime_format("medium", locale=locale).replace("{1}", text).replace(
            "{0}", clock)
    return text
