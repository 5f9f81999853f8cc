from celery import shared_task

from followup.cadence import reminders_create
from followup.mail import TemporarySendError, followup_email_send


@shared_task(acks_late=True)
def remind_due() -> int:
    """Periodic: due follow-up steps become reminders for their reps (once each)."""
    return reminders_create()


@shared_task(acks_late=True, autoretry_for=(TemporarySendError,), retry_backoff=60,
             retry_backoff_max=1800, max_retries=5)
def mail_send(mail_id: int) -> str:
    """Send a follow-up email recorded by ``followup_email_queue``, at most once."""
    record = followup_email_send(mail_id=mail_id)
    return record.outcome if record else "skipped"
