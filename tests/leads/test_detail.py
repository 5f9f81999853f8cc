"""The company page: evidence, contacts, buyer's clock, timeline and quick actions."""

import pytest
from django.urls import reverse

from leads import services
from leads.models import Activity, ChannelKind, Company, CompanyStatus, ContactChannel, TeamSettings
from tests.leads.helpers import ingest, verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(rep):
    team = TeamSettings.load()
    team.round_robin = False
    team.save()
    inquiry = ingest(company="Aqua Pure GmbH", email="jonas@aquapure.de", country="DE",
                     buyer_name="Jonas Weber", phone="+49 30 12345678",
                     message="We run <b>water treatment</b> plants <script>alert(1)</script>")
    company = verified(inquiry, grade="A", score=92, reasons=[
        {"text": "website aquapure.de works", "effect": "+"},
        {"text": "domain registered 12 years ago", "effect": "+"}])
    from verification.models import Verification

    Verification.objects.filter(inquiry=inquiry).update(evidence={
        "email": {"dns": {"answers": ["10 mx1.aquapure.de"]},
                  "smtp": {"replies": [{"host": "mx1.aquapure.de", "step": "RCPT",
                                        "code": 250, "text": "2.1.5 OK"}]}},
        "website": {"chain": [{"url": "http://aquapure.de/", "status": 301},
                              {"url": "https://www.aquapure.de/", "status": 200}]},
        "whois": {"aquapure.de": {"created": "2014-02-01"}},
    }, fit_matches=[{"term": "water treatment", "count": 3, "industry": "water-treatment",
                     "where": ["website"], "snippet": "we build [[water treatment]] plants"}])
    return services.company_assign(company=company, owner=rep)


