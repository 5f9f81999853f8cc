"""A rep sees the reminder badge, opens it, and logs the follow-up."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from followup.cadence import reminders_create
from followup.models import FollowUp, Reminder
from leads import services
from leads.models import Activity, TeamSettings
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.leads.helpers import ingest, verified

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True,
                                                          serialized_rollback=True)]


def test_rep_follows_a_reminder(live_server, page, rep):
    team = TeamSettings.load()
    team.round_robin = False
    team.save()
    company = verified(ingest(company="Lagos Aqua Ltd", email="ade@lagosaqua.ng", country="NG",
                              buyer_name="Ade Okafor", product="UV sterilizer 55W"))
    services.company_assign(company=company, owner=rep)
    services.contact_attempt_log(company=company, channel="email", outcome="sent", user=rep)
    step = FollowUp.objects.get(company=company, status="scheduled")
    assert reminders_create(now=step.due_at + timedelta(minutes=1)) == 1
    Reminder.objects.update(remind_at=step.due_at - timedelta(days=30))  # due now

    log_in(page, live_server, "lily", PASSWORD)
    badge = page.locator("#reminders-link .badge")
    expect(badge).to_have_text("1")
    page.click("#reminders-link")
    card = page.locator("article.reminder")
    expect(card).to_contain_text("Lagos Aqua Ltd")
    expect(card).to_contain_text("their time")            # the moment to aim for
    expect(card).to_contain_text("now there")             # the buyer's clock
    expect(card).to_contain_text("Email")                 # the channel
    expect(card.locator("textarea")).to_have_value(
        re.compile(r"Dear Ade Okafor,.*UV sterilizer 55W", re.S))
    card.locator("button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("next follow-up of Lagos Aqua Ltd")
    expect(page.locator("#reminders-link .badge")).to_have_count(0)
    attempts = Activity.objects.filter(company=company, kind="contact_attempt")
    assert attempts.count() == 2 and "Dear Ade Okafor" in attempts.first().body
    assert FollowUp.objects.get(company=company, status="scheduled").step.offset_days == 3
