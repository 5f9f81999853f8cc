"""Does the mailbox exist? Ask the domain's mail servers, without sending mail.

EHLO (HELO fallback), MAIL FROM, RCPT TO the address, RCPT TO a made-up
address on the same domain (a server that accepts both is a catch-all), QUIT.
Never DATA. Replies are read by their enhanced status code and text, not only
the first digit. A session lasts at most 6 timeouts (one per step) and reads at
most ``REPLY_LIMIT`` bytes, however the server trickles or floods.
Pure apart from the network: inputs in, ``MailboxCheck`` out.
"""

import contextlib
import random
import re
import secrets
import smtplib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import dns.resolver

from verification.probes.dns import MailHosts
from verification.probes.netguard import AddressRefused, Deadline, IPNetwork, resolve_target

DELIVERABLE, UNDELIVERABLE, RISKY, UNKNOWN = "deliverable", "undeliverable", "risky", "unknown"

_ENHANCED = re.compile(r"^\s*([245]\.\d{1,3}\.\d{1,3})\b")
_UNKNOWN_USER = re.compile(
    r"user unknown|unknown user|no such (user|mailbox|recipient)|does not exist|not found|"
    r"invalid (recipient|mailbox)|recipient rejected|mailbox unavailable|unrouteable", re.I)
_FULL = re.compile(r"over ?quota|quota exceeded|mailbox (is )?full|insufficient storage", re.I)
_DISABLED = re.compile(r"disabled|deactivated|inactive|suspended", re.I)
_GREYLIST = re.compile(r"gr[ae]y ?list|try again later|temporar", re.I)
REPLY_LIMIT = 64 * 1024  # bytes of replies per session; a real one is under 2 KB
_STEPS = 6  # connect, banner, EHLO, MAIL, RCPT, QUIT: the session's deadline in timeouts


@dataclass
class Reply:
    host: str
    step: str
    code: int
    text: str

    @property
    def enhanced(self) -> str:
        match = _ENHANCED.match(self.text)
        return match.group(1) if match else ""


@dataclass
class MailboxCheck:
    status: str
    flags: set[str] = field(default_factory=set)
    reason: str = ""
    host: str = ""
    retry: bool = False  # a temporary failure: ask again later
    replies: list[Reply] = field(default_factory=list)
    catch_all: bool | None = None  # what the made-up address showed, when it was asked

    def as_dict(self) -> dict:
        data = asdict(self)
        data["flags"] = sorted(self.flags)
        return data


@dataclass(frozen=True)
class SmtpSettings:
    helo: str  # our own name; never the buyer's domain
    mail_from: str  # an address of ours
    port: int = 25
    timeout: float = 10.0
    allow: tuple[IPNetwork, ...] = ()
    # gate(address) holds one of the few connection slots of that server (politeness);
    # it raises an exception to say "busy". None: no cap.
    gate: Callable[[str], contextlib.AbstractContextManager] | None = None


class HostBusy(Exception):
    """The gate found no free connection slot for this server in time."""


class _Unreachable(Exception):
    def __init__(self, message: str, *, temporary: bool = False):
        super().__init__(message)
        self.temporary = temporary  # worth asking again later (421, busy)


def check_mailbox(address: str, mail_hosts: MailHosts, settings: SmtpSettings,
                  resolver: dns.resolver.Resolver, *,
                  known_catch_all: bool | None = None) -> MailboxCheck:
    """Probe ``address`` on its MX hosts in preference order.

    ``known_catch_all`` is what an earlier probe of the domain showed: True
    skips the connection (any address would be accepted), False skips the
    made-up address.
    """
    domain = address.rpartition("@")[2]
    if not mail_hosts.deliverable_by_dns:
        flag = {"null_mx": "null_mx", "nxdomain": "no_mx", "no_address": "no_mx"}.get(
            mail_hosts.status)
        if flag:
            return MailboxCheck(UNDELIVERABLE, {flag}, mail_hosts.reason)
        return MailboxCheck(UNKNOWN, set(), mail_hosts.reason, retry=True)
    if known_catch_all:
        return MailboxCheck(RISKY, {"catch_all"}, f"{domain} accepts any address (catch-all, "
                            "seen on an earlier probe), so acceptance proves nothing",
                            catch_all=True)
    replies: list[Reply] = []
    failures: list[str] = []
    temporary = False
    for host in delivery_order(mail_hosts.hosts):
        try:
            real = _rcpt(host, address, settings, resolver, replies)
        except _Unreachable as exc:
            failures.append(f"{host}: {exc}")
            temporary |= exc.temporary
            continue
        verdict = _classify(real)
        if verdict.status == DELIVERABLE and known_catch_all is False:
            verdict.catch_all = False
        elif verdict.status == DELIVERABLE:
            try:
                fake = _rcpt(host, f"{secrets.token_hex(10)}@{domain}", settings, resolver,
                             replies)
            except _Unreachable as exc:
                fake = None
                failures.append(f"{host}: {exc}")
            if fake is not None and 200 <= fake.code < 300:
                verdict = MailboxCheck(RISKY, {"catch_all"},
                                       f"{host} accepts any address at {domain} (catch-all), "
                                       "so acceptance proves nothing", catch_all=True)
            elif fake is not None and fake.code >= 500:
                verdict.catch_all = False
        verdict.host, verdict.replies = host, replies
        return verdict
    return MailboxCheck(
        UNKNOWN, {"smtp_unreachable"}, "no mail server answered: " + "; ".join(failures),
        retry=temporary, replies=replies,
    )


