from pathlib import Path

import pytest

from verification.probes.dns import make_resolver
from verification.probes.netguard import parse_networks
from verification.probes.smtp import SmtpSettings
from verification.sandbox.dns import start_dns
from verification.sandbox.smtp import Behaviour, SandboxSMTP

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sandbox"


@pytest.fixture(scope="session")
def sandbox_dns():
    server = start_dns((FIXTURES / "dns.zone").read_text(), host="127.0.0.53")
    yield server
    server.stop()


@pytest.fixture
def resolver(sandbox_dns):
    return make_resolver([(sandbox_dns.host, sandbox_dns.port)], timeout=2)


MAIL_SERVERS = {  # address -> behaviour; 127.0.11.4 and .6 have no server (refused)
    "127.0.10.2": Behaviour(users=frozenset({"anna", "jonas", "info"}), disabled=frozenset({"old"}),
                            full=frozenset({"busy"})),
    "127.0.10.3": Behaviour(users=frozenset({"anna", "jonas"})),
    "127.0.11.1": Behaviour(catch_all=True),
    "127.0.11.2": Behaviour(users=frozenset({"li"}), greylist=True),
    "127.0.11.3": Behaviour(on_connect="421"),
    "127.0.11.5": Behaviour(users=frozenset({"sam"})),
    "127.0.11.7": Behaviour(on_connect="silence"),
    "127.0.11.8": Behaviour(users=frozenset({"ana"}), ehlo=False),
    "127.0.11.9": Behaviour(users=frozenset({"ana"}), max_recipients=1),
}


@pytest.fixture(scope="session")
def sandbox_smtp():
    """One server per address, all on the same port (the prober has one SMTP port)."""
    servers = _start_mail_servers()
    yield servers
    for server in servers.values():
        server.stop()


def _start_mail_servers(attempts: int = 5) -> dict[str, SandboxSMTP]:
    first, *rest = MAIL_SERVERS
    for _ in range(attempts):
        servers = {first: SandboxSMTP(first, 0, MAIL_SERVERS[first], silence_seconds=5)}
        port = servers[first].port
        try:
            for address in rest:
                servers[address] = SandboxSMTP(address, port, MAIL_SERVERS[address],
                                               silence_seconds=5)
        except OSError:  # that port is taken on another address: pick a new one
            for server in servers.values():
                server.server_close()
            continue
        return {address: server.start() for address, server in servers.items()}
    raise RuntimeError("no free port shared by all sandbox mail server addresses")


@pytest.fixture
def smtp_settings(sandbox_smtp):
    return SmtpSettings(
        helo="probe.leadqual.test", mail_from="verify@leadqual.test",
        port=next(iter(sandbox_smtp.values())).port, timeout=1.0,
        allow=tuple(parse_networks("127.0.10.0/24, 127.0.11.0/24")),
    )
