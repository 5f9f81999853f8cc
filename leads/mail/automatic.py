"""Automatic mail read for what it is, before anything takes it for a buyer's. Pure.

``classify(message, text, auto, platform)`` answers with a ``Automatic`` whose kind is:

* ``bounce_hard`` / ``bounce_soft`` / ``delay``: delivery status notifications (RFC 3464
  ``multipart/report; report-type=delivery-status``, read field by field) and the
  non-standard bounce texts of the common servers (Exim, qmail, Yahoo, Exchange, the
  Chinese providers ...: flufl.bounce, Mailman's bounce detectors, finds the failed
  recipients; the status and the diagnostic are read next to them). Hard: the address
  cannot receive mail (5.x.x but a full mailbox or a message too large); soft: it
  failed for a reason that passes (4.x.x, 5.2.2, 5.3.4, 5.4.7); delay: still trying.
* ``arf``: abuse and feedback-loop reports (RFC 5965);
* ``dmarc_aggregate``: DMARC aggregate reports (RFC 7489 appendix C);
* ``read_receipt``: message disposition notifications (RFC 8098) and Outlook's "Read:";
* ``auto_reply``: out-of-office and other RFC 3834 answers (``autoreply.detect``);
* ``challenge_response``: "confirm you are human" sender checks;
* ``list_mail``: mailing lists and newsletters (List-Id, Precedence: bulk/list);
* ``human``: everything else (a person wrote it, even if it says "delivery failed").

Automatic mail is never an inquiry and never a reply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from email.message import EmailMessage, Message
from email.parser import HeaderParser
from email.utils import getaddresses

BOUNCES = ("bounce_hard", "bounce_soft", "delay")
KINDS = (*BOUNCES, "arf", "dmarc_aggregate", "read_receipt", "auto_reply",
         "challenge_response", "list_mail")
HUMAN = "human"
SOFT_STATUSES = ("5.2.2", "5.3.4", "5.4.7", "5.2.3")  # full, too large, expired: passes
DAEMONS = re.compile(r"^(mailer[-_]?daemon|post_?master|mail[-_]?daemon|mail\.?delivery|"
                     r"mdaemon|bounces?|noreply-dsn|nobody|returned|devnull|smtp)\b", re.I)
# Accounts that only machines write from, wherever the token sits in the local part
# ("E500_SMTP_Mail_Service", "Symantec_AntiVirus_for_SMTP_Gateways", "no-reply"): with a
# bounce subject they speak for a mail system, never for a buyer.
SYSTEM_SENDERS = re.compile(r"daemon|postmaster|mailer|smtp|mail[-_.]?(service|system|delivery|"
                            r"admin)|anti-?virus|no-?reply", re.I)
# An administrator's account ("admin", "System Administrator") is also a person's: with a
# bounce subject its message is a bounce only when it names a failed recipient.
ADMIN_SENDERS = re.compile(r"admin", re.I)
DAEMON_NAMES = re.compile(r"mail delivery (sub)?system|mailer.?daemon|postmaster|"
                          r"microsoft outlook|系统退信|退信|mail administrator", re.I)
BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered mail|returned mail|mail delivery fail|delivery (status )?"
    r"notification|delivery failure|failure notice|non.?deliver|nondeliverable|"
    r"could not be delivered|message not delivered|delivery has failed|"
    r"returned to sender|unzustellbar|nicht zugestellt|non remis|no entregado|"
    r"não entregue|退信|未能送达|投递失败|发送失败|недоставлен|не доставлено|"
    r"delivery problem|mail system error|mail error|rejected:|bounce (notification|notice)|"
    r"メール.{0,4}エラー|エラー.{0,2}通知|不達|未達", re.I)
DELAY_SUBJECT = re.compile(r"delay|still being retried|warning: message|delivery warning|"
                           r"not yet been delivered|verzögert|retardé|延迟", re.I)
# The subject of a mail server's notice, a bounce or a delay.
NOTICE_SUBJECT = re.compile(f"{BOUNCE_SUBJECT.pattern}|{DELAY_SUBJECT.pattern}", re.I)
# A notice that only says the message waits ("delayed", "will continue to try") and nowhere
# that delivery was given up is a delay, whatever its subject ("...: warning").
DELAY_BODY = re.compile(r"\bdelayed\b|temporary failure|not yet been delivered|will (continue|"
                        r"keep) (to )?(try|retry|attempt)|delivery attempts will continue|do not "
                        r"need to re-?send|warning message only", re.I)
GIVEN_UP = re.compile(r"permanent(ly)?|given up|giving up|could not be delivered|"
                      r"was not delivered|not going to try again|failed", re.I)
DMARC_FAILURE = re.compile(r"dmarc (forensic|failure) report|authentication[- ]failure report",
                           re.I)
FORWARDED = re.compile(r"^\s*(fwd?|fw|tr|wg|rv|re|aw|sv|vs|转发|回复|答复)\s*[:：]", re.I)
CHALLENGE = re.compile(
    r"(verify|confirm|prove)( that)? you are (a |an )?(real |live |real live )*(human|person|"
    r"sender|not (a )?(robot|spam))|held until you (confirm|verify)|sender verification|"
    r"challenge.?response|boxbe|spamarrest|boxtrapper|choicemail|verification required|"
    r"requires? (your )?verification|awaiting your verification|approved senders? list|"
    r"confirmar que usted es una persona|bestätigen,? dass sie ein mensch|"
    r"confirmer que vous (êtes|etes) (un humain|une personne)|验证您是真人", re.I)
FAILURE_WORDS = re.compile(r"\b(error|fail(ed|ure)?|invalid|unknown|rejected|undeliver\w*|"
                           r"not delivered|(could|can)( ?not| not be) deliver\w*|no such)\b", re.I)
STATUS = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
SMTP_CODE = re.compile(r"(?<![\d.])(5[0-5]\d|4[2-5]\d)(?![\d.])[ ,:;-]")
# What the servers' words imply when they give no enhanced status code (RFC 3463).
IMPLIED = [
    (re.compile(r"quota|mailbox (is )?full|over ?quota|storage|insufficient space|disk space|容量|"
                r"空间不足|已满|переполнен", re.I), "5.2.2"),
    (re.compile(r"too (large|big)|size limit|exceeds? (the )?(maximum|size|limit)|"
                r"message size|过大|超过.{0,6}大小", re.I), "5.3.4"),
    (re.compile(r"disabled|deactivated|inactive|suspended|blocked account|停用|冻结", re.I),
     "5.2.1"),
    (re.compile(r"domain (name )?not found|no such domain|host (or domain name )?not found|"
                r"unrouteable|nxdomain|域名不存在|domain does not exist", re.I), "5.1.2"),
    (re.compile(r"time(d)? ?out|timeout|connection refused|not reachable|unreachable|"
                r"temporar|try again later|retry", re.I), "4.4.1"),
    (re.compile(r"no such (user|mailbox|recipient)|user unknown|unknown (user|recipient)|"
                r"does not exist|doesn't exist|not exist|not found|not listed|invalid "
                r"(recipient|address|mailbox)|no mailbox|mailbox unavailable|address "
                r"rejected|recipient rejected|用户不存在|收件人不存在|地址不存在|見つかりません|"
                r"存在しません|リストにありません|"
                r"не существует|нет такого", re.I), "5.1.1"),
]
ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
RETURNED_COPY = ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers")
MESSAGE_ID = re.compile(r"^message-id:\s*(<[^>\s]+>)", re.I | re.M)


@dataclass(frozen=True)
class Failure:
    address: str
    status: str = ""  # "5.1.1", "" when the report carries none
    diagnostic: str = ""
    action: str = "failed"  # failed, delayed

    @property
    def permanent(self) -> bool:
        """A failure that condemns the address: 5.x.x, but not a full mailbox or a message
        too large, by its code or by the server's own words beside a vaguer code
        ("5.0.0 … Mailbox size limit", "5.7.0 … exceeded its disk space")."""
        return self.action == "failed" and self.status.startswith("5") and not any(
            code.startswith(SOFT_STATUSES) for code in (self.status, _implied(self.diagnostic)))


@dataclass(frozen=True)
class Automatic:
    kind: str
    reason: str = ""
    failures: tuple[Failure, ...] = ()
    original_message_id: str = ""

    @property
    def automatic(self) -> bool:
        return self.kind != HUMAN

    @property
    def bounce(self) -> bool:
        return self.kind in BOUNCES


def classify(message: EmailMessage, text: str, *, auto=None, platform: str = "email",
             from_address: str = "", from_name: str = "", subject: str = "") -> Automatic:
    text = text or _all_text(message)  # a part with a broken boundary holds the words
    subject = _jis_subject(message) or subject
    content = message.get_content_type()
    report = (message.get_param("report-type") or "").lower() if content == \
        "multipart/report" else ""
    if report == "delivery-status" or any(
            part.get_content_type() == "message/delivery-status" for part in message.walk()):
        return _dsn(message)  # also a report wrapped in multipart/mixed
    if report in ("feedback-report", "abuse-report") or message.get(
            "X-HmXmrOriginalRecipient") or re.match(r"^\s*complaint about message from",
                                                    subject, re.I) or DMARC_FAILURE.search(
            subject) or any(part.get_content_type() == "message/feedback-report"
                            for part in message.walk()):
        return Automatic("arf", "abuse or feedback report (RFC 5965, or Hotmail's)")
    if report == "disposition-notification":
        return Automatic("read_receipt", "message disposition notification (RFC 8098)")
    if _dmarc(message, subject):
        return Automatic("dmarc_aggregate", "DMARC aggregate report")
    if platform != "email":
        return Automatic(HUMAN)  # a marketplace's notification of a buyer's inquiry
    local_part = from_address.partition("@")[0]
    daemon = bool(DAEMONS.match(local_part) or DAEMON_NAMES.search(from_name))
    # The envelope sender of a report is empty (RFC 5321 4.5.5), or a relay wrote its own
    # daemon there ("MAILER-DAEMON@host") whatever the From says.
    return_path = str(message.get("Return-Path", "")).strip().strip("<>")
    null_sender = "Return-Path" in message and (
        not return_path or bool(DAEMONS.match(return_path.partition("@")[0])))
    forwarded = bool(FORWARDED.match(subject))
    notice_subject = bool(NOTICE_SUBJECT.search(subject))
    # A null sender is for delivery reports only (RFC 5321 4.5.5): one that returns a copy
    # of a message and speaks of a failure is a bounce whatever its subject says.
    report_text = _all_text(message, quoted=False)[:3000]
    returned_copy = null_sender and not forwarded and _has_returned_copy(message) and bool(
        FAILURE_WORDS.search(report_text)) and not CHALLENGE.search(f"{subject}\n{report_text}")
    if daemon or returned_copy or (not forwarded and notice_subject and (
            null_sender or SYSTEM_SENDERS.search(local_part))):
        found = _non_standard(message, text, subject)
        if found is not None:
            return found
        if daemon and FAILURE_WORDS.search(text[:3000]):
            return Automatic("bounce_hard", "a mail server's failure notice without a "
                             "readable recipient", original_message_id=_quoted_id(text))
    elif not forwarded and BOUNCE_SUBJECT.search(subject) and ADMIN_SENDERS.search(local_part):
        found = _non_standard(message, text, subject)
        body = _all_text(message, quoted=False) or text
        if found is not None and any(_server_reply_near(body, f.address) for f in found.failures):
            return found
    if _receipt(message, subject):
        return Automatic("read_receipt", "read receipt")
    if CHALLENGE.search(f"{subject}\n{text[:2000]}"):
        return Automatic("challenge_response", "sender verification challenge")
    if auto is not None and auto.automatic:
        return Automatic("auto_reply", auto.reason)
    precedence = str(message.get("Precedence", "")).strip().lower()
    if message.get("List-Id") or precedence in ("bulk", "list", "junk"):
        return Automatic("list_mail", "mailing list or bulk mail (List-Id, Precedence)")
    if message.get("List-Unsubscribe") and not message.get("In-Reply-To"):
        return Automatic("list_mail", "newsletter (List-Unsubscribe)")
    return Automatic(HUMAN)


# --- RFC 3464 -------------------------------------------------------------------------


def _dsn(message: EmailMessage) -> Automatic:
    failures: list[Failure] = []
    original = ""
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            failures += _status_fields(part)
        elif kind in RETURNED_COPY:
            original = original or _original_id(part)
    if not failures:  # a broken report (no boundary ...): its fields as plain text
        failures = _fields_in_text(_all_text(message))
        original = original or _quoted_id(_all_text(message))
    failures = _addressed(message, failures)
    if not failures:  # a report without readable fields: as the servers' own texts
        found = _non_standard(message, _all_text(message), str(message.get("Subject", "")))
        if found is not None:
            return found
        return Automatic("bounce_hard", "delivery status report without recipients",
                         original_message_id=original)
    return _verdict(failures, "delivery status notification (RFC 3464)", original)


def _addressed(message: Message, failures: list[Failure]) -> list[Failure]:
    """Failures named by no mail address take Exim's X-Failed-Recipients, one for one;
    those still without one are left to the report's text."""
    unaddressed = sum(not ADDRESS.fullmatch(f.address) for f in failures)
    named = recipients_of(str(message.get("X-Failed-Recipients", "")))
    if not unaddressed or len(named) != unaddressed:
        return [f for f in failures if ADDRESS.fullmatch(f.address)]
    names = iter(named)
    return [f if ADDRESS.fullmatch(f.address) else replace(f, address=next(names))
            for f in failures]


