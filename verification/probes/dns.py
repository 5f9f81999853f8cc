"""Where does mail for a domain go? MX lookup per RFC 5321 §5.1 and RFC 7505.

Pure: a domain and resolver settings in, a ``MailHosts`` out. Every lookup
has a timeout; a dead resolver is a result ("error"), not an exception.
"""

from dataclasses import asdict, dataclass, field

import dns.exception
import dns.name
import dns.resolver

OK, NULL_MX, IMPLICIT, NXDOMAIN, NO_ADDRESS, ERROR = (
    "ok", "null_mx", "implicit", "nxdomain", "no_address", "error",
)


@dataclass(frozen=True)
class MailHosts:
    domain: str
    status: str  # ok | implicit | null_mx | nxdomain | no_address | error
    hosts: list[tuple[int, str]] = field(default_factory=list)  # preference order
    reason: str = ""
    answers: list[str] = field(default_factory=list)  # what the DNS said, as text

    @property
    def deliverable_by_dns(self) -> bool:
        return self.status in (OK, IMPLICIT)

    def as_dict(self) -> dict:
        return asdict(self)


def parse_servers(value: str) -> list[tuple[str, int]]:
    """``"127.0.0.1:5353, ::1"`` -> ``[("127.0.0.1", 5353), ("::1", 53)]``."""
    servers = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        if part.startswith("["):  # [::1]:5353
            host, _, port = part[1:].partition("]:")
        elif part.count(":") == 1:
            host, _, port = part.partition(":")
        else:
            host, port = part, ""
        servers.append((host, int(port or 53)))
    return servers


def make_resolver(servers: list[tuple[str, int]] | None = None, *,
                  timeout: float = 3.0) -> dns.resolver.Resolver:
    """The system resolver, or one that asks only ``servers``."""
    if not servers:
        resolver = dns.resolver.Resolver()
    else:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [host for host, _ in servers]
        resolver.nameserver_ports = {host: port for host, port in servers}
    resolver.timeout = timeout
    resolver.lifetime = timeout
    return resolver


def lookup_mail_hosts(domain: str, resolver: dns.resolver.Resolver) -> MailHosts:
    """MX hosts in preference order; the domain itself when it has no MX but
    an address (implicit MX); null MX (``MX 0 .``) and NXDOMAIN are undeliverable."""
    domain = domain.rstrip(".").lower()
    try:
        answer = resolver.resolve(domain, "MX")
    except dns.resolver.NXDOMAIN:
        return MailHosts(domain, NXDOMAIN, reason=f"{domain} does not exist (NXDOMAIN)")
    except dns.resolver.NoAnswer:
        return _implicit_mx(domain, resolver)
    except (dns.exception.Timeout, dns.resolver.NoNameservers) as exc:
        return MailHosts(domain, ERROR, reason=f"DNS lookup of MX failed: {exc}")
    records = sorted(((r.preference, r.exchange.to_text().rstrip(".").lower()) for r in answer),
                     key=lambda pair: pair)
    texts = [f"MX {pref} {host or '.'}" for pref, host in records]
    if any(host == "" for _, host in records):  # "MX 0 ." -> "" after rstrip
        return MailHosts(domain, NULL_MX, reason=f"{domain} declares it accepts no mail "
                         "(null MX, RFC 7505)", answers=texts)
    return MailHosts(domain, OK, hosts=records, reason=f"{len(records)} MX record(s)",
                     answers=texts)


def _implicit_mx(domain: str, resolver: dns.resolver.Resolver) -> MailHosts:
    texts = []
    for rdtype in ("A", "AAAA"):
        try:
            texts += [f"{rdtype} {r.to_text()}" for r in resolver.resolve(domain, rdtype)]
        except (dns.resolver.NoAnswer, dns.resolver.NXDOMAIN):
            continue
        except (dns.exception.Timeout, dns.resolver.NoNameservers) as exc:
            return MailHosts(domain, ERROR, reason=f"DNS lookup of {rdtype} failed: {exc}")
    if texts:
        return MailHosts(domain, IMPLICIT, hosts=[(0, domain)], answers=texts,
                         reason=f"no MX record; mail goes to {domain}'s own address "
                         "(implicit MX, RFC 5321 §5.1)")
    return MailHosts(domain, NO_ADDRESS, reason=f"{domain} has neither MX nor address records")
