"""Every URL of the app × every kind of user, and CSRF on every POST.

One test per kind of user builds the data world once and walks the whole table;
each request runs in a savepoint that is rolled back, so a POST does not disturb
the rows after it. A named URL missing from the table fails the suite, so a new
view cannot ship without its access rules written down here.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.factories import UserFactory

KINDS = ("anonymous", "rep", "other_rep", "manager", "admin", "no_role")
LOGIN = "302 to login"
ADMIN_LOGIN = "302 to admin login"
DENIED = {LOGIN, ADMIN_LOGIN, 401, 403, 404}
SECRET = "Matrix Secret Aqua GmbH"  # the rep's company: no one else may read its name


def cols(anonymous, rep, other_rep, manager, admin, no_role) -> dict:
    return dict(zip(KINDS, (anonymous, rep, other_rep, manager, admin, no_role), strict=True))


OWN_PAGE = cols(LOGIN, 200, 404, 200, 200, 403)      # the rep's company, read
OWN_ACTION = cols(LOGIN, 302, 404, 302, 302, 403)    # the rep's company, a quick action
ROLE_PAGE = cols(LOGIN, 200, 200, 200, 200, 403)     # any role; content filtered per user
MANAGER_PAGE = cols(LOGIN, 403, 403, 200, 200, 403)
ADMIN_PAGE = cols(LOGIN, 403, 403, 403, 200, 403)
ADMIN_ACTION = cols(LOGIN, 403, 403, 403, 302, 403)


@dataclass
class World:
    users: dict
    company: object  # owned by the rep
    pool: object  # in the public pool
    inquiry: object
    second_inquiry: object  # of the same company, for the split
    channel: object
    vacation: object
    reminder: object
    batch: object
    step: object
    keyword: object
    industry: object
    away_mail: object  # an out-of-office reply to the rep's company
    held_mail: object  # a phishing mail the rep uploaded, held back
    fit_model: object  # a retrained fit model waiting for an admin
    library_file: object  # a PDF in the library of files for follow-up emails


@dataclass(frozen=True)
class Row:
    name: str  # URL name for reverse(), or the path of an unnamed URL
    method: str
    expect: dict
    args: tuple[str | int, ...] = ()  # World attributes whose pk go into the URL; numbers
    data: Callable[[World], dict] | None = None
    query: str = ""
    api: bool = False  # JSON body
    no_effect: frozenset = field(default_factory=frozenset)  # kinds that must change nothing

    def url(self, world: World) -> str:
        query = self.query.format(company=world.company.pk)
        if self.name.startswith("/"):
            return self.name + query
        return reverse(self.name, args=[a if isinstance(a, int) else getattr(world, a).pk
                                        for a in self.args]) + query

    def label(self, world: World) -> str:
        return f"{self.method} {self.url(world)}"


def _tomorrow() -> str:
    return str(timezone.localdate() + timedelta(days=1))


def _csv_upload(world: World) -> dict:
    csv = ("Inquiry No.,Inquiry Time,Buyer Name,Buyer Company,Country/Region,Buyer Email,"
           "Inquiry Content\nAL77,2025-01-02 09:00,Mehmet Kaya,Kaya Su Aritma,Turkey,"
           "mehmet@kayasu-matrix.com.tr,Need UV lamps\n").encode("utf-8-sig")
    return {"file": SimpleUploadedFile("export.csv", csv, content_type="text/csv"),
            "preset": "auto"}


def _eml_upload(world: World) -> dict:
    eml = (b"From: Mehmet Kaya <mehmet@kayasu-matrix.com.tr>\r\nSubject: UV lamps\r\n"
           b"Message-ID: <matrix-upload@kayasu-matrix.com.tr>\r\n\r\nNeed UV lamps.\r\n")
    return {"file": SimpleUploadedFile("inquiry.eml", eml, content_type="message/rfc822")}


_HELD_RAW = (b"From: Alibaba.com <notice@alibaba-matrix.example>\r\n"
             b"Subject: Your Alibaba.com account\r\nMessage-ID: <held@matrix-phish.example>\r\n"
             b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
             b"--b\r\nContent-Type: text/plain\r\n\r\nSign in: https://alibaba-matrix.example\r\n"
             b"--b\r\nContent-Type: application/octet-stream\r\n"
             b"Content-Disposition: attachment; filename=order.exe\r\n\r\nMZ\r\n--b--\r\n")


def _pdf_upload(world: World) -> dict:
    from followup.attachments import tiny_pdf

    return {"title": "Certificate CE", "kind": "certificate", "language": "any",
            "upload": SimpleUploadedFile("ce.pdf", tiny_pdf(["CE"]), "application/pdf")}


def _step_fields(prefix: str) -> dict:
    return {f"{prefix}-offset_days": 40, f"{prefix}-channel": "auto",
            f"{prefix}-template": "Hello {buyer}", f"{prefix}-offer": "",
            f"{prefix}-offer_days": 7}


API_FORM = {"buyer_name": "Ana Souza", "company": "Aquicultura Matrix Ltda", "country": "Brasil",
            "email": "ana@aquimatrix.com.br", "message": "Please send price CIF Santos."}

ROWS: tuple[Row, ...] = (
    # config/urls.py
    Row("/", "GET", cols(302, 302, 302, 302, 302, 302)),
    Row("login", "GET", cols(200, 302, 302, 302, 302, 302)),
    Row("login", "POST", cols(200, 302, 302, 302, 302, 302),
        data=lambda w: {"username": "lily", "password": "not the password"}),
    Row("admin:index", "GET", cols(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN,
                                   ADMIN_LOGIN, ADMIN_LOGIN)),
    # leads/urls.py
    Row("leads:inbox", "GET", ROLE_PAGE),
    Row("leads:work", "GET", ROLE_PAGE),
    Row("leads:inbox-poll", "GET", ROLE_PAGE, query="?ids={company}"),
    Row("leads:inbox-bulk", "POST", cols(LOGIN, 302, 302, 302, 302, 403),
        data=lambda w: {"action": "status", "status": "quoting", "company": [w.company.pk],
                        "next": reverse("leads:inbox")},
        no_effect=frozenset({"other_rep"})),
    Row("leads:company", "GET", OWN_PAGE, args=("company",)),
    Row("leads:company-checks", "GET", OWN_PAGE, args=("company",)),
    Row("leads:company-note", "POST", OWN_ACTION, args=("company",),
        data=lambda w: {"body": "Call Monday"}),
    Row("leads:company-status", "POST", OWN_ACTION, args=("company",),
        data=lambda w: {"status": "quoting", "note": "PI sent"}),
    Row("leads:company-attempt", "POST", OWN_ACTION, args=("company",),
        data=lambda w: {"channel": "whatsapp", "outcome": "sent", "body": "Catalogue"}),
    Row("leads:company-reply", "POST", OWN_ACTION, args=("company",),
        data=lambda w: {"channel": "email", "body": "Send a sample price"}),
    Row("leads:company-segment", "POST", OWN_ACTION, args=("company",),
        data=lambda w: {"segment": "favourite"}),
    Row("leads:company-grade", "POST", OWN_ACTION, args=("company",),
        data=lambda w: {"grade": "D", "reason": "Asked for bank details first"}),
    Row("leads:company-target", "POST", OWN_ACTION, args=("company",),
        data=lambda w: {"label": "target", "industry": "water_treatment"}),
    Row("leads:company-snooze", "POST", OWN_ACTION, args=("company",),
        data=lambda w: {"until": _tomorrow()}),
    Row("leads:company-calendar", "POST", OWN_ACTION, args=("company",),
        data=lambda w: {"time_zone": "Europe/Berlin", "subdivision": "",
                        "business_hours": "08:00-16:00"}),
    Row("leads:company-vacation", "POST", OWN_ACTION, args=("company",),
        data=lambda w: {"first_day": _tomorrow(), "last_day": _tomorrow(), "note": "away"}),
    Row("leads:vacation-delete", "POST", OWN_ACTION, args=("company", "vacation")),
    Row("leads:company-verify", "POST", OWN_ACTION, args=("company",)),
    Row("leads:company-claim", "POST", OWN_ACTION, args=("company",)),
    Row("leads:company-release", "POST", OWN_ACTION, args=("company",)),
    Row("leads:company-assign", "POST", cols(LOGIN, 403, 404, 302, 302, 403), args=("company",),
        data=lambda w: {"owner": w.users["other_rep"].pk}),
    Row("leads:company-merge", "POST", OWN_ACTION, args=("company",),
        data=lambda w: {"other": w.pool.pk}),
    Row("leads:company-split", "POST", OWN_ACTION, args=("company",),
        data=lambda w: {"inquiry": [w.second_inquiry.pk]}),
    Row("leads:channel-add", "POST", OWN_ACTION, args=("company",),
        data=lambda w: {"kind": "wechat", "value": "jonas_matrix", "note": ""}),
    Row("leads:channel-edit", "POST", OWN_ACTION, args=("company", "channel"),
        data=lambda w: {"kind": "whatsapp", "value": "+49 151 7654321", "note": "new"}),
    Row("leads:channel-delete", "POST", OWN_ACTION, args=("company", "channel")),
    Row("leads:channel-emergency", "POST", OWN_ACTION, args=("company", "channel")),
    # Choosing one's own language is harmless without a role: left open on purpose.
    Row("leads:language", "POST", cols(LOGIN, 302, 302, 302, 302, 302),
        data=lambda w: {"language": "de", "next": reverse("leads:inbox")}),
    Row("leads:import", "GET", ROLE_PAGE),
    Row("leads:import", "POST", cols(LOGIN, 302, 302, 302, 302, 403), data=_csv_upload),
    Row("leads:import-result", "GET", OWN_PAGE, args=("batch",)),  # the rep's batch
    Row("leads:company-email", "GET", OWN_PAGE, args=("company",)),
    Row("leads:company-email", "POST", OWN_ACTION, args=("company",),
        data=lambda w: {"to": "jonas@matrix-aqua.de", "subject": "Offer", "body": "Hello"}),
    Row("leads:mail-away", "POST", OWN_ACTION, args=("company", "away_mail"),
        data=lambda w: {"last_day": _tomorrow()}),
    Row("leads:mail-upload", "GET", ROLE_PAGE),
    Row("leads:mail-upload", "POST", cols(LOGIN, 302, 302, 302, 302, 403), data=_eml_upload),
    # Held-back mail: the rep's upload; reps see their mailboxes' and uploads, managers all.
    Row("leads:held-list", "GET", ROLE_PAGE),
    Row("leads:held", "GET", OWN_PAGE, args=("held_mail",)),
    Row("leads:held-decide", "POST", OWN_ACTION, args=("held_mail",),
        data=lambda w: {"spam": "1"}),
    Row("leads:held-attachment", "GET", OWN_PAGE, args=("held_mail", 0)),
    Row("leads:held-attachment", "POST", OWN_PAGE, args=("held_mail", 0)),
    Row("leads:held-raw", "GET", MANAGER_PAGE, args=("held_mail",)),
    Row("leads:held-raw", "POST", MANAGER_PAGE, args=("held_mail",)),
    # followup/urls.py
    Row("followup:reminders", "GET", ROLE_PAGE),
    Row("followup:dashboard", "GET", MANAGER_PAGE),
    Row("leads:history", "GET", MANAGER_PAGE),
    Row("followup:dashboard", "GET", MANAGER_PAGE, query="?csv=silent"),
    # The rep's own reminder; everyone else's is 404, a user without a role gets 403.
    Row("followup:reminder-sent", "POST", cols(LOGIN, 302, 404, 404, 404, 403),
        args=("reminder",), data=lambda w: {"body": "Hello Jonas"}),
    # verification/urls.py
    Row("verification:keywords", "GET", ADMIN_PAGE),
    Row("verification:keywords", "POST", ADMIN_PAGE,
        data=lambda w: {"text": "We build water treatment plants."}),
    Row("verification:keyword-try", "POST", ADMIN_PAGE,
        data=lambda w: {"text": "We build water treatment plants."}),
    Row("verification:keyword-add", "POST", ADMIN_ACTION,
        data=lambda w: {"term": "sauna heaters", "target": "negative", "language": "en",
                        "weight": 2}),
    Row("verification:keyword-bulk", "POST", ADMIN_ACTION,
        data=lambda w: {"text": "casino\nlottery", "target": "negative", "language": "en",
                        "weight": 3}),
    Row("verification:keyword-delete", "POST", ADMIN_ACTION, args=("keyword",)),
    Row("verification:industry", "POST", ADMIN_ACTION, args=("industry",),
        data=lambda w: {"weight": "1.5", "active": "on"}),
    Row("verification:rescore-progress", "GET", ADMIN_PAGE),
    Row("verification:fit-retrain", "POST", ADMIN_ACTION),
    Row("verification:fit-decide", "POST", ADMIN_ACTION, args=("fit_model",),
        data=lambda w: {"decision": "reject"}),
    # followup/settings_urls.py
    Row("settings:index", "GET", ADMIN_PAGE),
    Row("settings:ranking", "POST", ADMIN_ACTION,
        data=lambda w: {"country": "BR", "channels": "whatsapp\nfacebook"}),
    Row("settings:mail-lists", "POST", ADMIN_ACTION,
        data=lambda w: {"free_mail": "gmail.com", "role_account": "sales"}),
    Row("settings:team", "POST", ADMIN_ACTION,
        data=lambda w: {"business_hours": "08:30-16:30", "round_robin": "on", "daily_cap": 0,
                        "pool_cap": 0, "pool_return_days": 30}),
    Row("settings:step-add", "POST", ADMIN_ACTION, data=lambda w: _step_fields("new")),
    Row("settings:step", "POST", ADMIN_ACTION, args=("step",),
        data=lambda w: _step_fields(f"s{w.step.pk}")),
    Row("settings:step-delete", "POST", ADMIN_ACTION, args=("step",)),
    Row("settings:attachments", "GET", ADMIN_PAGE),
    Row("settings:attachment-upload", "POST", ADMIN_ACTION, data=_pdf_upload),
    Row("settings:attachment-active", "POST", ADMIN_ACTION, args=("library_file",),
        data=lambda w: {"active": "0"}),
    Row("settings:attachment-delete", "POST", ADMIN_ACTION, args=("library_file",)),
    # Reps look at a file before they attach it.
    Row("settings:attachment-download", "GET", ROLE_PAGE, args=("library_file",)),
    # leads/api_urls.py: 401 for anonymous; a role to read; leads.add_inquiry to create.
    # The root only lists the endpoints' addresses, so any logged-in user may read it.
    Row("api-root", "GET", cols(401, 200, 200, 200, 200, 200)),
    Row("api-inquiry-list", "GET", cols(401, 200, 200, 200, 200, 403)),
    Row("api-inquiry-list", "POST", cols(401, 201, 201, 201, 201, 403), api=True,
        data=lambda w: dict(API_FORM)),
    Row("api-inquiry-detail", "GET", cols(401, 200, 404, 200, 200, 403), args=("inquiry",)),
    # Last: it ends the session (restored after each request all the same).
    Row("logout", "POST", cols(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN)),
)
EXCLUDED_NAMESPACES = {"admin"}  # Django's own; one row above for admin:index
EXCLUDED_NAMES = {"set_language"}  # django.conf.urls.i18n


def build_world() -> World:
    from django.core.files.base import ContentFile

    from followup.attachments import tiny_pdf
    from followup.cadence import reminders_create
    from followup.models import CadenceStep, FollowUp, Reminder, Vacation
    from followup.services import library_file_add
    from leads import services
    from leads.models import ContactChannel, ImportBatch, MailMessage, TeamSettings
    from tests.leads.helpers import ingest, verified
    from verification.models import FitModel, Industry, Keyword

    users = {
        "rep": UserFactory(username="lily", role="rep"),
        "other_rep": UserFactory(username="kevin", role="rep"),
        "manager": UserFactory(username="grace", role="manager"),
        "admin": UserFactory(username="ada", role="admin"),
        "no_role": UserFactory(username="nobody"),
    }
    rep = users["rep"]
    team = TeamSettings.load()
    team.round_robin = False
    team.save()
    inquiry = ingest(company=SECRET, email="jonas@matrix-aqua.de", country="DE",
                     buyer_name="Jonas Weber", phone="+49 30 12345678")
    company = services.company_assign(company=verified(inquiry), owner=rep)
    second = ingest(company=SECRET, email="mia@matrix-aqua.de", country="DE",
                    buyer_name="Mia Weber", received_at="2026-11-02 10:00")
    assert second.company_id == company.pk
    pool = ingest(company="Matrix Pool Twin SA", email="ana@matrix-pool.es", country="ES").company
    assert pool.owner_id is None
    services.contact_attempt_log(company=company, channel="email", outcome="sent", user=rep)
    followup = FollowUp.objects.get(company=company, status="scheduled")
    reminders_create(now=followup.due_at + timedelta(minutes=1))
    Reminder.objects.update(remind_at=timezone.now() - timedelta(hours=1))
    today = timezone.localdate()
    return World(
        users=users,
        company=company,
        pool=pool,
        inquiry=inquiry,
        second_inquiry=second,
        channel=ContactChannel.objects.create(company=company, kind="whatsapp",
                                              value="+49 151 2345678"),
        vacation=Vacation.objects.create(company=company, first_day=today + timedelta(days=40),
                                         last_day=today + timedelta(days=45), created_by=rep),
        reminder=Reminder.objects.get(user=rep, followup=followup),
        batch=ImportBatch.objects.create(source=ImportBatch.Source.UPLOAD, filename="old.csv",
                                         created_by=rep),
        step=CadenceStep.objects.filter(cadence__is_default=True).order_by("offset_days").last(),
        keyword=Keyword.objects.order_by("pk").first(),
        industry=Industry.objects.order_by("pk").first(),
        away_mail=MailMessage.objects.create(
            direction="in", outcome="away", message_id="<away@matrix-aqua.de>",
            company=company, from_address="jonas@matrix-aqua.de", subject="Out of office",
            away_first_day=today, away_last_day=today + timedelta(days=5)),
        held_mail=MailMessage.objects.create(
            direction="in", outcome="held", message_id="<held@matrix-phish.example>",
            source="upload", user=rep, from_address="notice@alibaba-matrix.example",
            subject="Your Alibaba.com account", screen_verdict="phishing", screen_score=20,
            raw=_HELD_RAW),
        fit_model=FitModel.objects.create(status="candidate"),
        library_file=library_file_add(
            upload=ContentFile(tiny_pdf(["Catalogue 2027"]), name="catalogue.pdf"),
            title="Catalogue 2027", kind="catalogue", language="en"),
    )


def fingerprint(world: World) -> dict:
    """What a refused request must leave as it was."""
    from followup.models import (
        CadenceStep,
        ChannelRanking,
        FollowUp,
        LibraryFile,
        Reminder,
        Vacation,
    )
    from leads.models import (
        Activity,
        Company,
        ContactChannel,
        ImportBatch,
        Inquiry,
        MailMessage,
        Profile,
        TeamSettings,
    )
    from verification.models import Industry, Keyword, MailList

    models = (Activity, Company, ContactChannel, FollowUp, ImportBatch, Inquiry, Profile,
              Vacation, CadenceStep, ChannelRanking, Keyword, MailList, LibraryFile)
    return {
        "counts": {model.__name__: model.objects.count() for model in models},
        "company": list(Company.objects.filter(pk=world.company.pk).values()),
        "channel": list(ContactChannel.objects.filter(pk=world.channel.pk).values()),
        "reminder": list(Reminder.objects.filter(pk=world.reminder.pk).values()),
        "step": list(CadenceStep.objects.filter(pk=world.step.pk).values()),
        "industry": list(Industry.objects.filter(pk=world.industry.pk).values()),
        "library": list(LibraryFile.objects.values("pk", "active")),
        "team": list(TeamSettings.objects.values()),
        "held": list(MailMessage.objects.filter(pk=world.held_mail.pk).values(
            "outcome", "decision", "decided_by")),
    }


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Library files stored by the table's requests stay in the test's own folder."""
    settings.MEDIA_ROOT = tmp_path


