"""The screens issue 9 measures run a number of queries that does not grow with the data.

Each test counts the queries of a page on a small world, grows the world (companies,
inquiries, activities, contacts, follow-ups) and counts again. Timings are for
``bench/screens.py``, not for the suite.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leads import services
from leads.models import Company, ContactChannel, TeamSettings
from tests.leads.helpers import ingest, verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_round_robin(db):
    team = TeamSettings.load()
    team.round_robin = False
    team.save()


@pytest.fixture(autouse=True)
def _dashboard_fresh(settings):
    """The work of the dashboard is counted, not its cache (tested below)."""
    settings.LEADQUAL_DASHBOARD_CACHE_SECONDS = 0


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def companies(first: int, n: int, *, owner=None, replied=False) -> list[Company]:
    """``n`` verified companies, newest first in the inbox; contacted and answered when
    ``replied`` (so none of them awaits a reply)."""
    made = []
    for number in range(first, first + n):
        when = timezone.now() - timedelta(days=number % 20 + 1)
        company = verified(ingest(
            company=f"Aqua {number} GmbH", email=f"buyer@aqua{number}.de", country="DE",
            phone="+49 30 1234 5678", product="UV lamp 40W", received_at=when.isoformat()),
            grade="AB"[number % 2], fit=60)
        if owner is not None:
            company = services.company_assign(company=company, owner=owner)
        if replied:
            services.contact_attempt_log(company=company, channel="email", outcome="sent",
                                         user=owner, at=when + timedelta(hours=2))
            services.reply_log(company=company, channel="email", user=owner,
                               at=when + timedelta(hours=5))
            services.activity_note_add(company=company, body="asked for samples", user=owner)
        made.append(company)
    return made


@pytest.fixture
def world(rep, manager):
    """A little of everything: pool, owned, awaiting a reply, answered."""
    mine = companies(0, 2, owner=rep)
    services.contact_attempt_log(company=mine[0], channel="email", outcome="sent", user=rep)
    companies(2, 2, owner=rep, replied=True)
    companies(4, 2)
    return mine


INBOX_URLS = ["", "?country=DE&grade=A", "?q=aqua", "?q=buyer@aqua3", "?sort=-score"]


@pytest.mark.parametrize("who", ["rep", "manager"])
def test_inbox_queries_do_not_grow_with_companies(client, world, rep, manager, who):
    client.force_login(rep if who == "rep" else manager)
    urls = [reverse("leads:inbox") + query for query in INBOX_URLS]
    for url in urls:
        count(client, url)  # process caches warm, as in any running server
    before = [count(client, url) for url in urls]
    companies(10, 6, owner=rep, replied=True)
    companies(20, 6)
    assert [count(client, url) for url in urls] == before


def test_detail_queries_do_not_grow_with_history_or_look_alikes(client, world, rep):
    company = world[0]
    client.force_login(rep)
    url = reverse("leads:company", args=[company.pk])
    count(client, url)
    before = count(client, url)
    for n in range(5):
        verified(ingest(company="Aqua 0 GmbH", email=f"sales{n}@aqua0.de", country="DE",
                        received_at=f"2026-10-0{n + 1} 08:00"))
        services.activity_note_add(company=company, body=f"note {n}", user=rep)
        # Look-alikes: the same name, a shared phone number.
        other = companies(30 + n, 1, owner=rep)[0]
        Company.objects.filter(pk=other.pk).update(name=company.name)
        ContactChannel.objects.get_or_create(company=other, kind="phone", value=f"+49 89 {n}")
        ContactChannel.objects.get_or_create(company=company, kind="phone", value=f"+49 89 {n}")
    candidates = [c.name for c in client.get(url).context["merge_candidates"]]
    assert candidates[:5] == [company.name] * 5 and len(candidates) == 10  # the limit
    assert count(client, url) == before


def test_dashboard_queries_do_not_grow_with_answered_companies(client, world, manager):
    client.force_login(manager)
    url = reverse("followup:dashboard")
    count(client, url)
    before = count(client, url)
    companies(40, 8, owner=manager, replied=True)
    assert count(client, url) == before


def test_dashboard_queries_do_not_grow_with_silent_companies(client, world, rep, manager):
    client.force_login(manager)
    url = reverse("followup:dashboard") + "?days=0"
    count(client, url)
    before = count(client, url)
    for company in companies(50, 4, owner=rep):
        services.contact_attempt_log(company=company, channel="email", outcome="sent",
                                     user=rep, at=datetime.now(UTC) - timedelta(days=6))
    assert count(client, url) == before


# --- shortcuts of the screens at scale give the same answers -----------------------

def test_a_search_brings_its_page_and_total_in_one_query(client, manager):
    companies(100, 55)  # "Aqua 100 GmbH" ... "Aqua 154 GmbH", and the inbox's order
    client.force_login(manager)
    url = reverse("leads:inbox")
    everyone = [row["company"].pk for page in (1, 2)
                for row in client.get(url, {"page": page}).context["rows"]]
    for page, rows in ((1, slice(0, 50)), (2, slice(50, 55))):
        response = client.get(url, {"q": "aqua", "page": page})
        assert [row["company"].pk for row in response.context["rows"]] == everyone[rows]
        assert response.context["paginator"].count == 55
        assert response.context["page_obj"].number == page
    assert client.get(url, {"q": "aqua", "page": 3}).status_code == 404
    assert client.get(url, {"q": "aqua", "page": "last"}).context["page_obj"].number == 2
    assert client.get(url, {"q": "nothing like it"}).context["paginator"].count == 0
    with CaptureQueriesContext(connection) as searched:
        client.get(url, {"q": "aqua"})
    # No count of the search's own (the top bar's count of the manager's work is not).
    assert not [q for q in searched.captured_queries if "COUNT(" in q["sql"].upper()
                and "leads_company" in q["sql"] and "OVER" not in q["sql"].upper()
                and "aqua" in q["sql"].lower()]
    assert [q for q in searched.captured_queries if "OVER" in q["sql"].upper()
            and "aqua" in q["sql"].lower()]


@pytest.mark.parametrize("who", ["rep", "manager"])
def test_the_country_list_is_the_distinct_countries(world, rep, manager, who):
    from leads.selectors import companies_visible_to, company_countries

    companies(60, 2, owner=manager)
    ingest(company="Rio Agua", email="a@rioagua.br", country="BR")
    ingest(company="Nameless", email="n@nameless.example")  # no country
    visible = companies_visible_to(rep if who == "rep" else manager)
    assert company_countries(visible) == list(
        visible.exclude(country="").order_by("country").values_list("country", flat=True)
        .distinct())
    assert company_countries(Company.objects.none()) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_dashboard_is_shared_for_a_minute(client, world, rep, manager, settings,
                                              monkeypatch):
    import time as time_module

    settings.LEADQUAL_DASHBOARD_CACHE_SECONDS = 60
    client.force_login(manager)
    url = reverse("followup:dashboard") + "?days=0"
    now = time_module.time()
    monkeypatch.setattr(time_module, "time", lambda: now)
    count(client, url)
    shared = count(client, url)
    assert shared <= 6  # session, user, profile, roles, reminders, work
    [later] = companies(70, 1, owner=rep)
    services.contact_attempt_log(company=later, channel="email", outcome="sent", user=rep,
                                 at=datetime.now(UTC) - timedelta(days=6))
    assert later.name not in client.get(url).content.decode()  # up to a minute late
    monkeypatch.setattr(time_module, "time", lambda: now + 60)
    assert count(client, url) > shared + 5  # the next minute: worked out again
    assert later.name in client.get(url).content.decode()
    assert count(client, url) == shared
    settings.LEADQUAL_DASHBOARD_CACHE_SECONDS = 0
    assert count(client, url) > shared + 5  # 0: always fresh
