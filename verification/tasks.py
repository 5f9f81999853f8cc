"""Thin Celery wrappers: load by id, call a service, handle retries."""

from datetime import timedelta

from celery import shared_task
from django.db import OperationalError

from verification import services


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=120,
    time_limit=180,
)
def verify_inquiry(inquiry_id: int, retry: bool = False) -> str:
    verification = services.verification_run(inquiry_id=inquiry_id, retry=retry)
    if verification is None:
        return "skipped"
    if verification.retry_at:  # a temporary SMTP answer: ask again later
        verify_inquiry.apply_async((inquiry_id, True), eta=verification.retry_at)
    return verification.status


@shared_task(acks_late=True)
def requeue_stale(minutes: int = 30) -> int:
    """Re-enqueue verifications left pending or running (a lost message, a killed worker)."""
    ids = services.verifications_claim_stale(older_than=timedelta(minutes=minutes))
    for inquiry_id in ids:
        verify_inquiry.delay(inquiry_id)
    return len(ids)


@shared_task(acks_late=True)
def rescore_all(run_id: int | None = None) -> int:
    """Fit and grade of every verified inquiry again, from stored texts (keyword edit),
    with its progress in ``RescoreRun``."""
    from verification.keyword_editor import rescore_run

    return rescore_run(run_id)
