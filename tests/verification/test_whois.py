"""Domain age from a real WHOIS server on loopback."""

import time
from datetime import date

import pytest

from verification.probes.netguard import AddressRefused
from verification.probes.whois import (
    lookup_domain_age,
    not_registrable,
    registered_domain,
    whois_query,
)


def _server(sandbox_internet):
    host, port = sandbox_internet.whois.server_address
    return host, port


def test_creation_date_is_read(resolver, sandbox_internet):
    age = lookup_domain_age("www.klarwasser.de", resolver=resolver, timeout=1,
                            server=_server(sandbox_internet))
    assert age.status == "ok" and age.created == date(2009, 3, 14)
    assert age.domain == "klarwasser.de"  # the registered domain is asked, not the host
    assert "klarwasser.de" in sandbox_internet.whois.queries


def test_unregistered_domain(resolver, sandbox_internet):
    age = lookup_domain_age("never-registered.com", resolver=resolver, timeout=1,
                            server=_server(sandbox_internet))
    assert age.status == "not_found" and age.created is None


def test_dead_whois_server_is_an_error_within_the_timeout(resolver):
    started = time.monotonic()
    age = lookup_domain_age("klarwasser.de", resolver=resolver, timeout=0.5,
                            server=("127.0.14.99", 43))
    assert age.status == "error" and "WHOIS lookup failed" in age.reason
    assert time.monotonic() - started < 1.5


def test_registered_domain_uses_the_public_suffix_list():
    assert registered_domain("www.shop.klarwasser.co.uk") == "klarwasser.co.uk"
    assert registered_domain("mail.tomsach.com.vn") == "tomsach.com.vn"


@pytest.mark.parametrize("target", [
    "127.0.0.1", "0x7f000010", "::1", "[::1]", "localhost", "intranet", "erp.internal",
    "nas.local", "shop.test", "example", "acme.example", "x.invalid", "router.home.arpa",
    "co.uk",  # a public suffix itself
])
def test_no_whois_query_for_what_is_not_a_registrable_public_domain(
        target, resolver, sandbox_internet):
    asked = list(sandbox_internet.whois.queries)
    age = lookup_domain_age(target, resolver=resolver, timeout=1,
                            server=_server(sandbox_internet))
    assert age.status == "error" and age.reason.startswith("no WHOIS lookup"), age.reason
    assert sandbox_internet.whois.queries == asked  # nobody was asked anything


def test_a_registrable_domain_is_still_asked(resolver, sandbox_internet):
    assert not_registrable("www.klarwasser.de") == ""
    assert not_registrable("shop.example.co.uk") == ""


def test_a_whois_referral_to_a_site_local_address_is_refused_before_connecting(resolver):
    with pytest.raises(AddressRefused, match="fec0::78"):
        whois_query("fec0::78", 43, "klarwasser.de", resolver=resolver, timeout=1)
