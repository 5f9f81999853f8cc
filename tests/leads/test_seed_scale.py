"""``seed_scale``: a consistent data set, written fast, never over existing data."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from followup.models import FollowUp, Reminder
from leads import services
from leads.models import Activity, Company, CompanyStatus, Inquiry
from leads.roles import REP
from verification.models import Verification

pytestmark = pytest.mark.django_db

HEADLINE = services.REFRESHED_FIELDS + ["verification_pending"]


@pytest.fixture
def seeded():
    call_command("seed_scale", inquiries=400, companies=150, seed=3, verbosity=0)


def headline(company: Company) -> dict:
    return {name: getattr(company, name) for name in HEADLINE}


def test_counts_and_one_verification_per_inquiry(seeded):
    assert Company.objects.count() == 150
    assert Inquiry.objects.count() == 400
    assert Verification.objects.count() == 400
    assert not Inquiry.objects.filter(verification__isnull=True).exists()
    done = Verification.objects.filter(status=Verification.Status.DONE)
    assert done.count() >= 390
    assert not done.filter(Q(grade="") | Q(score__isnull=True) | Q(verified_at__isnull=True)
                           ).exists()
    assert set(done.values_list("grade", flat=True)) == {"A", "B", "C", "D"}
    assert all(v.reasons and {"text", "effect"} <= set(v.reasons[0]) for v in done[:50])


def test_realistic_spread(seeded):
    assert set(Inquiry.objects.values_list("platform", flat=True)) == {
        "alibaba", "made-in-china", "email"}
    assert Company.objects.values("country").distinct().count() >= 20
    owners = Company.objects.filter(owner__isnull=False)
    assert 0.5 < owners.count() / 150 < 0.9  # the rest waits in the public pool
    assert not owners.exclude(owner__groups__name=REP).exists()
    assert Company.objects.filter(inquiry_count__gt=1).exists()
    kinds = set(Activity.objects.values_list("kind", flat=True))
    assert {"assignment", "contact_attempt", "reply", "status_change"} <= kinds
    assert FollowUp.objects.filter(status=FollowUp.Status.SCHEDULED).exists()
    assert FollowUp.objects.filter(status=FollowUp.Status.DONE).exists()
    assert Reminder.objects.exists()


def test_company_headlines_agree_with_companies_refresh(seeded):
    before = {c.pk: headline(c) for c in Company.objects.all()}
    services.companies_refresh(company_ids=list(before))
    after = {c.pk: headline(c) for c in Company.objects.all()}
    assert after == before
    counts = dict(Company.objects.annotate(n=Count("inquiries")).values_list("pk", "n"))
    assert counts == {pk: row["inquiry_count"] for pk, row in before.items()}


def test_history_agrees_with_status_and_follow_ups(seeded):
    for company in Company.objects.filter(owner__isnull=False).prefetch_related(
            "activities", "followups"):
        changes = sorted((a for a in company.activities.all()
                          if a.kind == Activity.Kind.STATUS_CHANGE), key=lambda a: a.created_at)
        assert company.status == (changes[-1].to_status if changes else CompanyStatus.NEW)
        open_steps = [f for f in company.followups.all() if f.status == "scheduled"]
        assert company.next_followup_at == (open_steps[0].due_at if open_steps else None)
    # A reminder belongs to the company's rep, for its one open step.
    for reminder in Reminder.objects.select_related("followup__company"):
        assert reminder.user_id == reminder.followup.company.owner_id
        assert reminder.followup.status == FollowUp.Status.SCHEDULED


def test_refuses_a_database_with_companies_unless_forced(seeded):
    with pytest.raises(CommandError, match="already has 150 companies"):
        call_command("seed_scale", inquiries=20, companies=10, verbosity=0)
    call_command("seed_scale", inquiries=20, companies=10, seed=3, force=True, verbosity=0)
    assert Company.objects.count() == 160
    assert Inquiry.objects.count() == Verification.objects.count() == 420


def test_seeded_screens_open(client, seeded):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    client.force_login(get_user_model().objects.get(username="grace"))
    company = Company.objects.order_by("-inquiry_count").first()
    for url in (reverse("leads:inbox"), reverse("leads:inbox") + "?q=aqua",
                reverse("leads:company", args=[company.pk]), reverse("followup:dashboard")):
        assert client.get(url).status_code == 200, url
