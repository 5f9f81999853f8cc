import os

import pytest
from django.conf import settings as django_settings

from config.celery_app import app as celery_app
from tests.factories import UserFactory


def pytest_configure(config):
    # CI promises PostgreSQL and Redis; fail loudly rather than test SQLite only.
    if os.environ.get("LEADQUAL_REQUIRE_SERVICES"):
        engine = django_settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine or not django_settings.REDIS_URL:
            raise pytest.UsageError(
                f"LEADQUAL_REQUIRE_SERVICES is set but the database is {engine} and "
                f"REDIS_URL is {django_settings.REDIS_URL!r}"
            )


@pytest.fixture(scope="session", autouse=True)
def sandbox_internet():
    """Every probe of the suite goes to the sandbox internet on loopback, never elsewhere.

    Its settings are put in the environment too, for worker subprocesses. The generic
    spam filter is off unless a test asks for the real rspamd (the ``rspamd`` fixture of
    tests/mail/conftest.py): the other tests see Leadqual's own checks only, whatever runs
    on the machine's port 11333.
    """
    from tests.sandbox_world import build_world
    from verification.sandbox.internet import SandboxInternet

    internet = SandboxInternet(build_world(), silence_seconds=5).start()
    values = {**internet.env(), "LEADQUAL_PROBE_TIMEOUT": "1.0",
              "LEADQUAL_SMTP_HELO": "probe.leadqual.test",
              "LEADQUAL_SMTP_FROM": "verify@leadqual.test", "LEADQUAL_RSPAMD_URL": ""}
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    for key, value in values.items():
        current = getattr(django_settings, key)
        setattr(django_settings, key, type(current)(value))
    yield internet
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    internet.stop()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Per-domain results and list versions do not leak from one test to the next."""
    from django.core.cache import cache

    from verification import lists

    cache.clear()
    lists._local.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """A request's language stays active in the thread after it (Django's LocaleMiddleware
    does not undo it): no test finds the last one's browser language."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _eager_tasks(request):
    """Unit tests run tasks in-process; tests marked `worker` use a real worker."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def rep(db):
    return UserFactory(username="lily", role="rep")


@pytest.fixture
def other_rep(db):
    return UserFactory(username="kevin", role="rep")


@pytest.fixture
def manager(db):
    return UserFactory(username="grace", role="manager")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="ada", role="admin")


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def pytest_collection_modifyitems(items):
    """Transactional tests must restore the migrated data (roles, permissions, keyword
    lists) for those after them: a flush after a serialized-rollback test skips
    post_migrate, so a test without it would find no roles."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get(
                "serialized_rollback"):
            raise pytest.UsageError(
                f"{item.nodeid}: use django_db(transaction=True, serialized_rollback=True)")
