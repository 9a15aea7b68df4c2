"""Settings for the HTTP benchmarks: the normal stack (same middleware, templates, PostgreSQL via
DATABASE_URL with persistent connections), DEBUG off, plus a bare baseline view."""

from config.settings.base import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "tests.benchmarks.bench_urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LOGGING = {"version": 1, "disable_existing_loggers": False}
