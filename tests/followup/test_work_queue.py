"""The work queue: what a rep answers first, and what a manager sees of the team."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from followup import queue
from leads import services
from leads.models import Company, ContactChannel, TeamSettings
from tests.leads.helpers import ingest, verified

pytestmark = pytest.mark.django_db

# Monday 7 Dec 2026, 10:00 in Shanghai (the team's zone).
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_round_robin():
    team = TeamSettings.load()
    team.round_robin = False
    team.save()


def lead(name, *, owner, grade="A", received="2026-12-07 09:00", country="DE", **fields):
    company = verified(ingest(company=name, email=f"buyer@{name.lower().replace(' ', '')}.de",
                              country=country, received_at=received, **fields), grade=grade)
    if owner is not None:
        company = services.company_assign(company=company, owner=owner)
    return Company.objects.get(pk=company.pk)


def rows(user, now=NOW):
    shown, totals = queue.queue_page(queue.work_companies(now).filter(owner=user), now=now)
    assert totals["total"] == len(shown)  # all shown: fewer than a page of each kind
    return shown


def test_unanswered_a_and_b_leads_come_first_counted_in_team_business_hours(rep):
    # Received Friday 17:00 Shanghai; by Monday 10:00 two business hours have passed
    # (Friday 17-18, Monday 9-10): inside the target of one business day (9 hours).
    fresh = lead("Fresh Water", owner=rep, received="2026-12-04 17:00")
    late = lead("Late Water", owner=rep, received="2026-12-02 10:00")
    b_lead = lead("Bee Filters", owner=rep, grade="B", received="2026-12-07 09:30")
    lead("Sea Doubt", owner=rep, grade="C")  # doubtful: waits for the rep's own look
    found = rows(rep)
    assert [w.company.name for w in found] == ["Fresh Water", "Late Water", "Bee Filters"]
    by_name = {w.company.name: w for w in found}
    assert by_name["Fresh Water"].minutes == 120 and not by_name["Fresh Water"].late
    assert by_name["Fresh Water"].left == 9 * 60 - 120
    # Wed 10-18, Thu, Fri (9 h each), Mon 9-10: 8 + 18 + 1 = 27 business hours.
    assert by_name["Late Water"].minutes == 27 * 60 and by_name["Late Water"].late
    assert all(w.kind == queue.NEW for w in found)
    assert fresh.pk != late.pk != b_lead.pk


def test_the_admins_target_decides_what_is_late(rep):
    lead("Fresh Water", owner=rep, received="2026-12-04 17:00")
    team = TeamSettings.load()
    team.first_response_hours = 1
    team.save()
    (work,) = rows(rep)
    assert work.target == 60 and work.late


def test_replies_then_due_steps_then_bounces(rep):
    new = lead("New Water", owner=rep, received="2026-12-07 09:00")
    replied = lead("Reply Water", owner=rep, received="2026-11-20 10:00")
    services.contact_attempt_log(company=replied, channel="email", outcome="sent", user=rep,
                                 at=datetime(2026, 11, 20, 6, 0, tzinfo=UTC))
    services.reply_log(company=replied, channel="email", user=rep,
                       at=datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    due = lead("Due Water", owner=rep, received="2026-11-02 10:00")
    services.contact_attempt_log(company=due, channel="email", outcome="sent", user=rep,
                                 at=datetime(2026, 11, 2, 6, 0, tzinfo=UTC))
    bounced = lead("Bounce Water", owner=rep, received="2026-11-03 10:00",
                   phone="+49 30 1234567")
    services.contact_attempt_log(company=bounced, channel="email", outcome="sent", user=rep,
                                 at=datetime(2026, 11, 3, 6, 0, tzinfo=UTC))
    ContactChannel.objects.filter(company=bounced, kind="email").update(
        bounced_at=datetime(2026, 11, 3, 7, 0, tzinfo=UTC), bounce_reason="550 no such user")
    Company.objects.filter(pk=bounced.pk).update(next_followup_at=None)
    found = rows(rep)
    assert [(w.company.name, w.kind) for w in found] == [
        ("New Water", "new"), ("Reply Water", "reply"), ("Due Water", "due"),
        ("Bounce Water", "bounce")]
    assert found[2].followup is not None and found[2].followup.company_id == due.pk
    assert new.pk


def test_a_reply_moved_on_or_answered_leaves_the_queue(rep):
    replied = lead("Reply Water", owner=rep, received="2026-11-20 10:00")
    services.contact_attempt_log(company=replied, channel="email", outcome="sent", user=rep,
                                 at=datetime(2026, 11, 20, 6, 0, tzinfo=UTC))
    services.reply_log(company=replied, channel="email", user=rep,
                       at=datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    assert [w.kind for w in rows(rep)] == ["reply"]
    services.company_set_status(company=Company.objects.get(pk=replied.pk),
                                status="quoting", user=rep)
    assert rows(rep) == []


def test_fake_and_lost_companies_are_left_out(rep):
    fake = lead("Fake Water", owner=rep)
    lost = lead("Lost Water", owner=rep)
    services.company_set_status(company=fake, status="fake", user=rep)
    services.company_set_status(company=lost, status="lost", user=rep)
    assert rows(rep) == []


def test_a_new_inquiry_after_our_answer_is_work_again(rep):
    company = lead("Again Water", owner=rep, received="2026-11-02 10:00")
    services.contact_attempt_log(company=company, channel="email", outcome="sent", user=rep,
                                 at=datetime(2026, 11, 2, 6, 0, tzinfo=UTC))
    Company.objects.filter(pk=company.pk).update(next_followup_at=None)
    assert rows(rep) == []
    ingest(company="Again Water", email="buyer@againwater.de", country="DE",
           received_at="2026-12-07 09:15", message="Second order: 200 lamps.")
    (work,) = rows(rep)
    assert work.kind == queue.NEW and work.minutes == 45


@time_machine.travel(NOW, tick=False)
def test_the_start_page_of_a_rep(client, rep, other_rep):
    lead("Fresh Water", owner=rep, received="2026-12-04 17:00")
    lead("Their Water", owner=other_rep)
    lead("Pool Water", owner=None, received="2026-12-03 10:00")
    client.force_login(rep)
    assert client.get("/").url == reverse("leads:work")
    html = client.get(reverse("leads:work")).content.decode()
    assert "Fresh Water" in html and "Their Water" not in html
    assert "answer within 7 h 0 min" in html
    assert 'id="pool-work"' in html and "Pool Water" in html and "Claim and answer" in html
    # The badge in the top bar counts the rep's own work.
    assert 'id="work-link">Work <span class="badge"' in html
    # A rep cannot look at another rep's queue.
    html = client.get(reverse("leads:work"), {"rep": other_rep.pk}).content.decode()
    assert "Their Water" not in html


@time_machine.travel(NOW, tick=False)
def test_a_manager_sees_the_team_and_each_rep(client, manager, rep, other_rep):
    lead("Fresh Water", owner=rep, received="2026-12-04 17:00")
    lead("Late Water", owner=other_rep, received="2026-12-01 10:00")
    lead("Pool Water", owner=None, received="2026-12-03 10:00")
    client.force_login(manager)
    response = client.get(reverse("leads:work"))
    team = {row["owner"].username: row for row in response.context["team"]}
    assert team[other_rep.username]["late"] == 1 and team[rep.username]["late"] == 0
    assert team[other_rep.username]["oldest"] == 36 * 60
    assert [w.company.name for w in response.context["pool"]] == ["Pool Water"]
    html = client.get(reverse("leads:work"), {"rep": other_rep.pk}).content.decode()
    assert "Late Water" in html and "Fresh Water" not in html
    assert "Waiting 4 business days for a first answer" in html


def test_a_page_of_each_kind_and_the_counts_of_all(rep):
    for n in range(3):  # three A leads that are late, one still in time
        lead(f"Lead {n} Water", owner=rep, received=f"2026-12-0{1 + n} 10:00")
    lead("Lead 3 Water", owner=rep, received="2026-12-07 09:00")
    lead("Bee Filters", owner=rep, grade="B", received="2026-12-07 09:30")
    shown, totals = queue.queue_page(queue.work_companies(NOW).filter(owner=rep), now=NOW,
                                     per_kind=2)
    assert totals["new"] == 5 and totals["late"] == 3 and totals["total"] == 5
    # The two newest A leads are fetched; the one still in time comes first.
    assert [w.company.name for w in shown] == ["Lead 3 Water", "Lead 2 Water"]
    assert not shown[0].late and shown[1].late
