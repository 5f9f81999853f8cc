"""The inbox: filters, search, sorting and paging in the URL; bulk actions; live rows."""

import csv
import io

import pytest
from django.urls import reverse

from leads import services
from leads.models import Activity, Company, CompanyStatus, TeamSettings
from tests.leads.helpers import ingest, verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_round_robin(db):
    team = TeamSettings.load()
    team.round_robin = False  # companies land in the pool unless a test gives them away
    team.save()


def names(response) -> list[str]:
    return [row["company"].name for row in response.context["rows"]]


@pytest.fixture
def pipeline(rep, other_rep):
    """Five companies of different kinds: two Lily's, one Kevin's, two in the pool."""
    a = verified(ingest(company="Aqua Pure GmbH", email="jonas@aquapure.de", country="DE",
                        message="Water treatment plant needs UV reactors",
                        received_at="2026-11-20 09:00"), grade="A", score=95, fit=90)
    b = verified(ingest(company="Fish Farm Ltd", email="kim@fishfarm.vn", country="VN",
                        platform="made-in-china", received_at="2026-11-10 09:00"),
                 grade="B", score=60, fit=40, website_status="none")
    c = verified(ingest(company="Quick Cash", email="x@mailinator.com", country="NG",
                        received_at="2026-11-15 09:00"),
                 grade="D", score=5, email_status="undeliverable", website_status="none", fit=0)
    d = ingest(company="Pending Co", email="p@pending.example", country="DE",
               received_at="2026-11-22 09:00")
    e = verified(ingest(company="Kevin Trading", email="k@kevintrade.br", country="BR",
                        received_at="2026-11-05 09:00"), grade="C", score=40)
    for company, owner in ((a, rep), (b, rep), (e, other_rep)):
        services.company_assign(company=company, owner=owner)
    services.contact_attempt_log(company=a, channel="email", outcome="sent", user=rep)
    return {"a": a, "b": b, "c": c, "d": d.company, "e": e}


def test_rep_sees_own_and_pool_work_first_never_another_reps(client, rep, pipeline):
    client.force_login(rep)
    response = client.get(reverse("leads:inbox"))
    # Work before history: the unanswered B lead first, then the rest newest first.
    assert names(response) == ["Fish Farm Ltd", "Pending Co", "Aqua Pure GmbH", "Quick Cash"]
    assert "Kevin Trading" not in response.content.decode()
    newest = client.get(reverse("leads:inbox"), {"sort": "-received"})
    assert names(newest) == ["Pending Co", "Aqua Pure GmbH", "Quick Cash", "Fish Farm Ltd"]


def test_manager_sees_everyone(client, manager, pipeline):
    client.force_login(manager)
    assert len(names(client.get(reverse("leads:inbox")))) == 5


@pytest.mark.parametrize(("query", "expected"), [
    ("grade=A&grade=D", {"Aqua Pure GmbH", "Quick Cash"}),
    ("email_status=undeliverable", {"Quick Cash"}),
    ("website_status=none", {"Fish Farm Ltd", "Quick Cash"}),
    ("fit_min=30&fit_max=85", {"Fish Farm Ltd"}),
    ("country=DE", {"Aqua Pure GmbH", "Pending Co"}),
    ("platform=made-in-china", {"Fish Farm Ltd"}),
    ("owner=me", {"Aqua Pure GmbH", "Fish Farm Ltd"}),
    ("owner=pool", {"Quick Cash", "Pending Co"}),
    ("status=contacted", {"Aqua Pure GmbH"}),
    ("status=new&status=contacted", {"Aqua Pure GmbH", "Fish Farm Ltd", "Quick Cash",
                                     "Pending Co"}),
    ("awaiting=1", {"Aqua Pure GmbH"}),
    ("received_after=2026-11-12&received_before=2026-11-21", {"Aqua Pure GmbH", "Quick Cash"}),
    ("q=reactors", {"Aqua Pure GmbH"}),          # message
    ("q=kim@fishfarm", {"Fish Farm Ltd"}),       # email
    ("q=quick", {"Quick Cash"}),                 # company
])
def test_each_filter(client, rep, pipeline, query, expected):
    client.force_login(rep)
    assert set(names(client.get(reverse("leads:inbox") + "?" + query))) == expected


def test_segment_filter_and_rep_owner_filter_for_managers(client, manager, rep, pipeline):
    services.company_set_segment(company=pipeline["b"], segment="favourite")
    client.force_login(manager)
    assert names(client.get(reverse("leads:inbox") + "?segment=favourite")) == ["Fish Farm Ltd"]
    assert set(names(client.get(reverse("leads:inbox") + f"?owner={rep.pk}"))) == {
        "Aqua Pure GmbH", "Fish Farm Ltd"}


def test_a_rep_cannot_list_another_reps_companies_by_owner_id(client, rep, other_rep, pipeline):
    client.force_login(rep)
    response = client.get(reverse("leads:inbox") + f"?owner={other_rep.pk}")
    assert "Kevin Trading" not in names(response)


def test_sorting_both_ways(client, rep, pipeline):
    client.force_login(rep)
    scores = [row["company"].score for row in
              client.get(reverse("leads:inbox") + "?sort=-score").context["rows"]]
    assert scores == [95, 60, 5, None]  # not verified yet: last, whichever way
    scores = [row["company"].score for row in
              client.get(reverse("leads:inbox") + "?sort=score").context["rows"]]
    assert scores == [5, 60, 95, None]
    ascending = client.get(reverse("leads:inbox") + "?sort=company")
    assert names(ascending) == ["Aqua Pure GmbH", "Fish Farm Ltd", "Pending Co", "Quick Cash"]


