"""Schema-driven run (Schemathesis) of every API operation against the Django WSGI app.

Each operation gets a bounded number of generated requests (valid and invalid inputs) sent
with a seeded merchant's key; every response must be a non-5xx documented status whose body
and headers match the OpenAPI document.
"""

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.wsgi import application
from tests import factories
from tests.api.factories import api_key
from tests.tenant_makers import MAKERS

MAX_EXAMPLES = 10
# Not checked: "every schema-valid request is accepted". Business rules that JSON Schema cannot
# express (a referenced id must exist and be the merchant's, SKU codes are unique) rightly
# answer 400 to schema-valid input. Everything else is checked: no 5xx, documented status
# codes, bodies and headers matching the schema, invalid input rejected, auth enforced.


def _operations():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return [(path, method.upper()) for path, item in sorted(paths.items()) for method in item]


OPERATIONS = _operations()
_schema_cache = {}


def _schema():
    if "schema" not in _schema_cache:
        _schema_cache["schema"] = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    return _schema_cache["schema"]


@pytest.fixture
def wsgi_keeps_connection():
    """Like Django's test client: the app must not close the test's DB connection per request."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def seeded_key(db, wsgi_keeps_connection):
    merchant = factories.MerchantFactory(slug="seeded")
    store = factories.StoreFactory(merchant=merchant)
    # Cheap objects only (this runs once per operation); most generated ids miss anyway.
    for label, make in MAKERS.items():
        if label.startswith("shops.") and label not in ("shops.merchant", "shops.posterbatch"):
            make(merchant, store)
    _key, raw = api_key(merchant, rate_per_minute=100_000)
    return raw


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@pytest.mark.parametrize("path,method", OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_operation_conforms(seeded_key, path, method, mode):
    operation = _schema()[path][method]
    headers = {"Authorization": f"Bearer {seeded_key}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    run()
