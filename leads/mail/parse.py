"""One email message, as bytes, to what Leadqual needs of it.

Pure: no Django. ``parse_mail`` reads headers and text with the stdlib ``email``
package (``policy.default``); HTML-only messages are turned into text. Notification
emails of Alibaba.com and Made-in-China.com are recognised by sender and subject and
read into the inquiry's fields (the buyer's address is usually hidden there: then
the inquiry carries the platform's reference instead). Direct mail gets the buyer's
phone, website and company from the signature. Anything that cannot be read raises
``MailUnreadable`` with a sentence; the caller keeps the message with it.
"""

import functools
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

import phonenumbers
from selectolax.lexbor import LexborHTMLParser

from leads.countries import parse_country
from leads.domains import public_suffixes
from leads.mail import automatic as automatic_mail
from leads.mail import autoreply
from leads.mailproviders import is_personal_mail

MAX_TEXT = 19_000  # the inquiry's message holds 20,000; room for the subject line
PLATFORM_SENDERS = {
    "alibaba": ("alibaba.com", "alibaba-inc.com", "alibaba.net"),
    "made-in-china": ("made-in-china.com", "made-in-china.net"),
}
# ccTLDs that say nothing about the country (sold worldwide as generic names).
GENERIC_CCTLDS = {"io", "co", "me", "tv", "ai", "cc", "ws", "fm", "to", "ly", "gg", "app",
                  "eu", "asia"}


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_RAW_BYTES = re.compile("[\udc80-\udcff]")  # 8-bit bytes a header carried undecoded


def safe_text(text: str, charset: str = "") -> str:
    """Storable text: raw 8-bit bytes that a header carried without an encoding (the
    parser keeps them as surrogate escapes, which no database stores) read as UTF-8 when
    they are, else in ``charset`` (the message's own), else as Windows-1252; without
    control characters (PostgreSQL refuses NUL in text, and nobody wrote them)."""
    if _RAW_BYTES.search(text):
        text = _decoded(text.encode("utf-8", "surrogateescape"), charset)
    return _CONTROL.sub("", text)


def _decoded(raw: bytes, charset: str) -> str:
    for encoding in filter(None, ("utf-8", charset)):
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("cp1252", "replace")


def _hint(message: EmailMessage, text: str) -> str:
    """For ``text`` with undecoded bytes: the charset the sender's client writes in (its
    first text part's); "" otherwise (no walk through the message for clean headers)."""
    if not _RAW_BYTES.search(text):
        return ""
    for part in message.walk():
        charset = part.get_content_charset()
        if part.get_content_maintype() == "text" and charset not in (None, "us-ascii"):
            return charset
    return ""


class MailUnreadable(ValueError):
    """A message Leadqual cannot use; the text says why."""


@dataclass(frozen=True)
class ParsedMail:
    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    from_name: str
    from_address: str
    to: tuple[str, ...]
    subject: str
    sent_at: datetime | None
    text: str
    attachments: tuple[str, ...]
    platform: str  # "email", "alibaba", "made-in-china"
    auto: autoreply.AutoReply
    fields: dict = field(default_factory=dict)  # canonical inquiry fields (leads.intake)
    automatic: automatic_mail.Automatic = automatic_mail.Automatic(automatic_mail.HUMAN)

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Message-IDs this one answers: In-Reply-To first, then References, newest first."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        ids += [ref for ref in reversed(self.references) if ref not in ids]
        return tuple(ids)


def read_message(raw: bytes) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(raw)


