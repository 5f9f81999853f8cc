"""One next channel: how to reach a buyer next, decided in one place.

The company page, the next cadence step, its reminder and "Why no reply?" all ask
``next_channel``, so they name the same channel. Pure: plain inputs (the country's
ranking, the address's state, what is on file), a dataclass out.

- Email while it works: an address on file that has not bounced and is not risky.
  From the second step on (our email was ignored once), the country's most used
  channel we can use comes first, then email.
- A WhatsApp number is one on file as WhatsApp, or a mobile number on file where
  WhatsApp is used (``phonenumbers`` tells a mobile from a landline).
- Nothing usable: a phone number, else ask for the country's most used channel.
- Retired services (``RETIRED``) are never chosen nor asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import phonenumbers

RISKY_EMAIL = ("risky", "undeliverable")
RETIRED = frozenset({"google_hangouts"})
# Where no ranking covers the country: what overseas buyers commonly use.
COMMON = ("whatsapp", "facebook", "twitter", "instagram", "tiktok", "youtube", "skype")
# Channels a rep can reach someone on from a number or handle on file.
DIRECT = ("whatsapp", "wechat", "telegram", "phone", "skype", "linkedin", "facebook",
          "instagram", "twitter", "apple_messages", "snapchat", "discord")
MOBILE = (phonenumbers.PhoneNumberType.MOBILE,
          phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


@dataclass(frozen=True)
class OnFile:
    kind: str
    value: str
    bounced: bool = False


@dataclass(frozen=True)
class NextChannel:
    kind: str  # the channel to use, or the one to ask for when ``ask``
    value: str = ""  # the address, number or handle on file
    why: str = ""  # email | email_ignored | email_bad | ranked | mobile | phone | ask
    ask: bool = False

    @property
    def usable(self) -> bool:
        return not self.ask


def usable_ranking(ranked: list[str] | tuple[str, ...]) -> list[str]:
    """The country's ranking without retired services, or the common channels."""
    kept = [kind for kind in ranked if kind not in RETIRED]
    return kept or list(COMMON)


def mobile_number(value: str, country: str) -> str:
    """``value`` as E.164 when it is a valid mobile number (of ``country`` unless written
    with its +code), else ""."""
    try:
        number = phonenumbers.parse(value, (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in MOBILE:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def whatsapp_number(on_file: list[OnFile], country: str) -> str:
    """A number to reach on WhatsApp: one kept as WhatsApp, else a mobile on file."""
    for channel in on_file:
        if channel.kind == "whatsapp" and channel.value.strip():
            return channel.value.strip()
    for channel in on_file:
        if channel.kind == "phone":
            mobile = mobile_number(channel.value, country)
            if mobile:
                return mobile
    return ""


def next_channel(*, country: str, email_status: str, on_file: list[OnFile],
                 ranked: list[str] | tuple[str, ...], step: int = 1) -> NextChannel:
    """The channel for the next message; ``step`` 1 is the first follow-up."""
    ranking = usable_ranking(ranked)
    emails = [c for c in on_file if c.kind == "email" and c.value and not c.bounced]
    email = (NextChannel("email", emails[0].value, "email")
             if emails and email_status not in RISKY_EMAIL else None)
    mobile = whatsapp_number(on_file, country) if "whatsapp" in ranking else ""

    def reachable(kind: str) -> NextChannel | None:
        if kind == "whatsapp" and mobile:
            kept = any(c.kind == "whatsapp" for c in on_file)
            return NextChannel("whatsapp", mobile, "ranked" if kept else "mobile")
        for channel in on_file:
            if channel.kind == kind and kind != "email" and channel.value.strip():
                return NextChannel(kind, channel.value.strip(), "ranked")
        return None

    if email is not None and step <= 1:
        return email
    for kind in ranking:
        if kind == "email":
            continue
        found = reachable(kind)
        if found is not None:
            if email is None and emails:
                return NextChannel(found.kind, found.value, "email_bad")
            return found if email is None else NextChannel(found.kind, found.value,
                                                           "email_ignored")
    if email is not None:
        return email
    for kind in DIRECT:
        found = reachable(kind) if kind not in RETIRED else None
        if found is not None:
            return NextChannel(found.kind, found.value, "phone" if kind == "phone" else
                               found.why)
    return NextChannel(ranking[0], "", "ask", ask=True)


def chat_link(number: str, text: str = "") -> str:
    """WhatsApp's click-to-chat link (wa.me) for ``number``, with ``text`` prefilled."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if not digits:
        return ""
    return f"https://wa.me/{digits}" + (f"?text={quote(text)}" if text else "")
