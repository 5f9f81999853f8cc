"""Celery application.

With ``REDIS_URL`` set the broker is Redis; without it the broker is kombu's
filesystem transport in ``var/broker/`` so that a bare machine runs a real
worker process without any server (see ``config/settings.py``).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("leadqual")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def worker_command(*, concurrency: int, hostname: str = "leadqual@%h",
                   loglevel: str = "INFO") -> list[str]:
    """The command line of a worker: threads, because verification waits on the network."""
    import sys

    return [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "threads",
            "--concurrency", str(concurrency), "--without-mingle", "--without-gossip",
            "--loglevel", loglevel, "--hostname", hostname]


def enqueue(task, *args, **kwargs) -> bool:
    """Send a task (the task, or its name: a service names the task that runs it, so that
    ``tasks`` imports ``services`` and never the other way round); if the broker is
    unreachable, log it and return False.

    Callers store their work in the database first (a verification or a rescoring
    marked pending), so an outage of the broker loses nothing: the periodic sweeper
    (``verification.tasks.requeue_stale``) sends it again once the broker is back.
    The web request that stored it still succeeds.
    """
    import logging

    from kombu.exceptions import OperationalError

    if isinstance(task, str):
        task = app.tasks[task]
    try:
        task.apply_async(args, kwargs)
    except OperationalError as exc:
        logging.getLogger(__name__).warning(
            "broker.unavailable task=%s error=%s; left pending for the sweeper",
            task.name, exc)
        return False
    return True
