"""Email out: a follow-up sent to the buyer through the SMTP relay (``EMAIL_URL``).

The rep's send is recorded first (``MailMessage`` queued, with the Message-ID we
give it), then a task sends it through Django's email backend and, once the relay has
taken it, logs the contact attempt as the "Log as sent" button does, so the cadence
plans its next step. Replies find their company by that Message-ID
(``leads.mail.services.reply_company``).

At most once: the task claims the row (queued -> sending) before talking to the relay;
a worker that dies mid-send leaves it "sending" for a person to look at rather than
mailing the buyer twice. A temporary failure (connection, 4xx) puts it back in the
queue and retries; a permanent one (5xx) is recorded on the row.

Library files ticked by the rep (``followup.models.MailAttachment``) go with it, read
from storage when it is sent; one deleted meanwhile fails the send with the reason
rather than mailing a text that promises it.
"""

import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from email import encoders
from email.mime.base import MIMEBase
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from leads.models import Activity, ChannelKind, Company, MailMessage

log = logging.getLogger(__name__)


class TemporarySendError(Exception):
    """The relay could not take the message now; the task retries."""


@dataclass(frozen=True)
class Draft:
    to: str
    subject: str
    body: str
    in_reply_to: str = ""
    attachments: tuple[int, ...] = ()  # library files ticked for the rep (their ids)


def sender_address() -> str:
    return settings.LEADQUAL_MAIL_FROM or settings.DEFAULT_FROM_EMAIL


def buyer_language(company: Company) -> str:
    """The library's language code for the buyer's country (``followup.greetings``)."""
    from followup.greetings import LANGUAGES

    language = LANGUAGES.get((company.country or "").upper(), "en")
    return "zh-hans" if language == "zh" else language


def attachment_choices(company: Company) -> list:
    """The active library files a rep may attach for ``company``: those in the buyer's
    language first, then those for any language, then English, then the rest; by kind
    (catalogue, price list, certificate, other) and title within each."""
    from followup.models import LibraryFile

    language = buyer_language(company)
    rank = {language: 0, LibraryFile.Language.ANY: 1, LibraryFile.Language.EN: 2}
    kinds = {kind: n for n, kind in enumerate(LibraryFile.Kind.values)}
    files = LibraryFile.objects.filter(active=True)
    return sorted(files, key=lambda f: (rank.get(f.language, 3), kinds.get(f.kind, 9),
                                        f.title.lower(), f.pk))


def attachment_suggestion(choices: list, language: str) -> list:
    """What a step's ``{attachments}`` sends unless the rep changes it: the first
    catalogue and the first price list of ``choices`` in the buyer's ``language``, for
    any language or, failing those, in English."""
    from followup.models import LibraryFile

    readable = {language, LibraryFile.Language.ANY, LibraryFile.Language.EN}
    picked: dict[str, object] = {}
    for file in choices:
        if file.kind in (LibraryFile.Kind.CATALOGUE, LibraryFile.Kind.PRICE_LIST) \
                and file.language in readable:
            picked.setdefault(file.kind, file)
    return list(picked.values())


def email_draft(*, company: Company, user=None, choices: list | None = None) -> Draft:
    """What the rep is offered to send: the open step's message to the buyer's address,
    as an answer to the buyer's latest email when there is one. A step whose message has
    ``{attachments}`` comes with the buyer's catalogue and price list ticked (of
    ``choices``, ``attachment_choices`` by default), named in the text."""
    from followup.cadence import fill_template
    from followup.models import FollowUp

    inquiry = company.inquiries.exclude(email="").order_by("-received_at").first()
    to = inquiry.email if inquiry else (
        company.channels.filter(kind=ChannelKind.EMAIL).values_list("value", flat=True).first()
        or "")
    followup = (FollowUp.objects.filter(company=company, status=FollowUp.Status.SCHEDULED)
                .select_related("step", "company").first())
    ticked = []
    if followup is not None and "{attachments}" in followup.step.template:
        ticked = attachment_suggestion(attachment_choices(company) if choices is None
                                       else choices, buyer_language(company))
    body = fill_template(followup, rep=user, attachments=tuple(f.title for f in ticked)) \
        if followup else ""
    ids = tuple(f.pk for f in ticked)
    # The buyer's own latest message (not an out-of-office or other automatic answer).
    last_in = (MailMessage.objects.filter(company=company, direction=MailMessage.Direction.IN,
                                          outcome__in=[MailMessage.Outcome.REPLY,
                                                       MailMessage.Outcome.INQUIRY,
                                                       MailMessage.Outcome.DUPLICATE])
               .exclude(subject="").order_by("-created_at").first())
    if last_in is not None:
        subject = last_in.subject if last_in.subject.lower().startswith("re:") \
            else f"Re: {last_in.subject}"
        return Draft(to=to, subject=subject[:500], body=body, in_reply_to=last_in.message_id,
                     attachments=ids)
    product = inquiry.product if inquiry and inquiry.product else "UV lamps"
    return Draft(to=to, subject=f"{product} – {company.name}"[:500], body=body,
                 attachments=ids)