def parse_mail(raw: bytes, *, today: date | None = None) -> ParsedMail:
    if not raw or not raw.strip():
        raise MailUnreadable("the message is empty")
    message = read_message(raw)
    unreadable = ""
    try:
        from_name, from_address = _sender(message)
    except (ValueError, IndexError, TypeError) as exc:
        from_name, from_address = "", ""
        unreadable = f"the From header cannot be read: {exc}"
    if not from_address and (message.get_content_type() == "multipart/report"
                             or str(message.get("Return-Path", "")).strip() == "<>"
                             or message.get("Auto-Submitted") or automatic_mail.NOTICE_SUBJECT
                             .search(_header(message, "Subject"))):
        from_address = "mailer-daemon"  # a delivery report may come from nobody (or garble it)
    if not from_address:
        raise MailUnreadable(unreadable or "the message has no sender address (From)")
    subject = _header(message, "Subject")
    sent_at = _date(message)
    text = message_text(message)
    attachments = attachment_names(message)
    received = (sent_at.date() if sent_at else today) or datetime.now(UTC).date()
    platform = platform_of(from_address, subject)
    signature = Signature()
    if platform == "email":
        signature = signature_fields(text, sender_country=country_of_domain(from_address))
    auto = autoreply.detect(message, text, received=received,
                            month_first=(signature.country or country_of_domain(from_address))
                            in ("US", "CA", "PH"))
    kind = automatic_mail.classify(message, text, auto=auto, platform=platform,
                                   from_address=from_address, from_name=from_name,
                                   subject=subject)
    parsed = ParsedMail(
        automatic=kind,
        message_id=_msgid(_header(message, "Message-ID")),
        in_reply_to=_msgid(_header(message, "In-Reply-To")),
        references=tuple(_msgids(_header(message, "References"))),
        from_name=from_name, from_address=from_address,
        to=tuple(safe_text(addr.lower()) for _, addr in getaddresses(
            [str(v) for v in message.get_all("To", [])]) if addr),
        subject=subject, sent_at=sent_at, text=text, attachments=attachments,
        platform=platform, auto=auto,
    )
    if platform == "email":
        fields = direct_fields(parsed, signature)
    else:
        fields = notification_fields(platform, subject, text)
        fields.setdefault("received_at", sent_at.isoformat() if sent_at else "")
    return ParsedMail(**{**parsed.__dict__, "fields": fields})


# --- headers ------------------------------------------------------------------


def _header(message: EmailMessage, name: str) -> str:
    raw = str(next((v for k, v in message.raw_items() if k.lower() == name.lower()), ""))
    try:
        value = str(message.get(name) or "")
    except (ValueError, IndexError, TypeError, AttributeError):
        value = raw  # a header the policy cannot parse: its raw text, as the sender wrote it
    if _RAW_BYTES.search(raw) and "=?" not in raw:
        value = raw  # 8-bit bytes without an encoding: read them, not their replacement
    return safe_text(" ".join(value.split()), _hint(message, value))


def _sender(message: EmailMessage) -> tuple[str, str]:
    header = message.get("From")
    if header is None:
        return "", ""
    addresses: tuple[Address, ...] = getattr(header, "addresses", ())
    if addresses:
        name, address = addresses[0].display_name.strip('" '), addresses[0].addr_spec.strip("<>")
    else:
        name, address = getaddresses([str(header)])[0]
    return (safe_text(name.strip(), _hint(message, name)),
            safe_text(address.lower(), _hint(message, address)))


def _date(message: EmailMessage) -> datetime | None:
    value = _header(message, "Date")
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


_MSGID = re.compile(r"<[^<>\s]+>")


def _msgid(value: str) -> str:
    ids = _msgids(value)
    if ids:
        return ids[0]
    bare = value.strip().strip("<>").strip()
    return f"<{bare[:498]}>" if bare and not any(c in bare for c in "<> ") else ""


def _msgids(value: str) -> list[str]:
    return [found[:500] for found in _MSGID.findall(value or "")]


# --- text ---------------------------------------------------------------------


def message_text(message: EmailMessage) -> str:
    """The readable text: the plain part, else the HTML part turned into text."""
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    content = part_text(body)
    if body.get_content_subtype() == "html":
        content = html_to_text(content)
    lines = [line.rstrip() for line in content.replace("\r\n", "\n").split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return safe_text(text)[:MAX_TEXT]


def part_text(part: EmailMessage) -> str:
    """A text part's content; an unknown or lying charset read as UTF-8 with
    replacements."""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, AssertionError, KeyError):  # unknown or lying charset
        content = part.get_payload(decode=True) or b""
    return content if isinstance(content, str) else content.decode("utf-8", "replace")


