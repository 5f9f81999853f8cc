"""Out-of-office replies: is a message an automatic answer, and until when is the buyer away.

Pure: no Django. Headers first (RFC 3834 ``Auto-Submitted``, the ``X-Autoreply`` /
``X-Autorespond`` and ``Precedence: auto_reply`` that mail programs add), then the
subject prefixes Outlook, Gmail and Exchange write in the buyer's language. The return
date is read from the phrasings of English, German, French, Spanish, Italian,
Portuguese and Chinese auto-replies ("until 5 December", "back on 12/05/2026",
"bis zum 5. Dezember", "jusqu'au 5 décembre", "hasta el 5 de diciembre", "12月5日").
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage

SUBJECT_PREFIXES = (
    "automatic reply", "auto reply", "autoreply", "auto-reply", "auto response",
    "autoresponse", "out of office", "out of the office", "ooo:", "abwesenheitsnotiz",
    "automatische antwort", "abwesend", "réponse automatique", "reponse automatique",
    "absence du bureau", "respuesta automática", "respuesta automatica",
    "fuera de la oficina", "risposta automatica", "fuori sede", "resposta automática",
    "resposta automatica", "ausente", "自动回复", "自動回覆", "自动答复", "休假",
    "auto:",  # Lotus Notes: "AUTO: Smith, John is out of the office"
)
# Words of an away message, for automatic mail whose subject does not say so.
AWAY_WORDS = re.compile(
    r"out of (?:the )?office|on (?:annual )?(?:vacation|holiday|leave)|away from (?:the|my) "
    r"(?:office|desk)|limited access to (?:my )?e-?mail|abwesend|nicht im büro|urlaub|"
    r"absent du bureau|en congés?|fuera de la oficina|de vacaciones|fuori ufficio|in ferie|"
    r"休假|不在办公室|外出",
    re.IGNORECASE,
)

MONTHS = {
    # English
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
    # German
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "mai": 5, "juni": 6,
    "juli": 7, "oktober": 10, "okt": 10, "dezember": 12, "dez": 12,
    # French
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
    # Spanish
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12,
    # Italian
    "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
    "settembre": 9, "ottobre": 10, "dicembre": 12,
    # Portuguese
    "janeiro": 1, "fevereiro": 2, "março": 3, "marco": 3, "maio": 5, "junho": 6,
    "julho": 7, "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12,
}
_MONTH = "|".join(sorted((re.escape(name) for name in MONTHS), key=len, reverse=True))
_YEAR = r"(?:,?\s*(?:de\s+|del\s+)?(?P<year>\d{4}))?"
_DATE_PATTERNS = (
    # 5 December 2026, 5th of December, 5. Dezember, 5 de diciembre de 2026, le 5 décembre
    re.compile(r"(?<!\d)(?P<day>\d{1,2})(?:st|nd|rd|th|er|º|\.)?\s*(?:of\s+|de\s+)?"
               rf"(?P<month>{_MONTH})\b\.?{_YEAR}", re.IGNORECASE),
    # December 5, 2026; Dec 5th
    re.compile(rf"\b(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b{_YEAR}",
               re.IGNORECASE),
    # 2026-12-05
    re.compile(r"(?<!\d)(?P<year>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)"),
    # 12/05/2026, 05.12.2026, 5.12., 12/05
    re.compile(r"(?<![\d/.])(?P<a>\d{1,2})[./](?P<b>\d{1,2})(?:[./](?P<year>\d{4}|\d{2}))?"
               r"(?![\d/]|\.\d)"),
    # 2026年12月5日, 12月5号
    re.compile(r"(?:(?P<year>\d{4})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号號]"),
)
# Words before a date that make it the last day away ("until") or the first day back.
_UNTIL = re.compile(
    r"(?:(?<![\w'])(?:until|till|til|through|thru|up to|to|bis(?: zum| einschließlich| "
    r"einschl\.)?|jusqu'?(?:au|à)|jusqu’(?:au|à)|au|hasta(?: el)?|al|fino al|a|até)|至|到|"
    r"–|-)\s*"
    r"(?:and including\s+|inclusive\s+|(?:monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|"
    r"mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|"
    r"domingo),?\s*(?:the\s+|den\s+|le\s+|el\s+)?|the\s+|den\s+|le\s+|el\s+)?$",
    re.IGNORECASE,
)
_BACK = re.compile(
    r"(?<!\w)(?:back|return(?:ing)?|returns|be back|in the office|wieder(?: im büro| da| "
    r"erreichbar)?|zurück|ab|de retour|retour|serai de retour|regreso|regresaré|volveré|"
    r"de vuelta|rientro|di ritorno|retorno|voltarei)"
    r"(?:\s+\w+){0,4}?\s*(?:on|am|le|el|il|em|from|ab|from the)?\s*"
    r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|montag|dienstag|mittwoch|"
    r"donnerstag|freitag|lundi|mardi|mercredi|jeudi|vendredi|lunes|martes|miércoles|jueves|"
    r"viernes),?\s*)?(?:the\s+|den\s+|le\s+|el\s+)?$",
    re.IGNORECASE,
)
# Chinese names the first day back after the date: 12月8日回来 / 返回 / 上班.
_BACK_AFTER = re.compile(r"^\s*(?:起?\s*)?(?:回来|返回|回到|上班|回公司|恢复办公)")


@dataclass(frozen=True)
class AutoReply:
    automatic: bool  # sent by a program (any Auto-Submitted but "no", X-Autoreply, ...)
    away: bool  # an out-of-office answer
    reason: str  # which header or phrase told
    first_day: date | None = None
    last_day: date | None = None  # the last day away, when the message says


def detect(message: EmailMessage, text: str, *, received: date,
           month_first: bool = False) -> AutoReply:
    """Whether ``message`` is automatic / out of office, and the days the buyer is away."""
    subject = str(message.get("Subject", "")).strip()
    reason = _header_reason(message)
    prefix = next((p for p in SUBJECT_PREFIXES if subject.casefold().startswith(p)), None)
    away_words = AWAY_WORDS.search(f"{subject}\n{text[:3000]}")
    automatic = bool(reason or prefix)
    if prefix:
        reason = reason or f"subject begins with {subject[:len(prefix)]!r}"
    away = bool(prefix) or (bool(reason) and away_words is not None)
    if not away:
        return AutoReply(automatic=automatic, away=False, reason=reason)
    last = return_date(f"{subject}\n{text}", received=received, month_first=month_first)
    return AutoReply(automatic=True, away=True, reason=reason or "away message",
                     first_day=received if last else None, last_day=last)


def _header_reason(message: EmailMessage) -> str:
    submitted = str(message.get("Auto-Submitted", "")).strip().lower()
    if submitted and not submitted.startswith("no"):
        return f"Auto-Submitted: {submitted}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if message.get(name) is not None:
            return f"{name} header"
    precedence = str(message.get("Precedence", "")).strip().lower()
    if precedence == "auto_reply":
        return "Precedence: auto_reply"
    if str(message.get("X-Auto-Response-Suppress", "")).strip() and \
            str(message.get("X-MS-Exchange-Generated-Message-Source", "")).strip():
        return "Exchange automatic reply"
    return ""


def return_date(text: str, *, received: date, month_first: bool = False) -> date | None:
    """The last day away that ``text`` names, or None.

    "until D" / "bis D" / "hasta D" make D the last day away; "back on D" /
    "wieder am D" / "de retour le D" make it the day before. A date without a year is
    the next one on or after ``received``. ``month_first`` reads 12/05 as 5 December
    (US senders); otherwise day first unless that is impossible.
    """
    text = " ".join(text.split())
    found: list[tuple[int, date, bool]] = []  # (position, date, is first day back)
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            when = _to_date(match, received=received, month_first=month_first)
            if when is None:
                continue
            before = text[max(0, match.start() - 80):match.start()]
            if _UNTIL.search(before):
                found.append((match.start(), when, False))
            elif _BACK.search(before) or _BACK_AFTER.match(text[match.end():match.end() + 12]):
                found.append((match.start(), when, True))
    if not found:
        return None
    # The first phrased date in the text is the answer; a quoted mail below does not count.
    _, when, back = min(found, key=lambda item: item[0])
    last = when - timedelta(days=1) if back else when
    return last if last >= received else None


def _to_date(match: re.Match, *, received: date, month_first: bool) -> date | None:
    groups = match.groupdict()
    year = groups.get("year")
    if groups.get("month"):
        month = MONTHS[groups["month"].lower()]
        day = int(groups["day"])
    elif groups.get("a"):
        first, second = int(groups["a"]), int(groups["b"])
        readings = [(first, second), (second, first)]  # (day, month), day first
        if month_first:
            readings.reverse()
        readings = [(d, m) for d, m in readings if m <= 12]
        if len(readings) == 2 and readings[0] != readings[1]:
            # Ambiguous: the reading that lies ahead wins (an away message is about now).
            dated = [(r, _dated(year, r[1], r[0], received)) for r in readings]
            readings = [r for r, when in dated if when and when >= received] or readings
        if not readings:
            return None
        day, month = readings[0]
    else:
        month, day = int(groups["m"]), int(groups["d"])
    return _dated(year, month, day, received)


def _dated(year: str | None, month: int, day: int, received: date) -> date | None:
    if year and len(year) == 2:
        year = f"20{year}"
    try:
        if year:
            return date(int(year), month, day)
        guess = date(received.year, month, day)
        return guess if guess >= received - timedelta(days=7) else date(received.year + 1,
                                                                        month, day)
    except ValueError:
        return None
