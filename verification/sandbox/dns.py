"""A real DNS server on loopback, serving zones from text, for tests and demos.

Built on dnslib's server: UDP and TCP on the same port. Names with no record
of any type answer NXDOMAIN; names with records of other types answer NOERROR
with no answer (NODATA), as a real authoritative server would.
``ZoneResolver.rebind`` makes a name change its answer from one query to the
next (DNS rebinding).
"""

import threading
from dataclasses import dataclass, field

from dnslib import QTYPE, RCODE, RR, DNSLabel
from dnslib.server import BaseResolver, DNSLogger, DNSServer

from verification.sandbox.background import Latency, pause


@dataclass
class Rebinding:
    answers: list[str]
    asked: int = 0  # queries answered so far


class ZoneResolver(BaseResolver):
    def __init__(self, zone_text: str, *, latency: Latency = 0.0):
        self.latency = latency  # before each answer (a resolver's round trip)
        # By name, so that a zone of 100,000 records answers as fast as a small one.
        self.records: dict[DNSLabel, list[RR]] = {}
        self.names: set[DNSLabel] = set()
        self.lock = threading.Lock()
        self.add(zone_text)
        self.rebinding: dict[tuple[DNSLabel, str], Rebinding] = {}

    def resolve(self, request, handler):
        pause(self.latency)
        reply = request.reply()
        qname, qtype = request.q.qname, QTYPE[request.q.qtype]
        with self.lock:
            records = list(self.records.get(qname, ()))
            known = qname in self.names
            rebinding = self.rebinding.get((qname, qtype))
            if rebinding is not None:
                answer = rebinding.answers[min(rebinding.asked, len(rebinding.answers) - 1)]
                rebinding.asked += 1
        if rebinding is not None:
            reply.add_answer(*RR.fromZone(f"{qname} 0 IN {qtype} {answer}"))
            return reply
        matched = bool(records)
        for rr in records:
            if qtype in (QTYPE[rr.rtype], "ANY") or QTYPE[rr.rtype] == "CNAME":
                reply.add_answer(rr)
        if not matched and not known:
            reply.header.rcode = RCODE.NXDOMAIN
        return reply

    def add(self, zone_text: str) -> None:
        new = RR.fromZone(zone_text)
        with self.lock:
            for rr in new:
                self.records.setdefault(rr.rname, []).append(rr)
                self.names.add(rr.rname)

    def remove(self, name: str) -> None:
        label = DNSLabel(name)
        with self.lock:
            self.records.pop(label, None)
            self.names.discard(label)
            for key in [key for key in self.rebinding if key[0] == label]:
                del self.rebinding[key]

    def rebind(self, name: str, answers: list[str], rtype: str = "A") -> Rebinding:
        """Make ``name`` answer ``answers[0]`` to its first ``rtype`` query, ``answers[1]``
        to the next, ..., the last one from then on, all with TTL 0: DNS rebinding, a
        name that passes a check with one address and is then used with another."""
        rebinding = Rebinding(list(answers))
        with self.lock:
            self.rebinding[(DNSLabel(name), rtype)] = rebinding
            self.names.add(DNSLabel(name))
        return rebinding


@dataclass
class SandboxDNS:
    host: str
    port: int
    resolver: ZoneResolver
    servers: list = field(default_factory=list)

    @property
    def address(self) -> str:
        """``host:port``, the form LEADQUAL_DNS_SERVERS takes."""
        return f"{self.host}:{self.port}"

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
            server.server.server_close()


def start_dns(zone_text: str, *, host: str = "127.0.0.1", port: int = 0,
              latency: Latency = 0.0) -> SandboxDNS:
    """Serve ``zone_text`` on ``host`` (UDP and TCP); port 0 picks a free one."""
    resolver = ZoneResolver(zone_text, latency=latency)
    logger = DNSLogger(log="-request,-reply,-truncated,-error,-recv,-send,-data", prefix=False)
    udp = DNSServer(resolver, address=host, port=port, logger=logger)
    port = udp.server.server_address[1]
    tcp = DNSServer(resolver, address=host, port=port, tcp=True, logger=logger)
    for server in (udp, tcp):
        server.start_thread()
    return SandboxDNS(host=host, port=port, resolver=resolver, servers=[udp, tcp])