def _status_fields(part: Message) -> list[Failure]:
    """The per-recipient field groups of a message/delivery-status part."""
    payload = part.get_payload()
    blocks: list[Message] = []
    if isinstance(payload, list):  # the email package parsed the groups as messages
        blocks = [block for block in payload if isinstance(block, Message)]
    else:
        raw = payload if isinstance(payload, str) else (part.get_payload(decode=True) or b""
                                                         ).decode("utf-8", "replace")
        blocks = [HeaderParser().parsestr(chunk) for chunk in re.split(r"\r?\n\s*\r?\n", raw)
                  if chunk.strip()]
    return _status_fields_of(blocks)


# Action values as servers write them ("failed (Bad destination mailbox address)",
# "failure", "expired") to RFC 3464's; delivered, relayed, expanded: nothing went wrong.
ACTIONS = {"failed": "failed", "failure": "failed", "expired": "failed", "delayed": "delayed",
           "delay": "delayed"}


def _status_fields_of(blocks: list[Message]) -> list[Failure]:
    failures = []
    for block in blocks:
        address = _recipient(block)
        action = ACTIONS.get((_field(block, "Action").lower().split() or [""])[0], "")
        if not address or not action:
            continue
        diagnostic = " ".join(_field(block, "Diagnostic-Code").split(";", 1)[-1].split())
        status = _field(block, "Status")
        # no Status field, or an SMTP reply in it ("553 Exceeded maximum inbound message
        # size"): the enhanced code the diagnostic carries, else what the reply tells
        match = STATUS.search(status) or STATUS.search(diagnostic)
        failures.append(Failure(
            address=address.lower(), status=match.group(0) if match else _reply_status(
                f"{status} {diagnostic} "), diagnostic=(diagnostic or status)[:500],
            action=action))
    return failures


