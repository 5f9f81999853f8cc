import pytest
from rest_framework.authtoken.models import Token

from leads.models import Company, Inquiry
from tests.factories import CompanyFactory, InquiryFactory, UserFactory

pytestmark = pytest.mark.django_db

FORM = {
    "buyer_name": "Ana Souza",
    "company": "Aquicultura Souza Ltda",
    "country": "Brasil",
    "email": "ana@aquisouza.com.br",
    "phone": "+55 11 91234-5678",
    "product": "UV sterilizer 120W for shrimp ponds",
    "quantity": "20 sets",
    "message": "We run RAS tanks for shrimp. Please send price CIF Santos.",
    "received_at": "2025-05-02T09:30:00-03:00",
}


def test_anonymous_requests_are_refused_with_one_error_shape(api_client):
    for response in (api_client.get("/api/inquiries/"), api_client.post("/api/inquiries/", FORM)):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"
        assert Inquiry.objects.count() == 0


def test_token_create_then_retrieve_and_list(api_client, rep, django_capture_on_commit_callbacks):
    token = Token.objects.create(user=rep)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = api_client.post("/api/inquiries/", FORM, format="json")
    assert len(callbacks) == 1
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["duplicate"] is False
    assert body["country"] == "BR"
    assert body["platform"] == "api"
    assert body["company"] == "Aquicultura Souza Ltda"
    assert body["received_at"].startswith("2025-05-02T")
    inquiry = Inquiry.objects.get(pk=body["id"])
    assert inquiry.raw["email"] == "ana@aquisouza.com.br"
    # Enqueued on commit (run eagerly here; tests/test_worker.py uses a real worker).
    assert inquiry.verification.status == "done"

    fetched = api_client.get(f"/api/inquiries/{body['id']}/")
    assert fetched.status_code == 200
    assert fetched.json()["email"] == "ana@aquisouza.com.br"
    listing = api_client.get("/api/inquiries/", {"country": "BR"})
    assert listing.status_code == 200
    assert [row["id"] for row in listing.json()["results"]] == [body["id"]]


def test_posting_the_same_inquiry_twice_is_a_duplicate(api_client, rep):
    api_client.force_authenticate(rep)
    first = api_client.post("/api/inquiries/", FORM, format="json")
    again = api_client.post("/api/inquiries/", FORM, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["duplicate"] is True
    assert again.json()["id"] == first.json()["id"]
    assert Inquiry.objects.count() == 1
    assert Company.objects.count() == 1


def test_invalid_input_is_a_400_with_reasons(api_client, rep):
    api_client.force_authenticate(rep)
    response = api_client.post(
        "/api/inquiries/", {"email": "ana@", "country": "Atlantis"}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    reasons = " ".join(error["fields"]["non_field_errors"])
    assert "not a valid address" in reasons and "Atlantis" in reasons
    too_long = api_client.post("/api/inquiries/", {**FORM, "phone": "1" * 51}, format="json")
    assert too_long.status_code == 400
    assert "phone" in too_long.json()["error"]["fields"]
    assert Inquiry.objects.count() == 0


def test_rep_cannot_retrieve_another_reps_inquiry(api_client, rep, other_rep, manager):
    theirs = InquiryFactory(company=CompanyFactory(owner=other_rep))
    mine = InquiryFactory(company=CompanyFactory(owner=rep))
    api_client.force_authenticate(rep)
    assert api_client.get(f"/api/inquiries/{theirs.pk}/").status_code == 404
    ids = [row["id"] for row in api_client.get("/api/inquiries/").json()["results"]]
    assert ids == [mine.pk]
    api_client.force_authenticate(manager)
    assert api_client.get(f"/api/inquiries/{theirs.pk}/").status_code == 200


def test_session_auth_post_needs_csrf(rep):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(rep)
    response = client.post("/api/inquiries/", FORM, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]


def test_a_user_without_a_role_reads_nothing(api_client, db):
    """Logged in but neither rep, manager nor admin: 403 like the pages, not an empty
    list; an integration account holding only ``add_inquiry`` may still post."""
    from django.contrib.auth.models import Permission

    nobody = UserFactory(username="visitor", role=None)
    api_client.force_authenticate(nobody)
    response = api_client.get("/api/inquiries/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert api_client.post("/api/inquiries/", {"email": "a@b.de"}, format="json").status_code == 403

    form = UserFactory(username="website-form", role=None)
    form.user_permissions.add(Permission.objects.get(codename="add_inquiry"))
    api_client.force_authenticate(form)
    created = api_client.post("/api/inquiries/", {"email": "anna@klarwasser.de"}, format="json")
    assert created.status_code == 201
    assert created.json() == {"id": created.json()["id"], "duplicate": False}
    assert api_client.get("/api/inquiries/").status_code == 403
