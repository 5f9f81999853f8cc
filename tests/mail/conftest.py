import pytest

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