def _reply_status(words: str) -> str:
    """The status an SMTP reply without an enhanced code stands for: what its words imply,
    in the reply's class, else the bare class."""
    reply = SMTP_CODE.search(words)
    if not reply:
        return ""
    return _implied(words, reply.group(1)) or f"{reply.group(1)[0]}.0.0"


def _recipient(block: Message) -> str:
    """Final-Recipient, or Original-Recipient where the final one is no mail address (an
    X.400 O/R name behind a gateway, a mailbox file, a pipe)."""
    addresses = [_field(block, name).split(";", 1)[-1].strip().strip("<>").strip()
                 for name in ("Final-Recipient", "Original-Recipient")]
    return next((a for a in addresses if ADDRESS.fullmatch(a)), addresses[0])


def _fields_in_text(text: str) -> list[Failure]:
    """RFC 3464 per-recipient fields found in plain text (a report whose MIME is broken)."""
    failures = []
    for chunk in re.split(r"\r?\n\s*\r?\n", text):
        if re.search(r"^(final|original)-recipient\s*:", chunk, re.I | re.M) and re.search(
                r"^action\s*:", chunk, re.I | re.M):
            block = HeaderParser().parsestr(chunk.strip() + "\n")
            failures += _status_fields_of([block])
    return failures


def _field(block: Message, name: str) -> str:
    value = block.get(name)
    return " ".join(str(value).split()) if value is not None else ""