_BLOCKS = "p,div,tr,li,h1,h2,h3,h4,h5,h6,table,blockquote,section,article,header,footer,ul,ol"


def html_to_text(html: str) -> str:
    tree = LexborHTMLParser(html)
    for node in tree.css("style,script,head,title"):
        node.decompose()
    for node in tree.css("br"):
        node.replace_with("\n")
    for node in tree.css("td,th"):
        node.insert_after(" ")
    for node in tree.css(_BLOCKS):
        node.insert_after("\n")
    for node in tree.css("a[href]"):
        href = node.attributes.get("href") or ""
        label = node.text(deep=True).strip()
        if href.startswith("http") and href != label:
            node.insert_after(f" <{href}>")
    root = tree.body or tree.root
    text = root.text(deep=True, separator="") if root is not None else ""
    return "\n".join(" ".join(line.split()) for line in text.split("\n"))


def attachment_names(message: EmailMessage) -> tuple[str, ...]:
    names = []
    for part in message.iter_attachments():
        name = part.get_filename()
        if name:
            names.append(safe_text(str(name))[:255])
    return tuple(names)


REPLY_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pl", "sv", "da", "cs", "zh", "ja",
                   "ko"]
# Headers of the quoted earlier message that mail-parser-reply does not know yet.
_QUOTE_HEADERS = re.compile(
    r"^(?:-{2,}\s*(?:Original Message|Mensagem original|Mensaje original|Message d'origine|"
    r"Исходное сообщение|Orijinal Mesaj|原始邮件|原始郵件)\s*-{2,}|"
    r"Em .{5,200} escreveu:$|.{5,200} tarihinde .{0,200} yazdı:$|.{5,200} написал.{0,20}:$|"
    r"Pada .{5,200} menulis:$|Vào .{5,200} đã viết:$|在 .{5,200} 写道[:：]$|"
    r"Le .{5,200} a écrit\s*:$|El .{5,200} escribió:$|Am .{5,200} schrieb .*:$|"
    r"On .{5,200} wrote:$|From: .+$|发件人[:：]|寄件者[:：])",
    re.MULTILINE | re.IGNORECASE)


@functools.cache
def _reply_parser():
    from mailparser_reply import EmailReplyParser

    return EmailReplyParser(languages=REPLY_LANGUAGES)


def _reply(text: str):
    """(new text with its signature, the same without it) of a reply."""
    cut = _QUOTE_HEADERS.search(text)
    head = text[:cut.start()] if cut else text
    try:
        replies = _reply_parser().read(head).replies
    except Exception:  # noqa: BLE001 - a parser's failure keeps the whole text
        return head.strip(), head.strip()
    if not replies:
        return head.strip(), head.strip()
    content = replies[0].content.strip() or head.strip()
    return content, replies[0].body.strip() or content


def strip_quoted(text: str) -> str:
    """The new part of a reply, without the quoted history and the signature
    (mail-parser-reply, in the languages buyers write; quote headers of Portuguese,
    Russian, Turkish, Indonesian and Vietnamese mail programs cut here first, and the
    sign-offs it does not know: "Saludos", "Atenciosamente", "С уважением" ...)."""
    body = _reply(text)[1]
    sign_off = _SIGN_OFF.search(body)
    if sign_off and body[:sign_off.start()].strip():
        body = body[:sign_off.start()].strip()
    return body


def without_quotes(text: str) -> str:
    """The new part of a message with its signature (where the phone and website are)."""
    return _reply(text)[0]


# --- platforms ----------------------------------------------------------------


def platform_of(address: str, subject: str) -> str:
    domain = address.rsplit("@", 1)[-1]
    for platform, domains in PLATFORM_SENDERS.items():
        if any(domain == d or domain.endswith("." + d) for d in domains):
            return platform
    return "email"


