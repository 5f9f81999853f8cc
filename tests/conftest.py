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