def _verdict(failures: list[Failure], how: str, original: str) -> Automatic:
    if all(f.action == "delayed" for f in failures):
        return Automatic("delay", f"{how}: delivery delayed, still being tried",
                         tuple(failures), original)
    failed = [f for f in failures if f.action == "failed"]
    kind = "bounce_hard" if any(f.permanent for f in failed) else "bounce_soft"
    return Automatic(kind, how, tuple(failed), original)


def _original_id(part: Message) -> str:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        value = payload[0].get("Message-ID", "")
        if value:
            return " ".join(str(value).split())
    text = payload if isinstance(payload, str) else (part.get_payload(decode=True) or b""
                                                     ).decode("utf-8", "replace")
    match = MESSAGE_ID.search(text or "")
    return match.group(1) if match else ""


# --- The servers' own texts -------------------------------------------------------------


def _non_standard(message: EmailMessage, text: str, subject: str) -> Automatic | None:
    """Bounce texts without RFC 3464 fields: flufl.bounce finds the recipients."""
    from flufl.bounce import all_failures

    try:
        temporary, permanent = all_failures(message)
    except Exception:  # noqa: BLE001 - a detector's bug must not lose the message
        temporary, permanent = frozenset(), frozenset()
    # the report's own parts: the text a reader is shown may be the returned copy
    body = _all_text(message, quoted=False) or text
    original = _original_of(message) or _quoted_id(body) or _quoted_id(text)
    addresses = {_decode(a) for a in permanent} | {_decode(a) for a in temporary}
    addresses -= _not_failed(message, body)
    if not addresses:
        addresses = _addresses_near_errors(body) - _not_failed(message, body)
    report = _report_part(body)[:2000]
    delayed = bool(DELAY_SUBJECT.search(subject)) and not BOUNCE_SUBJECT.search(subject) \
        or (bool(temporary) and not permanent and "delay" in report.lower()) \
        or bool(DELAY_BODY.search(report) and not GIVEN_UP.search(report))
    if not addresses:
        if DELAY_SUBJECT.search(subject) and not BOUNCE_SUBJECT.search(subject):
            return Automatic("delay", "delivery delayed (no recipient named)",
                             original_message_id=original)
        return Automatic("bounce_hard", "bounce without a readable recipient",
                         original_message_id=original) if BOUNCE_SUBJECT.search(
            subject) else None
    failures = []
    for address in sorted(addresses):
        status, diagnostic = _status_near(body, address)
        action = "delayed" if delayed else "failed"
        if not status and action == "failed":  # no code, no telling words: flufl's verdict
            status = "5.0.0" if address in {_decode(a) for a in permanent} or not temporary \
                else "4.0.0"
        failures.append(Failure(address=address, status=status, diagnostic=diagnostic,
                                action=action))
    return _verdict(failures, "bounce message", original)


