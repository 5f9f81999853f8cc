"""Every page in Chinese: no English sentence, label or code a person would have to read.

Each page is rendered for a user who chose 简体中文, with real checks behind the grades
(the tests' sandbox internet) and the buyers' own words stored. What is left of the
page's text once the buyers' data, product names and technical terms are taken out
must hold no English: two English words in a row, or a code like ``outside_hours``,
is a string that escaped translation.
"""

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from followup.models import CadenceStep, LibraryFile
from leads import services
from leads.models import (
    Activity,
    Company,
    ContactChannel,
    ImportBatch,
    Inquiry,
    MailMessage,
    Person,
    Profile,
    TeamSettings,
)
from tests.leads.helpers import ingest
from verification.models import Verification

pytestmark = pytest.mark.django_db

# Names of products, services, formats and protocols: written the same in Chinese.
TERMS = (
    "Leadqual", "WhatsApp", "WeChat", "Facebook / Messenger", "Facebook", "Messenger",
    "Instagram", "Twitter / X", "Twitter", "LinkedIn", "Skype", "Telegram", "TikTok",
    "YouTube", "Snapchat", "Discord", "Apple Messages", "Google Hangouts", "Alibaba.com",
    "Made-in-China.com", "Excel", "CSV", "XLSX", "xlsx", "UTF-8", "GBK/GB18030", "BOM",
    "PDF", "HTML", "SMTP", "DNS", "SPF", "DKIM", "DMARC", "IMAP", "rspamd", "Bayes",
    "UTC", "UV", "WHOIS", "RDAP", "API", "JSON", "CIF", "FOB", "Django", "Celery",
    "English", "Email", "IP", "MX", "TLS", "HTTP", "HTTPS", "URL", "CE", "RoHS",
    # Languages are named in their own language in a language picker.
    "Bahasa Indonesia", "Tiếng Việt",
)
SKIPPED = {"script", "style", "textarea", "pre", "code", "svg"}
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
ENGLISH = re.compile(r"[A-Za-z][a-z]+(?:[ \-'’]+[A-Za-z]?[a-z]+)+|\b[a-z]+_[a-z_]+\b")


class _Texts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self._skipping += 1
        for name, value in attrs:
            if name in ATTRIBUTES and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.texts.append(data)


def _data_strings() -> list[str]:
    """Everything the buyers, the checks' servers and the team typed: shown as is."""
    found: set[str] = set()

    def walk(value):
        if isinstance(value, str):
            found.update(part.strip() for part in value.splitlines() if part.strip())
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    for model, fields in (
        (Company, ("name", "domain", "website", "summary", "assigned_note",
                   "time_zone_source", "grade_override_reason")),
        (Inquiry, ("buyer_name", "company_name", "email", "phone", "whatsapp", "website",
                   "product", "quantity", "message", "platform_ref", "raw")),
        (Activity, ("body",)), (ContactChannel, ("value", "note", "bounce_reason")),
        (Person, ("name", "title")), (ImportBatch, ("filename", "rejected_rows")),
        (MailMessage, ("subject", "from_address", "to_addresses", "body")),
        (Verification, ("evidence",)), (CadenceStep, ("template", "offer")),
        (LibraryFile, ("title", "filename")),
    ):
        for row in model.objects.values_list(*fields):
            walk(list(row))
    # The admins' keywords (in the buyers' languages), and IANA zone names where CLDR
    # has no Chinese name for the city (America/Argentina/Buenos_Aires).
    import zoneinfo

    from django.contrib.auth import get_user_model

    from verification.models import Keyword

    walk(list(Keyword.objects.values_list("term", flat=True)))
    for zone in zoneinfo.available_timezones():
        walk([zone, *(part.replace("_", " ") for part in zone.split("/"))])
    for first, last, username in get_user_model().objects.values_list(
            "first_name", "last_name", "username"):
        walk([f"{first} {last}", first, last, username])
    return sorted(found, key=len, reverse=True)


def english_left(html: str, data: list[str]) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    left = []
    for text in parser.texts:
        for value in data:
            if len(value) > 2 and value in text:
                text = text.replace(value, " ")
        for term in TERMS:
            text = text.replace(term, " ")
        text = re.sub(r"\{[a-z_]+\}", " ", text)  # a message's placeholders, as typed
        left += ENGLISH.findall(text)
    return sorted(set(left))


@pytest.fixture
def world(rep, manager, admin_user):
    team = TeamSettings.load()
    team.round_robin = False
    team.save()
    for user in (rep, manager, admin_user):
        Profile.objects.update_or_create(user=user, defaults={"language": "zh-hans"})
    # Real checks on the sandbox internet: a genuine German buyer, a fake one.
    genuine = ingest(company="Klarwasser GmbH", buyer_name="Jonas Weber",
                     email="jonas.weber@klarwasser.de", country="DE",
                     phone="+49 30 12345678", product="UV-C Lampen",
                     message="Bitte Preis für 200 UV-C Lampen.", received_at="2026-11-20 10:00")
    fake = ingest(company="Quick Money", email="x@mailinator.com", country="VN",
                  received_at="2026-11-21 10:00", platform="web")
    waiting = services.company_assign(company=Company.objects.get(pk=genuine.company_id),
                                      owner=rep)
    services.contact_attempt_log(company=waiting, channel="email", outcome="sent", user=rep,
                                 at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    return {"company": waiting, "fake": Company.objects.get(pk=fake.company_id)}


def _pages(world) -> list[tuple[str, str]]:
    company = world["company"]
    return [
        ("rep", reverse("leads:work")), ("rep", reverse("leads:inbox")),
        ("rep", company.get_absolute_url()), ("rep", world["fake"].get_absolute_url()),
        ("rep", reverse("followup:reminders")), ("rep", reverse("leads:import")),
        ("rep", reverse("leads:held-list")), ("rep", reverse("leads:mail-upload")),
        ("manager", reverse("leads:work")), ("manager", reverse("followup:dashboard")),
        ("manager", reverse("leads:history")),
        ("rep", reverse("leads:company-email", args=[company.pk])),
        ("admin", reverse("settings:index")), ("admin", reverse("verification:keywords")),
        ("admin", reverse("settings:attachments")),
    ]


def test_every_page_is_chinese(client, rep, manager, admin_user, world):
    users = {"rep": rep, "manager": manager, "admin": admin_user}
    data = _data_strings()
    found = {}
    for role, url in _pages(world):
        client.force_login(users[role])
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert 'lang="zh-hans"' in html, url
        left = english_left(html, data)
        if left:
            found[f"{role} {url}"] = left
    assert found == {}, "\n".join(f"{page}: {left}" for page, left in found.items())


def test_the_check_finds_what_escaped_translation():
    html = ('<p>工作台 <span title="Grade of the buyer">A</span></p><p>outside_hours</p>'
            '<script>var x = "not text"</script><p>Klarwasser GmbH 已回复</p>'
            '<p>WhatsApp 和 Alibaba.com</p>')
    assert english_left(html, ["Klarwasser GmbH"]) == ["Grade of the buyer", "outside_hours"]
