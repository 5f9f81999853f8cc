import pytest

from tests.sandbox_world import MAIL_SERVERS
from verification.probes.dns import make_resolver
from verification.probes.netguard import parse_networks
from verification.probes.smtp import SmtpSettings
from verification.probes.website import HttpSettings
from verification.sandbox.internet import ALLOW_NETWORKS

assert MAIL_SERVERS  # the mail servers the tests below talk to


@pytest.fixture(scope="session")
def sandbox_dns(sandbox_internet):
    return sandbox_internet.dns


@pytest.fixture
def resolver(sandbox_dns):
    return make_resolver([(sandbox_dns.host, sandbox_dns.port)], timeout=2)


@pytest.fixture(scope="session")
def sandbox_smtp(sandbox_internet):
    return sandbox_internet.mail


@pytest.fixture
def smtp_settings(sandbox_internet):
    return SmtpSettings(
        helo="probe.leadqual.test", mail_from="verify@leadqual.test",
        port=sandbox_internet.smtp_port, timeout=1.0,
        allow=tuple(parse_networks("127.0.10.0/24, 127.0.11.0/24")),
    )


@pytest.fixture
def http_settings(sandbox_internet):
    return HttpSettings(http_port=sandbox_internet.http_port,
                        https_port=sandbox_internet.https_port, timeout=1.0,
                        allow=tuple(parse_networks(ALLOW_NETWORKS)),
                        ca_certs=sandbox_internet.ca_bundle)
