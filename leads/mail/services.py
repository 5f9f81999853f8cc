"""Writes for mail: a received message becomes an inquiry, a reply or a proposal.

Every message is recorded once, by its Message-ID (``MailMessage.message_id`` is
unique): polling twice, uploading the same .eml or a mailbox that also holds our own
sent copy change nothing the second time. A message that cannot be used is kept with
the reason and its bytes, never dropped.

What a message is, in order:

1. It answers a message we sent (In-Reply-To / References), or comes from an address
   of a company we have written to: a **reply** of that company (``reply_log``: the
   cadence stops, the status moves to replied), unless it is automatic; then an
   out-of-office answer is kept as a **proposal** of the days away, which the rep
   records as a vacation with one click, and other automatic mail is only noted.
2. Else it is a new **inquiry**, through the same intake as files and the API
   (``clean_inquiry`` + ``inquiry_ingest``: deduplicated, verified, graded, assigned);
   notifications of Alibaba.com and Made-in-China.com carry the platform's fields.
3. Automatic mail from strangers (newsletters, delivery reports, auto-replies to
   others) is kept as ignored.
"""

import hashlib
import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from leads.intake import RowRejected, clean_inquiry
from leads.mail.imap import FetchResult, ImapAccess, MailboxError, fetch_new
from leads.mail.parse import (
    MailUnreadable,
    ParsedMail,
    parse_mail,
    read_message,
    safe_text,
    strip_quoted,
)
from leads.mail.screen import Screening, screen
from leads.mail.secrets import PasswordUnreadable, decrypt
from leads.models import Activity, ChannelKind, Company, ContactChannel, Mailbox, MailMessage

log = logging.getLogger(__name__)

MAX_RAW = 10 * 1024 * 1024  # a failed message is kept up to this size
REPLY_BODY = 10_000
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


@dataclass
class PollSummary:
    mailbox_id: int
    read: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    error: str = ""
    remaining: int = 0


def synthetic_message_id(raw: bytes) -> str:
    """For a message without a Message-ID: its content identifies it."""
    return f"<{hashlib.sha256(raw).hexdigest()}@no-message-id.leadqual>"


def mail_ingest(*, raw: bytes, mailbox: Mailbox | None = None, user=None,
                source: str = "imap") -> tuple[MailMessage, bool]:
    """Record one received message and act on it; (the record, whether it is new)."""
    try:
        parsed = parse_mail(raw, today=timezone.localdate())
    except MailUnreadable as exc:
        return _failed(raw, reason=str(exc), mailbox=mailbox, user=user, source=source)
    except Exception as exc:  # a bug or a message no parser foresaw: keep it, say what
        log.exception("mail.parse.error mailbox=%s", mailbox.pk if mailbox else None)
        return _failed(raw, reason=f"unexpected error while reading: {exc!r}"[:500],
                       mailbox=mailbox, user=user, source=source)
    message_id = parsed.message_id or synthetic_message_id(raw)
    known = MailMessage.objects.filter(message_id=message_id).first()
    if known is not None:
        return known, False
    try:
        screening = mail_screen(raw, parsed, mailbox=mailbox)  # rspamd: before any transaction
    except Exception as exc:  # noqa: BLE001 - a checker's bug must not lose the message
        log.exception("mail.screen.error message_id=%s", message_id)
        screening = Screening("clean", 0.0, (), filters=f"not screened: {exc!r}"[:300])
    try:
        with transaction.atomic():
            record = _act(parsed, raw=raw, message_id=message_id, mailbox=mailbox, user=user,
                          source=source, screening=screening)
    except IntegrityError:
        # Recorded meanwhile by another poll: everything of this one was rolled back.
        known = MailMessage.objects.filter(message_id=message_id).first()
        if known is None:
            raise
        return known, False
    except Exception as exc:  # noqa: BLE001 - one odd message must not block the mailbox
        log.exception("mail.ingest.error message_id=%s", message_id)
        return _failed(raw, reason=f"could not be stored: {exc!r}"[:500], mailbox=mailbox,
                       user=user, source=source)
    log.info("mail.ingest message=%s outcome=%s company=%s inquiry=%s", record.pk,
             record.outcome, record.company_id, record.inquiry_id)
    return record, True


