"""The SSRF guard: which addresses the website and mail probes may contact."""

import ipaddress

import pytest

from verification.probes.netguard import (
    AddressRefused,
    literal_address,
    parse_networks,
    refusal,
    resolve_target,
)

FORBIDDEN = [
    "127.0.0.1", "10.0.0.1", "10.255.255.254", "172.16.0.1", "172.31.255.1", "192.168.1.1",
    "169.254.169.254", "0.0.0.0", "::1", "fc00::1", "fd12:3456::1", "fe80::1", "::ffff:127.0.0.1",
    "::ffff:10.0.0.1", "224.0.0.1", "ff02::1", "100.64.0.1", "240.0.0.1", "::",
    # the same addresses, spelled the ways libc and browsers also accept
    "2130706433", "0177.0.0.1", "0x7f.0.0.1", "127.1", "017700000001", "[::1]", "0",
    # special-purpose ranges that Python 3.11's flags call global or do not know:
    # IPv6 site-local (deprecated, still routed inside some networks), documentation
    # 3fff::/20, SRv6 SIDs, the local-use NAT64 prefix, IETF protocol assignments,
    # and outside 2000::/3 altogether
    "fec0::6e", "fec0::78", "feff::1", "3fff::1", "5f00::1", "64:ff9b:1::a00:1",
    "2001:db8::1", "2001::1", "2001:10::1", "100::1", "4000::1", "::ffff:fec0:1",
    "192.0.0.8", "192.0.0.170", "198.18.0.1", "192.88.99.1", "255.255.255.255",
]


@pytest.mark.parametrize("host", FORBIDDEN)
def test_private_and_special_addresses_are_refused(host, resolver):
    address = literal_address(host)
    assert address is not None, host
    assert refusal(address) is not None
    with pytest.raises(AddressRefused):
        resolve_target(host, resolver)


@pytest.mark.parametrize("host", ["8.8.8.8", "93.184.216.80", "192.0.0.9", "1.1.1.1",
                                  "2606:4700:4700::1111", "2a00:1450:4001::200e",
                                  "2001:4860:4860::8888"])
def test_public_addresses_pass(host, resolver):
    assert resolve_target(host, resolver).addresses == (str(ipaddress.ip_address(host)),)


@pytest.mark.parametrize(("name", "reason"), [
    ("intranet.example", "10.1.2.3"),
    ("metadata.example", "169.254.169.254"),
    ("mixed.example", "127.0.10.9"),  # one private answer among public ones
    ("v6-private.example", "fd00::1"),
    ("never-registered.example", "no address"),
])
def test_names_resolving_to_forbidden_addresses_are_refused(name, reason, resolver):
    with pytest.raises(AddressRefused, match=reason.replace(".", r"\.")):
        resolve_target(name, resolver)


def test_allowed_networks_are_exempt(resolver):
    allow = parse_networks("127.0.10.0/24, 10.1.2.0/24")
    assert resolve_target("intranet.example", resolver, allow).addresses == ("10.1.2.3",)
    assert resolve_target("127.0.10.7", resolver, allow).addresses == ("127.0.10.7",)
    assert resolve_target("::ffff:127.0.10.7", resolver, allow).addresses == (
        "::ffff:7f00:a07",)
    with pytest.raises(AddressRefused):
        resolve_target("127.0.0.1", resolver, allow)  # outside the allowed /24


def test_public_name_is_returned_with_the_checked_address(resolver):
    # 203.0.113.0/24 is documentation space: not global, so refused by default...
    with pytest.raises(AddressRefused):
        resolve_target("public-site.example", resolver)
    # ...and the address that was checked is the one handed to the caller.
    target = resolve_target("public-site.example", resolver, parse_networks("203.0.113.0/24"))
    assert target.addresses == ("203.0.113.80",)
