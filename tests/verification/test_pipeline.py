"""verification_run end to end against the sandbox internet: store, grade, retry, cap."""

import io
import json
import threading

import pytest
from django.core.management import call_command
from django.test import TestCase

from leads.exporting import export_inquiries
from tests.factories import CompanyFactory, InquiryFactory
from verification.models import Industry, Keyword, MailList, Verification
from verification.politeness import host_gate
from verification.probes.dns import MailHosts
from verification.probes.smtp import check_mailbox
from verification.services import verification_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def water_keywords(db):
    Keyword.objects.all().delete()
    water, _ = Industry.objects.get_or_create(slug="water_treatment",
                                              defaults={"name": "Water treatment engineering"})
    for term, weight in [("wasseraufbereitung", 3), ("*abwasserbehandlung", 3),
                         ("*kläranlage*", 3), ("umkehrosmose*", 2), ("ultrafiltration", 2)]:
        Keyword.objects.create(industry=water, term=term, language="de", weight=weight)
    return water


def verify(**fields) -> Verification:
    inquiry = InquiryFactory(company=CompanyFactory(domain=""), **fields)
    with TestCase.captureOnCommitCallbacks(execute=True):
        verification_request(inquiry_ids=[inquiry.pk])  # eager in unit tests
    return Verification.objects.get(inquiry=inquiry)


def test_genuine_target_buyer_is_graded_a_with_evidence(water_keywords):
    v = verify(email="anna@klarwasser.de", website="www.klarwasser.de",
               company_name="Klarwasser Technik GmbH")
    assert (v.status, v.email_status, v.website_status) == ("done", "deliverable", "reachable")
    assert v.grade == "A" and v.score >= 75
    assert v.fit >= 50 and v.fit_industries == ["water_treatment"]
    assert v.domain_match is True and v.domain_created.isoformat() == "2009-03-14"
    assert v.website_final_url == "https://www.klarwasser.de/"
    assert "Kläranlagen" in v.website_text
    reasons = [r["text"] for r in v.reasons]
    assert "mailbox exists" in reasons
    assert any("water treatment engineering" in r for r in reasons)
    smtp = v.evidence["email"]["smtp"]["replies"]
    assert any(r["code"] == 250 and r["step"].startswith("rcpt") for r in smtp)
    assert v.evidence["email"]["dns"]["answers"] == ["MX 10 mx1.klarwasser.de",
                                                     "MX 20 mx2.klarwasser.de"]


def test_website_comes_from_the_email_domain_when_blank(water_keywords):
    v = verify(email="jonas@klarwasser.de", website="")
    assert v.website_status == "reachable" and v.website_url == "klarwasser.de"


def test_disposable_address_is_graded_d():
    v = verify(email="zqxwv1@mailinator.com", website="", company_name="")
    assert v.email_status == "risky" and "disposable" in v.email_flags
    assert v.website_status == "none"
    assert v.grade == "D"


def test_unconfirmed_address_on_a_parked_domain_is_d():
    v = verify(email="ceo@for-sale.example", website="for-sale.example")
    # No MX: mail would go to the parking host itself, where no mail server listens.
    assert v.email_status == "unknown" and "smtp_unreachable" in v.email_flags
    assert v.website_status == "parked"
    assert v.grade == "D"
    assert "website for-sale.example is a parked domain" in [r["text"] for r in v.reasons]


def test_young_domain_is_a_warning(water_keywords):
    v = verify(email="anna@brandnew-water.com", website="brandnew-water.com")
    assert v.grade == "C"
    assert any("registered 12 days ago" in r["text"] for r in v.reasons)


def test_greylisting_is_retried_until_the_server_answers(settings, sandbox_internet):
    settings.LEADQUAL_SMTP_RETRY_SECONDS = 0  # eager mode runs the retry at once
    seen = sandbox_internet.mail["127.0.11.2"].greylisted_seen
    seen.clear()
    v = verify(email="li@greylist.example", website="")
    seen.clear()
    # First try: 450 greylisted -> unknown and a retry; second try: 250.
    assert v.email_status == "deliverable"
    assert v.attempts == 2 and v.retry_at is None


def test_temporary_failures_stop_after_the_configured_tries(settings):
    settings.LEADQUAL_SMTP_RETRY_SECONDS = 0
    v = verify(email="someone@fallback.example", website="")  # 421, refused, then 550
    assert v.email_status == "undeliverable" and v.attempts == 1
    v = verify(email="x@silent.example", website="")  # a server that never speaks
    assert v.email_status == "unknown" and "smtp_unreachable" in v.email_flags
    assert v.attempts == 1  # a silent server is not a temporary answer


