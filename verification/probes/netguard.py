"""Which addresses may the probes connect to? (SSRF guard)

Buyers choose the websites and mail domains we probe, so a hostile inquiry can
name ``http://169.254.169.254/`` or a domain that resolves to ``10.0.0.5``.
Only globally routable addresses are allowed, unless an address lies in a
network explicitly allowed (``LEADQUAL_PROBE_ALLOW_NETWORKS``: tests, demos).

Pure apart from DNS, which goes through the resolver it is given; callers
connect to the addresses returned here, never resolve the name again (that
would reopen the door to DNS rebinding).

``Deadline`` bounds a whole conversation with such a server: socket timeouts
bound each read only, so a server that sends a byte just inside every timeout
would otherwise hold a probe (and its connection slot) for hours.
"""

import contextlib
import ipaddress
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import dns.exception
import dns.resolver

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class AddressRefused(Exception):
    """The host names, or resolves to, an address we must not connect to."""


@dataclass(frozen=True)
class Target:
    host: str
    addresses: tuple[str, ...]


def parse_networks(value: str) -> list[IPNetwork]:
    return [ipaddress.ip_network(part.strip(), strict=False)
            for part in value.split(",") if part.strip()]


def literal_address(host: str) -> IPAddress | None:
    """The IP a host string denotes, in any spelling a browser or libc accepts:
    ``127.0.0.1``, ``2130706433``, ``0177.0.0.1``, ``0x7f.1``, ``[::1]``."""
    host = host.strip().strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        # inet_aton takes the legacy decimal/octal/hex/short forms.
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


# The IANA special-purpose address registries (IPv4 and IPv6), the entries that are not
# "globally reachable": the guard decides by this table what an address is, then asks
# Python's flags as well (3.11 calls fec0::/10 global, and knows nothing of 3fff::/20).
NOT_GLOBAL = tuple(ipaddress.ip_network(net) for net in (
    # IPv4 (RFC 6890 and later)
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/29", "192.0.0.8/32", "192.0.0.170/31", "192.0.2.0/24",
    "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
    "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
    # IPv6
    "::/128", "::1/128", "64:ff9b:1::/48", "100::/64", "100:0:0:1::/64", "2001::/32",
    "2001:2::/48", "2001:10::/28", "2001:db8::/32", "3fff::/20", "5f00::/16", "fc00::/7",
    "fe80::/10", "fec0::/10", "ff00::/8",
))
GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")


def refusal(address: IPAddress, allow: Iterable[IPNetwork] = ()) -> str | None:
    """Why ``address`` is off limits, or None if it may be contacted: only globally
    routable unicast passes, unless an operator allowed its network."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        mapped = refusal(address.ipv4_mapped, allow)
        return f"{address} maps to {mapped}" if mapped else None
    if isinstance(address, ipaddress.IPv6Address) and address.sixtofour:
        # 2002:a00:1:: is 10.0.0.1 to a 6to4 relay
        embedded = refusal(address.sixtofour, allow)
        if embedded:
            return f"{address} is 6to4 for {embedded}"
    if any(address in network for network in allow):
        return None
    for network in NOT_GLOBAL:
        if address.version == network.version and address in network:
            return f"{address} is in {network}, a special-purpose range that is not public"
    if isinstance(address, ipaddress.IPv6Address) and address not in GLOBAL_UNICAST_V6:
        return f"{address} is outside the global unicast range 2000::/3"
    for attribute, label in (
        ("is_loopback", "loopback"), ("is_link_local", "link-local (cloud metadata lives here)"),
        ("is_multicast", "multicast"), ("is_unspecified", "unspecified"),
        ("is_reserved", "reserved"), ("is_private", "private"),
    ):
        if getattr(address, attribute):
            return f"{address} is a {label} address"
    if not address.is_global:
        return f"{address} is not a public address"
    return None


def resolve_target(host: str, resolver: dns.resolver.Resolver,
                   allow: Iterable[IPNetwork] = ()) -> Target:
    """Addresses of ``host`` that may be contacted; AddressRefused if any may not.

    One private address among public ones refuses the lot: a name that mixes
    them is either misconfigured or an attack.
    """
    allow = list(allow)
    literal = literal_address(host)
    if literal is not None:
        reason = refusal(literal, allow)
        if reason:
            raise AddressRefused(reason)
        return Target(host=host, addresses=(str(literal),))
    addresses: list[str] = []
    for rdtype in ("A", "AAAA"):
        try:
            addresses += [r.to_text() for r in resolver.resolve(host, rdtype)]
        except (dns.resolver.NoAnswer, dns.resolver.NXDOMAIN):
            continue
        except (dns.exception.Timeout, dns.resolver.NoNameservers) as exc:
            raise AddressRefused(f"{host} could not be resolved: {exc}") from exc
        except (dns.exception.DNSException, ValueError) as exc:  # "a..b", 64-octet labels
            raise AddressRefused(f"{host} could not be resolved: not a host name ({exc})"
                                 ) from exc
    if not addresses:
        raise AddressRefused(f"{host} has no address")
    for text in addresses:
        reason = refusal(ipaddress.ip_address(text), allow)
        if reason:
            raise AddressRefused(f"{host} resolves to {text}: {reason}")
    return Target(host=host, addresses=tuple(addresses))


class Deadline:
    """Cuts every socket handed to ``watch`` once ``seconds`` have passed.

    ``with Deadline(30) as deadline: ...``; a read waiting when the time is up
    fails at once (the socket is shut down), whatever the server trickles.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.expired = False
        self._twins: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> "Deadline":
        self._timer.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._timer.cancel()
        with self._lock:
            for twin in self._twins:
                twin.close()
            self._twins.clear()

    def watch(self, sock: socket.socket) -> None:
        # A duplicate descriptor of the same connection: TLS wrapping detaches the
        # original object, and our own descriptor can never be reused by another one.
        with self._lock:
            twin = sock.dup()
            self._twins.append(twin)
            if self.expired:
                _cut(twin)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for twin in self._twins:
                _cut(twin)


def _cut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