def _jis_subject(message: Message) -> str:
    """A Subject in raw ISO-2022-JP, as Japanese mail systems still write it, unencoded."""
    raw = next((str(value) for name, value in message.raw_items()
                if name.lower() == "subject"), "")
    if "\x1b$" not in raw:
        return ""
    try:
        return " ".join(raw.encode("ascii", "surrogateescape").decode("iso-2022-jp").split())
    except (UnicodeError, LookupError):
        return ""


def _original_of(message: Message) -> str:
    """The Message-ID of the copy of our message a report returns."""
    return next((found for part in message.walk() if part.get_content_type() in RETURNED_COPY
                 and (found := _original_id(part))), "")


def _has_returned_copy(message: EmailMessage) -> bool:
    return any(part.get_content_type() in RETURNED_COPY for part in message.walk())


def _not_failed(message: EmailMessage, body: str) -> set[str]:
    """Addresses a bounce names that did not fail: the report's own recipient (us), the
    sender of the quoted original, anything shaped like a Message-ID."""
    skip = {""}
    for name in ("To", "Delivered-To", "X-Original-To"):
        skip |= set(recipients_of(str(message.get(name, ""))))
    for line in body.splitlines():
        if re.match(r"^\s*(from|return-path|message-id|sender|mail from)\s*:", line, re.I):
            skip |= {a.lower() for a in ADDRESS.findall(line)}
        for quoted_id in re.findall(r"<([^<>@\s]+@[^<>\s]+)>", line) if re.match(
                r"^\s*(message-id|in-reply-to|references)\s*:", line, re.I) else ():
            skip.add(quoted_id.lower())
    return skip


