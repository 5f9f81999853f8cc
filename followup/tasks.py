from celery import shared_task

from followup.cadence import reminders_create


@shared_task(acks_late=True)
def remind_due() -> int:
    """Periodic: due follow-up steps become reminders for their reps (once each)."""
    return reminders_create()
