"""Screenshots of the main screens with the demo pipeline, verified against the demo's
sandbox internet. They go to a temporary folder, or with
``LEADQUAL_SCREENSHOTS=docs/screenshots`` to the README's pictures."""

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
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


# A rep's Monday morning in Shanghai: the demo is seeded then, and the clock runs on.
MORNING = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai


@pytest.fixture
def morning(settings):
    """The server's clock at ``MORNING``; cookies without a date, which the browser (on
    the real clock) would otherwise find expired when the suite runs years later."""
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    with time_machine.travel(MORNING, tick=True):
        yield


def test_inbox_and_detail_screenshots(live_server, page, demo_internet, shots, morning):
    from config.demo import demo_seed

    demo_seed()  # imports ~300 inquiries; each is verified as its chunk commits
    lily = next(u for u in DEMO_USERS if u.username == "lily")
    log_in(page, live_server, lily.username, lily.password)

    # The start page: the work queue, unanswered A leads first, then B, then replies,
    # follow-ups due (with the buyer's time), bounces and warning signs.
    expect(page.locator("#work")).to_be_visible()
    rows = page.locator("#work tbody tr")
    kinds = [name.split()[0] for name in rows.evaluate_all("rs => rs.map(r => r.className)")]
    assert kinds[0] == "work-new" and "work-reply" in kinds and "work-due" in kinds
    order = ["work-new", "work-reply", "work-due", "work-bounce", "work-risk"]
    assert [order.index(kind) for kind in kinds] == sorted(order.index(kind) for kind in kinds)
    grades = rows.locator("td:first-child").all_inner_texts()
    new_grades = [g.strip() for g, kind in zip(grades, kinds, strict=True) if kind == "work-new"]
    assert new_grades[0] == "A" and new_grades == sorted(new_grades)
    due = page.locator("#work tr.work-due").first
    expect(due).to_contain_text("their time")
    expect(due.locator("td").nth(3)).to_contain_text("there")
    expect(page.locator("#work-link .badge")).to_have_text(str(len(kinds)))
    page.screenshot(path=str(shots / "work.png"))

    page.goto(f"{live_server.url}/leads/")
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
    expect(page.locator("#table-funnel")).to_contain_text("Inquiries received")
    page.screenshot(path=str(shots / "dashboard.png"))
    page.goto(f"{live_server.url}/leads/work/")
    expect(page.locator("#team-work")).to_contain_text("Lily")
    page.screenshot(path=str(shots / "work-team.png"))

    # The same screens in Chinese, the team's language.
    with page.expect_navigation():
        page.select_option("select[name=language]", "zh-hans")
    page.goto(f"{live_server.url}/followup/dashboard/?days=1")
    page.screenshot(path=str(shots / "dashboard-zh.png"))
    page.context.clear_cookies()
    log_in(page, live_server, lily.username, lily.password)
    with page.expect_navigation():
        page.select_option("select[name=language]", "zh-hans")
    page.goto(f"{live_server.url}/leads/work/")
    expect(page.locator("h1")).to_contain_text("我的工作")
    page.screenshot(path=str(shots / "work-zh.png"))
    page.goto(f"{live_server.url}{company.get_absolute_url()}")
    page.screenshot(path=str(shots / "detail-zh.png"))