def _decode(address) -> str:
    if isinstance(address, bytes):
        address = address.decode("utf-8", "replace")
    address = str(address).strip().strip("<>").lower()
    return address if "@" in address else ""


ORIGINAL_START = re.compile(r"^.{0,20}(returned message|original message(?! was)|message "
                            r"headers? follows?|original message headers|原邮件|原始邮件|"
                            r"below this line is a copy|rfc822-headers|this is a copy of|"
                            r"copy of the (original )?message|undelivered message "
                            r"follows|return-path: <)", re.I | re.M)


# Words around a failed address in the servers' own texts; "the following recipients were
# affected", "the following addresses had permanent fatal errors" name it without one.
NEAR_FAILURE = re.compile(
    r"fail|unknown|not exist|no such|reject|undeliver|unavailable|invalid|does not|couldn't|"
    r"could not|not listed|not found|following (recipient|address)|nicht|inconnu|no existe|"
    r"desconocid|inexistente|退信|不存在|失败|ありません|できません|見つかりません|存在しません|"
    r"недостав|не существует")
SERVER_REPLY = re.compile(r"(?<![\d.+])(5[0-5]\d|4[2-5]\d)[ -]+[a-z<]", re.I)
SERVER_WORDS = re.compile(r"\b(said|returned|repl(y|ied)|response|smtp|server|host|mta)\b", re.I)
RCPT_TO = re.compile(r"\brcpt to\s*:", re.I)  # the envelope recipient of the failed session


def _report_part(body: str) -> str:
    """The server's own words, before the copy of our message."""
    start = ORIGINAL_START.search(body)
    return body[:start.start()] if start else body


def _addresses_near_errors(body: str) -> set[str]:
    """Addresses on lines that speak of a failure (formats no detector knows), before
    the copy of our own message."""
    found = set()
    lines = _report_part(body).splitlines()
    for number, line in enumerate(lines[:400]):
        window = " ".join(lines[max(0, number - 3): number + 3]).lower()
        if NEAR_FAILURE.search(window) or RCPT_TO.search(line):
            for address in ADDRESS.findall(line):
                found.add(address.lower().strip("."))
    return {a for a in found if not DAEMONS.match(a.partition("@")[0])}