def test_admin_edited_lists_change_the_flags():
    assert "free_provider" not in verify(email="anna@klarwasser.de").email_flags
    MailList.objects.create(kind="free_mail", value="klarwasser.de")
    MailList.objects.filter(kind="role_account", value="info").delete()
    v = verify(email="info@klarwasser.de", platform_ref="other")
    assert "free_provider" in v.email_flags and "role_account" not in v.email_flags


def test_export_has_the_verification_fields(water_keywords):
    verify(email="anna@klarwasser.de", website="www.klarwasser.de")
    stream = io.StringIO()
    export_inquiries(stream, fmt="json")
    row = json.loads(stream.getvalue())[0]
    for key in ("email_status", "email_flags", "website_status", "website_final_url",
                "domain_created", "fit", "fit_matches", "score", "grade", "reasons",
                "verified_at"):
        assert key in row, key
    assert row["grade"] == "A" and row["domain_created"] == "2009-03-14"
    assert row["fit_matches"][0]["snippet"]
    assert all(isinstance(reason, str) for reason in row["reasons"])


def test_verify_inquiries_command_verifies_only_unverified_ones(water_keywords):
    done = verify(email="anna@klarwasser.de")
    first_time = done.verified_at
    fresh = InquiryFactory(company=CompanyFactory(domain=""), email="jonas@klarwasser.de")
    out = io.StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("verify_inquiries", stdout=out)
    assert "queued 1 inquiries" in out.getvalue()
    assert Verification.objects.get(inquiry=fresh).email_status == "deliverable"
    done.refresh_from_db()
    assert done.verified_at == first_time
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("verify_inquiries", "--all", stdout=out)
    done.refresh_from_db()
    assert done.verified_at > first_time


@pytest.mark.parametrize("backend", ["files", "redis"])
def test_per_host_connection_cap_holds_under_load(backend, settings, sandbox_internet,
                                                  smtp_settings, resolver, tmp_path):
    if backend == "files":
        settings.REDIS_URL = ""
        settings.VAR_DIR = tmp_path
    elif not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set (CI sets it; see .ci/run)")
    server = sandbox_internet.mail["127.0.11.10"]
    server.recorder.open_max = 0
    gate = host_gate(limit=2, wait=30, hold=60)
    smtp = type(smtp_settings)(**{**smtp_settings.__dict__, "gate": gate, "timeout": 5})
    hosts = MailHosts("slowmx.example", "ok", hosts=[(10, "mx.slowmx.example")])
    results = []

    def probe(n):
        results.append(check_mailbox(f"user{n}@slowmx.example", hosts, smtp, resolver,
                                     known_catch_all=False).status)

    threads = [threading.Thread(target=probe, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["deliverable"] * 8
    assert server.recorder.open_max == 2  # eight probers, never more than two connections


def test_rescoring_after_a_keyword_edit_uses_stored_texts_only(water_keywords, sandbox_internet):
    v = verify(email="anna@klarwasser.de", website="www.klarwasser.de")
    assert v.grade == "A"
    web = sandbox_internet.web["127.0.12.1"]
    smtp = sandbox_internet.mail["127.0.10.2"].recorder
    requests, connections = len(web.requests), smtp.connections
    Keyword.objects.filter(industry=water_keywords).delete()
    out = io.StringIO()
    call_command("rescore_inquiries", stdout=out, stderr=io.StringIO())
    assert "rescored 1 inquiries" in out.getvalue()
    v.refresh_from_db()
    # The keywords no longer find anything; the fit is the learned part's alone now.
    assert v.fit_matches == [] and v.evidence["fit"]["keyword_fit"] == 0
    assert v.evidence["fit"]["parts"]["keywords"] == 0
    assert v.email_status == "deliverable" and v.website_status == "reachable"
    assert (len(web.requests), smtp.connections) == (requests, connections)  # no network


def test_domain_results_are_cached_between_inquiries(sandbox_internet, sandbox_dns):
    server = sandbox_internet.mail["127.0.10.2"].recorder
    whois = sandbox_internet.whois.queries
    verify(email="anna@klarwasser.de", website="")
    rcpts = sum(c.startswith("rcpt") for c in server.commands)
    whois_asked = whois.count("klarwasser.de")
    verify(email="jonas@klarwasser.de", website="", platform_ref="second")
    # The second mailbox is probed, but the catch-all check and WHOIS are not repeated.
    assert sum(c.startswith("rcpt") for c in server.commands) == rcpts + 1
    assert whois.count("klarwasser.de") == whois_asked
