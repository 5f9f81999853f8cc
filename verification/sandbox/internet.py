"""The sandbox internet: DNS, mail, web and WHOIS servers on loopback, from a World.

Every server binds inside 127.0.8.0/21 (DNS on 127.0.0.53), so the probes
need only that network allowed, and the SSRF guard still refuses 127.0.0.1.
``SandboxInternet.env()`` gives the LEADQUAL_* settings that point the
probes at it. Used by the tests, the accuracy harness and
``manage.py sandbox_internet``.
"""

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from verification.sandbox.background import Latency
from verification.sandbox.dns import SandboxDNS, start_dns
from verification.sandbox.smtp import Behaviour, SandboxSMTP
from verification.sandbox.web import (
    SandboxTLSWeb,
    SandboxWeb,
    SilentServer,
    Site,
    tls_contexts,
)
from verification.sandbox.whois import SandboxWhois

ALLOW_NETWORKS = "127.0.8.0/21"
DNS_HOST = "127.0.0.53"
WHOIS_HOST = "127.0.14.43"


@dataclass
class World:
    zone: str = ""
    mail: dict[str, Behaviour] = field(default_factory=dict)  # address -> behaviour
    web: dict[str, dict[str, Site]] = field(default_factory=dict)  # address -> host -> site
    silent: list[str] = field(default_factory=list)  # addresses that accept and never answer
    whois: dict[str, str] = field(default_factory=dict)  # domain -> WHOIS answer
    # Latency, in seconds, fixed or (low, high) drawn for each answer:
    greeting_delay: Latency = 0.0  # before an SMTP banner
    dns_latency: Latency = 0.0  # before each DNS answer
    web_latency: Latency = 0.0  # before each HTTP(S) answer


class SandboxInternet:
    def __init__(self, world: World, *, silence_seconds: float = 30.0,
                 poll_interval: float = 0.05):
        self.world = world
        self.silence_seconds = silence_seconds
        self.poll_interval = poll_interval  # of each server's accept loop (see Background)
        self.dns: SandboxDNS | None = None
        self.mail: dict[str, SandboxSMTP] = {}
        self.web: dict[str, SandboxWeb] = {}
        self.others: list = []
        self.whois: SandboxWhois | None = None
        self.smtp_port = self.http_port = self.https_port = 0
        self.ca_bundle = ""

    def start(self, *, ports: dict[str, int] | None = None) -> "SandboxInternet":
        """Start every server; ``ports`` fixes dns/smtp/http/https/whois ports (else free ones)."""
        world = self.world
        ports = ports or {}
        self.dns = start_dns(world.zone, host=DNS_HOST, port=ports.get("dns", 0),
                             latency=world.dns_latency)
        if world.mail:
            self.mail, self.smtp_port = _bind_together({
                address: (lambda a, b: lambda port: SandboxSMTP(
                    a, port, b, greeting_delay=world.greeting_delay,
                    silence_seconds=self.silence_seconds))(address, behaviour)
                for address, behaviour in world.mail.items()
            }, port=ports.get("smtp", 0), poll_interval=self.poll_interval)
        web_addresses = sorted(set(world.web) | set(world.silent))
        if web_addresses:
            factories = {}
            for address in web_addresses:
                if address in world.silent:
                    factories[address] = self._silent(address)
                else:
                    factories[address] = (lambda a: lambda port: SandboxWeb(
                        a, port, world.web[a], latency=world.web_latency))(address)
            servers, self.http_port = _bind_together(factories, port=ports.get("http", 0),
                                                     poll_interval=self.poll_interval)
            self.web = {a: s for a, s in servers.items() if isinstance(s, SandboxWeb)}
            self.others += [s for s in servers.values() if not isinstance(s, SandboxWeb)]
            # https: the sites that have TLS answer with a certificate of the sandbox's CA;
            # the others fail the handshake, as a host without that site does.
            contexts = self._tls_contexts()
            tls_factories = {}
            for address in web_addresses:
                if address in world.silent:
                    tls_factories[address] = self._silent(address)
                else:
                    tls_factories[address] = (lambda a: lambda port: SandboxTLSWeb(
                        a, port, world.web[a], contexts, latency=world.web_latency))(address)
            tls_servers, self.https_port = _bind_together(tls_factories,
                                                          port=ports.get("https", 0),
                                                          poll_interval=self.poll_interval)
            self.others += list(tls_servers.values())
        self.whois = SandboxWhois(WHOIS_HOST, ports.get("whois", 0), world.whois).start()
        return self

    def _silent(self, address: str) -> Callable[[int], SilentServer]:
        return lambda port: SilentServer(address, port, silence_seconds=self.silence_seconds)

    def _tls_contexts(self) -> dict:
        import tempfile

        import trustme

        ca = trustme.CA(organization_name="Leadqual sandbox CA")
        sites = {host: site for by_host in self.world.web.values()
                 for host, site in by_host.items()}
        contexts = tls_contexts(sites, ca.issue_cert, ca.issue_cert("some-other-name.invalid"))
        folder = tempfile.mkdtemp(prefix="leadqual-sandbox-ca-")
        self.ca_bundle = f"{folder}/ca.pem"
        ca.cert_pem.write_to_path(self.ca_bundle)
        return contexts

    def env(self) -> dict[str, str]:
        """The settings that send every probe here."""
        return {
            "LEADQUAL_DNS_SERVERS": self.dns.address,
            "LEADQUAL_SMTP_PORT": str(self.smtp_port or 25),
            "LEADQUAL_HTTP_PORT": str(self.http_port or 80),
            "LEADQUAL_HTTPS_PORT": str(self.https_port or 443),
            "LEADQUAL_WHOIS_SERVER": self.whois.address,
            "LEADQUAL_PROBE_ALLOW_NETWORKS": ALLOW_NETWORKS,
            "LEADQUAL_PROBE_CA_BUNDLE": self.ca_bundle,
        }

    def stop(self) -> None:
        for server in [*self.mail.values(), *self.web.values(), *self.others, self.whois]:
            if server is not None:
                server.stop()
        if self.dns:
            self.dns.stop()
        if self.ca_bundle:
            shutil.rmtree(Path(self.ca_bundle).parent, ignore_errors=True)


def _bind_together(factories: dict[str, Callable[[int], object]], *, port: int = 0,
                   attempts: int = 10, poll_interval: float = 0.05):
    """Start one server per address, all on one port (the probes know one port per protocol).

    ``port`` 0 picks a free one (retrying when it is taken on another address)."""
    first, *rest = factories
    for _ in range(attempts if not port else 1):
        servers = {first: factories[first](port)}
        port = servers[first].server_address[1]
        try:
            for address in rest:
                servers[address] = factories[address](port)
        except OSError:  # that port is taken on another address: try another
            for server in servers.values():
                server.server_close()
            continue
        for server in servers.values():
            server.poll_interval = poll_interval
            server.start()
        return servers, port
    raise RuntimeError("no free port shared by all sandbox addresses")