def _failed(raw: bytes, *, reason: str, mailbox, user, source: str) -> tuple[MailMessage, bool]:
    message_id = synthetic_message_id(raw)
    subject = from_address = ""
    try:
        message = read_message(raw)
        message_id = safe_text(" ".join(str(message.get("Message-ID", "")).split()))[:500] \
            or message_id
        subject = safe_text(" ".join(str(message.get("Subject", "")).split()))
        from_address = safe_text(" ".join(str(message.get("From", "")).split()))
    except Exception:  # noqa: BLE001, S110 - the headers are a courtesy; the bytes are kept
        pass
    record, created = MailMessage.objects.get_or_create(
        message_id=message_id,
        defaults={"direction": MailMessage.Direction.IN, "outcome": MailMessage.Outcome.FAILED,
                  "reason": reason[:1000], "subject": subject[:500],
                  "from_address": from_address[:320], "mailbox": mailbox, "user": user,
                  "source": source, "raw": raw[:MAX_RAW]},
    )
    log.warning("mail.ingest.failed message=%s reason=%s", record.pk, reason[:200])
    return record, created


def _raw_header_bytes(raw: bytes) -> bool:
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    return any(byte > 127 for byte in head)


def team_identity(mailbox: Mailbox | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the team's mail domains: the mailbox's, the sender address's, the team members';
    the team's names as a mail program shows them: "Lily Zhang", "Zhang Lily", "张丽"),
    from one read of the users."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    addresses = [settings.LEADQUAL_MAIL_FROM, settings.DEFAULT_FROM_EMAIL]
    if mailbox is not None:
        addresses.append(mailbox.username)
    names = set()
    for email, first, last in get_user_model().objects.filter(is_active=True).values_list(
            "email", "first_name", "last_name")[:500]:
        addresses.append(email)
        if first and last:
            names |= {f"{first} {last}", f"{last} {first}", f"{last}{first}"}
    domains = {a.rpartition("@")[2].lower() for a in addresses if "@" in a}
    return tuple(sorted(domains)), tuple(sorted(names))


def spam_filter_status() -> tuple[str | None, str]:
    """(rspamd's version, or None when the generic check is off; its URL), as the Held
    back page shows it. Asked at most once a minute (the answer is cached)."""
    from django.conf import settings
    from django.core.cache import cache

    from leads.mail import rspamd

    url = settings.LEADQUAL_RSPAMD_URL
    if not url:
        return None, ""
    key = f"leadqual:spam-filter:{url}"
    version = cache.get(key)
    if version is None:
        version = rspamd.filter_version(url, timeout=0.5) or ""
        cache.set(key, version, 60)
    return version or None, url


def mail_screen(raw: bytes, parsed: ParsedMail, *, mailbox: Mailbox | None) -> Screening:
    """The message's screening: the generic filter (rspamd, when configured and answering)
    and Leadqual's own checks."""
    from django.conf import settings

    from leads.mail import rspamd

    spam, error = None, "rspamd is off (LEADQUAL_RSPAMD_URL is empty)"
    if settings.LEADQUAL_RSPAMD_URL:
        try:
            spam = rspamd.spam_check(raw, url=settings.LEADQUAL_RSPAMD_URL,
                                     timeout=settings.LEADQUAL_RSPAMD_TIMEOUT)
        except rspamd.FilterUnavailable as exc:
            error = str(exc)
            log.warning("mail.screen.filter_unavailable error=%s", error[:200])
    domains, names = team_identity(mailbox)
    return screen(read_message(raw), from_name=parsed.from_name,
                  from_address=parsed.from_address, subject=parsed.subject,
                  own_domains=domains, own_names=names, spam=spam, spam_error=error)


def _screened(record: MailMessage, screening: Screening) -> None:
    record.screen_verdict = screening.verdict
    record.screen_score = screening.score
    record.screen_signs = [sign.as_dict() for sign in screening.signs]
    record.screen_filter = screening.filters
    record.spam_score = screening.spam_score
    record.spam_symbols = [list(item) for item in screening.spam_symbols]


def _act(parsed: ParsedMail, *, raw: bytes, message_id: str, mailbox, user,
         source: str, screening: Screening) -> MailMessage:
    record = MailMessage(
        direction=MailMessage.Direction.IN, message_id=message_id, mailbox=mailbox,
        user=user, source=source, in_reply_to=parsed.in_reply_to,
        references=" ".join(parsed.references)[:5000], from_address=parsed.from_address[:320],
        from_name=parsed.from_name[:255], to_addresses=", ".join(parsed.to)[:2000],
        subject=parsed.subject[:500], sent_at=parsed.sent_at, body=parsed.text[:20_000],
        attachments=list(parsed.attachments),
        # Headers with 8-bit bytes and no encoding were read by a guess: the message as
        # it came is kept beside what was read from it.
        raw=raw if _raw_header_bytes(raw) else b"",
    )
    _screened(record, screening)
    if screening.held:
        # Spam and phishing never become an inquiry or a reply: kept whole, for a person
        # to release ("Not spam") or confirm (leads.mail.services.held_decide).
        record.outcome = MailMessage.Outcome.HELD
        first = screening.signs[0].evidence if screening.signs else \
            f"spam filter score {screening.spam_score}"
        record.reason = f"held back as {screening.verdict}: {first}"[:1000]
        record.raw = raw[:MAX_RAW]
        record.save()
        return record
    _route(parsed, record, raw=raw, mailbox=mailbox)
    record.save()
    return record


def _route(parsed: ParsedMail, record: MailMessage, *, raw: bytes, mailbox) -> None:
    """What a message that passed the screening is: ours, a bounce, a report, a reply,
    an inquiry... (the record's outcome and links; the caller saves it)."""
    if _from_us(parsed.from_address, mailbox):
        record.outcome = MailMessage.Outcome.IGNORED
        record.reason = "sent by the team (a copy of our own mail)"
        return
    at = min(parsed.sent_at or timezone.now(), timezone.now())
    kind = parsed.automatic
    if kind.automatic:
        record.automatic_kind = kind.kind
    if kind.bounce:
        _bounce(parsed, record, at=at)
        return
    if kind.kind in ("arf", "dmarc_aggregate", "read_receipt"):
        record.outcome = MailMessage.Outcome.REPORT
        record.reason = kind.reason
        return
    if kind.kind in ("challenge_response", "list_mail"):
        record.outcome = MailMessage.Outcome.IGNORED
        record.reason = f"{kind.reason}: not a buyer's mail"
        return
    company, how = reply_company(parsed)
    if company is not None and parsed.auto.away:
        record.company = company
        record.outcome = MailMessage.Outcome.AWAY
        record.away_first_day = parsed.auto.first_day
        record.away_last_day = parsed.auto.last_day
        record.reason = f"{how}; {parsed.auto.reason}"
        until = (f", away until {parsed.auto.last_day:%Y-%m-%d}" if parsed.auto.last_day
                 else "; no return date found")
        record.activity = Activity.objects.create(
            company=company, kind=Activity.Kind.NOTE, channel=ChannelKind.EMAIL, created_at=at,
            body=f"Out-of-office reply from {parsed.from_address}{until}: "
                 f"{parsed.subject}"[:2000])
    elif company is not None and kind.automatic:
        record.company = company
        record.outcome = MailMessage.Outcome.IGNORED
        record.reason = f"{how}; automatic message ({parsed.auto.reason}), not a reply"
    elif company is not None:
        from leads.services import reply_log

        record.company = company
        record.outcome = MailMessage.Outcome.REPLY
        record.reason = how
        body = strip_quoted(parsed.text) or parsed.text
        record.activity = reply_log(
            company=company, channel=ChannelKind.EMAIL, at=at,
            body=f"{parsed.subject}\n\n{body}".strip()[:REPLY_BODY])
    elif kind.automatic:
        record.outcome = MailMessage.Outcome.IGNORED
        record.reason = f"automatic message ({parsed.auto.reason}) from an unknown sender"
    else:
        _inquiry(parsed, record, raw=raw)


def _bounce(parsed: ParsedMail, record: MailMessage, *, at) -> None:
    """A report that our mail did not arrive: find which message and which contact it is
    about. A hard bounce condemns the address (``signals.address_bounced``: verification
    marks it undeliverable and regrades, follow-up moves the cadence to another channel);
    a soft bounce or a delay is recorded and shown, and condemns nothing."""
    from leads import signals

    auto = parsed.automatic
    sent = None
    if auto.original_message_id:
        sent = MailMessage.objects.filter(direction=MailMessage.Direction.OUT,
                                          message_id=auto.original_message_id).first()
    found = []
    for failure in auto.failures:
        company = None
        if sent is not None and sent.company_id and (
                failure.address in sent.to_addresses.lower() or len(auto.failures) == 1):
            company = sent.company
        if company is None:
            channel = (ContactChannel.objects.filter(kind=ChannelKind.EMAIL,
                                                     value__iexact=failure.address)
                       .select_related("company").order_by("-company__last_contact_at")
                       .first())
            company = channel.company if channel is not None else None
        if company is not None:
            found.append((failure, company))
    if not found and sent is not None and sent.company_id and not auto.failures:
        record.company = sent.company  # a bounce that names no address: shown, no verdict
    if not found:
        record.outcome = MailMessage.Outcome.IGNORED
        named = ", ".join(f.address for f in auto.failures) or "no address named"
        record.reason = (f"{auto.reason}: {auto.kind.replace('_', ' ')} for {named}, "
                         "which is no contact of ours; kept and ignored")
        return
    failure, company = found[0]
    record.company = company
    record.outcome = (MailMessage.Outcome.DELAY if auto.kind == "delay"
                      else MailMessage.Outcome.BOUNCE)
    record.bounced_address = failure.address[:320]
    record.bounce_status = failure.status[:20]
    record.bounce_diagnostic = failure.diagnostic[:500]
    record.reason = f"{auto.reason}: {auto.kind.replace('_', ' ')}"
    for failure, company in found:
        ours = sent if sent is not None and sent.company_id == company.pk else (
            MailMessage.objects.filter(direction=MailMessage.Direction.OUT, company=company,
                                       to_addresses__icontains=failure.address)
            .order_by("-created_at").first())
        words = " ".join(filter(None, (failure.status, failure.diagnostic))) or "no reason given"
        if auto.kind == "bounce_hard" and failure.permanent:
            if ours is not None:
                MailMessage.objects.filter(pk=ours.pk).update(
                    outcome=MailMessage.Outcome.BOUNCED, bounced_at=at,
                    bounced_address=failure.address[:320], bounce_status=failure.status[:20],
                    bounce_diagnostic=failure.diagnostic[:500])
            ContactChannel.objects.filter(company=company, kind=ChannelKind.EMAIL,
                                          value__iexact=failure.address).update(
                bounced_at=at, bounce_reason=f"bounced on {at:%Y-%m-%d}: {words}"[:500])
            record.activity = Activity.objects.create(
                company=company, kind=Activity.Kind.NOTE, channel=ChannelKind.EMAIL,
                created_at=at, body=(f"Our email to {failure.address} bounced: {words}. "
                                     "The address cannot receive mail.")[:2000])
            signals.address_bounced.send(
                sender=MailMessage, company=company, address=failure.address,
                status=failure.status, diagnostic=failure.diagnostic, at=at)
        else:
            what = "was delayed (still being tried)" if auto.kind == "delay" else \
                "bounced for a passing reason"
            record.activity = Activity.objects.create(
                company=company, kind=Activity.Kind.NOTE, channel=ChannelKind.EMAIL,
                created_at=at, body=(f"Our email to {failure.address} {what}: {words}. "
                                     "The address is not condemned by one.")[:2000])


def _from_us(address: str, mailbox: Mailbox | None) -> bool:
    """Our own address, the mailbox's or a team member's: a copy of what we wrote."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    ours = {settings.LEADQUAL_MAIL_FROM.lower(), settings.DEFAULT_FROM_EMAIL.lower()}
    if mailbox is not None:
        ours.add(mailbox.username.lower())
    if address in ours:
        return True
    return get_user_model().objects.filter(email__iexact=address, is_active=True).exists()


def _inquiry(parsed: ParsedMail, record: MailMessage, *, raw: bytes) -> None:
    from leads.services import inquiry_ingest, team_zone

    extra = {key: value for key, value in parsed.fields.items() if value}
    extra.update({"mail_subject": parsed.subject, "mail_from": parsed.from_address,
                  "mail_message_id": record.message_id,
                  "mail_attachments": list(parsed.attachments)})
    fields = dict(parsed.fields)
    now = timezone.now()
    if parsed.sent_at and not (EARLIEST <= parsed.sent_at <= now + timedelta(hours=1)):
        fields["received_at"] = ""  # the sender's clock is wrong: the time we read it
    try:
        data = clean_inquiry(fields, default_platform=parsed.platform, tz=team_zone(),
                             raw=extra, now=now)
    except RowRejected as exc:
        record.outcome = MailMessage.Outcome.FAILED
        record.reason = str(exc)[:1000]
        record.raw = raw[:MAX_RAW]
        return
    inquiry, created = inquiry_ingest(data=data)
    record.inquiry = inquiry
    record.company = inquiry.company
    record.outcome = (MailMessage.Outcome.INQUIRY if created
                      else MailMessage.Outcome.DUPLICATE)
    label = {"alibaba": "Alibaba.com notification", "made-in-china":
             "Made-in-China.com notification"}.get(parsed.platform, "direct email")
    record.reason = label if created else f"{label}; the inquiry was already stored"


def reply_company(parsed: ParsedMail) -> tuple[Company | None, str]:
    """The company this message answers, and how that was found.

    Our own Message-IDs in In-Reply-To/References are certain. A known buyer address
    counts once we have written to that company; before that, a second message of
    the buyer is another inquiry (it lands in the same company).
    """
    if parsed.thread_ids:
        sent = (MailMessage.objects.filter(direction=MailMessage.Direction.OUT,
                                           message_id__in=parsed.thread_ids,
                                           company__isnull=False)
                .select_related("company").first())
        if sent is not None:
            return sent.company, f"answers our message {sent.message_id}"
    if parsed.platform != "email" or not parsed.from_address:
        return None, ""
    channel = (ContactChannel.objects.filter(kind=ChannelKind.EMAIL,
                                             value__iexact=parsed.from_address,
                                             company__last_contact_at__isnull=False)
               .select_related("company").order_by("-company__last_contact_at").first())
    if channel is not None:
        return channel.company, f"from {parsed.from_address}, an address of the company"
    return None, ""


def mail_retry(*, message: MailMessage) -> tuple[MailMessage, bool]:
    """Read a kept failed message again (after a parser fix, or a colleague added the
    missing detail): the old record gives way to what the message is now."""
    if message.outcome != MailMessage.Outcome.FAILED or not message.raw:
        return message, False
    raw, mailbox, user, source = bytes(message.raw), message.mailbox, message.user, \
        message.source
    with transaction.atomic():
        MailMessage.objects.filter(pk=message.pk, outcome=MailMessage.Outcome.FAILED).delete()
        return mail_ingest(raw=raw, mailbox=mailbox, user=user, source=source)


# --- held-back mail ---------------------------------------------------------------


def held_decide(*, message: MailMessage, user, spam: bool) -> MailMessage:
    """A person's word on held-back mail. **Not spam** releases it into the intake it was
    kept from (it becomes the inquiry or reply it is); **Spam** confirms it. Either way
    the generic filter is taught (``mail_teach``, after the commit) and who decided and
    when is recorded and audited. A decided message is not decided again."""
    from leads.audit import decision_log

    with transaction.atomic():
        message = MailMessage.objects.select_for_update().get(pk=message.pk)
        if message.outcome != MailMessage.Outcome.HELD or message.decision:
            return message
        message.decision = (MailMessage.Decision.CONFIRMED if spam
                            else MailMessage.Decision.RELEASED)
        message.decided_by = user
        message.decided_at = timezone.now()
        if not spam:
            raw = bytes(message.raw)
            parsed = parse_mail(raw, today=timezone.localdate())
            message.outcome = MailMessage.Outcome.IGNORED  # until _route says what it is
            message.reason = ""
            _route(parsed, message, raw=raw, mailbox=message.mailbox)
            message.reason = f"released by {user}: {message.reason}"[:1000]
        message.save()
        decision_log(message, user=user)
        transaction.on_commit(lambda: _teach_later(message.pk))
    log.info("mail.held.decided message=%s decision=%s user=%s outcome=%s", message.pk,
             message.decision, getattr(user, "pk", None), message.outcome)
    return message


def _teach_later(message_id: int) -> None:
    from config.celery_app import enqueue

    enqueue("leads.tasks.mail_teach", message_id)


def mail_teach(*, message: MailMessage) -> str:
    """Teach the generic filter a person's decision (rspamd ``learn_spam`` /
    ``learn_ham``); the filter's answer is kept on the message. Network first, then one
    update; teaching the same message twice is harmless."""
    from django.conf import settings

    from leads.mail import rspamd

    if not message.decision or not message.raw:
        return ""
    url = settings.LEADQUAL_RSPAMD_CONTROLLER_URL
    if not settings.LEADQUAL_RSPAMD_URL or not url:
        answer = "not taught: rspamd is off"
    else:
        try:
            answer = rspamd.spam_learn(bytes(message.raw), url=url,
                                       spam=message.decision == MailMessage.Decision.CONFIRMED,
                                       password=settings.LEADQUAL_RSPAMD_PASSWORD)
        except rspamd.FilterUnavailable as exc:
            answer = f"not taught: {exc}"
    MailMessage.objects.filter(pk=message.pk).update(learned=answer[:300])
    return answer


# --- vacation proposals ---------------------------------------------------------


def away_proposals(company: Company):
    """Out-of-office replies of the company whose days away are not recorded yet."""
    return (MailMessage.objects.filter(company=company, outcome=MailMessage.Outcome.AWAY,
                                       vacation_recorded_at__isnull=True)
            .filter(Q(away_last_day__isnull=True) | Q(away_last_day__gte=timezone.localdate()))
            .order_by("-created_at"))


@transaction.atomic
def away_record(*, message: MailMessage, last_day: date, user=None) -> MailMessage:
    """The rep accepts (or corrects) the days away of an out-of-office reply: a vacation
    is recorded the way a rep logs one by hand, and the open step moves past it."""
    from leads.services import reply_log

    message = MailMessage.objects.select_for_update().get(pk=message.pk)
    if message.vacation_recorded_at is not None:
        return message
    reply_log(company=message.company, channel=ChannelKind.EMAIL, user=user,
              away_until=last_day, body=f"({message.from_address}: {message.subject})"[:500])
    message.vacation_recorded_at = timezone.now()
    message.away_last_day = last_day
    message.save(update_fields=["vacation_recorded_at", "away_last_day"])
    return message


# --- mailboxes ------------------------------------------------------------------


def mailbox_access(mailbox: Mailbox) -> ImapAccess:
    if mailbox.password_env:
        password = os.environ.get(mailbox.password_env)
        if password is None:
            raise MailboxError(f"the environment variable {mailbox.password_env} (the "
                               "mailbox's password) is not set")
    elif mailbox.password_encrypted:
        try:
            password = decrypt(mailbox.password_encrypted)
        except PasswordUnreadable as exc:
            raise MailboxError(str(exc)) from exc
    else:
        raise MailboxError("no password: set an environment variable or store one")
    return ImapAccess(host=mailbox.host, port=mailbox.port, username=mailbox.username,
                      password=password, security=mailbox.security, folder=mailbox.folder)


def mailbox_poll(*, mailbox: Mailbox, limit: int = 200) -> PollSummary:
    """Read the mailbox's new messages (network first, no transaction open), then
    record each; the position is saved after every message so a crash re-reads little,
    and what is re-read is known by its Message-ID."""
    summary = PollSummary(mailbox_id=mailbox.pk)
    try:
        result: FetchResult = fetch_new(mailbox_access(mailbox), after_uid=mailbox.last_uid,
                                        uidvalidity=mailbox.uidvalidity, limit=limit)
    except MailboxError as exc:
        summary.error = str(exc)
        Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=timezone.now(),
                                                     last_error=summary.error[:500])
        log.warning("mail.poll.error mailbox=%s error=%s", mailbox.pk, summary.error)
        return summary
    if result.uidvalidity != mailbox.uidvalidity:
        Mailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=result.uidvalidity,
                                                     last_uid=0)
    for fetched in result.messages:
        record, created = mail_ingest(raw=fetched.raw, mailbox=mailbox)
        summary.read += 1
        outcome = record.outcome if created else "known"
        summary.outcomes[outcome] = summary.outcomes.get(outcome, 0) + 1
        Mailbox.objects.filter(pk=mailbox.pk).update(last_uid=fetched.uid)
    summary.remaining = result.remaining
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_uid=result.highest_uid, uidvalidity=result.uidvalidity,
        last_polled_at=timezone.now(), last_error="")
    log.info("mail.poll.done mailbox=%s read=%s outcomes=%s remaining=%s", mailbox.pk,
             summary.read, summary.outcomes, summary.remaining)
    return summary
