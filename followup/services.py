"""Follow-up writes: vacations, the channel rankings' cache, emails to buyers queued."""

from email.utils import make_msgid

from django.core.cache import cache
from django.db import transaction

from config.celery_app import enqueue
from followup.cadence import cadence_postpone
from followup.mail import sender_address
from followup.models import FollowUp, Vacation
from followup.selectors import RANKINGS_KEY
from followup.tasks import mail_send
from leads.models import Activity, Company, MailMessage


def rankings_changed(**_kwargs) -> None:
    """Forget the cached rankings now and again when the transaction commits (a page
    drawn meanwhile may have cached the old ones)."""
    cache.delete(RANKINGS_KEY)
    transaction.on_commit(lambda: cache.delete(RANKINGS_KEY))


def vacation_add(*, company, first_day, last_day, note: str = "", user=None, now=None):
    vacation = Vacation.objects.create(company=company, first_day=first_day, last_day=last_day,
                                       note=note, created_by=user)
    cadence_postpone(company, now=now)  # the open step leaves the vacation
    Activity.objects.create(company=company, kind=Activity.Kind.NOTE, author=user,
                            body=f"Away {first_day:%Y-%m-%d} – {last_day:%Y-%m-%d}"
                            + (f": {note}" if note else ""))
    return vacation


def followup_email_queue(*, company: Company, user, to: str, subject: str, body: str,
                         in_reply_to: str = "") -> MailMessage:
    """Record the email and send it in the background once the caller commits."""
    domain = sender_address().rpartition("@")[2] or "leadqual.local"
    references = ""
    if in_reply_to:
        earlier = MailMessage.objects.filter(message_id=in_reply_to).first()
        references = " ".join(filter(None, [earlier.references if earlier else "",
                                            in_reply_to]))
    record = MailMessage.objects.create(
        direction=MailMessage.Direction.OUT, outcome=MailMessage.Outcome.QUEUED,
        source="smtp", message_id=make_msgid(idstring="leadqual", domain=domain),
        in_reply_to=in_reply_to, references=references[-5000:],
        from_address=sender_address()[:320], to_addresses=to, subject=subject[:500],
        body=body, company=company, user=user,
    )
    # The open step this email is sent for (it is done once the relay takes the mail).
    FollowUp.objects.filter(company=company, status=FollowUp.Status.SCHEDULED,
                            mail__isnull=True).update(mail=record)
    transaction.on_commit(lambda: enqueue(mail_send, record.pk))
    return record