def page(client, company):
    response = client.get(reverse("leads:company", args=[company.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_page_shows_message_escaped_reasons_and_raw_evidence(client, rep, company):
    client.force_login(rep)
    html = page(client, company)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "website aquapure.de works" in html
    assert "10 mx1.aquapure.de" in html                         # DNS answer
    assert "mx1.aquapure.de RCPT → 250 2.1.5 OK" in html       # SMTP conversation
    assert "http://aquapure.de/ → 301" in html                  # redirect chain
    assert "<mark>water treatment</mark>" in html               # highlighted snippet
    assert "2014-02-01" in html                                 # WHOIS raw


def test_buyer_clock_comes_from_the_phone(client, rep, company):
    client.force_login(rep)
    html = page(client, company)
    assert "Europe/Berlin (from phone +49 30 12345678)" in html
    assert "business hours 09:00–17:00" in html
    assert 'id="followup"' in html  # the follow-up issue's place


def test_suggested_channels_follow_the_country_ranking(client, rep, company):
    client.force_login(rep)
    html = page(client, company)
    assert "Most used in Germany" in html
    ranking = html[html.index("Most used in Germany"):]
    assert ranking.index("WhatsApp") < ranking.index("Facebook") < ranking.index("Apple Messages")


def test_log_attempt_then_reply(client, rep, company):
    client.force_login(rep)
    client.post(reverse("leads:company-attempt", args=[company.pk]),
                {"channel": "whatsapp", "outcome": "sent", "body": "Sent the catalogue"})
    company.refresh_from_db()
    assert company.status == CompanyStatus.CONTACTED and company.awaiting_reply
    attempt = company.activities.get(kind=Activity.Kind.CONTACT_ATTEMPT)
    assert (attempt.channel, attempt.outcome, attempt.author) == ("whatsapp", "sent", rep)
    client.post(reverse("leads:company-reply", args=[company.pk]),
                {"channel": "whatsapp", "body": "Send a sample price"})
    company.refresh_from_db()
    assert company.status == CompanyStatus.REPLIED and not company.awaiting_reply
    timeline = page(client, company).split('id="timeline"')[1]
    assert timeline.index("Reply received") < timeline.index("Contact attempt")  # newest first
    html = timeline
    assert "Send a sample price" in html


def test_grade_override_needs_a_reason_and_stays_in_history(client, rep, company):
    client.force_login(rep)
    client.post(reverse("leads:company-grade", args=[company.pk]), {"grade": "D", "reason": ""})
    company.refresh_from_db()
    assert company.grade == "A"
    client.post(reverse("leads:company-grade", args=[company.pk]),
                {"grade": "D", "reason": "Asked for bank details first"})
    company.refresh_from_db()
    assert (company.grade, company.verified_grade) == ("D", "A")
    # a later verification does not undo the rep's grade
    services.companies_refresh(company_ids=[company.pk])
    company.refresh_from_db()
    assert company.grade == "D"
    client.post(reverse("leads:company-grade", args=[company.pk]), {"grade": "", "reason": ""})
    company.refresh_from_db()
    assert company.grade == "A"
    texts = list(company.activities.filter(kind=Activity.Kind.GRADE_OVERRIDE)
                 .values_list("body", flat=True))
    assert any("A → D: Asked for bank details first" in t for t in texts)
    assert any("Override removed" in t for t in texts)


def test_status_segment_note_and_reverify(client, rep, company):
    client.force_login(rep)
    client.post(reverse("leads:company-status", args=[company.pk]),
                {"status": "quoting", "note": "PI sent"})
    client.post(reverse("leads:company-segment", args=[company.pk]), {"segment": "favourite"})
    client.post(reverse("leads:company-note", args=[company.pk]), {"body": "Call Monday"})
    client.post(reverse("leads:company-verify", args=[company.pk]))
    company.refresh_from_db()
    assert (company.status, company.segment) == ("quoting", "favourite")
    assert company.verification_pending
    kinds = set(company.activities.values_list("kind", flat=True))
    assert {"status_change", "segment", "note", "verify"} <= kinds


def test_contacts_add_edit_emergency_remove(client, rep, company):
    client.force_login(rep)
    url = reverse("leads:channel-add", args=[company.pk])
    client.post(url, {"kind": "wechat", "value": "jonas_w", "note": "logistics",
                      "is_emergency": "on"})
    wechat = ContactChannel.objects.get(company=company, kind=ChannelKind.WECHAT)
    assert wechat.is_emergency
    response = client.post(url, {"kind": "wechat", "value": "jonas_w"}, follow=True)
    assert "already has that contact" in response.content.decode()
    email = ContactChannel.objects.get(company=company, kind=ChannelKind.EMAIL)
    client.post(reverse("leads:channel-emergency", args=[company.pk, email.pk]))
    wechat.refresh_from_db()
    email.refresh_from_db()
    assert email.is_emergency and not wechat.is_emergency
    client.post(reverse("leads:channel-edit", args=[company.pk, wechat.pk]),
                {"kind": "wechat", "value": "jonas_weber", "note": ""})
    wechat.refresh_from_db()
    assert wechat.value == "jonas_weber"
    client.post(reverse("leads:channel-delete", args=[company.pk, wechat.pk]))
    assert not ContactChannel.objects.filter(pk=wechat.pk).exists()


def test_another_reps_company_is_404_on_every_action(client, other_rep, company):
    client.force_login(other_rep)
    channel = company.channels.first()
    assert client.get(reverse("leads:company", args=[company.pk])).status_code == 404
    assert client.get(reverse("leads:company-checks", args=[company.pk])).status_code == 404
    for name in ("company-note", "company-status", "company-attempt", "company-reply",
                 "company-segment", "company-grade", "company-verify", "company-claim",
                 "company-release", "company-assign", "channel-add"):
        assert client.post(reverse(f"leads:{name}", args=[company.pk]),
                           {"body": "x", "status": "fake"}).status_code == 404, name
    for name in ("channel-edit", "channel-delete", "channel-emergency"):
        assert client.post(reverse(f"leads:{name}", args=[company.pk, channel.pk]),
                           {"kind": "phone", "value": "1"}).status_code == 404, name
    company.refresh_from_db()
    assert company.status == "new" and company.owner.username == "lily"


def test_only_managers_assign_from_the_page(client, rep, other_rep, manager, company):
    client.force_login(rep)
    assert client.post(reverse("leads:company-assign", args=[company.pk]),
                       {"owner": other_rep.pk}).status_code == 403
    client.force_login(manager)
    client.post(reverse("leads:company-assign", args=[company.pk]), {"owner": other_rep.pk})
    company.refresh_from_db()
    assert company.owner == other_rep and company.assigned_via == "manual"


def test_checks_partial_polls_until_verified(client, rep):
    client.force_login(rep)
    inquiry = ingest(company="Slow Co", email="a@slow.example", country="FR")
    services.company_assign(company=inquiry.company, owner=rep)
    url = reverse("leads:company-checks", args=[inquiry.company_id])
    pending = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in pending and "Checking the email address" in pending
    verified(inquiry, grade="C", score=35)
    done = client.get(url).content.decode()
    assert "every 2s" not in done and "grade-C" in done


def test_detail_queries_do_not_grow_with_inquiries_and_history(client, rep, company):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(rep)

    def count():
        with CaptureQueriesContext(connection) as queries:
            page(client, Company.objects.get(pk=company.pk))
        return len(queries)

    # One contact first, so both counts include the follow-up plan and "why no reply?".
    services.contact_attempt_log(company=company, channel="email", outcome="sent", user=rep)
    count()  # warm the process caches (keyword lists), as any running server has
    few = count()
    for n in range(8):
        inquiry = ingest(company="Aqua Pure GmbH", email=f"buyer{n}@aquapure.de",
                         country="DE", received_at=f"2026-11-0{n + 1} 08:00")
        verified(inquiry)
        if n < 2:  # the cadence stays open (five steps), so both pages show a plan
            services.contact_attempt_log(company=company, channel="email", outcome="sent",
                                         user=rep)
        services.activity_note_add(company=company, body=f"note {n}", user=rep)
    assert Company.objects.get(pk=company.pk).inquiry_count == 9
    assert count() == few


@pytest.mark.parametrize(("website", "href"), [
    ("aquapure.de", "http://aquapure.de"),
    ("https://www.aquapure.de/en", "https://www.aquapure.de/en"),
    ("javascript://%0aalert(1)", "http://%0aalert(1)"),
    ("JavaScript:alert(1)", "http://JavaScript:alert(1)"),
])
def test_company_website_links_are_http_only(client, rep, company, website, href):
    Company.objects.filter(pk=company.pk).update(website=website)
    client.force_login(rep)
    assert f'href="{href}"' in page(client, company)


def test_buyer_calendar_vacation_and_next_moment(client, rep, company):
    client.force_login(rep)
    html = page(client, company)
    assert "Next good moment to write" in html and "Next working days" in html
    client.post(reverse("leads:company-calendar", args=[company.pk]),
                {"time_zone": "America/Chicago", "subdivision": "il",
                 "business_hours": "08:00-16:00"})
    company.refresh_from_db()
    assert (company.time_zone, company.subdivision, company.business_hours) == (
        "America/Chicago", "IL", "08:00-16:00")
    assert "America/Chicago (set by hand)" in page(client, company)
    response = client.post(reverse("leads:company-calendar", args=[company.pk]),
                           {"time_zone": "", "subdivision": "", "business_hours": "17:00-09:00"},
                           follow=True)
    assert "closes before it opens" in response.content.decode()
    client.post(reverse("leads:company-calendar", args=[company.pk]),
                {"time_zone": "", "subdivision": "", "business_hours": ""})
    company.refresh_from_db()
    assert company.time_zone == "Europe/Berlin"  # from the phone again

    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    client.post(reverse("leads:company-vacation", args=[company.pk]),
                {"first_day": today + timedelta(days=3), "last_day": today + timedelta(days=5),
                 "note": "Trade fair"})
    vacation = company.vacations.get()
    html = page(client, company)
    assert html.count("vacation: Trade fair") >= 3  # listed among the days away
    client.post(reverse("leads:vacation-delete", args=[company.pk, vacation.pk]))
    assert not company.vacations.exists()


def test_another_rep_cannot_touch_the_calendar(client, other_rep, company):
    client.force_login(other_rep)
    assert client.post(reverse("leads:company-vacation", args=[company.pk]),
                       {"first_day": "2026-12-01", "last_day": "2026-12-02"}).status_code == 404
    assert client.post(reverse("leads:company-calendar", args=[company.pk]),
                       {"time_zone": "UTC"}).status_code == 404
    assert not company.vacations.exists()
