"""Back office: an owner makes a key (shown once), manages webhook endpoints, redelivers."""

import re
from unittest import mock

import pytest

from shops.models_api import ApiKey, WebhookDelivery, WebhookEndpoint
from tests.api.conftest import key_client
from tests.factories import MerchantFactory, StoreFactory, member
from tests.tenant_makers import MAKERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client):
    merchant = MerchantFactory()
    StoreFactory(merchant=merchant)
    client.force_login(member(merchant, "owner"))
    client.merchant = merchant
    return client


def test_owner_creates_a_key_shown_once_that_works(owner_client):
    data = {"name": "ERP", "rate_per_minute": 100}
    data.update({f"scope_{r}": "read" for r in ["stores", "catalog", "entry_points", "customers"]})
    data.update({f"scope_{r}": "" for r in ["orders", "coupons", "rebates"]})
    data["scope_catalog"] = "write"
    response = owner_client.post("/backoffice/shops/apikey/add/", data)
    assert response.status_code == 200, response.content[:500]
    raw = re.search(r'value="(mpk_[^"]+)"', response.content.decode()).group(1)
    key = ApiKey.objects.get(merchant=owner_client.merchant)
    assert key.scopes == {"stores": "read", "catalog": "write", "entry_points": "read", "customers": "read"}
    assert key.created_by is not None
    assert key_client(raw).get("/api/v1/stores/").status_code == 200
    assert key_client(raw).get("/api/v1/orders/").status_code in (403, 404)
    # Never shown again: the change page has only the prefix.
    page = owner_client.get(f"/backoffice/shops/apikey/{key.pk}/change/").content.decode()
    assert raw not in page
    assert f"mpk_{key.prefix}_" in page


def test_revoke_action(owner_client):
    key = MAKERS["shops.apikey"](owner_client.merchant, None)
    owner_client.post(
        "/backoffice/shops/apikey/", {"action": "revoke", "_selected_action": [key.pk]}, follow=True
    )
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_endpoint_to_private_address_is_refused(owner_client, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    response = owner_client.post(
        "/backoffice/shops/webhookendpoint/add/",
        {"url": "http://127.0.0.1:8000/hook", "events": ["order.paid"], "is_active": "on"},
    )
    assert response.status_code == 200
    assert not WebhookEndpoint.objects.exists()
    with mock.patch("socket.getaddrinfo", return_value=[(2, 1, 6, "", ("93.184.215.14", 443))]):
        response = owner_client.post(
            "/backoffice/shops/webhookendpoint/add/",
            {
                "url": "https://hooks.example.com/in",
                "events": ["order.paid", "binding.created"],
                "is_active": "on",
            },
        )
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["order.paid", "binding.created"]
    assert endpoint.merchant == owner_client.merchant
    assert endpoint.secret.startswith("whsec_")


def test_delivery_page_shows_attempts_and_redelivers(owner_client):
    delivery = MAKERS["shops.webhookdelivery"](owner_client.merchant, None)
    with mock.patch("shops.webhooks._post", return_value=(500, "oops", "")):
        from shops.webhooks import attempt_delivery

        attempt_delivery(delivery_id=delivery.pk)
    page = owner_client.get(f"/backoffice/shops/webhookdelivery/{delivery.pk}/change/").content.decode()
    assert "oops" in page and "500" in page
    with mock.patch("shops.webhooks._post", return_value=(200, "ok", "")) as post:
        owner_client.post(
            "/backoffice/shops/webhookdelivery/",
            {"action": "redeliver", "_selected_action": [delivery.pk]},
            follow=True,
        )
    assert post.call_count == 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempts.count() == 2


def test_staff_cannot_see_keys(client):
    merchant = MerchantFactory()
    store = StoreFactory(merchant=merchant)
    client.force_login(member(merchant, "staff", stores=[store]))
    assert client.get("/backoffice/shops/apikey/").status_code == 403


def test_send_test_event_action(owner_client, django_capture_on_commit_callbacks):
    endpoint = MAKERS["shops.webhookendpoint"](owner_client.merchant, None)
    with (
        mock.patch("shops.webhooks._post", return_value=(204, "", "")) as post,
        django_capture_on_commit_callbacks(execute=True),
    ):
        owner_client.post(
            "/backoffice/shops/webhookendpoint/",
            {"action": "send_test", "_selected_action": [endpoint.pk]},
            follow=True,
        )
    assert post.call_count == 1
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.event.type == "webhook.test"
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
