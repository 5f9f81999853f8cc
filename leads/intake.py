"""Turn one received row (file, form or API) into clean inquiry data.

Pure: no database. Every problem is a ``RowRejected`` with a sentence a rep
can act on; the row itself is kept by the caller.
"""

import functools
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email

from leads.countries import parse_country
from leads.mailproviders import is_personal_mail

CANONICAL_FIELDS = (
    "received_at", "platform", "platform_ref", "buyer_name", "company", "country", "email",
    "phone", "whatsapp", "website", "product", "quantity", "message",
)

PLATFORM_ALIASES = {
    "alibaba": "alibaba", "alibaba com": "alibaba", "alibaba international": "alibaba",
    "阿里巴巴": "alibaba", "阿里国际站": "alibaba",
    "made in china": "made-in-china", "made in china com": "made-in-china",
    "mic": "made-in-china", "中国制造网": "made-in-china",
    "email": "email", "e mail": "email", "mail": "email", "邮件": "email",
    "web": "web", "website": "web", "web form": "web", "form": "web", "官网": "web",
    "api": "api", "other": "other", "": "",
}

MAX_LENGTHS = {
    "platform_ref": 100, "buyer_name": 255, "company": 255, "email": 320, "phone": 50,
    "whatsapp": 50, "website": 500, "product": 500, "quantity": 100,
}
MAX_MESSAGE = 20_000
# Older than any B2B platform: a typo, or an empty cell read as Excel's 1900 or Unix's 1970.
EARLIEST_YEAR = 1990

_DATE_FORMATS = (
    "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M",
    "%Y.%m.%d", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y",
    "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日", "%d %b %Y %H:%M",
    "%d %b %Y", "%b %d, %Y %H:%M", "%b %d, %Y",
)
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


class RowRejected(ValueError):
    """A row that cannot become an inquiry; the message says why."""


@dataclass(frozen=True)
class InquiryData:
    platform: str
    platform_ref: str
    received_at: datetime
    received_at_given: bool
    buyer_name: str
    company_name: str
    country: str
    email: str
    phone: str
    whatsapp: str
    website: str
    product: str
    quantity: str
    message: str
    raw: dict = field(default_factory=dict)

    @property
    def email_domain(self) -> str:
        return self.email.rsplit("@", 1)[1] if "@" in self.email else ""

    @property
    def dedup_key(self) -> str:
        """Same inquiry, same key: the platform's id, else a fingerprint."""
        if self.platform_ref:
            return f"ref:{self.platform}:{self.platform_ref}"[:120]
        contact = self.email or _digits(self.phone) or _digits(self.whatsapp)
        when = self.received_at.astimezone(UTC).isoformat() if self.received_at_given else ""
        text = " ".join(self.message.split())
        digest = hashlib.sha256(f"{contact}\n{when}\n{text}".encode()).hexdigest()
        return f"fp:{digest}"

    @property
    def company_key(self) -> str | None:
        """Which company this inquiry belongs to (see ``leads.models.CompanyKey``)."""
        if self.email:
            domain = self.email_domain
            return f"email:{self.email}" if is_personal_mail(domain) else f"domain:{domain}"
        for number in (self.phone, self.whatsapp):
            if len(_digits(number)) >= 6:
                return f"phone:{_digits(number)}"
        if self.company_name:
            # Casefolding can lengthen a name ("ﬃ" -> "ffi"); CompanyKey.key holds 320.
            return f"name:{self.country}:{' '.join(self.company_name.casefold().split())}"[:320]
        return None

    @property
    def lookup_keys(self) -> list[str]:
        """Keys to look the company up by, most specific first.

        An address split off from its domain's company (``company_split``) has
        its own ``email:`` key, which wins over the ``domain:`` key.
        """
        key = self.company_key
        if key and key.startswith("domain:"):
            return [f"email:{self.email}", key]
        return [key] if key else []


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheet numbers: 13800138000.0 -> "13800138000"
    return str(value).strip()


def parse_platform(value: str, default: str) -> str:
    key = " ".join(re.sub(r"[^\w]+", " ", value.casefold()).split())
    if key in PLATFORM_ALIASES:
        return PLATFORM_ALIASES[key] or default
    raise RowRejected(
        f"platform {value!r} is not one of alibaba, made-in-china, email, web, api, other"
    )