def outcome(response):
    """The status code, with redirects to a login page told apart from other redirects."""
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
        if location.startswith(resolve_url(settings.LOGIN_URL)):
            return LOGIN
    return response.status_code


def send(client: Client, row: Row, world: World, *, token: str | None = None,
         untouched: bool = False, private: bool = False, **extra):
    """One request in a savepoint that is rolled back; (outcome, problems).

    ``untouched``: the request must change no data; ``private``: the answer must not
    show the rep's company.
    """
    url = row.url(world)
    data = row.data(world) if row.data else {}
    if token and not row.api:
        data["csrfmiddlewaretoken"] = token
    if token and row.api:
        extra["HTTP_X_CSRFTOKEN"] = token
    if row.api:
        extra.update(data=json.dumps(data), content_type="application/json")
    elif row.method == "POST":
        extra["data"] = data
    cookies = SimpleCookie({name: morsel.value for name, morsel in client.cookies.items()})
    problems = []
    with transaction.atomic():
        before = fingerprint(world) if untouched else None
        try:
            response = getattr(client, row.method.lower())(url, **extra)
        except Exception as exc:  # a 500: reported with the other mismatches
            got = f"500 ({type(exc).__name__}: {exc})"
            response = None
        else:
            got = outcome(response)
            if before is not None and fingerprint(world) != before:
                problems.append("changed data although refused")
        transaction.set_rollback(True)
    client.cookies = cookies
    if response is not None and got in (200, 201) and private:
        content = b"".join(response.streaming_content) if response.streaming else (
            response.content)
        if SECRET.encode() in content:
            problems.append(f"shows {SECRET!r}")
    return got, problems