# Label spellings in the notifications, English and Chinese.
NOTIFICATION_LABELS = {
    "buyer_name": ("buyer", "buyer name", "sender", "from", "contact person", "contact",
                   "买家", "买家姓名", "联系人", "发件人"),
    "company": ("company", "company name", "buyer company", "公司", "公司名称", "买家公司"),
    "country": ("country", "country/region", "country / region", "region", "国家",
                "国家/地区"),
    "email": ("email", "e-mail", "buyer email", "邮箱", "电子邮箱"),
    "phone": ("tel", "telephone", "phone", "mobile", "mobile phone", "电话", "手机"),
    "website": ("website", "homepage", "公司网址", "网址"),
    "product": ("product", "product name", "products", "inquiry product", "subject",
                "询盘产品", "产品", "主题"),
    "quantity": ("quantity", "purchase quantity", "order quantity", "采购数量", "采购量",
                 "数量"),
    "platform_ref": ("inquiry id", "inquiry no", "inquiry no.", "inquiry number",
                     "询盘编号", "询盘id"),
    "message": ("message", "content", "inquiry content", "inquiry details", "询盘内容",
                "内容", "留言"),
}
_LABEL_OF = {label: name for name, labels in NOTIFICATION_LABELS.items() for label in labels}
_LABEL_LINE = re.compile(r"^\s*([^:：\n]{1,40}?)\s*[:：]\s*(.*)$")
_REF_IN_LINK = re.compile(r"[?&](?:inquiryId|inqId|id|feedbackId)=(\w{4,40})", re.IGNORECASE)
_END_OF_MESSAGE = re.compile(
    r"^\s*(?:reply|view|log in|sign in|click|to reply|please reply|回复|查看|登录)",
    re.IGNORECASE)


def notification_fields(platform: str, subject: str, text: str) -> dict:
    """The inquiry's fields from a platform's notification email."""
    fields: dict = {"platform": platform}
    message_lines: list[str] | None = None
    for line in text.split("\n"):
        match = _LABEL_LINE.match(line)
        name = _LABEL_OF.get(match[1].strip().casefold().rstrip(".")) if match else None
        if name == "message" and match:
            message_lines = [match[2].strip()] if match[2].strip() else []
            continue
        if message_lines is not None and name is None:
            if _END_OF_MESSAGE.match(line):
                break
            message_lines.append(line.strip())
            continue
        if name and match and match[2].strip() and name not in fields:
            message_lines = None
            value = match[2].strip()
            fields[name] = re.sub(r"\s+", "", value) if name == "platform_ref" else value
    if message_lines:
        fields["message"] = "\n".join(message_lines).strip()
    if "platform_ref" not in fields:
        link = _REF_IN_LINK.search(text)
        if link:
            fields["platform_ref"] = link[1]
    fields.setdefault("buyer_name", _buyer_from_subject(subject))
    if "product" not in fields:
        quoted = re.search(r"[\"“'‘]([^\"”'’]{3,200})[\"”'’]", subject)
        after = re.search(r"new inquiry\s*[:：]\s*(.+?)(?:\s+from\s+.+)?$", subject, re.I)
        if quoted or after:
            fields["product"] = (quoted or after)[1].strip()
    email = fields.get("email", "")
    if "*" in email or "@" not in email:
        # The platform hides the buyer's address ("m***@aqualimpia.es"): keep what it shows.
        fields.pop("email", None)
        if email:
            fields["email_shown"] = email
    link = re.search(rf"<?(https?://[^\s<>]*{re.escape(PLATFORM_SENDERS[platform][0])}[^\s<>]*)",
                     text)
    if link:
        fields["platform_link"] = link[1].rstrip(">")
    return fields


def _buyer_from_subject(subject: str) -> str:
    match = re.search(r"\bfrom\s+(.+?)(?:\s+(?:about|regarding|for|on)\b.*)?$", subject, re.I)
    return match[1].strip().strip("\"'") if match else ""


# --- direct mail: the signature ---------------------------------------------


@dataclass(frozen=True)
class Signature:
    phone: str = ""
    website: str = ""
    company: str = ""
    country: str = ""


