"""Who may verify an inquiry now: a claim with a lease that its run keeps renewing.

A run claims its inquiries in one conditional UPDATE (status running, a stamp of its
own, a lease until now + ``LEADQUAL_CLAIM_LEASE_SECONDS``) and renews the lease while
its checks wait on the network (``renew_due``). A run whose worker died stops renewing:
once its lease has run out, the sweeper gives the work back (``leases_expired``) and
another worker claims it — a minute or two after the death, however slow the batch was.
A live run is never taken for dead, whatever the task time limit says, and a run that
lost its claim (its lease ran out while the database was away) stores nothing: only
rows still carrying its stamp are its own (``Claim.own``).

Any prober uses the same claim: take it, renew it while waiting, store only what it
still owns.
"""

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from verification.models import Verification

log = logging.getLogger(__name__)
Status = Verification.Status


def lease_seconds() -> float:
    return float(settings.LEADQUAL_CLAIM_LEASE_SECONDS)


@dataclass
class Claim:
    """Inquiries one run verifies; ``stamp`` (the run's start) marks its rows."""

    stamp: datetime
    ids: set[int] = field(default_factory=set)
    renewed_at: float = field(default_factory=time.monotonic)

    @classmethod
    def take(cls, ids: Iterable[int], *, retry: bool = False) -> "Claim":
        """Claim what is free among ``ids``: pending, failed, or running under a lease
        that ran out; with ``retry``, done with a scheduled retry too. Inquiries without
        a verification row yet are this run's as well."""
        ids = list(ids)
        now = timezone.now()
        claim = cls(stamp=now)
        if not ids:
            return claim
        free = (Q(status__in=[Status.PENDING, Status.FAILED])
                | Q(status=Status.RUNNING, lease_until__isnull=True)
                | Q(status=Status.RUNNING, lease_until__lt=now))
        if retry:  # a scheduled retry after a temporary SMTP answer
            free |= Q(status=Status.DONE, retry_at__isnull=False)
        rows = Verification.objects.filter(inquiry_id__in=ids)
        rows.filter(free).update(status=Status.RUNNING, started_at=now,
                                 lease_until=now + timedelta(seconds=lease_seconds()))
        # Ours are those marked at this very instant (another claim has its own).
        found = dict(rows.values_list("inquiry_id", "started_at"))
        claim.ids = {pk for pk in ids if pk not in found or found[pk] == now}
        for pk in sorted(set(ids) - claim.ids):
            log.info("verification.skip inquiry=%s reason=done or running", pk)
        return claim

    def renew(self, ids: Iterable[int]) -> int:
        """Extend the lease of ``ids`` that are still this run's; how many were. A
        database that does not answer is logged, not raised: the checks go on and the
        lease may run out (the sweeper then gives the work to another run)."""
        ids = [pk for pk in ids if pk in self.ids]
        self.renewed_at = time.monotonic()
        if not ids:
            return 0
        try:
            return Verification.objects.filter(
                inquiry_id__in=ids, status=Status.RUNNING, started_at=self.stamp,
            ).update(lease_until=timezone.now() + timedelta(seconds=lease_seconds()))
        except DatabaseError as exc:
            log.warning("verification.lease not renewed (%s): %s", len(ids), exc)
            return 0

    def renew_due(self, ids: Iterable[int]) -> None:
        """``renew`` once a quarter of the lease has passed since the last renewal."""
        if time.monotonic() - self.renewed_at >= lease_seconds() / 4:
            self.renew(ids)

    def own(self, verification: Verification | None) -> bool:
        """Whether this run may store ``verification`` (read under a row lock)."""
        if verification is None:  # no row yet: nobody else can have claimed it
            return True
        return verification.status == Status.RUNNING and verification.started_at == self.stamp


def leases_expired(*, limit: int = 5000) -> list[int]:
    """Inquiries whose run stopped renewing its lease (its worker died): given back as
    pending, to be sent again now. Rows running without a lease (claimed before leases
    existed) count as expired."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(Verification.objects.select_for_update(skip_locked=True)
                   .filter(Q(status=Status.RUNNING)
                           & (Q(lease_until__lt=now) | Q(lease_until__isnull=True)))
                   .values_list("pk", flat=True)[:limit])
        Verification.objects.filter(pk__in=ids).update(
            status=Status.PENDING, lease_until=None, requested_at=now)
    return ids  # a verification's key is its inquiry's
