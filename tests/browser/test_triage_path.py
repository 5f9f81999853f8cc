"""A rep's main path in a real browser: log in → inbox → filter → detail → log a contact
attempt → claim from the pool → see a grade appear when a verification finishes."""

import re

import pytest
from playwright.sync_api import expect

from leads import services
from leads.models import Activity, Company, Profile, TeamSettings
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.leads.helpers import ingest, verified
from verification.models import Verification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True,
                                                          serialized_rollback=True)]


@pytest.fixture
def pipeline(rep, other_rep):
    team = TeamSettings.load()
    team.round_robin = False
    team.save()
    mine = verified(ingest(company="Aqua Pure GmbH", email="jonas@aquapure.de", country="DE",
                           buyer_name="Jonas Weber", received_at="2026-11-20 09:00",
                           message="We build water treatment plants; need UV reactors."),
                    grade="A", score=94, fit=88)
    services.company_assign(company=mine, owner=rep)
    pool = verified(ingest(company="Mekong Shrimp Farm", email="an@mekongshrimp.vn",
                           country="VN", received_at="2026-11-18 09:00",
                           message="UV sterilizer for shrimp ponds"), grade="B", score=66)
    kevins = verified(ingest(company="Kevin Trading", email="k@kevintrading.br", country="BR",
                             received_at="2026-11-19 09:00"), grade="C", score=40)
    services.company_assign(company=kevins, owner=other_rep)
    # Verified for real against the sandbox later, while the rep watches.
    waiting = ingest(company="Klar Wasser GmbH", email="anna@klarwasser.de",
                     website="www.klarwasser.de", country="DE", received_at="2026-11-21 09:00",
                     message="Wir suchen UV-Entkeimung für unsere Trinkwasseraufbereitung.")
    Verification.objects.filter(inquiry=waiting).update(
        status=Verification.Status.PENDING, verified_at=None, grade="", score=None)
    services.companies_refresh(company_ids=[waiting.company_id])
    services.company_assign(company=waiting.company, owner=rep)
    return {"mine": mine, "pool": pool, "kevins": kevins, "waiting": waiting}


def test_rep_main_path(live_server, page, rep, pipeline):
    log_in(page, live_server, "lily", PASSWORD)
    page.goto(f"{live_server.url}/leads/")  # the inbox (the start page is Work)
    rows = page.locator("table.inbox tbody tr")
    expect(rows).to_have_count(3)  # her two and the pool's one; never Kevin's
    expect(page.locator("table.inbox")).not_to_contain_text("Kevin Trading")

    # A grade appears when the verification finishes, without reloading the page.
    waiting = pipeline["waiting"]
    row = page.locator(f"#company-{waiting.company_id}")
    expect(row.locator(".grade")).to_have_text("…")
    page.evaluate("window.__sameDocument = true")
    from verification.services import verification_run

    result = verification_run(inquiry_id=waiting.pk)
    assert result.grade in "AB"
    expect(row.locator(".grade")).to_have_text(result.grade, timeout=15_000)
    assert page.evaluate("window.__sameDocument") is True

    # Filter by country: the URL carries it, so it can be bookmarked.
    page.select_option("#id_country", "DE")
    page.click("#filters button[type=submit]")
    page.wait_for_url(re.compile(r"country=DE"))
    expect(rows).to_have_count(2)
    expect(page.locator("table.inbox")).not_to_contain_text("Mekong")

    # Open a detail and log a contact attempt.
    page.click("text=Aqua Pure GmbH")
    expect(page.locator("h1")).to_contain_text("Aqua Pure GmbH")
    page.select_option("#attempt-form select[name=channel]", "whatsapp")
    page.fill("#attempt-form textarea[name=body]", "Sent catalogue and price list")
    page.click("#attempt-form button[type=submit]")
    expect(page.locator("#timeline li").first).to_contain_text("Contact attempt")
    expect(page.locator("#timeline li").first).to_contain_text("WhatsApp")
    attempt = Activity.objects.get(company=pipeline["mine"], kind="contact_attempt")
    assert attempt.author == rep and attempt.body == "Sent catalogue and price list"

    # Claim from the public pool.
    page.goto(f"{live_server.url}/leads/?owner=pool")
    page.click("text=Mekong Shrimp Farm")
    page.click("#claim")
    expect(page.locator(".flash")).to_contain_text("is now yours")
    assert Company.objects.get(pk=pipeline["pool"].pk).owner == rep


def test_another_reps_company_is_404(live_server, page, pipeline):
    log_in(page, live_server, "lily", PASSWORD)
    response = page.goto(f"{live_server.url}/leads/companies/{pipeline['kevins'].pk}/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("Kevin Trading")


def test_bulk_claim_and_keyboard(live_server, page, rep, pipeline):
    log_in(page, live_server, "lily", PASSWORD)
    page.goto(f"{live_server.url}/leads/")  # the inbox (the start page is Work)
    page.keyboard.press("/")
    expect(page.locator("#id_q")).to_be_focused()
    page.keyboard.type("mekong")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=mekong"))
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.click("button[value=claim]")
    expect(page.locator(".flash")).to_contain_text("1 company updated")
    assert Company.objects.get(pk=pipeline["pool"].pk).owner == rep


def test_the_rep_switches_to_chinese(live_server, page, rep, pipeline):
    log_in(page, live_server, "lily", PASSWORD)
    page.goto(f"{live_server.url}/leads/")  # the inbox (the start page is Work)
    page.select_option("select[name=language]", "zh-hans")
    page.wait_for_load_state("load")
    expect(page.locator("h1")).to_contain_text("询盘")
    expect(page.locator("nav")).to_contain_text("导入")
    assert Profile.objects.get(user=rep).language == "zh-hans"
    page.click("text=Aqua Pure GmbH")
    expect(page.locator("#buyer-time h2")).to_contain_text("买家")
