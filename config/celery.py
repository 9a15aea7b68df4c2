"""Celery application. Broker and result backend are Redis when REDIS_URL is set;
without it the settings turn on eager mode so the embedded demo needs no services."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("midpage")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="midpage.ping")
def ping(value: str = "pong") -> str:
    """Round-trip check used by the broker test and by ops."""
    return value