def parse_received_at(value, tz: ZoneInfo) -> datetime:
    """Aware datetime; naive values are in ``tz`` (the team's zone, as exports are)."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time())
    else:
        text = _text(value)
        parsed = _parse_date_text(text)
        if parsed is None:
            raise RowRejected(f"received_at {text!r} is not a date; write it as YYYY-MM-DD HH:MM")
    if parsed.year < EARLIEST_YEAR:
        raise RowRejected(
            f"received_at {parsed.date().isoformat()} lies before {EARLIEST_YEAR}; check the year"
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed


def _parse_date_text(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    match = _SLASHED.match(text)
    if match:
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        clock = tuple(int(part or 0) for part in match.groups()[3:])
        if first <= 12 and second <= 12 and first != second:
            raise RowRejected(
                f"received_at {text!r} is ambiguous (day/month or month/day?); "
                "write it as YYYY-MM-DD"
            )
        day, month = (first, second) if first > 12 else (second, first)
        try:
            return datetime(year, month, day, *clock)
        except ValueError:
            return None
    return None


def parse_email(value: str) -> str:
    candidates = [part for part in re.split(r"[;,\s]+", value) if part]
    if not candidates:
        return ""
    try:
        return _normalized_email(candidates[0])
    except EmailNotValidError as exc:
        raise RowRejected(f"email {candidates[0]!r} is not a valid address: {exc}") from exc


# A file repeats its buyers: each address and country spelling is worked out once
# (most of the cost of cleaning a row), failures are not remembered.
@functools.lru_cache(maxsize=8192)
def _normalized_email(address: str) -> str:
    # Syntax only; whether the mailbox exists is the verification step's job.
    return validate_email(address, check_deliverability=False).normalized


_country_code = functools.lru_cache(maxsize=4096)(parse_country)


def clean_inquiry(
    fields: dict, *, default_platform: str, tz: ZoneInfo, raw: dict | None = None,
    now: datetime | None = None,
) -> InquiryData:
    """Validate and normalise canonical ``fields``; raise ``RowRejected`` if unusable."""
    values = {name: _text(fields.get(name)) for name in CANONICAL_FIELDS}
    values["message"] = values["message"].replace("\r\n", "\n")
    problems: list[str] = []

    def attempt(parse, *args):
        try:
            return parse(*args)
        except RowRejected as exc:
            problems.append(str(exc))
            return None

    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit:
            problems.append(f"{name} is {len(values[name])} characters long (at most {limit})")
    if len(values["message"]) > MAX_MESSAGE:
        problems.append(
            f"message is {len(values['message'])} characters long (at most {MAX_MESSAGE})"
        )

    platform = attempt(parse_platform, values["platform"], default_platform)
    email = attempt(parse_email, values["email"]) or ""

    country = ""
    if values["country"]:
        country = _country_code(values["country"]) or ""
        if not country:
            problems.append(f"country {values['country']!r} is not a known country or code")

    now = now or datetime.now(tz)
    given = bool(_text(fields.get("received_at")))
    received_at = attempt(parse_received_at, fields["received_at"], tz) if given else now
    if received_at and received_at > now + timedelta(days=1):
        problems.append(f"received_at {received_at:%Y-%m-%d %H:%M} lies in the future")

    if not (values["email"] or values["phone"] or values["whatsapp"] or values["platform_ref"]):
        problems.append(
            "no email, phone, WhatsApp or platform reference: nothing to reach or identify "
            "the buyer by"
        )
    if problems:
        raise RowRejected("; ".join(problems))
    return InquiryData(
        platform=platform,
        platform_ref=values["platform_ref"],
        received_at=received_at,
        received_at_given=given,
        buyer_name=values["buyer_name"],
        company_name=values["company"],
        country=country,
        email=email,
        phone=values["phone"],
        whatsapp=values["whatsapp"],
        website=values["website"],
        product=values["product"],
        quantity=values["quantity"],
        message=values["message"],
        raw=raw if raw is not None else {k: v for k, v in fields.items() if v not in (None, "")},
    )