_SIGN_OFF = re.compile(
    r"^\s*(?:--\s*|best regards|kind regards|warm regards|regards|best wishes|best|"
    r"thanks(?: and regards| & regards)?|thank you|many thanks|sincerely|yours(?: sincerely| "
    r"faithfully| truly)?|cheers|mit freundlichen grüßen|mit freundlichen gruessen|"
    r"viele grüße|beste grüße|freundliche grüße|cordialement|bien à vous|salutations|"
    r"saludos(?: cordiales)?|atentamente|un saludo|cordiali saluti|distinti saluti|"
    r"atenciosamente|abraços|с уважением|此致|敬礼|谢谢|顺祝商祺)[,.!]?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_LEGAL_FORM = re.compile(
    r"\b(?:ltd|limited|llc|l\.l\.c|inc|incorporated|corp|corporation|co\.|company|gmbh|ag|"
    r"kg|ohg|s\.?a\.?s?|s\.?l\.?u?|s\.?r\.?l|s\.?p\.?a|b\.?v|n\.?v|pty|plc|llp|oy|a/s|"
    r"sp\. z o\.o\.|ltda|eirl|sarl|s\.?a\.? de c\.?v|pvt|trading|industries|group|"
    r"enterprises?|solutions|systems|technologies|engineering)\b\.?|有限公司|株式会社",
    re.IGNORECASE,
)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\"']+|(?<![@\w.-])[a-z0-9][a-z0-9-]{1,62}(?:\.[a-z0-9-]{1,"
                  r"62})*\.[a-z]{2,12}\b(?![@\w])", re.IGNORECASE)


def signature_block(text: str) -> str:
    """The lines after the last sign-off ("Best regards", "--", "Mit freundlichen Grüßen"),
    else the last lines of the message."""
    text = without_quotes(text)
    sign_offs = list(_SIGN_OFF.finditer(text))
    if sign_offs:
        return text[sign_offs[-1].end():].strip()[:1500]
    return "\n".join(text.strip().split("\n")[-6:])


def signature_fields(text: str, *, sender_country: str = "") -> Signature:
    block = signature_block(text)
    if not block:
        return Signature(country=sender_country)
    phone, phone_country = "", ""
    for match in phonenumbers.PhoneNumberMatcher(block, sender_country or None):
        phone = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        phone_country = phonenumbers.region_code_for_number(match.number) or ""
        break
    website = ""
    for match in _URL.finditer(block):
        candidate = match[0].rstrip(".,;:")
        host = re.sub(r"^https?://", "", candidate, flags=re.I).split("/")[0].lower()
        registered = public_suffixes(host).top_domain_under_public_suffix
        if not registered or is_personal_mail(registered) or "@" in candidate:
            continue
        if any(registered.endswith(d) for ds in PLATFORM_SENDERS.values() for d in ds):
            continue
        website = candidate if candidate.lower().startswith("http") else f"https://{candidate}"
        break
    company = ""
    for line in block.split("\n")[:8]:
        line = line.strip(" |-–•")
        if 2 < len(line) <= 120 and _LEGAL_FORM.search(line) and "@" not in line \
                and not _URL.fullmatch(line):
            company = line
            break
    return Signature(phone=phone, website=website, company=company,
                     country=sender_country or (phone_country if phone_country != "ZZ" else ""))


def country_of_domain(address: str) -> str:
    suffix = public_suffixes(address.rsplit("@", 1)[-1]).suffix
    cctld = suffix.rsplit(".", 1)[-1].lower()
    if len(cctld) != 2 or cctld in GENERIC_CCTLDS:
        return ""
    return parse_country("GB" if cctld == "uk" else cctld.upper()) or ""


def direct_fields(parsed: ParsedMail, signature: Signature) -> dict:
    body = parsed.text
    if parsed.attachments:
        body += "\n\n[" + ", ".join(parsed.attachments) + "]"
    return {
        "platform": "email",
        "received_at": parsed.sent_at.isoformat() if parsed.sent_at else "",
        "buyer_name": parsed.from_name if parsed.from_name != parsed.from_address else "",
        "email": parsed.from_address,
        "company": signature.company,
        "country": signature.country,
        "phone": signature.phone,
        "website": signature.website,
        "message": (f"{parsed.subject}\n\n{body}" if parsed.subject else body).strip(),
    }
