"""MX lookup against the sandbox DNS server (a real server on loopback)."""

import socket
import time

import pytest

from verification.probes.dns import lookup_mail_hosts, make_resolver, parse_servers


def test_mx_hosts_in_preference_order(resolver):
    result = lookup_mail_hosts("KlarWasser.de.", resolver)
    assert result.status == "ok" and result.deliverable_by_dns
    assert result.hosts == [(10, "mx1.klarwasser.de"), (20, "mx2.klarwasser.de")]
    assert result.answers == ["MX 10 mx1.klarwasser.de", "MX 20 mx2.klarwasser.de"]


def test_no_mx_falls_back_to_the_address_records(resolver):
    result = lookup_mail_hosts("implicit-mx.example", resolver)
    assert result.status == "implicit" and result.deliverable_by_dns
    assert result.hosts == [(0, "implicit-mx.example")]
    assert set(result.answers) == {"A 127.0.10.4", "AAAA ::1"}
    assert "RFC 5321" in result.reason


def test_null_mx_is_undeliverable(resolver):
    result = lookup_mail_hosts("no-mail.example", resolver)
    assert result.status == "null_mx" and not result.deliverable_by_dns
    assert result.hosts == []
    assert "RFC 7505" in result.reason


def test_nxdomain_and_no_address(resolver):
    missing = lookup_mail_hosts("never-registered.example", resolver)
    assert missing.status == "nxdomain" and not missing.deliverable_by_dns
    text_only = lookup_mail_hosts("text-only.example", resolver)
    assert text_only.status == "no_address" and not text_only.deliverable_by_dns


def test_a_silent_resolver_costs_no_more_than_its_timeout():
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # bound, never answers
    silent.bind(("127.0.0.1", 0))
    try:
        resolver = make_resolver([("127.0.0.1", silent.getsockname()[1])], timeout=0.5)
        started = time.monotonic()
        result = lookup_mail_hosts("klarwasser.de", resolver)
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert result.status == "error" and not result.deliverable_by_dns
    assert "failed" in result.reason
    assert elapsed < 1.5


@pytest.mark.parametrize(("value", "expected"), [
    ("127.0.0.1:5353", [("127.0.0.1", 5353)]),
    ("127.0.0.1, 127.0.0.2:54", [("127.0.0.1", 53), ("127.0.0.2", 54)]),
    ("[::1]:5353,::1", [("::1", 5353), ("::1", 53)]),
    ("", []),
])
def test_parse_servers(value, expected):
    assert parse_servers(value) == expected