def test_filter_state_is_in_the_url_and_survives_paging(client, rep):
    for n in range(55):
        ingest(company=f"Lamp Buyer {n:02d}", email=f"b{n}@buyer{n}.de", country="DE")
    ingest(company="Somewhere Else", email="x@else.fr", country="FR")
    client.force_login(rep)
    response = client.get(reverse("leads:inbox") + "?country=DE&sort=company")
    html = response.content.decode()
    assert len(response.context["rows"]) == 50
    assert 'href="?country=DE&amp;sort=company&amp;page=2"' in html
    assert '<option value="DE" selected>' in html  # the form shows the bookmarked state
    second = client.get(reverse("leads:inbox") + "?country=DE&sort=company&page=2")
    assert names(second) == [f"Lamp Buyer {n:02d}" for n in range(50, 55)]


def _count_queries(client, url, django_assert_max_num_queries, limit=40):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_inbox_queries_do_not_grow_with_rows(client, rep, django_assert_max_num_queries):
    def add(start, count):
        for n in range(start, start + count):
            verified(ingest(company=f"Co {n}", email=f"a@co{n}.de", country="DE",
                            phone="+49 30 1234567"))
    add(0, 3)
    client.force_login(rep)
    _count_queries(client, reverse("leads:inbox"), django_assert_max_num_queries)  # warm caches
    few = _count_queries(client, reverse("leads:inbox"), django_assert_max_num_queries)
    add(3, 40)
    many = _count_queries(client, reverse("leads:inbox"), django_assert_max_num_queries)
    assert few == many
    assert many <= 12


def test_bulk_claim_status_fake_and_reverify(client, rep, pipeline):
    client.force_login(rep)
    pool = [pipeline["c"].pk, pipeline["d"].pk]
    back = reverse("leads:inbox") + "?owner=pool"
    response = client.post(reverse("leads:inbox-bulk"),
                           {"action": "claim", "company": pool, "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert set(Company.objects.filter(owner=rep).values_list("pk", flat=True)) >= set(pool)
    client.post(reverse("leads:inbox-bulk"), {"action": "fake", "company": [pipeline["c"].pk]})
    assert Company.objects.get(pk=pipeline["c"].pk).status == CompanyStatus.FAKE
    client.post(reverse("leads:inbox-bulk"),
                {"action": "status", "status": "quoting", "company": [pipeline["a"].pk]})
    assert Company.objects.get(pk=pipeline["a"].pk).status == CompanyStatus.QUOTING
    client.post(reverse("leads:inbox-bulk"), {"action": "verify", "company": [pipeline["a"].pk]})
    company = Company.objects.get(pk=pipeline["a"].pk)
    assert company.verification_pending
    assert company.activities.filter(kind=Activity.Kind.VERIFY).exists()


def test_bulk_never_touches_companies_the_user_cannot_see(client, rep, pipeline):
    client.force_login(rep)
    kevins = pipeline["e"]
    client.post(reverse("leads:inbox-bulk"), {"action": "fake", "company": [kevins.pk]})
    assert Company.objects.get(pk=kevins.pk).status == CompanyStatus.NEW


def test_only_managers_bulk_assign(client, rep, other_rep, manager, pipeline):
    client.force_login(rep)
    client.post(reverse("leads:inbox-bulk"),
                {"action": "assign", "owner": other_rep.pk, "company": [pipeline["c"].pk]})
    assert Company.objects.get(pk=pipeline["c"].pk).owner is None
    client.force_login(manager)
    client.post(reverse("leads:inbox-bulk"),
                {"action": "assign", "owner": other_rep.pk,
                 "company": [pipeline["c"].pk, pipeline["d"].pk]})
    assert Company.objects.filter(owner=other_rep).count() == 3


def test_bulk_export_is_the_selection_as_csv(client, rep, pipeline):
    client.force_login(rep)
    response = client.post(reverse("leads:inbox-bulk"),
                           {"action": "export", "company": [pipeline["a"].pk, pipeline["c"].pk]})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(r["company"] for r in rows) == ["Aqua Pure GmbH", "Quick Cash"]


def test_bulk_without_selection_says_so(client, rep, pipeline):
    client.force_login(rep)
    response = client.post(reverse("leads:inbox-bulk"), {"action": "claim"}, follow=True)
    assert "Tick at least one company" in response.content.decode()


def test_bulk_next_cannot_redirect_off_site(client, rep, pipeline):
    client.force_login(rep)
    response = client.post(reverse("leads:inbox-bulk"),
                           {"action": "fake", "company": [pipeline["c"].pk],
                            "next": "https://evil.example/"})
    assert response["Location"] == reverse("leads:inbox")


def test_poll_swaps_in_rows_whose_checks_finished(client, rep, pipeline):
    client.force_login(rep)
    pending = pipeline["d"]
    page = client.get(reverse("leads:inbox")).content.decode()
    assert f'hx-get="{reverse("leads:inbox-poll")}?ids={pending.pk}"' in page
    still = client.get(reverse("leads:inbox-poll") + f"?ids={pending.pk}").content.decode()
    assert f'id="company-{pending.pk}"' not in still and "every 2s" in still
    verified(pending.inquiries.get(), grade="B", score=61)
    done = client.get(reverse("leads:inbox-poll") + f"?ids={pending.pk}").content.decode()
    assert f'<tr id="company-{pending.pk}"' in done and 'hx-swap-oob="outerHTML"' in done
    assert "grade-B" in done and "every 2s" not in done


def test_poll_leaks_nothing_of_other_reps(client, rep, pipeline):
    client.force_login(rep)
    kevins = pipeline["e"]
    body = client.get(reverse("leads:inbox-poll") + f"?ids={kevins.pk}").content.decode()
    assert "Kevin Trading" not in body
