"""Domain age from a real WHOIS server on loopback."""

import time
from datetime import date

from verification.probes.whois import lookup_domain_age, registered_domain


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
