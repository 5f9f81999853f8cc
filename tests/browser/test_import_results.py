"""A rep imports a file in a real browser: every row and who got it, the row that gives no
way to reach the buyer, and a PDF named for what it is."""

import os
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from leads.models import AssignmentRule, Company, TeamSettings
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.leads.test_import_results import NINE, NOT_TABLES, csv_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True,
                                                          serialized_rollback=True)]


@pytest.fixture
def rules(rep, other_rep):
    team = TeamSettings.load()
    team.round_robin = False
    team.save()
    AssignmentRule.objects.create(name="Germany → Kevin", kind=AssignmentRule.Kind.COUNTRY,
                                  values="DE", rep=other_rep, priority=1)
    AssignmentRule.objects.create(name="Italy → Lily", kind=AssignmentRule.Kind.COUNTRY,
                                  values="IT", rep=rep, priority=2)


def choose_file(page, name: str, data: bytes, mime="text/csv"):
    page.set_input_files("input[type=file]", files=[
        {"name": name, "mimeType": mime, "buffer": data}])
    page.click("form[enctype=\"multipart/form-data\"] button[type=submit]")


def test_rep_imports_and_sees_every_row_and_who_got_it(live_server, page, rep, rules):
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, live_server, "lily", PASSWORD)
    page.goto(live_server.url + reverse("leads:import"))
    rows = NINE.decode().splitlines()
    only_ref = "2025-06-02 09:45,,,,,,,alibaba,AL2025007777,Need 300 UV lamps for a hatchery"
    atlantis = "2025-06-02 09:50,Nemo,Atlantis Pools,Atlantis,nemo@atlantis.example,,,web,,UV"
    choose_file(page, "june.csv", csv_file(*rows[1:], only_ref, atlantis))
    page.wait_for_url("**/import/**")
    expect(page.locator("#rejected tbody tr")).to_have_text(re.compile(
        r"^12\s*country 'Atlantis' is not a known country"))

    imported = page.locator("#imported tbody tr")
    expect(imported).to_have_count(10)
    expect(page.locator("#import-summary")).to_contain_text("10 imported")
    expect(page.locator("#import-summary")).to_contain_text("1 no way to reach the buyer")
    expect(page.locator("#owners")).to_contain_text("You 3 · kevin 5 · Public pool 2")
    # Kevin's rows are there, with his name, and their companies are not links for her.
    kevins = imported.filter(has_text="kevin")
    expect(kevins).to_have_count(5)
    expect(kevins.locator("a")).to_have_count(0)
    expect(imported.first.locator("td").first).to_have_text("2")
    unreachable = page.locator("#imported tr.unreachable")
    expect(unreachable).to_have_count(1)
    expect(unreachable).to_contain_text("No way to reach the buyer")
    expect(unreachable).to_contain_text("AL2025007777")
    # The page fits the screen: no sideways scrolling at 1440 px.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if os.environ.get("LEADQUAL_IMPORT_SHOT"):
        page.screenshot(path=os.environ["LEADQUAL_IMPORT_SHOT"], full_page=True)

    # The unreachable buyer's company (in the pool) offers no email to nobody.
    unreachable.locator("a").first.click()
    company = Company.objects.get(inquiries__platform_ref="AL2025007777")
    page.wait_for_url(f"**{company.get_absolute_url()}")
    expect(page.locator("#no-email")).to_be_visible()
    expect(page.get_by_text("Email the buyer")).to_have_count(0)
    page.go_back()
    imported.filter(has_text="Acqua Pura Srl").locator("a").click()
    expect(page.get_by_text("Email the buyer")).to_be_visible()


def test_a_pdf_is_named_for_what_it_is(live_server, page, rep):
    log_in(page, live_server, "lily", PASSWORD)
    page.goto(live_server.url + reverse("leads:import"))
    data, _, _ = NOT_TABLES["pdf"]
    choose_file(page, "inquiries.pdf", data, mime="application/pdf")
    expect(page.locator("p.error")).to_contain_text(
        "This file cannot be read. It is not a CSV or Excel (.xlsx) file: it is a PDF "
        "document.")
    expect(page.locator("p.error")).not_to_contain_text("no rows")
