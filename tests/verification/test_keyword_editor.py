"""The admins' keyword editor: changes recorded, try-it box, rescoring with progress."""

import pytest
from django.urls import reverse

from verification.models import Industry, Keyword, KeywordChange, RescoreRun, Verification

pytestmark = pytest.mark.django_db
SAUNA = "Finnish sauna heaters and steam generators for spas, hotel wellness areas and gyms."


@pytest.fixture
def admin(admin_user):
    return admin_user


@pytest.fixture
def sauna_inquiry(rep):
    """A verified inquiry whose website text no keyword matches yet."""
    from leads import services
    from tests.leads.helpers import ingest

    inquiry = ingest(company="Kuuma Oy", email="sales@kuuma.fi", country="FI")
    Verification.objects.filter(inquiry=inquiry).update(
        status="done", verified_at="2026-11-20T10:00:00Z", website_status="reachable",
        email_status="deliverable", website_text=SAUNA, website_title="Kuuma sauna heaters",
        fit=0, grade="B", score=60)
    services.companies_refresh(company_ids=[inquiry.company_id])
    return inquiry


@pytest.mark.parametrize("who", ["rep", "manager"])
def test_only_admins(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("verification:keywords")).status_code == 403
    assert client.post(reverse("verification:keyword-add"),
                       {"term": "x", "target": "negative", "language": "en",
                        "weight": 2}).status_code == 403
    assert client.post(reverse("verification:keyword-try"), {"text": "x"}).status_code == 403


def test_page_lists_industries_and_keywords(client, admin):
    client.force_login(admin)
    html = client.get(reverse("verification:keywords")).content.decode()
    for industry in Industry.objects.all():
        assert industry.name in html
    assert "water treatment" in html


def test_try_it_shows_matches_and_fit(client, admin):
    client.force_login(admin)
    html = client.post(reverse("verification:keyword-try"),
                       {"text": "We build municipal water treatment plants and UV "
                                "disinfection systems for drinking water."}).content.decode()
    assert "<mark>" in html and "water treatment" in html.lower()
    assert "No target-industry keyword found" not in html and "Fit " in html


def test_adding_a_keyword_is_recorded_and_rescores_every_inquiry(
        client, admin, sauna_inquiry, django_capture_on_commit_callbacks):
    client.force_login(admin)
    before = client.post(reverse("verification:keyword-try"), {"text": SAUNA}).content.decode()
    assert "No target-industry keyword found." in before
    industry = Industry.objects.order_by("name").first()
    with django_capture_on_commit_callbacks(execute=True):
        for term in ("sauna heaters", "steam generators", "wellness"):
            client.post(reverse("verification:keyword-add"),
                        {"term": term, "target": industry.slug, "language": "en",
                         "weight": 4})
    after = client.post(reverse("verification:keyword-try"), {"text": SAUNA}).content.decode()
    assert "sauna heaters" in after and "No target-industry keyword found" not in after
    verification = Verification.objects.get(inquiry=sauna_inquiry)
    assert verification.fit > 0 and verification.fit_matches
    run = RescoreRun.objects.first()
    assert run.finished_at is not None and run.done == run.total >= 1
    change = KeywordChange.objects.filter(action="add").first()
    assert change.user == admin and change.after["term"] in (
        "sauna heaters", "steam generators", "wellness")
    html = client.get(reverse("verification:rescore-progress")).content.decode()
    assert "Rescored" in html and "every 1s" not in html


def test_bulk_paste_negative_and_delete(client, admin, django_capture_on_commit_callbacks):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("verification:keyword-bulk"), {
            "text": "casino\nlottery, casino\n  online betting  ", "target": "negative",
            "language": "en", "weight": 3}, follow=True)
    assert "3 keywords added, 0 already there." in response.content.decode()
    assert set(Keyword.objects.filter(negative=True, term__in=["casino", "lottery",
                                                                "online betting"])
               .values_list("industry", flat=True)) == {None}
    keyword = Keyword.objects.get(term="lottery")
    client.post(reverse("verification:keyword-delete", args=[keyword.pk]))
    assert not Keyword.objects.filter(term="lottery").exists()
    change = KeywordChange.objects.get(action="delete")
    assert change.before["term"] == "lottery" and change.after is None


def test_industry_weight_change_is_recorded(client, admin):
    industry = Industry.objects.order_by("name").first()
    client.force_login(admin)
    client.post(reverse("verification:industry", args=[industry.pk]),
                {"weight": "1.5", "active": "on"})
    industry.refresh_from_db()
    assert industry.weight == 1.5
    change = KeywordChange.objects.get(action="industry")
    assert change.after == {"weight": 1.5, "active": True}


def test_a_burst_of_edits_queues_one_run(admin):
    from verification.keyword_editor import keyword_add

    industry = Industry.objects.order_by("name").first()
    for term in ("alpha one", "alpha two", "alpha three"):
        keyword_add(user=admin, industry=industry, term=term, language="en")
    assert RescoreRun.objects.filter(started_at__isnull=True).count() == 1
