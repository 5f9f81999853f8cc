"""The audit trail: status, owner, grade override and keyword changes, with who and when,
made through the pages, and readable by managers only."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leads import services
from leads.models import Company, TeamSettings
from tests.leads.helpers import ingest, verified
from verification.models import Industry, Keyword

pytestmark = pytest.mark.django_db


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _history(client: Client, **params) -> str:
    response = client.get(reverse("leads:history"), params)
    assert response.status_code == 200
    return response.content.decode()


def _rows(html: str) -> int:
    body = html.split('<tbody>', 1)[1].split('</tbody>', 1)[0]
    return body.count("<tr>") - body.count("No changes match")


def test_every_tracked_change_records_who_and_when(rep, other_rep, manager, admin_user):
    team = TeamSettings.load()
    team.round_robin = False
    team.save()
    company = verified(ingest(email="ana@aquisouza.com.br", country="BR", company="Aqui Souza"))
    company.refresh_from_db()
    assert company.owner is None  # no rule, no round robin: the public pool
    assert not LogEntry.objects.exists()  # creating and grading the company is no change

    rep_client, manager_client = _as(rep), _as(manager)
    company_url = reverse("leads:company", args=[company.pk])
    assert rep_client.post(reverse("leads:company-claim", args=[company.pk])).status_code == 302
    rep_client.post(reverse("leads:company-status", args=[company.pk]),
                    {"status": "contacted", "note": "called"})
    manager_client.post(reverse("leads:company-grade", args=[company.pk]),
                        {"grade": "D", "reason": "Same text as 40 spam inquiries"})
    manager_client.post(reverse("leads:company-assign", args=[company.pk]),
                        {"owner": other_rep.pk})
    industry = Industry.objects.order_by("name").first()
    _as(admin_user).post(reverse("verification:keyword-add"), {
        "term": "shrimp hatchery", "target": industry.slug, "language": "en", "weight": 4})
    keyword = Keyword.objects.get(term="shrimp hatchery")
    _as(admin_user).post(reverse("verification:keyword-delete", args=[keyword.pk]))
    # A periodic task has no user: the pool return is Leadqual's own change.
    Company.objects.filter(pk=company.pk).update(owner_since=timezone.now() - timedelta(days=60))
    assert services.pool_return_stale() == 1

    trail = [(e.actor.username if e.actor else None, e.content_type.model,
              e.action, sorted(e.changes_dict))
             for e in LogEntry.objects.order_by("timestamp", "pk")]
    assert trail == [
        ("lily", "company", LogEntry.Action.UPDATE, ["owner"]),
        ("lily", "company", LogEntry.Action.UPDATE, ["status"]),
        ("grace", "company", LogEntry.Action.UPDATE, ["grade_override", "grade_override_reason"]),
        ("grace", "company", LogEntry.Action.UPDATE, ["owner"]),
        ("ada", "keyword", LogEntry.Action.CREATE, ["industry", "language", "negative", "term",
                                                   "weight"]),
        ("ada", "keyword", LogEntry.Action.DELETE, ["industry", "language", "negative", "term",
                                                   "weight"]),
        (None, "company", LogEntry.Action.UPDATE, ["owner"]),
    ]

    everything = _history(manager_client)
    assert _rows(everything) == 7
    for text in ("lily", "grace", "ada", "Leadqual (automatic)", "public pool → lily",
                 "New → Contacted", "– → D", "Same text as 40 spam inquiries",
                 "lily → kevin", "kevin → public pool", "shrimp hatchery"):
        assert text in everything, text
    assert f'href="{company_url}"' in everything

    owners = _history(manager_client, kind="owner")
    assert _rows(owners) == 3 and "New → Contacted" not in owners
    assert _rows(_history(manager_client, kind="keywords")) == 2
    assert _rows(_history(manager_client, actor=rep.pk)) == 2
    assert _rows(_history(manager_client, company=company.pk, kind="grade")) == 1
    tomorrow = (timezone.localdate() + timedelta(days=2)).isoformat()
    assert _rows(_history(manager_client, since=tomorrow)) == 0
    # The company page links its own history for managers.
    page = manager_client.get(company_url).content.decode()
    assert f"{reverse('leads:history')}?company={company.pk}" in page


def test_reps_cannot_read_the_history(rep, admin_user):
    assert _as(rep).get(reverse("leads:history")).status_code == 403
    assert _as(admin_user).get(reverse("leads:history")).status_code == 200
    anonymous = Client().get(reverse("leads:history"))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")


def test_bulk_refresh_of_headline_fields_writes_no_history(rep):
    """Grades and counters kept by companies_refresh are data, not decisions."""
    company = verified(ingest(email="jonas@klarwasser.de", country="DE"))
    services.companies_refresh(company_ids=[company.pk])
    assert not LogEntry.objects.exists()


def test_merging_companies_keeps_the_deletion_in_the_history(manager):
    keep = verified(ingest(email="a@one.example", company="One"))
    gone = verified(ingest(email="b@two.example", company="Two"))
    response = _as(manager).post(reverse("leads:company-merge", args=[keep.pk]),
                                 {"other": gone.pk})
    assert response.status_code == 302
    assert not Company.objects.filter(pk=gone.pk).exists()
    deleted = LogEntry.objects.get(action=LogEntry.Action.DELETE)
    assert (deleted.object_id, deleted.actor) == (gone.pk, manager)
    html = _history(_as(manager))
    assert f"<td>{gone.name}" in html and "deleted" in html


def test_changes_made_outside_a_request_are_the_given_users(rep, manager):
    """A command, a task or the demo data calls the services directly."""
    company = verified(ingest(email="li@brandnew-water.com", country="CN"))
    services.company_set_status(company=company, status="contacted", user=rep)
    _as(manager).post(reverse("leads:company-grade", args=[company.pk]),
                      {"grade": "C", "reason": "odd domain"})
    services.company_assign(company=company, owner=manager, user=manager)
    services.company_set_status(company=company, status="awaiting_reply", user=None)
    actors = [(e.actor.username if e.actor else None, sorted(e.changes_dict))
              for e in LogEntry.objects.order_by("timestamp", "pk")]
    assert actors == [("lily", ["status"]),
                      ("grace", ["grade_override", "grade_override_reason"]),
                      ("grace", ["owner"]), (None, ["status"])]
