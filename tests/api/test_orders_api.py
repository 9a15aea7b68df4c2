"""Orders through the API: create with an Idempotency-Key (retries replay), read, refund."""

import pytest

from orders.models import Order, Refund
from tests import factories
from tests.api.conftest import key_client
from tests.api.factories import api_key
from tests.orders.factories import paid_order

pytestmark = pytest.mark.django_db


def _body(listing, **extra):
    return {
        "channel": "online",
        "fulfilment": "delivery",
        "contact_name": "王小明",
        "contact_mobile": "13812345678",
        "delivery_address": "上海市静安区南京西路1号",
        "lines": [{"listing": listing.pk, "quantity": 2, "seen_price_fen": listing.price_fen}],
        **extra,
    }


def test_create_needs_a_key_and_replays_retries(api, merchant):
    listing = factories.ListingFactory(merchant=merchant, price_fen=1250)
    response = api.post("/api/v1/orders/", _body(listing), format="json")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["fields"]

    first = api.post("/api/v1/orders/", _body(listing), format="json", HTTP_IDEMPOTENCY_KEY="order-1")
    assert first.status_code == 201, first.content
    order = first.json()
    assert order["total_fen"] == 2500 + order["shipping_fen"]
    assert [line["quantity"] for line in order["lines"]] == [2]
    assert "idempotency_key" not in order and "token" not in order

    again = api.post("/api/v1/orders/", _body(listing), format="json", HTTP_IDEMPOTENCY_KEY="order-1")
    assert again.status_code == 201 and again.json()["id"] == order["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert Order.objects.filter(merchant=merchant).count() == 1

    other = _body(listing)
    other["lines"][0]["quantity"] = 3
    reused = api.post("/api/v1/orders/", other, format="json", HTTP_IDEMPOTENCY_KEY="order-1")
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"


def test_service_rules_are_field_errors(api, merchant):
    listing = factories.ListingFactory(merchant=merchant, price_fen=1250)
    stale = _body(listing)
    stale["lines"][0]["seen_price_fen"] = 999
    response = api.post("/api/v1/orders/", stale, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert response.status_code == 400
    assert "lines" in response.json()["error"]["fields"]
    foreign = factories.ListingFactory(price_fen=100)
    response = api.post("/api/v1/orders/", _body(foreign), format="json", HTTP_IDEMPOTENCY_KEY="k3")
    assert response.status_code == 400
    assert not Order.objects.filter(merchant=merchant).exists()


def test_refund_once_per_key(api, merchant, django_capture_on_commit_callbacks):
    order = paid_order(merchant)
    url = f"/api/v1/orders/{order.pk}/refund/"
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(
            url, {"amount_fen": 500, "reason": "damaged"}, format="json", HTTP_IDEMPOTENCY_KEY="r1"
        )
    assert first.status_code == 202, first.content
    again = api.post(url, {"amount_fen": 500, "reason": "damaged"}, format="json", HTTP_IDEMPOTENCY_KEY="r1")
    assert again.status_code == 202 and again["Idempotent-Replayed"] == "true"
    assert Refund.objects.filter(order=order).count() == 1
    too_much = api.post(url, {"amount_fen": 10**9}, format="json", HTTP_IDEMPOTENCY_KEY="r2")
    assert too_much.status_code == 400
    listed = api.get("/api/v1/refunds/", {"order": order.pk}).json()["results"]
    assert [r["amount_fen"] for r in listed] == [500]


def test_orders_scope(merchant):
    order = paid_order(merchant)
    _key, raw = api_key(merchant, scopes={"orders": "read"})
    client = key_client(raw)
    assert client.get(f"/api/v1/orders/{order.pk}/").status_code == 200
    response = client.post(f"/api/v1/orders/{order.pk}/refund/", {}, format="json", HTTP_IDEMPOTENCY_KEY="x")
    assert response.status_code == 403
