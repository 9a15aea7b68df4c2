"""emit() records the event and queues deliveries only once the caller's transaction commits."""

from unittest import mock

import pytest
from django.db import transaction

from shops.events import emit
from shops.models_api import Event, WebhookDelivery
from tests.api.factories import WebhookEndpointFactory
from tests.factories import MerchantFactory

pytestmark = pytest.mark.django_db


def test_emit_queues_subscribed_endpoints_only_after_commit(django_capture_on_commit_callbacks):
    merchant = MerchantFactory()
    subscribed = WebhookEndpointFactory(merchant=merchant, events=["order.paid"])
    WebhookEndpointFactory(merchant=merchant, events=["coupon.claimed"])
    WebhookEndpointFactory(merchant=merchant, events=["order.paid"], is_active=False)
    WebhookEndpointFactory(events=["order.paid"])  # another merchant's
    with mock.patch("shops.webhooks._post", return_value=(200, "ok", "")) as post:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            event = emit(merchant=merchant, type="order.paid", data={"order": 1})
        assert post.call_count == 0  # nothing leaves before commit
        for callback in callbacks:
            callback()
    assert post.call_count == 1
    assert post.call_args.args[0] == subscribed.url
    delivery = WebhookDelivery.objects.get(event=event)
    assert delivery.endpoint == subscribed
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED


@pytest.mark.django_db(transaction=True)
def test_rolled_back_change_emits_nothing():
    merchant = MerchantFactory()
    WebhookEndpointFactory(merchant=merchant, events=["order.paid"])
    with (
        mock.patch("shops.webhooks._post", return_value=(200, "ok", "")) as post,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        emit(merchant=merchant, type="order.paid", data={"order": 1})
        raise RuntimeError("payment failed")
    assert post.call_count == 0
    assert not Event.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_delivery_happens_after_commit():
    merchant = MerchantFactory()
    WebhookEndpointFactory(merchant=merchant, events=["order.paid"])
    with mock.patch("shops.webhooks._post", return_value=(200, "ok", "")) as post:
        with transaction.atomic():
            emit(merchant=merchant, type="order.paid", data={"order": 1})
            assert post.call_count == 0
        assert post.call_count == 1


def test_unknown_type_is_an_error():
    with pytest.raises(ValueError):
        emit(merchant=MerchantFactory(), type="order.teleported", data={})
