"""Thin Celery wrappers: load by id, call a service, handle retries."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from verification import services
from verification.keyword_editor import rescore_run, rescore_runs_claim_stale

log = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def verify_inquiry(inquiry_id: int, retry: bool = False) -> str:
    verification = services.verification_run(inquiry_id=inquiry_id, retry=retry)
    if verification is None:
        return "skipped"
    if verification.retry_at:  # a temporary SMTP answer: ask again later
        verify_inquiry.apply_async((inquiry_id, True), eta=verification.retry_at)
    return verification.status


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def verify_batch(inquiry_ids: list[int]) -> int:
    """Verify these inquiries side by side and store them together (``verifications_run``);
    those with a temporary SMTP answer are asked again later, one by one."""
    stored = services.verifications_run(inquiry_ids=inquiry_ids)
    for inquiry_id, verification in stored.items():
        if verification.retry_at:
            verify_inquiry.apply_async((inquiry_id, True), eta=verification.retry_at)
    return len(stored)


@shared_task(acks_late=True)
def verify_fan_out(inquiry_ids: list[int]) -> int:
    """Split one message for many inquiries (``verification_request``) into batches."""
    for batch in services.batches(inquiry_ids):
        verify_batch.delay(batch)
    return len(inquiry_ids)


@shared_task(acks_late=True)
def requeue_stale(seconds: int | None = None) -> int:
    """Send again the work left pending or running beyond ``seconds`` (default
    ``LEADQUAL_STALE_AFTER_SECONDS``): a message lost with a broker that restarted
    empty, a worker killed mid-task, an enqueue that failed during an outage."""
    older_than = timedelta(seconds=seconds or settings.LEADQUAL_STALE_AFTER_SECONDS)
    ids = services.verifications_claim_stale(older_than=older_than)
    for batch in services.batches(ids):
        verify_batch.apply_async((batch,), queue="sweep")  # not behind a backlog
    for run_id in rescore_runs_claim_stale(older_than=older_than):
        rescore_all.delay(run_id)
    if ids:
        log.warning("sweep.requeued verifications=%s", len(ids))
    return len(ids)


@shared_task(acks_late=True)
def rescore_all(run_id: int | None = None) -> int:
    """Fit and grade of every verified inquiry again, from stored texts (keyword edit),
    with its progress in ``RescoreRun``."""
    return rescore_run(run_id)


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def fit_retrain(model_id: int) -> str:
    """Train a candidate fit model; an admin decides whether it takes effect."""
    run = services.fit_retrain_run(model_id=model_id)
    return run.status if run is not None else "skipped"


@shared_task(acks_late=True)
def fit_retrain_weekly() -> str:
    """Once a week: a candidate when the team labelled companies since the last one."""
    return services.fit_retrain_when_labelled()
