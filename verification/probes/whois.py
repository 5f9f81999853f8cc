"""When was a domain registered? WHOIS (RFC 3912), parsed by python-whois.

The transport is ours, not python-whois's: it must use the configured
resolver, port and server, and refuse private addresses named in a referral.
Without a configured server, IANA names the registry's server for the TLD,
and a thin registry's answer may name the registrar's server (followed once).
Pure apart from the network: inputs in, ``DomainAge`` out.
"""

import socket
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

import dns.resolver

from leads.domains import public_suffixes, registered_domain
from verification.probes.netguard import (
    AddressRefused,
    IPNetwork,
    literal_address,
    parse_networks,
    resolve_target,
)

IANA = ("whois.iana.org", 43)
OK, NOT_FOUND, ERROR = "ok", "not_found", "error"
_ANYWHERE = tuple(parse_networks("0.0.0.0/0, ::/0"))

@dataclass
class DomainAge:
    domain: str
    status: str
    created: date | None = None
    registrar: str = ""
    servers: list[str] = field(default_factory=list)
    reason: str = ""
    raw: str = ""

    def as_dict(self) -> dict:
        data = asdict(self)
        data["created"] = self.created.isoformat() if self.created else None
        return data


def whois_query(server: str, port: int, query: str, *, resolver: dns.resolver.Resolver,
                timeout: float, allow: tuple[IPNetwork, ...] = (),
                trusted: bool = False) -> str:
    """Send ``query`` to a WHOIS server and read its answer (at most 256 KB)."""
    # A server the administrator configured may be anywhere; referrals may not.
    addresses = resolve_target(server, resolver, _ANYWHERE if trusted else allow).addresses
    last: Exception | None = None
    for address in addresses:
        try:
            with socket.create_connection((address, port), timeout=timeout) as sock:
                sock.sendall(query.encode("idna") + b"\r\n")
                chunks, size = [], 0
                while size < 256 * 1024:
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    chunks.append(chunk)
                    size += len(chunk)
            return b"".join(chunks).decode("utf-8", "replace")
        except OSError as exc:
            last = exc
    raise OSError(f"{server}:{port}: {last}")


# Names that are never registered in the public DNS (RFC 2606, 6761, 6762, 8375, 9476):
# asking a registry about them tells a third party an internal name, for no answer.
SPECIAL_USE = ("test", "example", "invalid", "localhost", "local", "internal", "onion",
               "alt", "lan", "home", "corp", "intranet", "private", "home.arpa")


def not_registrable(domain: str) -> str:
    """Why ``domain`` is no registrable public domain (no WHOIS for it), or ""."""
    host = domain.strip().rstrip(".").lower()
    if not host:
        return "no domain"
    if literal_address(host.strip("[]")) is not None or ":" in host:
        return f"{host} is an IP address, not a domain"
    if "." not in host:
        return f"{host} is a single name, not a public domain"
    if any(host == tld or host.endswith("." + tld) for tld in SPECIAL_USE):
        return f"{host} is a special-use name that is never registered"
    parts = public_suffixes(host)
    if not parts.suffix:
        return f"{host} has no public suffix"
    if not parts.domain:
        return f"{host} is a public suffix itself"
    return ""


def lookup_domain_age(domain: str, *, resolver: dns.resolver.Resolver, timeout: float = 10.0,
                      server: tuple[str, int] | None = None,
                      allow: tuple[IPNetwork, ...] = ()) -> DomainAge:
    why = not_registrable(domain)
    if why:
        return DomainAge(domain, ERROR, reason=f"no WHOIS lookup: {why}")
    domain = registered_domain(domain)
    servers: list[str] = []
    try:
        if server:
            host, port = server
            servers.append(f"{host}:{port}")
            text = whois_query(host, port, domain, resolver=resolver, timeout=timeout,
                               trusted=True)
        else:
            tld = domain.rsplit(".", 1)[-1]
            servers.append(f"{IANA[0]}:{IANA[1]}")
            iana = whois_query(*IANA, tld, resolver=resolver, timeout=timeout, allow=allow)
            registry = _field(iana, "refer") or _field(iana, "whois")
            if not registry:
                return DomainAge(domain, ERROR, reason=f"no WHOIS server is known for .{tld}",
                                 servers=servers)
            servers.append(f"{registry}:43")
            text = whois_query(registry, 43, domain, resolver=resolver, timeout=timeout,
                               allow=allow)
            registrar_server = _field(text, "registrar whois server")
            if registrar_server and registrar_server != registry and not _created(domain, text):
                servers.append(f"{registrar_server}:43")
                text = whois_query(registrar_server, 43, domain, resolver=resolver,
                                   timeout=timeout, allow=allow)
    except (OSError, AddressRefused) as exc:
        return DomainAge(domain, ERROR, reason=f"WHOIS lookup failed: {exc}", servers=servers)
    return _parse(domain, text, servers)


def _field(text: str, name: str) -> str:
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() == name:
            return value.strip()
    return ""


def _created(domain: str, text: str) -> date | None:
    from whois.exceptions import WhoisError
    from whois.parser import WhoisEntry

    created = None
    # The TLD's own format first, then the common ICANN format (registrars answer in it).
    for parse in (WhoisEntry.load, WhoisEntry):
        try:
            created = parse(domain, text).get("creation_date")
        except (WhoisError, ValueError, TypeError, KeyError):
            continue
        if created:
            break
    if isinstance(created, list):
        created = min((d for d in created if isinstance(d, datetime)), default=None)
    return created.date() if isinstance(created, datetime) else None


def _parse(domain: str, text: str, servers: list[str]) -> DomainAge:
    from whois.exceptions import WhoisDomainNotFoundError
    from whois.parser import WhoisEntry

    raw = text[:4000]
    lowered = text.lower()
    if any(marker in lowered for marker in ("no match for", "not found", "no entries found",
                                            "no data found", "status: free", "no object found")):
        return DomainAge(domain, NOT_FOUND, reason=f"{domain} is not registered", raw=raw,
                         servers=servers)
    try:
        entry = WhoisEntry.load(domain, text)
    except WhoisDomainNotFoundError:
        return DomainAge(domain, NOT_FOUND, reason=f"{domain} is not registered", raw=raw,
                         servers=servers)
    except Exception as exc:  # python-whois raises many kinds on odd formats
        return DomainAge(domain, ERROR, reason=f"unreadable WHOIS answer: {exc}", raw=raw,
                         servers=servers)
    created = _created(domain, text)
    registrar = entry.get("registrar") or _field(text, "registrar")
    if isinstance(registrar, list):
        registrar = registrar[0]
    if created is None:
        return DomainAge(domain, OK, registrar=str(registrar), raw=raw, servers=servers,
                         reason="the registry does not publish a creation date")
    return DomainAge(domain, OK, created=created, registrar=str(registrar), raw=raw,
                     servers=servers, reason=f"registered on {created.isoformat()}")
