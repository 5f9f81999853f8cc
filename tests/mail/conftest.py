from datetime import timedelta

import pytest
from django.utils import timezone

from followup.models import FollowUp
from leads import services
from leads.models import TeamSettings
from tests.leads.helpers import ingest
from tests.mail.servers import Dovecot, Relay


@pytest.fixture(scope="session")
def dovecot():
    """A real IMAP server for the session; a missing Dovecot fails the tests (never skips)."""
    server = Dovecot().start()
    yield server
    server.stop()


@pytest.fixture
def mailbox_server(dovecot):
    """The test's mailbox starts empty."""
    dovecot.clear()
    yield dovecot


@pytest.fixture
def relay():
    server = Relay().start()
    yield server
    server.stop()


@pytest.fixture
def contacted(rep):
    """A German buyer the rep has written to: the cadence's first step is open."""
    team = TeamSettings.load()
    team.round_robin = False
    team.save()
    inquiry = ingest(company="AquaRein Wassertechnik GmbH", email="jonas.weber@aquarein.de",
                     country="DE", buyer_name="Jonas Weber", product="UV-C lamp 320W",
                     platform="email")
    company = services.company_assign(company=inquiry.company, owner=rep)
    services.contact_attempt_log(company=company, channel="email", outcome="sent", user=rep,
                                 at=timezone.now() - timedelta(hours=1))
    assert FollowUp.objects.filter(company=company, status="scheduled").exists()
    return company


RSPAMD_MIN_LEARNS = 10  # the session's rspamd classifies after this many of each (20 in use)


class _DnsSink:
    """A loopback UDP port given to rspamd as its resolver: whatever rspamd asks lands
    in the socket's buffer, unanswered, for ``queries()`` to read."""

    def __init__(self):
        import socket

        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.setblocking(False)
        self.address = f"127.0.0.1:{self.socket.getsockname()[1]}"
        self.received: list[str] = []

    def queries(self) -> list[str]:
        from dnslib import DNSRecord

        while True:
            try:
                data = self.socket.recv(4096)
            except BlockingIOError:
                return self.received
            try:
                self.received.append(str(DNSRecord.parse(data).q.qname))
            except Exception:  # not DNS: still something sent
                self.received.append(repr(data[:60]))


def _rspamd_redis_url() -> str:
    """The tests' Redis (REDIS_URL) with a database of rspamd's own, the next number:
    the tests' own is emptied by every test's cache clear and by the worker tests."""
    import os
    from urllib.parse import urlsplit, urlunsplit

    import redis
    from django.conf import settings

    required = os.environ.get("LEADQUAL_REQUIRE_SERVICES")
    if not settings.REDIS_URL:
        reason = "REDIS_URL is not set: rspamd keeps its Bayes in Redis (CI sets it)"
        if required:
            pytest.fail(f"LEADQUAL_REQUIRE_SERVICES is set but {reason}")
        pytest.skip(reason)
    where = urlsplit(settings.REDIS_URL)
    own = (int(where.path.strip("/") or 0) + 1) % 16
    url = urlunsplit(where._replace(path=f"/{own}"))
    try:
        redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).flushdb()
    except redis.RedisError as exc:
        reason = f"Redis at {settings.REDIS_URL} does not answer ({exc})"
        if required:
            pytest.fail(f"LEADQUAL_REQUIRE_SERVICES is set but {reason}")
        pytest.skip(reason)
    return url


@pytest.fixture(scope="session")
def rspamd_server(tmp_path_factory):
    """Debian's rspamd with Leadqual's configuration for the session (tests.processes.
    RspamdServer), its Bayes in a Redis database of its own (emptied first), its
    resolver a loopback port nobody answers on (``rspamd.dns``)."""
    from django.conf import settings

    from tests.processes import RspamdServer

    redis_url = _rspamd_redis_url()
    sink = _DnsSink()
    server = RspamdServer(tmp_path_factory.mktemp("rspamd"), redis_url=redis_url,
                          min_learns=RSPAMD_MIN_LEARNS, dns_server=sink.address,
                          cache_dir=settings.VAR_DIR / "rspamd-cache").start()
    server.dns, server.redis_url = sink, redis_url
    yield server
    server.stop()
    sink.socket.close()


@pytest.fixture
def rspamd(rspamd_server):
    """The session's rspamd, and Leadqual's settings pointing at it for this test only
    (the other tests screen with Leadqual's checks alone)."""
    import os

    from django.conf import settings

    values = {"LEADQUAL_RSPAMD_URL": rspamd_server.url,
              "LEADQUAL_RSPAMD_CONTROLLER_URL": rspamd_server.controller_url}
    saved = {key: (os.environ.get(key), getattr(settings, key)) for key in values}
    os.environ.update(values)
    for key, value in values.items():
        setattr(settings, key, value)
    yield rspamd_server
    for key, (environ, setting) in saved.items():
        if environ is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = environ
        setattr(settings, key, setting)
