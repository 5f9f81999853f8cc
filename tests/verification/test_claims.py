"""A run's claim lives as long as the run: renewed while the checks wait on the network,
taken back by the sweeper only once it stops being renewed, never stored twice."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import InquiryFactory
from verification import services
from verification.claims import Claim
from verification.models import Verification

pytestmark = pytest.mark.django_db

SLOW = {"email": "", "website": "slow.example"}  # the sandbox site answers after 3 s


@pytest.fixture
def slow_checks(sandbox_internet, settings):
    settings.LEADQUAL_PROBE_TIMEOUT = 6.0  # the slow site is waited for, not given up
    settings.LEADQUAL_CLAIM_LEASE_SECONDS = 0.6  # renewed every 0.15 s
    inquiry = InquiryFactory(**SLOW)
    Verification.objects.create(inquiry=inquiry)
    return inquiry


def _sweeping(monkeypatch, *, renew: bool) -> list:
    """The sweeper runs at every heartbeat of the run; returns what it took back."""
    swept: list = []
    original = Claim.renew_due

    def beat(claim, ids):
        if renew:
            original(claim, ids)
        swept.extend(services.verifications_claim_stale(older_than=timedelta(hours=1)))

    monkeypatch.setattr(Claim, "renew_due", beat)
    return swept


def test_a_run_slower_than_its_lease_keeps_its_claim_and_stores_once(slow_checks,
                                                                      monkeypatch):
    swept = _sweeping(monkeypatch, renew=True)
    started = timezone.now()
    stored = services.verifications_run(inquiry_ids=[slow_checks.pk])
    assert (timezone.now() - started).total_seconds() > 2.5  # four leases and more
    assert swept == []  # never taken for dead
    verification = stored[slow_checks.pk]
    assert verification.status == Verification.Status.DONE
    assert (verification.runs, verification.lease_until) == (1, None)


def test_a_run_that_stops_renewing_is_taken_back_and_stores_nothing(slow_checks, monkeypatch):
    swept = _sweeping(monkeypatch, renew=False)
    assert services.verifications_run(inquiry_ids=[slow_checks.pk]) == {}
    assert swept == [slow_checks.pk]  # once: then it was pending for the next run
    verification = Verification.objects.get(inquiry=slow_checks)
    assert (verification.status, verification.runs) == (Verification.Status.PENDING, 0)


def test_a_second_claim_while_the_lease_holds_gets_nothing():
    inquiry = InquiryFactory()
    Verification.objects.create(inquiry=inquiry)
    first = Claim.take([inquiry.pk])
    assert first.ids == {inquiry.pk}
    assert Claim.take([inquiry.pk]).ids == set()
    assert first.renew([inquiry.pk]) == 1
    Verification.objects.filter(inquiry=inquiry).update(
        lease_until=timezone.now() - timedelta(seconds=1))
    second = Claim.take([inquiry.pk])
    assert second.ids == {inquiry.pk}
    # The first run lost it: it can neither renew nor store it.
    assert first.renew([inquiry.pk]) == 0
    assert not first.own(Verification.objects.get(inquiry=inquiry))
    assert second.own(Verification.objects.get(inquiry=inquiry))


def test_checks_over_the_limit_are_given_up_with_the_reason(slow_checks, settings):
    settings.LEADQUAL_CHECKS_LIMIT_SECONDS = 1.0
    fast = InquiryFactory(email="anna@klarwasser.de", website="")
    Verification.objects.create(inquiry=fast)
    stored = services.verifications_run(inquiry_ids=[slow_checks.pk, fast.pk])
    assert stored[fast.pk].status == Verification.Status.DONE
    given_up = Verification.objects.get(inquiry=slow_checks)
    assert given_up.status == Verification.Status.FAILED
    assert given_up.error == "the checks ran over 1 s"
    assert given_up.lease_until is None and given_up.runs == 0
