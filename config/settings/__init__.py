"""Default settings module: the embedded development profile (SQLite, eager Celery)."""

from .base import *  # noqa: F403
from .base import env_bool

# Development only: webhooks may be sent to a receiver on this machine (127.0.0.1).
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", True)
