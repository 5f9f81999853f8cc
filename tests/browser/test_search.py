"""A rep types into the inbox search box as reps do: a name without its accent, an Alibaba
inquiry number, a phone number three ways, an email address, a domain."""

import re
from urllib.parse import quote_plus

import pytest
from playwright.sync_api import expect

from leads.models import TeamSettings
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.leads.helpers import ingest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True,
                                                          serialized_rollback=True)]


@pytest.fixture
def buyers(rep):
    team = TeamSettings.load()
    team.round_robin = False  # everything in the public pool, which the rep sees
    team.save()
    ingest(company="Ferretería García", email="compras@ferreteriagarcia.es", country="ES",
           buyer_name="Ana López", platform="alibaba", platform_ref="310055500001",
           received_at="2026-11-20 09:00")
    ingest(company="Müller Wassertechnik GmbH", email="info@mueller-wasser.de", country="DE",
           buyer_name="Jörg Sørensen", phone="+49 89 1234567", received_at="2026-11-19 09:00")
    ingest(company="Klar Wasser GmbH", email="anna@klarwasser.de", country="DE",
           phone="+49 89 7654321", received_at="2026-11-18 09:00")


SEARCHES = [
    ("Garcia", "Ferretería García"),
    ("310055500001", "Ferretería García"),  # the Alibaba inquiry number
    ("+49 89 1234567", "Müller Wassertechnik GmbH"),
    ("0049 89 1234567", "Müller Wassertechnik GmbH"),
    ("089-1234567", "Müller Wassertechnik GmbH"),
    ("ANNA@KLARWASSER.DE", "Klar Wasser GmbH"),
    ("mueller-wasser.de", "Müller Wassertechnik GmbH"),
]


def test_the_search_box_finds_what_reps_type(live_server, page, buyers):
    log_in(page, live_server, "lily", PASSWORD)
    page.goto(f"{live_server.url}/leads/")
    rows = page.locator("table.inbox tbody tr")
    expect(rows).to_have_count(3)
    box = page.locator("#id_q")
    expect(box).to_have_attribute("placeholder", re.compile("phone"))
    for query, company in SEARCHES:
        box.fill(query)
        box.press("Enter")
        page.wait_for_url(re.compile(r"[?&]q=" + re.escape(quote_plus(query)) + "(&|$)"))
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(company)
        expect(box).to_have_value(query)
    # A few digits are no phone number: they find nobody.
    box.fill("89")
    box.press("Enter")
    page.wait_for_url(re.compile(r"[?&]q=89(&|$)"))
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td.empty")).to_be_visible()