def _status_near(body: str, address: str) -> tuple[str, str]:
    """The enhanced status code and the server's words closest after the address, in the
    report itself (not in the copy of our message that follows it)."""
    copy = ORIGINAL_START.search(body)
    body = body[:copy.start()] if copy else body
    at = body.lower().find(address.lower())
    window = body[at: at + 800] if at >= 0 else body[:2000]
    match = STATUS.search(window) or STATUS.search(body)
    code = SMTP_CODE.search(window) or SMTP_CODE.search(body)
    line = ""
    if code:
        line = code.string[code.start():].splitlines()[0]
    elif match:
        line = match.string[max(0, match.start() - 4):].splitlines()[0]
    status = match.group(0) if match else ""
    if not status:  # the server's own line first: the text around it may list every cause;
        # then the lines just above the address ("reject reason: Mailbox full")
        above = "\n".join(body[:at].splitlines()[-2:]) if at > 0 else ""
        reply = code.group(1) if code else ""
        status = next((value for words in (line, above, window[:300] or body[:1500])
                       if (value := _implied(words, reply))), "")
        if not status and reply:
            status = f"{reply[0]}.0.0"
    return status, " ".join(line.split())[:500]


def _server_reply_near(body: str, address: str) -> bool:
    """A mail server's reply on the address's line or the two after it: an enhanced status
    code, or a reply code with its words on a line that names a server or the address
    ("Remote host said: 550 unknown user"), never a phone number or a quantity."""
    lines = _report_part(body).splitlines()
    for number, line in enumerate(lines):
        if address in line.lower():
            for near in lines[number: number + 3]:
                if STATUS.search(near) or SERVER_REPLY.search(near) and (
                        SERVER_WORDS.search(near) or address in near.lower()):
                    return True
    return False


def _implied(words: str, reply: str = "") -> str:
    """The status the server's words imply, in the class of its reply code if it gave one."""
    value = next((value for pattern, value in IMPLIED if words and pattern.search(words)), "")
    return f"{reply[0]}{value[1:]}" if value and reply else value


def _quoted_id(body: str) -> str:
    match = MESSAGE_ID.search(body)
    return match.group(1) if match else ""


def _all_text(message: EmailMessage, *, quoted: bool = True) -> str:
    """The text of every part; without the returned copy of our message unless quoted."""
    parts = []
    for part in (message.walk() if quoted else _own_parts(message)):
        payload = part.get_payload()
        if part.get_content_maintype() == "multipart" and isinstance(payload, str):
            parts.append(payload)
        elif part.get_content_maintype() == "text":
            try:
                parts.append(part.get_content())
            except (LookupError, UnicodeError, AttributeError, KeyError):
                payload = part.get_payload(decode=True) or b""
                parts.append(payload.decode("utf-8", "replace"))
    return "\n".join(str(p) for p in parts)


def _own_parts(part: Message):
    yield part
    if part.get_content_type() in ("message/rfc822", "message/partial"):
        return
    payload = part.get_payload()
    if isinstance(payload, list):
        for sub in payload:
            if isinstance(sub, Message):
                yield from _own_parts(sub)


# --- Reports ----------------------------------------------------------------------------


def _dmarc(message: EmailMessage, subject: str) -> bool:
    if not re.search(r"report[ -]?domain\s*:|dmarc aggregate|report-id", subject, re.I):
        return False
    for part in message.walk():
        name = (part.get_filename() or "").lower()
        if name.endswith((".xml", ".xml.gz", ".zip", ".gz")) or part.get_content_type() in (
                "application/zip", "application/gzip", "application/x-gzip", "text/xml",
                "application/xml"):
            return True
    return False


def _receipt(message: EmailMessage, subject: str) -> bool:
    if re.match(r"^\s*(read|gelesen|lu|leído|lido|letto|已读|已读回执|прочитано|return "
                r"receipt|read receipt|lesebestätigung|accusé de lecture|confirmación de "
                r"lectura|回执)\s*:", subject, re.I):
        return True
    return message.get_content_type() == "multipart/report" and bool(
        re.search(r"disposition", str(message.get("Content-Type", "")), re.I))


def recipients_of(value: str) -> list[str]:
    return [address.lower() for _, address in getaddresses([value]) if address]
