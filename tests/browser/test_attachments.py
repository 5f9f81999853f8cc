"""An admin fills the library; a rep sends the catalogue with a follow-up, in Chromium.

``LEADQUAL_ATTACHMENTS_SHOTS=/tmp/h5`` also saves the pages at 1440×900
(``/tmp/h5_library.png``, ``/tmp/h5_refused.png``, ``/tmp/h5_email.png``,
``/tmp/h5_email_refused.png``).
"""

import os
import re
from email import message_from_bytes, policy

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from followup.attachments import tiny_pdf
from followup.models import LibraryFile
from followup.services import library_file_add
from leads.models import MailMessage
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.followup.test_attachments import contacted  # noqa: F401, F811 - a fixture
from tests.mail.servers import Relay

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True,
                                                          serialized_rollback=True)]
CATALOGUE = tiny_pdf(["Catalogo de lamparas UV 2027"])
PRICES = "型号,FOB Shanghai (USD)\nT8 36W UV-C,4.80\nAmalgam 320W,58.00\n".encode("gb18030")
SHOTS = os.environ.get("LEADQUAL_ATTACHMENTS_SHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.set_viewport_size({"width": 1440, "height": 900})
        page.screenshot(path=f"{SHOTS}_{name}.png")


@pytest.fixture
def relay(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    server = Relay().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.LEADQUAL_MAIL_FROM = "sales@uvlamp-factory.test"
    yield server
    server.stop()


def test_admin_keeps_the_library_and_a_rep_sends_the_catalogue(
        live_server, page, admin_user, rep, contacted, relay):  # noqa: F811
    log_in(page, live_server, "ada", PASSWORD)
    page.goto(f"{live_server.url}/settings/")
    page.click("#attachments-link")
    expect(page.locator("h1")).to_have_text("Attachments")

    # A program dressed as a PDF is refused, with the reason.
    form = page.locator("#upload form")
    form.locator("input[name=title]").fill("Catálogo 2027")
    form.locator("select[name=kind]").select_option("catalogue")
    form.locator("select[name=language]").select_option("es")
    form.locator("input[name=upload]").set_input_files(files=[{
        "name": "catalogo.pdf", "mimeType": "application/pdf",
        "buffer": b"MZ\x90\x00" + b"\x00" * 200}])
    form.locator("button[type=submit]").click()
    expect(page.locator("#upload .error")).to_contain_text("This is a Windows program")
    shot(page, "refused")
    assert not LibraryFile.objects.exists()

    form = page.locator("#upload form")
    form.locator("input[name=title]").fill("Catálogo 2027")
    form.locator("select[name=kind]").select_option("catalogue")
    form.locator("select[name=language]").select_option("es")
    form.locator("input[name=upload]").set_input_files(files=[{
        "name": "catalogo.pdf", "mimeType": "application/pdf", "buffer": CATALOGUE}])
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("catalogo.pdf is in the library")
    row = page.locator("#library tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Spanish")
    expect(row).to_contain_text(f"{len(CATALOGUE)} bytes")
    shot(page, "library")

    # Two more files: a price list for any language, a German catalogue.
    library_file_add(upload=ContentFile(PRICES, name="prices.csv"), title="Price list FOB 2027",
                     kind="price_list", language="any")
    library_file_add(upload=ContentFile(tiny_pdf(["Katalog"]), name="katalog.pdf"),
                     title="Katalog 2027", kind="catalogue", language="de")

    # The rep: the first step's message names the ticked catalogue and price list, the
    # buyer's language first.
    page.context.clear_cookies()
    log_in(page, live_server, "lily", PASSWORD)
    page.goto(f"{live_server.url}/leads/companies/{contacted.pk}/email/")
    items = page.locator("#attachments li")
    expect(items).to_have_count(3)
    expect(items.nth(0)).to_contain_text("Catálogo 2027")
    expect(items.nth(0)).to_contain_text("catalogo.pdf")
    expect(items.nth(2)).to_contain_text("Katalog 2027")
    boxes = page.locator("#attachments input[type=checkbox]")
    expect(boxes.nth(0)).to_be_checked()
    expect(boxes.nth(1)).to_be_checked()
    expect(boxes.nth(2)).not_to_be_checked()
    body = page.locator("textarea[name=body]")
    expect(body).to_have_value(re.compile(r"Attached: Catálogo 2027, Price list FOB 2027\."))
    shot(page, "email")

    # Unticked, the text would promise files that do not go: refused until fixed.
    boxes.nth(0).uncheck()
    boxes.nth(1).uncheck()
    page.click("#email-form button[type=submit]")
    expect(page.locator("#email-form .error")).to_contain_text(
        "The message says “Attached”, but no file is ticked")
    page.locator("#email-form .error").scroll_into_view_if_needed()
    shot(page, "email_refused")
    assert not MailMessage.objects.filter(direction="out").exists()

    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("#email-form button[type=submit]")
    expect(page.locator(".flash")).to_contain_text(
        "with catalogo.pdf, prices.csv is on its way")
    expect(page.locator("#timeline")).to_contain_text("Attached: catalogo.pdf, prices.csv")

    [received] = relay.messages
    sent = message_from_bytes(received["data"], policy=policy.default)
    assert [(a.get_filename(), a.get_content_type(), a.get_payload(decode=True))
            for a in sent.iter_attachments()] == [
        ("catalogo.pdf", "application/pdf", CATALOGUE), ("prices.csv", "text/csv", PRICES)]
