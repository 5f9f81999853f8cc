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