def delivery_order(hosts: list[tuple[int, str]]) -> list[str]:
    """MX hosts by preference, those of equal preference in random order: RFC 5321 §5.1
    says a sender MUST spread its load over them (one mail server, one connection cap)."""
    return [host for _, _, host in sorted((preference, random.random(), host)
                                          for preference, host in hosts)]


def _classify(reply: Reply) -> MailboxCheck:
    code, enhanced, text = reply.code, reply.enhanced, reply.text
    if 200 <= code < 300:
        return MailboxCheck(DELIVERABLE, set(), f"{reply.host} accepted the address")
    if enhanced == "5.2.1" or (code >= 500 and _DISABLED.search(text)):
        return MailboxCheck(UNDELIVERABLE, {"disabled"}, f"mailbox disabled: {code} {text}")
    if enhanced in ("4.2.2", "5.2.2") or code == 552 or _FULL.search(text):
        return MailboxCheck(RISKY, {"full_inbox"}, f"mailbox full: {code} {text}")
    if code >= 500 and (enhanced in ("5.1.1", "5.1.0", "5.1.10") or _UNKNOWN_USER.search(text)):
        return MailboxCheck(UNDELIVERABLE, set(), f"no such mailbox: {code} {text}")
    if 400 <= code < 500:
        flags = {"greylisted"} if (enhanced.startswith("4.7") or _GREYLIST.search(text)) else set()
        return MailboxCheck(UNKNOWN, flags, f"temporary refusal: {code} {text}", retry=True)
    # A 5xx that is not about the mailbox (policy, our address blocked) proves nothing.
    return MailboxCheck(UNKNOWN, set(), f"refused for another reason: {code} {text}")


def _rcpt(host: str, recipient: str, settings: SmtpSettings, resolver, replies) -> Reply:
    """One connection: greet, MAIL FROM, RCPT TO ``recipient``, QUIT. Never DATA."""
    try:
        target = resolve_target(host, resolver, settings.allow)
    except AddressRefused as exc:
        raise _Unreachable(str(exc)) from exc
    last_error, temporary = "no address", False
    # A name with several addresses is round-robin DNS: spread the load the same way.
    for ip in random.sample(target.addresses, len(target.addresses)):
        gate = settings.gate(ip) if settings.gate else contextlib.nullcontext()
        try:
            with gate:
                return _session(host, ip, recipient, settings, replies)
        except _Unreachable:
            raise
        except smtplib.SMTPServerDisconnected as exc:
            last_error = f"disconnected: {exc}"
        except (OSError, smtplib.SMTPException) as exc:  # refused, timed out, reset
            last_error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        except HostBusy as exc:
            last_error, temporary = f"not probed: {exc}", True
    raise _Unreachable(last_error, temporary=temporary)


def _session(host: str, ip: str, recipient: str, settings: SmtpSettings, replies) -> Reply:
    with Deadline(settings.timeout * _STEPS) as deadline:
        smtp = _BoundedSMTP(deadline, local_hostname=settings.helo, timeout=settings.timeout)
        try:
            reply = _converse(smtp, host, ip, recipient, settings, replies)
        except (OSError, smtplib.SMTPException, _Unreachable) as exc:
            if deadline.expired:
                raise TimeoutError(f"no complete session within {deadline.seconds:g} s") from exc
            raise
        else:
            # A reply cut short by the deadline may read as another code ("25" of "250").
            if deadline.expired:
                raise TimeoutError(f"no complete session within {deadline.seconds:g} s")
            return reply
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


def _converse(smtp, host: str, ip: str, recipient: str, settings: SmtpSettings,
              replies) -> Reply:
    code, banner = smtp.connect(ip, settings.port)
    replies.append(Reply(host, "connect", code, _text(banner)))
    if code != 220:
        raise _Unreachable(f"{code} {_text(banner)}", temporary=400 <= code < 500)
    code, text = smtp.ehlo()
    if not 200 <= code < 300:
        code, text = smtp.helo()
    replies.append(Reply(host, "helo", code, _text(text)))
    code, text = smtp.mail(settings.mail_from)
    replies.append(Reply(host, "mail", code, _text(text)))
    if not 200 <= code < 300:
        raise _Unreachable(f"MAIL FROM refused: {code} {_text(text)}")
    code, text = smtp.rcpt(recipient)
    reply = Reply(host, f"rcpt {recipient}", code, _text(text))
    replies.append(reply)
    return reply


class _BoundedSMTP(smtplib.SMTP):
    """smtplib's client, its socket cut at the deadline and its replies capped in size
    (smtplib itself reads continuation lines without end)."""

    def __init__(self, deadline: Deadline, **kwargs):
        self.deadline = deadline
        super().__init__(**kwargs)

    def getreply(self):
        if self.file is None and self.sock is not None:  # the first reply: the banner
            self.deadline.watch(self.sock)
            self.file = _CappedReader(self.sock.makefile("rb"), REPLY_LIMIT)
        return super().getreply()


class _CappedReader:
    def __init__(self, raw, limit: int):
        self.raw, self.limit, self.left = raw, limit, limit

    def readline(self, size: int = -1) -> bytes:
        line = self.raw.readline(size)
        self.left -= len(line)
        if self.left < 0:
            raise OSError(f"the server's replies exceed {self.limit} bytes")
        return line

    def close(self) -> None:
        self.raw.close()


def _text(value: bytes | str) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return " ".join(text.split())


__all__ = ["SmtpSettings", "MailboxCheck", "HostBusy", "check_mailbox"]