def client_for(kind: str, world: World, **kwargs) -> Client:
    client = Client(**kwargs)
    if kind != "anonymous":
        client.force_login(world.users[kind])
    return client


def app_url_names(patterns=None, namespace: str = "", prefix: str = ""):
    """Every URL name the project resolves (or path, when unnamed), admin/i18n aside."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in EXCLUDED_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from app_url_names(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif pattern.name:
            if pattern.name not in EXCLUDED_NAMES:
                yield namespace + pattern.name
        else:
            yield "/" + prefix + str(pattern.pattern)


def test_the_table_lists_every_url_of_the_app():
    known = set(app_url_names())
    in_table = {row.name for row in ROWS} - {"admin:index"}
    assert not known - in_table, f"URLs missing from ROWS: {sorted(known - in_table)}"
    assert not in_table - known, f"ROWS name URLs that no longer exist: {sorted(in_table - known)}"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_access(kind):
    world = build_world()
    client = client_for(kind, world)
    mismatches = []
    for row in ROWS:
        expected = row.expect[kind]
        untouched = expected in DENIED or kind in row.no_effect
        got, problems = send(client, row, world, untouched=untouched,
                             private=kind in ("anonymous", "other_rep", "no_role"))
        if got != expected:
            problems.insert(0, f"expected {expected}, got {got}")
        mismatches += [f"{row.label(world)} as {kind}: {problem}" for problem in problems]
    assert not mismatches, "\n".join(mismatches)


def _allowed_kind(row: Row) -> str:
    """Who may send it: admin, else the rep (their own reminder); logout ends in login."""
    return next((kind for kind in ("admin", "rep") if row.expect[kind] not in DENIED), "admin")


@pytest.mark.django_db
def test_every_post_needs_the_csrf_token():
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    world = build_world()
    strict, tokens = {}, {}
    for kind in ("admin", "rep"):
        strict[kind] = client_for(kind, world, enforce_csrf_checks=True)
        assert strict[kind].get(reverse("leads:inbox")).status_code == 200
        tokens[kind] = strict[kind].cookies[settings.CSRF_COOKIE_NAME].value
    mismatches = []
    for row in ROWS:
        if row.method != "POST":
            continue
        kind = _allowed_kind(row)
        got, _ = send(strict[kind], row, world)
        if got != 403:
            mismatches.append(f"{row.label(world)} as {kind} without token: got {got}")
        got, _ = send(strict[kind], row, world, token=tokens[kind])
        if got != row.expect[kind]:
            mismatches.append(f"{row.label(world)} as {kind} with token: expected "
                              f"{row.expect[kind]}, got {got}")
    assert not mismatches, "\n".join(mismatches)

    # The API with a token needs no CSRF token: a website form posts that way.
    api = APIClient(enforce_csrf_checks=True)
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.users['rep'])}")
    with transaction.atomic():
        response = api.post(reverse("api-inquiry-list"), API_FORM, format="json")
        transaction.set_rollback(True)
    assert response.status_code == 201, response.content


TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
CSRF_TAG = re.compile(r"\{%\s*csrf_token\s*%\}")


def test_every_post_form_in_the_templates_carries_the_token():
    missing = []
    for path in sorted(TEMPLATES_DIR.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for form in re.finditer(r"<form\b[^>]*>", text, re.IGNORECASE):
            if not re.search(r"""method\s*=\s*["']?post""", form.group(0), re.IGNORECASE):
                continue
            end = text.lower().find("</form>", form.end())
            if not CSRF_TAG.search(text[form.end():end if end != -1 else len(text)]):
                line = text.count("\n", 0, form.start()) + 1
                missing.append(f"{path.relative_to(TEMPLATES_DIR)}:{line}")
    assert not missing, f"POST forms without {{% csrf_token %}}: {missing}"


def test_htmx_requests_carry_the_token():
    """htmx sends the token from <body hx-headers>; every page that posts extends base."""
    base = (TEMPLATES_DIR / "base.html").read_text(encoding="utf-8")
    body = re.search(r"<body\b[^>]*>", base).group(0)
    assert re.search(r"""hx-headers='\{"X-CSRFToken":\s*"\{\{\s*csrf_token\s*\}\}"\}'""", body)
    unprotected = []
    for path in sorted(TEMPLATES_DIR.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if path.name == "base.html" or path.name.startswith("_"):
            continue  # partials are swapped into pages under base's <body>
        if not re.search(r"""\{%\s*extends\s+["']base\.html["']\s*%\}""", text):
            unprotected.append(str(path.relative_to(TEMPLATES_DIR)))
    assert not unprotected, f"pages outside base.html (no htmx CSRF header): {unprotected}"
