"""One next channel: the company page, the next step and its reminder agree."""

from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import pytest
from django.urls import reverse

from followup.cadence import reminders_create
from followup.channels import OnFile, chat_link, mobile_number, next_channel
from followup.models import FollowUp
from leads import services
from leads.models import Company, ContactChannel, TeamSettings
from tests.leads.helpers import ingest, verified

DE_RANKING = ["whatsapp", "facebook", "apple_messages", "skype", "telegram"]
MOBILE, LANDLINE = "+49 151 23456789", "+49 30 12345678"


def test_a_mobile_number_is_a_whatsapp_number_a_landline_is_not():
    assert mobile_number(MOBILE, "DE") == "+4915123456789"
    assert mobile_number("0151 23456789", "DE") == "+4915123456789"
    assert mobile_number(LANDLINE, "DE") == ""
    assert mobile_number("not a number", "DE") == ""


@pytest.mark.parametrize(("email_status", "on_file", "step", "expected"), [
    # Email while it works, for the first message.
    ("deliverable", [OnFile("email", "a@b.de")], 1, ("email", "a@b.de", False)),
    # A risky address: the country's first channel, reached through the mobile on file.
    ("risky", [OnFile("email", "a@b.de"), OnFile("phone", MOBILE)], 1,
     ("whatsapp", "+4915123456789", False)),
    # Ignored once: the ranking first, even though email works.
    ("deliverable", [OnFile("email", "a@b.de"), OnFile("whatsapp", "+49 151 1")], 2,
     ("whatsapp", "+49 151 1", False)),
    # Ignored, and nothing else on file: email again.
    ("deliverable", [OnFile("email", "a@b.de")], 2, ("email", "a@b.de", False)),
    # A bounced address and a landline: the phone, not "ask for WhatsApp".
    ("deliverable", [OnFile("email", "a@b.de", bounced=True), OnFile("phone", LANDLINE)], 1,
     ("phone", LANDLINE, False)),
    # Nothing to reach them on: ask for the country's most used channel.
    ("undeliverable", [OnFile("email", "a@b.de")], 1, ("whatsapp", "", True)),
])
def test_next_channel(email_status, on_file, step, expected):
    found = next_channel(country="DE", email_status=email_status, on_file=on_file,
                         ranked=DE_RANKING, step=step)
    assert (found.kind, found.value, found.ask) == expected


def test_retired_services_are_neither_used_nor_asked_for():
    found = next_channel(country="US", email_status="risky", on_file=[],
                         ranked=["google_hangouts", "facebook"], step=1)
    assert (found.kind, found.ask) == ("facebook", True)
    used = next_channel(country="US", email_status="risky",
                        on_file=[OnFile("google_hangouts", "x@gmail.com")],
                        ranked=["google_hangouts"], step=1)
    assert used.kind != "google_hangouts"


def test_the_chat_link_carries_the_message():
    link = chat_link("+49 151 23456789", "Guten Tag Jonas")
    assert link == "https://wa.me/4915123456789?text=Guten%20Tag%20Jonas"
    assert chat_link("") == ""


@pytest.mark.django_db
def test_page_step_and_reminder_name_the_same_channel(client, rep):
    team = TeamSettings.load()
    team.round_robin = False
    team.save()
    company = verified(ingest(company="Spree Wasser", email="jonas@spreewasser.de",
                              buyer_name="Jonas Weber", country="DE", phone=LANDLINE,
                              product="UV-C lamps"))
    company = services.company_assign(company=company, owner=rep)
    services.contact_attempt_log(company=company, channel="email", outcome="sent", user=rep,
                                 at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    step = FollowUp.objects.get(company=company, status="scheduled")
    assert step.channel == "email"
    # The checks find the address risky, and the rep adds the buyer's mobile.
    Company.objects.filter(pk=company.pk).update(email_status="risky")
    ContactChannel.objects.create(company=company, kind="phone", value=MOBILE)
    reminders_create(now=step.due_at + timedelta(minutes=1))
    step.refresh_from_db()
    assert step.channel == "whatsapp"
    client.force_login(rep)
    page = client.get(reverse("leads:company", args=[company.pk])).content.decode()
    assert "Next channel: <strong>WhatsApp</strong> (+4915123456789)" in page
    assert " · WhatsApp" in page  # the plan's next step
    assert "mobile on file: +4915123456789" in page and "ask for it</span></li>" in page
    chat = page.split('href="https://wa.me/4915123456789?text=', 1)[1].split('"', 1)[0]
    assert unquote(chat).startswith("Guten Tag Jonas Weber")
    reminders = client.get(reverse("followup:reminders")).content.decode()
    assert "<strong>WhatsApp</strong>" in reminders
    # "Why no reply?" points to the same channel.
    assert "try WhatsApp" in page
