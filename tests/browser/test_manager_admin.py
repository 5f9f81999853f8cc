"""Managers' dashboard and admins' keyword editor in a real browser."""

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from leads import services
from leads.models import TeamSettings
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.leads.helpers import ingest, verified
from verification.models import Verification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True,
                                                          serialized_rollback=True)]
SAUNA = "Finnish sauna heaters and steam generators for spas, hotel wellness areas and gyms."


@pytest.fixture
def silent_buyer(rep):
    team = TeamSettings.load()
    team.round_robin = False
    team.save()
    company = verified(ingest(company="Spree Filter", email="d@spreefilter.de", country="DE",
                              received_at="2026-10-10 10:00"), grade="A", fit=90)
    services.company_assign(company=company, owner=rep)
    services.contact_attempt_log(company=company, channel="email", outcome="sent", user=rep,
                                 at=datetime(2026, 10, 12, 9, 0, tzinfo=UTC))
    return company


def test_manager_filters_the_dashboard_and_follows_a_row(live_server, page, manager,
                                                         silent_buyer):
    log_in(page, live_server, "grace", PASSWORD)
    page.goto(f"{live_server.url}/followup/dashboard/")
    page.fill("#period input[name=start]", "2026-10-01")
    page.fill("#period input[name=end]", "2026-10-31")
    page.click("#period button[type=submit]")
    page.wait_for_url(re.compile(r"start=2026-10-01&end=2026-10-31"))
    expect(page.locator("#table-funnel")).to_contain_text("contacted")
    page.click("#silent >> text=Spree Filter")
    expect(page.locator("h1")).to_contain_text("Spree Filter")


def test_admin_adds_a_keyword_and_sees_the_fit_change(live_server, page, admin_user, rep):
    inquiry = ingest(company="Kuuma Oy", email="sales@kuuma.fi", country="FI")
    Verification.objects.filter(inquiry=inquiry).update(
        status="done", verified_at=datetime(2026, 11, 20, tzinfo=UTC),
        website_status="reachable", email_status="deliverable", website_text=SAUNA, fit=0,
        grade="B", score=60)
    services.companies_refresh(company_ids=[inquiry.company_id])
    log_in(page, live_server, "ada", PASSWORD)
    page.goto(f"{live_server.url}/settings/keywords/")
    page.fill("#try-form textarea", SAUNA)
    page.click("#try-form button[type=submit]")
    expect(page.locator("#try-result")).to_contain_text("No target-industry keyword found")
    for term in ("sauna heaters", "steam generators", "wellness"):
        page.fill("#keyword-form input[name=term]", term)
        page.select_option("#keyword-form select[name=target]", index=0)
        page.fill("#keyword-form input[name=weight]", "4")
        page.click("#keyword-form button[type=submit]")
        expect(page.locator(".flash")).to_contain_text("Keyword added")
    page.fill("#try-form textarea", SAUNA)
    page.click("#try-form button[type=submit]")
    expect(page.locator("#try-result mark", has_text=re.compile("sauna heaters", re.I))
           .first).to_be_visible()
    expect(page.locator("#rescore")).to_contain_text("Rescored")
    page.goto(f"{live_server.url}/leads/companies/{inquiry.company_id}/")
    fit = page.locator("details.check", has_text="Fit").first
    expect(fit).not_to_contain_text("Fit 0")
    assert Verification.objects.get(inquiry=inquiry).fit > 0


def test_a_rep_gets_403_on_both(live_server, page, rep):
    log_in(page, live_server, "lily", PASSWORD)
    assert page.goto(f"{live_server.url}/followup/dashboard/").status == 403
    assert page.goto(f"{live_server.url}/settings/keywords/").status == 403