@dataclass(frozen=True)
class OutgoingFile:
    filename: str
    data: bytes
    content_type: str


class AttachmentMissing(ValueError):
    """A file the email was queued with is gone from the library: sending it without
    would break the message's promise; the send fails, with the reason on the row."""


def _mime_part(file: OutgoingFile) -> MIMEBase:
    """The file in base64 whatever its type, so that the buyer gets its very bytes (a
    CSV's line endings and encoding too, which a text part would change)."""
    main, _slash, sub = file.content_type.partition("/")
    part = MIMEBase(main or "application", sub or "octet-stream")
    part.set_payload(file.data)
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=file.filename)
    return part


def smtp_send(*, sender: str, sender_name: str, to: str, subject: str, body: str,
              message_id: str, in_reply_to: str = "", references: str = "",
              attachments: Sequence[OutgoingFile] = (), connection=None) -> None:
    """Hand one message, with its ``attachments``, to the relay of ``EMAIL_URL`` (or
    ``connection``).

    Raises ``TemporarySendError`` for what may work later and ``smtplib.SMTPException``
    (5xx) for what will not.
    """
    headers = {"Message-ID": message_id}
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
        headers["References"] = references or in_reply_to
    message = EmailMessage(subject=subject, body=body,
                           from_email=formataddr((sender_name, sender)) if sender_name
                           else sender, to=[to], reply_to=[sender], headers=headers,
                           connection=connection or get_connection(fail_silently=False))
    for attachment in attachments:
        message.attach(_mime_part(attachment))
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError,
            TimeoutError) as exc:
        raise TemporarySendError(str(exc)) from exc
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500:
            raise TemporarySendError(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
        raise
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if codes and all(400 <= code < 500 for code in codes):
            raise TemporarySendError(str(exc.recipients)) from exc
        raise
    except OSError as exc:
        raise TemporarySendError(str(exc)) from exc


def followup_email_send(*, mail_id: int) -> MailMessage | None:
    """Send a queued email once; log the contact attempt when the relay took it."""
    from leads.services import contact_attempt_log

    claimed = MailMessage.objects.filter(
        pk=mail_id, direction=MailMessage.Direction.OUT,
        outcome=MailMessage.Outcome.QUEUED).update(outcome=MailMessage.Outcome.SENDING)
    if not claimed:
        return None  # sent, failed, or taken by another worker
    record = MailMessage.objects.select_related("user", "company").get(pk=mail_id)
    sender_name = (record.user.get_full_name() or record.user.get_username()) \
        if record.user else ""
    try:
        files = outgoing_files(mail_id=mail_id)
        smtp_send(sender=record.from_address, sender_name=sender_name,
                  to=record.to_addresses, subject=record.subject, body=record.body,
                  message_id=record.message_id, in_reply_to=record.in_reply_to,
                  references=record.references, attachments=files)
    except TemporarySendError as exc:
        MailMessage.objects.filter(pk=mail_id).update(
            outcome=MailMessage.Outcome.QUEUED, reason=f"temporary: {exc}"[:1000])
        log.warning("followup.mail.retry message=%s error=%s", mail_id, exc)
        raise
    except (smtplib.SMTPException, ValueError) as exc:
        MailMessage.objects.filter(pk=mail_id).update(
            outcome=MailMessage.Outcome.SEND_FAILED, reason=str(exc)[:1000])
        log.warning("followup.mail.failed message=%s error=%s", mail_id, exc)
        return MailMessage.objects.get(pk=mail_id)
    now = timezone.now()
    with transaction.atomic():
        record = MailMessage.objects.select_for_update().get(pk=mail_id)
        if record.company_id is not None:
            attached = (f"\nAttached: {', '.join(f.filename for f in files)}"
                        if files else "")
            record.activity = contact_attempt_log(
                company=record.company, channel=ChannelKind.EMAIL,
                outcome=Activity.Outcome.SENT, user=record.user, at=now,
                body=(f"Email to {record.to_addresses}: {record.subject}{attached}\n\n"
                      f"{record.body}")[:10_000])
        record.outcome = MailMessage.Outcome.SENT
        record.sent_at = now
        record.reason = ""
        record.save(update_fields=["activity", "outcome", "sent_at", "reason"])
    log.info("followup.mail.sent message=%s company=%s", mail_id, record.company_id)
    return record


def outgoing_files(*, mail_id: int) -> list[OutgoingFile]:
    """The library files queued with the email, read from storage, in their order."""
    from followup.models import MailAttachment

    files = []
    for row in MailAttachment.objects.filter(mail_id=mail_id).select_related("file"):
        if row.file is None or not row.file.file:
            raise AttachmentMissing(f"{row.filename} was deleted from the library before the "
                                    "email was sent")
        try:
            with row.file.file.open("rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise AttachmentMissing(f"{row.filename} cannot be read: {exc}") from exc
        files.append(OutgoingFile(row.filename, data, row.content_type))
    return files
