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
