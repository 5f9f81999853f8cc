import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from config.celery_app import enqueue as enqueue_task
from verification.checks import checks_run
from verification.models import Verification

log = logging.getLogger(__name__)


def verification_request(*, inquiry_ids: Iterable[int]) -> None:
    """Mark inquiries pending and enqueue their checks once the caller commits."""
    from leads.models import Inquiry
    from leads.services import companies_refresh
    from verification.tasks import verify_inquiry

    ids = list(inquiry_ids)
    if not ids:
        return
    now = timezone.now()
    existing = set(
        Verification.objects.filter(inquiry_id__in=ids).values_list("inquiry_id", flat=True)
    )
    Verification.objects.bulk_create(
        [Verification(inquiry_id=pk, requested_at=now) for pk in ids if pk not in existing]
    )
    Verification.objects.filter(inquiry_id__in=existing).update(
        status=Verification.Status.PENDING, requested_at=now
    )
    companies_refresh(company_ids=Inquiry.objects.filter(pk__in=ids)
                      .values_list("company_id", flat=True).distinct())

    def enqueue() -> None:
        for pk in ids:
            if not enqueue_task(verify_inquiry, pk):
                break  # the broker is down: the sweeper sends the rest when it is back

    transaction.on_commit(enqueue)


def verification_run(*, inquiry_id: int, retry: bool = False) -> Verification | None:
    """Run the checks of one inquiry and store the result (idempotent).

    The checks run outside any transaction; the save happens under a row lock
    and is skipped if the inquiry was deleted meanwhile. ``retry``: this run
    is a scheduled retry after a temporary SMTP answer.
    """
    from leads.models import Inquiry
    from leads.services import companies_refresh

    inquiry = (Inquiry.objects.filter(pk=inquiry_id)
               .only("pk", "company_id", "email", "website", "company_name", "message",
                     "product").first())
    if inquiry is None:
        log.info("verification.skip inquiry=%s reason=deleted", inquiry_id)
        return None
    # Claim the work: a message delivered twice (a worker killed after saving but
    # before its acknowledgement, a sweep racing a slow queue) finds it done or
    # running and does nothing. A run older than the task time limit is dead.
    now = timezone.now()
    Status = Verification.Status
    claimable = (Q(status__in=[Status.PENDING, Status.FAILED])
                 | Q(status=Status.RUNNING, started_at__isnull=True)
                 | Q(status=Status.RUNNING,
                     started_at__lt=now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)))
    if retry:  # a scheduled retry after a temporary SMTP answer
        claimable |= Q(status=Status.DONE, retry_at__isnull=False)
    claimed = (Verification.objects.filter(inquiry_id=inquiry_id).filter(claimable)
               .update(status=Status.RUNNING, started_at=now))
    if not claimed and Verification.objects.filter(inquiry_id=inquiry_id).exists():
        log.info("verification.skip inquiry=%s reason=done or running", inquiry_id)
        return None
    _release_connection()
    outcome = checks_run(email=inquiry.email, website=inquiry.website,
                         company_name=inquiry.company_name,
                         message=" ".join(filter(None, (inquiry.product, inquiry.message))))

    with transaction.atomic():
        verification = (
            Verification.objects.select_for_update().filter(inquiry_id=inquiry_id).first()
        )
        if verification is None:
            if not Inquiry.objects.filter(pk=inquiry_id).exists():
                return None
            verification = Verification(inquiry_id=inquiry_id)
        verification.attempts = (verification.attempts if retry else 0) + 1
        verification.runs += 1
        outcome.apply(verification)
        verification.retry_at = None
        if outcome.email.retry and verification.attempts < settings.LEADQUAL_SMTP_TRIES:
            verification.retry_at = timezone.now() + timedelta(
                seconds=settings.LEADQUAL_SMTP_RETRY_SECONDS)
        verification.status = Verification.Status.DONE
        verification.error = ""
        verification.verified_at = timezone.now()
        verification.save()
        companies_refresh(company_ids=[inquiry.company_id])
    log.info("verification.done inquiry=%s grade=%s email=%s website=%s fit=%s",
             inquiry_id, verification.grade, verification.email_status,
             verification.website_status, verification.fit)
    return verification


def _release_connection() -> None:
    """With a connection pool, give the connection back while the checks wait on the
    network: a worker of 100 threads then needs a few connections, not 100."""
    if connection.settings_dict["OPTIONS"].get("pool") and not connection.in_atomic_block:
        connection.close()


def stale_claim(queryset, *, older_than: timedelta, limit: int = 5000) -> list[int]:
    """Primary keys of work in ``queryset`` requested longer ago than ``older_than``;
    their request time is reset, so the next sweep leaves them to the worker."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(queryset.select_for_update(skip_locked=True)
                   .filter(requested_at__lt=now - older_than)
                   .values_list("pk", flat=True)[:limit])
        queryset.model.objects.filter(pk__in=ids).update(requested_at=now)
    return ids


def verifications_claim_stale(*, older_than: timedelta, limit: int = 5000) -> list[int]:
    """Inquiries whose checks were requested long ago and never finished."""
    return stale_claim(
        Verification.objects.filter(
            status__in=[Verification.Status.PENDING, Verification.Status.RUNNING]),
        older_than=older_than, limit=limit)


def verifications_rescore(*, batch_size: int = 500, progress=None) -> int:
    """Recompute fit and grade of every verified inquiry from its stored texts.

    No network: the website text, title and description saved at verification
    time are scored again with the current keywords (after an admin's edit).
    """
    from leads.services import companies_refresh
    from verification.checks import rescore

    queryset = (Verification.objects.filter(verified_at__isnull=False)
                .select_related("inquiry").order_by("pk"))
    count = 0
    batch: list[Verification] = []
    fields = ["fit", "fit_matches", "fit_industries", "grade", "score", "reasons", "evidence"]
    for verification in queryset.iterator(chunk_size=batch_size):
        inquiry = verification.inquiry
        rescore(verification, company_name=inquiry.company_name,
                message=" ".join(filter(None, (inquiry.product, inquiry.message))))
        batch.append(verification)
        if len(batch) >= batch_size:
            Verification.objects.bulk_update(batch, fields)
            companies_refresh(company_ids={v.inquiry.company_id for v in batch})
            count += len(batch)
            if progress:
                progress(len(batch))
            batch = []
    if batch:
        Verification.objects.bulk_update(batch, fields)
        companies_refresh(company_ids={v.inquiry.company_id for v in batch})
        count += len(batch)
        if progress:
            progress(len(batch))
    return count
