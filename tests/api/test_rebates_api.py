"""Rebate ledger and statements through the API (read-only, rebates scope)."""

import pytest

from tests.api.conftest import key_client
from tests.api.factories import api_key
from tests.tenant_makers import MAKERS

pytestmark = pytest.mark.django_db


def test_statement_and_its_lines(api, merchant, store):
    statement = MAKERS["attribution.rebatestatement"](merchant, store)
    body = api.get(f"/api/v1/rebate-statements/{statement.pk}/").json()
    assert body["total_fen"] == statement.total_fen
    lines = api.get(f"/api/v1/rebate-statements/{statement.pk}/lines/").json()["results"]
    assert {line["id"] for line in lines} == set(statement.lines().values_list("pk", flat=True))
    assert sum(line["amount_fen"] for line in lines) == statement.lines_total_fen
    all_lines = api.get("/api/v1/rebate-lines/", {"beneficiary": "store"}).json()["results"]
    assert {line["id"] for line in lines} <= {line["id"] for line in all_lines}


def test_rebates_need_their_scope(merchant, store):
    MAKERS["attribution.rebatestatement"](merchant, store)
    _key, raw = api_key(merchant, scopes={"orders": "write"})
    assert key_client(raw).get("/api/v1/rebate-statements/").status_code == 403
