from pathlib import Path

import pytest

from verification.probes.dns import make_resolver
from verification.sandbox.dns import start_dns

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sandbox"


@pytest.fixture(scope="session")
def sandbox_dns():
    server = start_dns((FIXTURES / "dns.zone").read_text(), host="127.0.0.53")
    yield server
    server.stop()


@pytest.fixture
def resolver(sandbox_dns):
    return make_resolver([(sandbox_dns.host, sandbox_dns.port)], timeout=2)
