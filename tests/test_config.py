"""Settings that are easy to misspell and then silently not applied."""

from django.conf import settings
from django.db import connection

from config.celery_app import app


def test_celery_reads_the_settings_we_rely_on():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    assert "verification-requeue-stale" in conf.beat_schedule
    assert "verification.tasks.verify_inquiry" in app.tasks
    if settings.REDIS_URL:
        assert conf.broker_url == settings.REDIS_URL
        assert conf.broker_transport_options["visibility_timeout"] >= conf.task_time_limit
    else:
        assert conf.broker_url.startswith("filesystem://")


def test_team_time_zone_default():
    assert settings.TIME_ZONE == settings.TEAM_TIME_ZONE == "Asia/Shanghai"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db):
    if connection.vendor != "sqlite":
        assert connection.vendor == "postgresql"
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 20_000


def test_redis_cache_keeps_one_client_and_round_trips():
    """The production cache backend (config.cache) against the real Redis CI runs."""
    import os
    import uuid

    import pytest

    from config.cache import RedisCache

    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set (CI sets it; see .ci/run)")
    cache = RedisCache(url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}"})
    cache.set("answer", {"mx": ["mx.example"]}, 30)
    assert cache.get("answer") == {"mx": ["mx.example"]}
    assert cache.get("missing", "default") == "default"
    client = cache._cache.get_client()
    assert cache._cache.get_client() is client  # one redis.Redis, not one per call
    cache.delete("answer")
    assert cache.get("answer") is None


def test_probe_settings_are_built_once_for_the_same_settings(settings):
    from verification.config import probe_config

    first = probe_config()
    assert probe_config() is first  # the resolver's cache is shared by every check
    assert first.resolver.cache is not None
    settings.LEADQUAL_PROBE_TIMEOUT = first.timeout + 1
    changed = probe_config()
    assert changed is not first and changed.timeout == first.timeout + 1
