"""API keys (hashed, scoped, revocable, last-used), the error format and throttling."""

import pytest
from django.utils import timezone

from shops.api_keys import authenticate_key, revoke_api_key
from shops.models_api import ApiKey, hash_secret
from tests.api.conftest import key_client
from tests.api.factories import api_key
from tests.factories import StoreFactory

pytestmark = pytest.mark.django_db


def test_key_is_stored_hashed_and_shown_once(merchant):
    key, raw = api_key(merchant)
    secret = raw.split("_", 2)[2]
    stored = ApiKey.objects.get(pk=key.pk)
    assert secret not in (stored.secret_hash, stored.prefix, stored.name)
    assert stored.secret_hash == hash_secret(secret)
    assert raw.startswith(f"mpk_{stored.prefix}_")
    assert authenticate_key(raw) == stored
    assert authenticate_key(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None


def test_bearer_key_lists_own_stores(api, store):
    response = api.get("/api/v1/stores/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [store.pk]


def test_missing_and_bad_keys_are_401_in_error_format(merchant):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/stores/")
    assert response.status_code in (401, 403)
    response = key_client("mpk_nothing_here").get("/api/v1/stores/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["error"]["code"] == "authentication_failed"
    assert body["error"]["fields"] == {}


def test_revoked_key_stops_working(merchant, store):
    key, raw = api_key(merchant)
    assert key_client(raw).get("/api/v1/stores/").status_code == 200
    revoke_api_key(key=key)
    assert key_client(raw).get("/api/v1/stores/").status_code == 401


def test_last_used_is_recorded_but_not_on_every_request(merchant):
    key, raw = api_key(merchant)
    client = key_client(raw)
    client.get("/api/v1/stores/")
    key.refresh_from_db()
    first = key.last_used_at
    assert first is not None
    client.get("/api/v1/stores/")
    key.refresh_from_db()
    assert key.last_used_at == first  # within the resolution: no write
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now() - timezone.timedelta(minutes=5))
    client.get("/api/v1/stores/")
    key.refresh_from_db()
    assert key.last_used_at > first


def test_read_scope_cannot_write_and_unscoped_resource_is_forbidden(merchant, store):
    _key, raw = api_key(merchant, scopes={"stores": "read"})
    client = key_client(raw)
    assert client.get("/api/v1/stores/").status_code == 200
    response = client.post("/api/v1/stores/", {"name": "New", "code": "new"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    response = client.patch(f"/api/v1/stores/{store.pk}/", {"name": "Renamed"}, format="json")
    assert response.status_code == 403
    store.refresh_from_db()
    assert store.name != "Renamed"
    assert client.get("/api/v1/products/").status_code == 403


def test_validation_errors_name_fields(api, store):
    response = api.post("/api/v1/stores/", {"name": "", "code": store.code}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) >= {"name", "code"}
    response = api.post("/api/v1/listings/", {"variant": "x", "price_fen": -1}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) >= {"variant", "price_fen"}


def test_foreign_reference_in_body_is_a_field_error(api, merchant):
    foreign_store = StoreFactory()
    response = api.post("/api/v1/entry-points/", {"kind": "store", "store": foreign_store.pk}, format="json")
    assert response.status_code == 400
    assert "store" in response.json()["error"]["fields"]


def test_service_rules_come_back_as_field_errors(api, merchant):
    # A store code needs a store: the rule lives in shops.entry_points, the API reports it.
    response = api.post("/api/v1/entry-points/", {"kind": "store"}, format="json")
    assert response.status_code == 400
    assert "store" in response.json()["error"]["fields"]


def test_bad_cursor_and_garbage_ids_are_not_500(api):
    assert api.get("/api/v1/stores/", {"cursor": "garbage"}).status_code == 404
    assert api.get("/api/v1/stores/abc/").status_code == 404
    assert api.get(f"/api/v1/stores/{2**70}/").status_code == 404
    assert api.get("/api/v1/stores/", {"status": "nonsense"}).status_code == 400


def test_throttled_key_gets_429_with_retry_after(merchant, store):
    _key, raw = api_key(merchant, rate_per_minute=3)
    client = key_client(raw)
    for _ in range(3):
        assert client.get("/api/v1/stores/").status_code == 200
    response = client.get("/api/v1/stores/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "throttled"
    # Another key of the same merchant has its own budget.
    _other, other_raw = api_key(merchant)
    assert key_client(other_raw).get("/api/v1/stores/").status_code == 200


def test_session_member_uses_api_with_csrf(client, merchant, store):
    from tests.factories import member

    owner = member(merchant, "owner")
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(owner)
    assert csrf_client.get("/api/v1/stores/").status_code == 200
    response = csrf_client.post(
        "/api/v1/stores/", {"name": "X", "code": "x"}, content_type="application/json"
    )
    assert response.status_code == 403  # no CSRF token
    staff = member(merchant, "staff", stores=[store])
    client.force_login(staff)
    response = client.post("/api/v1/stores/", {"name": "X", "code": "x"}, content_type="application/json")
    assert response.status_code == 403


def test_suspended_merchant_keys_stop_working(merchant, store):
    from shops.services import suspend_merchant

    _key, raw = api_key(merchant)
    assert key_client(raw).get("/api/v1/stores/").status_code == 200
    suspend_merchant(merchant=merchant, reason="test")
    assert key_client(raw).get("/api/v1/stores/").status_code == 401
