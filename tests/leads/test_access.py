import pytest
from django.urls import reverse

from leads.models import Activity, CompanyStatus
from tests.factories import PASSWORD, CompanyFactory, InquiryFactory

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    company = CompanyFactory()
    for url in (reverse("leads:inbox"), company.get_absolute_url(), reverse("leads:import")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_login_page_and_demo_style_login(client, rep):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert b'name="password"' in page.content
    response = client.post(reverse("login"), {"username": "lily", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("leads:work")  # the start page
    assert client.get(reverse("leads:inbox")).status_code == 200


def test_rep_cannot_see_another_reps_company(client, rep, other_rep):
    theirs = InquiryFactory(company=CompanyFactory(owner=other_rep)).company
    client.force_login(rep)
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.post(reverse("leads:company-note", args=[theirs.pk]),
                       {"body": "hi"}).status_code == 404
    assert client.post(reverse("leads:company-claim", args=[theirs.pk])).status_code == 404
    assert theirs.name not in client.get(reverse("leads:inbox")).content.decode()


def test_rep_sees_own_and_pool_companies_manager_sees_all(client, rep, other_rep, manager):
    own = InquiryFactory(company=CompanyFactory(owner=rep, name="Own Water GmbH")).company
    pool = InquiryFactory(company=CompanyFactory(owner=None, name="Pool Aqua SA")).company
    theirs = InquiryFactory(company=CompanyFactory(owner=other_rep, name="Their Fish Ltd")).company
    client.force_login(rep)
    inbox = client.get(reverse("leads:inbox")).content.decode()
    assert "Own Water GmbH" in inbox and "Pool Aqua SA" in inbox
    assert "Their Fish Ltd" not in inbox
    assert client.get(own.get_absolute_url()).status_code == 200
    assert client.get(pool.get_absolute_url()).status_code == 200
    client.force_login(manager)
    assert client.get(theirs.get_absolute_url()).status_code == 200
    assert "Their Fish Ltd" in client.get(reverse("leads:inbox")).content.decode()


def test_user_without_role_is_refused(client, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password=PASSWORD)
    client.force_login(nobody)
    assert client.get(reverse("leads:inbox")).status_code == 403


def test_claim_release_and_status_are_recorded(client, rep):
    company = InquiryFactory(company=CompanyFactory(owner=None)).company
    client.force_login(rep)
    assert client.get(reverse("leads:company-claim", args=[company.pk])).status_code == 405
    client.post(reverse("leads:company-claim", args=[company.pk]))
    company.refresh_from_db()
    assert company.owner == rep
    client.post(reverse("leads:company-status", args=[company.pk]),
                {"status": CompanyStatus.CONTACTED, "note": "sent catalogue"})
    company.refresh_from_db()
    assert company.status == CompanyStatus.CONTACTED
    change = company.activities.get(kind=Activity.Kind.STATUS_CHANGE)
    assert (change.from_status, change.to_status, change.author) == ("new", "contacted", rep)
    client.post(reverse("leads:company-release", args=[company.pk]))
    company.refresh_from_db()
    assert company.owner is None
    assert company.activities.filter(kind=Activity.Kind.ASSIGNMENT).count() == 2


def test_forms_require_csrf(rep):
    from django.test import Client

    company = CompanyFactory(owner=rep)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(rep)
    response = strict.post(reverse("leads:company-note", args=[company.pk]), {"body": "x"})
    assert response.status_code == 403
    assert not company.activities.exists()


def test_merge_and_split_from_the_company_page(client, rep, other_rep):
    first = InquiryFactory(company=CompanyFactory(owner=rep, name="Klar Wasser GmbH"))
    twin = InquiryFactory(company=CompanyFactory(owner=None, name="klar wasser gmbh"))
    theirs = InquiryFactory(company=CompanyFactory(owner=other_rep, name="Klar Wasser GmbH"))
    client.force_login(rep)
    page = client.get(first.company.get_absolute_url()).content.decode()
    assert f"#{twin.company.pk} klar wasser gmbh" in page
    assert f"#{theirs.company.pk}" not in page  # another rep's company is not offered
    client.post(reverse("leads:company-merge", args=[first.company.pk]),
                {"other": theirs.company.pk})
    assert theirs.company.inquiries.count() == 1  # refused: not visible to this rep
    client.post(reverse("leads:company-merge", args=[first.company.pk]),
                {"other": twin.company.pk})
    assert set(first.company.inquiries.values_list("pk", flat=True)) == {first.pk, twin.pk}
    response = client.post(reverse("leads:company-split", args=[first.company.pk]),
                           {"inquiry": [twin.pk]})
    twin.refresh_from_db()
    assert twin.company_id != first.company_id
    assert response["Location"] == twin.company.get_absolute_url()
