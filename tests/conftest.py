import pytest
from django.conf import settings
from django.db import connection


def pytest_report_header(config):
    return f"midpage services — {settings.SERVICES_DESCRIPTION}"


def pytest_collection_modifyitems(config, items):
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL or start it; CI always has it)")
    skip_redis = pytest.mark.skip(reason="needs Redis (set REDIS_URL or start it; CI always has it)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_redis)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Start every test with an empty cache. On Redis only this run's keys are deleted:
    FLUSHDB would also empty Celery's queues and other runs' keys on the shared server."""
    from django.core.cache import cache

    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        client = cache._cache.get_client(write=True)
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()
    yield


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code a test calls directly (services, tasks) speaks the source language, so assertions
    read messages as written in the code now that the zh-hans catalogue translates them. Pages
    still choose their language per request (zh-hans by default, Accept-Language, the switch)."""
    from django.utils import translation

    with translation.override("en"):
        yield
