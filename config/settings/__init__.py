"""Default settings module: the embedded development profile (SQLite, eager Celery)."""

from .base import *  # noqa: F403
