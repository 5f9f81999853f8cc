import logging
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from verification.models import Verification
from verification.probes.email_address import check_address

log = logging.getLogger(__name__)


def verification_request(*, inquiry_ids: Iterable[int]) -> None:
    """Mark inquiries pending and enqueue their checks once the caller commits."""
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

    def enqueue() -> None:
        for pk in ids:
            verify_inquiry.delay(pk)

    transaction.on_commit(enqueue)


def verification_run(*, inquiry_id: int) -> Verification | None:
    """Run the checks of one inquiry and store the result (idempotent).

    The checks run outside any transaction; the save happens under a row lock
    and is skipped if the inquiry was deleted meanwhile.
    """
    from leads.models import Inquiry

    inquiry = Inquiry.objects.filter(pk=inquiry_id).only("pk", "email").first()
    if inquiry is None:
        log.info("verification.skip inquiry=%s reason=deleted", inquiry_id)
        return None
    Verification.objects.filter(inquiry_id=inquiry_id).update(
        status=Verification.Status.RUNNING, started_at=timezone.now()
    )
    address = check_address(inquiry.email)

    with transaction.atomic():
        verification = (
            Verification.objects.select_for_update().filter(inquiry_id=inquiry_id).first()
        )
        if verification is None:
            if not Inquiry.objects.filter(pk=inquiry_id).exists():
                return None
            verification = Verification(inquiry_id=inquiry_id)
        verification.status = Verification.Status.DONE
        verification.email_verdict = address.verdict
        verification.email_normalized = address.normalized
        verification.is_free_mail = address.free_mail
        verification.is_disposable = address.disposable
        verification.is_role_account = address.role_account
        verification.evidence = {"address": address.as_dict()}
        verification.error = ""
        verification.attempts += 1
        verification.finished_at = timezone.now()
        verification.save()
    log.info("verification.done inquiry=%s email=%s", inquiry_id, address.verdict)
    return verification


def verifications_claim_stale(*, older_than: timedelta, limit: int = 5000) -> list[int]:
    """Inquiries whose checks were requested long ago and never finished.

    Their request time is reset, so the next sweep does not enqueue them again.
    """
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Verification.objects.select_for_update(skip_locked=True)
            .filter(
                status__in=[Verification.Status.PENDING, Verification.Status.RUNNING],
                requested_at__lt=now - older_than,
            )
            .values_list("inquiry_id", flat=True)[:limit]
        )
        Verification.objects.filter(inquiry_id__in=ids).update(requested_at=now)
    return ids
