"""Screenshots of the main screens with the demo pipeline, verified against the demo's
sandbox internet. They go to a temporary folder, or with
``LEADQUAL_SCREENSHOTS=docs/screenshots`` to the README's pictures."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from config.demo import DEMO_USERS
from leads.models import Company
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True,
                                                          serialized_rollback=True)]


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = os.environ.get("LEADQUAL_SCREENSHOTS")
    path = Path(settings.BASE_DIR) / folder if folder else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def demo_internet(settings):
    """The demo's sandbox world instead of the tests' one, for this test only."""
    from verification.sandbox.demo_world import demo_world
    from verification.sandbox.internet import SandboxInternet

    internet = SandboxInternet(demo_world(), silence_seconds=2).start()
    for key, value in internet.env().items():
        setattr(settings, key, type(getattr(settings, key))(value))
    yield internet
    internet.stop()


def test_inbox_and_detail_screenshots(live_server, page, demo_internet, shots):
    from config.demo import demo_seed

    demo_seed()  # imports ~300 inquiries; each is verified as its chunk commits
    lily = next(u for u in DEMO_USERS if u.username == "lily")
    log_in(page, live_server, lily.username, lily.password)
    expect(page.locator("table.inbox tbody tr")).to_have_count(50)
    expect(page.locator("table.inbox .grade-pending")).to_have_count(0)
    page.screenshot(path=str(shots / "inbox.png"))

    # A genuine, target buyer with a website, matched keywords and a history.
    company = (Company.objects.filter(owner__username="lily", grade="A",
                                      website_status="reachable", activities__kind="reply")
               .exclude(domain="").order_by("-last_received_at").first())
    assert company is not None
    page.goto(f"{live_server.url}{company.get_absolute_url()}")
    page.locator("details.check").nth(3).evaluate("d => d.open = true")  # fit evidence
    expect(page.locator("#checks .grade").first).to_have_text("A")
    # The fit explained: its parts, the page's words with their sentences, the keywords.
    explained = page.locator(".fit-explained").first
    expect(explained).to_contain_text("How the fit is made")
    expect(explained).to_contain_text("What the page says")
    expect(explained.locator("mark").first).to_be_visible()
    page.screenshot(path=str(shots / "detail.png"), full_page=True)
    assert (shots / "inbox.png").stat().st_size > 50_000

    # The admins' keyword editor, with the try-it box answering.
    admin = next(u for u in DEMO_USERS if u.username == "admin")
    page.context.clear_cookies()
    log_in(page, live_server, admin.username, admin.password)
    page.goto(f"{live_server.url}/settings/keywords/")
    page.fill("#try-form textarea", "We design UV disinfection systems for municipal "
              "drinking water treatment plants and recirculating aquaculture farms.")
    page.click("#try-form button[type=submit]")
    expect(page.locator("#try-result mark").first).to_be_visible()
    expect(page.locator("#try-result")).to_contain_text("The page's words (learned model)")
    page.screenshot(path=str(shots / "keywords.png"))

    # The managers' dashboard over the demo's last 90 days.
    grace = next(u for u in DEMO_USERS if u.username == "grace")
    page.context.clear_cookies()
    log_in(page, live_server, grace.username, grace.password)
    page.goto(f"{live_server.url}/followup/dashboard/?days=1")
    expect(page.locator("#table-funnel")).to_contain_text("inquiries")
    page.screenshot(path=str(shots / "dashboard.png"))
