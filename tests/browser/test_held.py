"""A manager checks held-back mail in a real browser: the list, a phishing mail shown
defanged with its reasons, and a real buyer's mail released into the intake; the same
page in Chinese. Screenshots: /tmp/held.png, /tmp/held_zh.png (and the list's)."""

import re

import pytest
from playwright.sync_api import expect

from leads.mail.parse import read_message
from leads.mail.phishing import defang, links_of, text_parts
from leads.mail.services import mail_ingest
from leads.models import Inquiry, Mailbox, MailMessage
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.mail.test_held_views import BUYER, EXE, PHISHING, held_by_mistake, raw_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True,
                                                          serialized_rollback=True)]


@pytest.fixture
def held_mail(settings, manager):
    settings.LEADQUAL_RSPAMD_URL = ""  # Leadqual's own checks only
    sales = Mailbox.objects.create(name="Sales", host="imap.example.com",
                                   username="sales@uvlamp-factory.test")
    phishing, _ = mail_ingest(raw=raw_of(PHISHING), mailbox=sales)
    assert phishing.outcome == "held"
    buyer = held_by_mistake(BUYER, mailbox=sales)
    program, _ = mail_ingest(raw=raw_of(EXE), mailbox=sales)
    assert program.outcome == "held"
    return phishing, buyer, program


def test_a_manager_checks_held_back_mail(live_server, page, manager, held_mail):
    phishing, buyer, program = held_mail
    html, text = text_parts(read_message(raw_of(PHISHING)))
    hosts = sorted({link.host for link in links_of(html, text) if link.host})

    log_in(page, live_server, "grace", PASSWORD)
    expect(page.locator("#held-link .badge")).to_have_text("3")
    page.click("#held-link")
    expect(page.locator("table.held tbody tr")).to_have_count(3)
    expect(page.locator(f"#held-{phishing.pk} .verdict-phishing")).to_be_visible()
    page.screenshot(path="/tmp/held_list.png", full_page=True)

    # The phishing mail, defanged: its addresses are text, the reasons are named.
    page.click(f"#held-{phishing.pk} td.subject a")
    expect(page.locator("#held-reasons")).to_contain_text("Look-alike domain")
    expect(page.locator("#held-reasons")).to_contain_text("Poses as a marketplace")
    for host in hosts:
        expect(page.locator("#held-links")).to_contain_text(defang(host))
        expect(page.locator(f'a[href*="{host}"]')).to_have_count(0)
    expect(page.locator("#held-text")).to_be_visible()
    page.screenshot(path="/tmp/held.png", full_page=True)

    # A real buyer's mail held by the filter's score: Not spam makes it an inquiry.
    page.click("text=← Held back")
    page.locator(f"#held-{buyer.pk}").get_by_role(
        "button", name=re.compile("Not spam")).click()
    expect(page.locator(".flash-success")).to_contain_text("Released: it became a new "
                                                           "inquiry of")
    expect(page.locator(f"#held-{buyer.pk}")).to_have_count(0)
    expect(page.locator("#held-link .badge")).to_have_text("2")
    buyer.refresh_from_db()
    assert (buyer.outcome, buyer.decision) == ("inquiry", "released")
    assert Inquiry.objects.filter(company=buyer.company).exists()
    page.locator(".flash-success a").click()
    expect(page.locator("#mail-risks")).to_contain_text("Spam filter: spam")
    page.screenshot(path="/tmp/held_company.png")
    page.click("nav >> text=Inbox")
    expect(page.locator(f"#company-{buyer.company_id} .riskmark")).to_be_visible()
    page.screenshot(path="/tmp/held_inbox.png")

    # An attachment: a page that names the risk first, then a download, never a display.
    page.goto(f"{live_server.url}/leads/mail/held/{program.pk}/")
    expect(page.locator("#held-attachments")).to_contain_text("double extension")
    page.locator("#held-attachments a").first.click()
    expect(page.locator("#download-warning")).to_contain_text("This attachment is a double "
                                                              "extension")
    page.screenshot(path="/tmp/held_download.png", full_page=True)
    with page.expect_download() as download:
        page.click("#download-anyway")
    assert download.value.suggested_filename.endswith(".exe")

    # The same page in Chinese.
    with page.expect_navigation():
        page.select_option("select[name=language]", "zh-hans")
    page.goto(f"{live_server.url}/leads/mail/held/{phishing.pk}/")
    expect(page.locator("h2", has_text="拦截原因")).to_be_visible()
    expect(page.locator("#held-reasons")).to_contain_text("仿冒域名")
    expect(page.get_by_role("button", name=re.compile("不是垃圾邮件"))).to_have_count(1)
    page.screenshot(path="/tmp/held_zh.png", full_page=True)
    assert MailMessage.objects.get(pk=phishing.pk).decision == ""


def test_a_rep_uploads_a_phishing_mail_and_sees_it_held(live_server, page, rep, settings,
                                                         tmp_path):
    settings.LEADQUAL_RSPAMD_URL = ""
    eml = tmp_path / "order.eml"
    eml.write_bytes(raw_of(PHISHING))
    log_in(page, live_server, "lily", PASSWORD)
    page.goto(f"{live_server.url}/leads/mail/upload/")
    page.set_input_files("input[type=file]", str(eml))
    page.click("form.stack button[type=submit]")
    flash = page.locator(".flash-warning")
    expect(flash).to_contain_text("Held back as phishing: Look-alike domain")
    page.screenshot(path="/tmp/held_upload.png")
    flash.get_by_role("link").click()
    expect(page.locator("#held-reasons")).to_contain_text("Look-alike domain")
    assert not Inquiry.objects.exists()
