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
"""

import logging
import smtplib
from dataclasses import dataclass
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


def sender_address() -> str:
    return settings.LEADQUAL_MAIL_FROM or settings.DEFAULT_FROM_EMAIL


def email_draft(*, company: Company, user=None) -> Draft:
    """What the rep is offered to send: the open step's message to the buyer's address,
    as an answer to the buyer's latest email when there is one."""
    from followup.cadence import fill_template
    from followup.models import FollowUp

    inquiry = company.inquiries.exclude(email="").order_by("-received_at").first()
    to = inquiry.email if inquiry else (
        company.channels.filter(kind=ChannelKind.EMAIL).values_list("value", flat=True).first()
        or "")
    followup = (FollowUp.objects.filter(company=company, status=FollowUp.Status.SCHEDULED)
                .select_related("step", "company").first())
    body = fill_template(followup, rep=user) if followup else ""
    # The buyer's own latest message (not an out-of-office or other automatic answer).
    last_in = (MailMessage.objects.filter(company=company, direction=MailMessage.Direction.IN,
                                          outcome__in=[MailMessage.Outcome.REPLY,
                                                       MailMessage.Outcome.INQUIRY,
                                                       MailMessage.Outcome.DUPLICATE])
               .exclude(subject="").order_by("-created_at").first())
    if last_in is not None:
        subject = last_in.subject if last_in.subject.lower().startswith("re:") \
            else f"Re: {last_in.subject}"
        return Draft(to=to, subject=subject[:500], body=body, in_reply_to=last_in.message_id)
    product = inquiry.product if inquiry and inquiry.product else "UV lamps"
    return Draft(to=to, subject=f"{product} – {company.name}"[:500], body=body)


def smtp_send(*, sender: str, sender_name: str, to: str, subject: str, body: str,
              message_id: str, in_reply_to: str = "", references: str = "",
              connection=None) -> None:
    """Hand one message to the relay of ``EMAIL_URL`` (or ``connection``).

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
        smtp_send(sender=record.from_address, sender_name=sender_name,
                  to=record.to_addresses, subject=record.subject, body=record.body,
                  message_id=record.message_id, in_reply_to=record.in_reply_to,
                  references=record.references)
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
            record.activity = contact_attempt_log(
                company=record.company, channel=ChannelKind.EMAIL,
                outcome=Activity.Outcome.SENT, user=record.user, at=now,
                body=f"Email to {record.to_addresses}: {record.subject}\n\n{record.body}"[:10_000])
        record.outcome = MailMessage.Outcome.SENT
        record.sent_at = now
        record.reason = ""
        record.save(update_fields=["activity", "outcome", "sent_at", "reason"])
    log.info("followup.mail.sent message=%s company=%s", mail_id, record.company_id)
    return record
