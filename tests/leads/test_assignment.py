"""Who gets a new company, the public pool, and the return to it."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from leads import services
from leads.models import Activity, AssignedVia, AssignmentRule, Company, TeamSettings
from leads.services import ClaimRefused
from leads.tasks import pool_return_stale
from tests.factories import UserFactory
from tests.leads.helpers import ingest

pytestmark = pytest.mark.django_db


def team(**values) -> TeamSettings:
    settings = TeamSettings.load()
    for key, value in values.items():
        setattr(settings, key, value)
    settings.save()
    return settings


def rule(name, kind, values, rep, priority=100):
    return AssignmentRule.objects.create(name=name, kind=kind, values=values, rep=rep,
                                         priority=priority)


def test_country_region_and_product_rules_by_priority(rep, other_rep):
    team(round_robin=False)
    rule("Ballasts → Kevin", AssignmentRule.Kind.PRODUCT, "ballast", other_rep, priority=1)
    rule("Middle East → Lily", AssignmentRule.Kind.COUNTRY, "Middle East, IN", rep, priority=5)
    saudi = ingest(company="Riyadh Water", email="a@riyadhwater.sa", country="Saudi Arabia")
    india = ingest(company="Delhi Pure", email="a@delhipure.in", country="IN")
    ballast = ingest(company="Dubai Lights", email="a@dubailights.ae", country="AE",
                     product="Electronic ballast 40W")
    other = ingest(company="Paris Eau", email="a@pariseau.fr", country="FR")
    assert saudi.company.owner == rep and india.company.owner == rep
    assert saudi.company.assigned_note == "Rule: Middle East → Lily"
    assert ballast.company.owner == other_rep  # the product rule runs first
    assert other.company.owner is None  # no rule, no round robin: the pool


def test_same_buyer_same_rep(rep, other_rep):
    team(round_robin=False)
    first = ingest(company="Aqua One", email="li@aquaone.cn", country="CN",
                   phone="+86 21 5555 0000")
    services.company_assign(company=first.company, owner=other_rep)
    # Another domain, same phone: a new company, given to the rep who knows the buyer.
    second = ingest(company="Aqua One Trading", email="li@gmail.com", country="CN",
                    phone="+86 21 5555 0000")
    assert second.company_id != first.company_id
    assert second.company.owner == other_rep
    assert second.company.assigned_via == AssignedVia.SAME_BUYER
    # A new inquiry of a known company stays with its owner.
    again = ingest(company="Aqua One", email="wang@aquaone.cn", country="CN")
    assert again.company_id == first.company_id and again.company.owner == other_rep


def test_round_robin_takes_turns_and_stops_at_the_daily_cap(rep, other_rep):
    team(round_robin=True, daily_cap=2)
    owners = [ingest(company=f"Buyer {n}", email=f"a@buyer{n}.com", country="US").company.owner
              for n in range(5)]
    assert owners[:4].count(rep) == 2 and owners[:4].count(other_rep) == 2
    assert owners[0] != owners[1]  # turns, not batches
    assert owners[4] is None  # both reps at the cap: the pool


def test_inactive_reps_get_nothing(rep, other_rep):
    team(round_robin=True)
    other_rep.is_active = False
    other_rep.save()
    owners = {ingest(company=f"B{n}", email=f"a@b{n}.com").company.owner for n in range(3)}
    assert owners == {rep}


def test_claim_from_the_pool_with_a_cap(client, rep):
    team(round_robin=False, pool_cap=1)
    one = ingest(company="One", email="a@one.com").company
    two = ingest(company="Two", email="a@two.com").company
    client.force_login(rep)
    client.post(reverse("leads:company-claim", args=[one.pk]))
    response = client.post(reverse("leads:company-claim", args=[two.pk]), follow=True)
    assert "the most a rep may hold (1)" in response.content.decode()
    assert Company.objects.get(pk=one.pk).owner == rep
    assert Company.objects.get(pk=two.pk).owner is None


def test_claiming_someone_elses_company_is_refused(rep, other_rep):
    team(round_robin=False)
    company = ingest(company="Taken", email="a@taken.com").company
    services.company_claim(company_id=company.pk, user=other_rep)
    with pytest.raises(ClaimRefused):
        services.company_claim(company_id=company.pk, user=rep)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reps_claiming_at_once_exactly_one_wins():
    """Real concurrent transactions (PostgreSQL in CI): the conditional UPDATE decides."""
    team(round_robin=False)
    reps = [UserFactory(username=f"racer{n}", role="rep") for n in range(2)]
    companies = [ingest(company=f"Race {n}", email=f"a@race{n}.com").company for n in range(5)]
    for company in companies:
        barrier = threading.Barrier(2)
        results = []

        def claim(user, company=company, barrier=barrier, results=results):
            try:
                barrier.wait()
                services.company_claim(company_id=company.pk, user=user)
                results.append(user.pk)
            except ClaimRefused:
                results.append(None)
            finally:
                connection.close()

        threads = [threading.Thread(target=claim, args=(user,)) for user in reps]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        winners = [r for r in results if r]
        assert len(winners) == 1, results
        company.refresh_from_db()
        assert company.owner_id == winners[0]
        assert company.activities.filter(kind=Activity.Kind.ASSIGNMENT).count() == 1


def test_no_follow_up_for_30_days_returns_to_the_pool(rep):
    team(round_robin=False)
    now = timezone.now()
    stale = ingest(company="Stale", email="a@stale.com").company
    fresh = ingest(company="Fresh", email="a@fresh.com").company
    won = ingest(company="Won", email="a@won.com").company
    for company in (stale, fresh, won):
        services.company_assign(company=company, owner=rep)
    Company.objects.update(owner_since=now - timedelta(days=45))
    services.contact_attempt_log(company=fresh, channel="email", outcome="sent", user=rep,
                                 at=now - timedelta(days=3))
    services.contact_attempt_log(company=stale, channel="email", outcome="sent", user=rep,
                                 at=now - timedelta(days=31))
    services.company_set_status(company=won, status="won")
    assert pool_return_stale.delay().get() == 1
    stale.refresh_from_db()
    assert stale.owner is None
    assert "no follow-up for 30 days" in stale.activities.filter(
        kind=Activity.Kind.ASSIGNMENT).first().body
    assert Company.objects.get(pk=fresh.pk).owner == rep
    assert Company.objects.get(pk=won.pk).owner == rep


def test_pool_return_can_be_switched_off(rep):
    team(round_robin=False, pool_return_days=0)
    company = ingest(company="Old", email="a@old.com").company
    services.company_assign(company=company, owner=rep)
    Company.objects.update(owner_since=timezone.now() - timedelta(days=400))
    assert services.pool_return_stale() == 0


def test_the_assigning_rule_is_shown_on_the_company(client, rep):
    team(round_robin=False)
    rule("Europe → Lily", AssignmentRule.Kind.COUNTRY, "Europe", rep)
    company = ingest(company="Wien Wasser", email="a@wienwasser.at", country="AT").company
    client.force_login(rep)
    html = client.get(reverse("leads:company", args=[company.pk])).content.decode()
    assert "Rule: Europe → Lily" in html


def test_admins_edit_rules_and_team_settings_in_the_admin(client, admin_user, rep, manager):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    response = client.post(reverse("admin:leads_assignmentrule_add"), {
        "name": "EU → Lily", "kind": "country", "values": "EU", "rep": rep.pk,
        "priority": 10, "active": "on"})
    assert response.status_code == 302
    assert AssignmentRule.objects.get(name="EU → Lily").terms() == ["EU"]
    settings = TeamSettings.load()
    response = client.post(reverse("admin:leads_teamsettings_change", args=[settings.pk]), {
        "round_robin": "on", "daily_cap": "5", "pool_cap": "", "pool_return_days": "14"})
    assert response.status_code == 302
    settings.refresh_from_db()
    assert (settings.daily_cap, settings.pool_return_days) == (5, 14)
    client.force_login(manager)  # managers are not staff: no admin
    assert client.get(reverse("admin:leads_assignmentrule_changelist")).status_code == 302
