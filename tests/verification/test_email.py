"""The combined email verdict over the sandbox (syntax, DNS, SMTP)."""

import pytest

from verification.probes.email import check_email, mail_provider


@pytest.fixture
def verify(resolver, smtp_settings):
    return lambda address: check_email(address, resolver=resolver, smtp=smtp_settings)


def test_healthy_company_address(verify):
    verdict = verify("jonas@klarwasser.de")
    assert (verdict.status, verdict.flags, verdict.provider) == ("deliverable", set(), "")
    assert verdict.evidence["dns"]["hosts"][0] == (10, "mx1.klarwasser.de")
    assert verdict.evidence["smtp"]["replies"][0]["code"] == 220


def test_role_account_flag(verify):
    verdict = verify("info@klarwasser.de")
    assert (verdict.status, verdict.flags) == ("deliverable", {"role_account"})
    assert verify("sales@klarwasser.de").status == "undeliverable"  # no such mailbox there


def test_invalid_syntax_and_missing_address(verify):
    assert verify("anna@@klarwasser.de").status == "undeliverable"
    assert verify("").status == "unknown"


def test_microsoft_365_acceptance_proves_nothing(verify):
    verdict = verify("anna@m365.example")
    assert verdict.provider == "Microsoft 365"
    assert verdict.status == "unknown"
    assert "accepts any recipient" in verdict.reason


def test_disposable_domain_is_risky_even_when_accepted(verify):
    verdict = verify("qwerty@mailinator.com")
    assert verdict.status == "risky"
    assert {"disposable", "catch_all"} <= verdict.flags


def test_provider_table():
    assert mail_provider(["alt1.aspmx.l.google.com"]) == ("Google Workspace", True)
    assert mail_provider(["mx1.acme.pphosted.com"]) == ("Proofpoint gateway", False)
    assert mail_provider(["mx.example.com"]) == ("", True)
