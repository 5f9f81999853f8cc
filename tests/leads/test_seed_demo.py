import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.test import Client

from config.demo import DEMO_USERS
from leads.models import Activity, Company, CompanyStatus, Inquiry, MailMessage
from leads.roles import user_roles

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_a_realistic_pipeline_once():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert "demo data: imported" in text
    for demo in DEMO_USERS:
        assert f"{demo.username} / {demo.password}" in text
        client = Client()  # through the login page, rate limit and all
        login = client.post("/login/", {"username": demo.username, "password": demo.password})
        assert login.status_code == 302
        user = get_user_model().objects.get(pk=client.session["_auth_user_id"])
        assert demo.role in user_roles(user)

    inquiries = Inquiry.objects.count()
    assert 280 <= inquiries <= 330
    assert Inquiry.objects.values("country").distinct().count() >= 30
    platforms = dict(Inquiry.objects.values_list("platform").annotate(n=Count("id")))
    assert {"alibaba", "made-in-china", "email", "web"} <= set(platforms)
    assert Company.objects.count() < inquiries  # some buyers wrote more than once
    assert Company.objects.filter(owner__isnull=True).exists()  # a public pool
    assert Company.objects.filter(owner__username="lily").exists()
    assert Company.objects.filter(status=CompanyStatus.FAKE).exists()
    assert Company.objects.filter(status=CompanyStatus.AWAITING_REPLY).exists()
    assert Activity.objects.filter(kind=Activity.Kind.CONTACT_ATTEMPT).exists()
    # The mailbox's latest mail, screened: lures and an SEO offer held, a buyer's mail
    # with an HTML attachment let through with its warning.
    held = MailMessage.objects.filter(outcome=MailMessage.Outcome.HELD)
    assert sorted(held.values_list("screen_verdict", flat=True)) == [
        "phishing", "phishing", "spam"]
    risky = MailMessage.objects.get(screen_verdict=MailMessage.Screen.RISKY)
    assert risky.outcome == MailMessage.Outcome.INQUIRY and risky.company_id

    again = io.StringIO()
    call_command("seed_demo", stdout=again)
    assert "already present" in again.getvalue()
    assert Inquiry.objects.count() == inquiries
