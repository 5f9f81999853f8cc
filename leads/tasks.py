from celery import shared_task

from leads import services


@shared_task(acks_late=True)
def pool_return_stale() -> int:
    """Periodic: owned companies nobody followed up go back to the public pool."""
    return services.pool_return_stale()


@shared_task(acks_late=True)
def mailboxes_poll() -> int:
    """Periodic: send a poll of each active mailbox (one task each, so one slow server
    does not hold up the others)."""
    from config.celery_app import enqueue
    from leads.models import Mailbox

    ids = list(Mailbox.objects.filter(active=True).values_list("pk", flat=True))
    for pk in ids:
        enqueue(mailbox_poll, pk)
    return len(ids)


@shared_task(acks_late=True)
def mailbox_poll(mailbox_id: int) -> dict:
    """Read one mailbox's new messages; idempotent (messages are known by Message-ID)."""
    from leads.mail.services import mailbox_poll as poll
    from leads.models import Mailbox

    mailbox = Mailbox.objects.filter(pk=mailbox_id, active=True).first()
    if mailbox is None:
        return {}
    summary = poll(mailbox=mailbox)
    if summary.remaining and not summary.error:
        from config.celery_app import enqueue

        enqueue(mailbox_poll, mailbox_id)  # a full mailbox is read in batches
    return {"read": summary.read, "outcomes": summary.outcomes, "error": summary.error}


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=30, max_retries=5)
def mail_teach(message_id: int) -> str:
    """Teach the spam filter a person's decision on a held-back message."""
    from leads.mail.services import mail_teach as teach
    from leads.models import MailMessage

    message = MailMessage.objects.filter(pk=message_id).first()
    return teach(message=message) if message is not None else ""
