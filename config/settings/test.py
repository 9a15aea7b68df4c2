"""Test profile: uses PostgreSQL and Redis where they answer, SQLite and eager Celery otherwise.

With REQUIRE_SERVICES=1 (CI) a service that does not answer is an error, never a silent fallback.
The choice is printed in pytest's header (tests/conftest.py).
"""

import os
import socket
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BASE_DIR, env_bool

REQUIRE_SERVICES = env_bool("REQUIRE_SERVICES")
# Where `make test` looks for services when DATABASE_URL / REDIS_URL are not set.
DEFAULT_PG_URL = os.environ.get("TEST_PROBE_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/midpage")
DEFAULT_REDIS_URL = os.environ.get("TEST_PROBE_REDIS_URL", "redis://127.0.0.1:6379/0")


def _answers(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 0), timeout=0.5):
            return True
    except OSError:
        return False


_db_url = os.environ.get("DATABASE_URL") or DEFAULT_PG_URL
if _db_url.startswith("postgres") and not _answers(_db_url):
    if REQUIRE_SERVICES:
        raise ImproperlyConfigured(f"REQUIRE_SERVICES=1 but PostgreSQL does not answer at {_db_url}")
    if os.environ.get("DATABASE_URL"):
        raise ImproperlyConfigured(f"DATABASE_URL is set but does not answer: {_db_url}")
    _db_url = f"sqlite:///{BASE_DIR / 'test-db.sqlite3'}"
if REQUIRE_SERVICES and not _db_url.startswith("postgres"):
    raise ImproperlyConfigured("REQUIRE_SERVICES=1 needs DATABASE_URL to point at PostgreSQL")
DATABASES = {"default": dj_database_url.parse(_db_url)}  # noqa: F405
# Parallel runs (several developers on one machine) each get their own test database.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["TEST"] = {"NAME": f"test_midpage_{os.environ.get('MIDPAGE_TEST_DB', 'main')}"}

_redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
if not _answers(_redis_url):
    if REQUIRE_SERVICES:
        raise ImproperlyConfigured(f"REQUIRE_SERVICES=1 but Redis does not answer at {_redis_url}")
    _redis_url = ""
REDIS_URL = _redis_url
# Tests run tasks eagerly (deterministic); the broker round-trip test starts a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
# Each test run gets its own cache namespace; throttling tests use the real Redis cache.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"midpage-test-{os.getpid()}",
        }
    }

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "tests" / "artifacts" / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEBUG = False
SERVICES_DESCRIPTION = (
    f"database: {DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} ({DATABASES['default'].get('NAME')}); "
    f"broker: {'redis ' + REDIS_URL if REDIS_URL else 'none (eager Celery)'}"
)
