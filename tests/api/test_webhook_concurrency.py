"""Two workers picking up the same delivery at once send it once (row lock, skip locked)."""

import threading
import time
from unittest import mock

import pytest
from django.db import connection

from shops.models_api import Event, WebhookDelivery
from shops.webhooks import attempt_delivery
from tests.api.factories import WebhookEndpointFactory
from tests.factories import MerchantFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_attempts_send_once():
    merchant = MerchantFactory()
    endpoint = WebhookEndpointFactory(merchant=merchant)
    event = Event.objects.create(merchant=merchant, type="order.paid", data={})
    delivery = WebhookDelivery.objects.create(merchant=merchant, endpoint=endpoint, event=event)
    calls = []

    def slow_post(url, body, headers):
        calls.append(url)
        time.sleep(0.3)  # hold the row lock while the other worker arrives
        return 200, "ok", ""

    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            attempt_delivery(delivery_id=delivery.pk)
        finally:
            connection.close()

    with mock.patch("shops.webhooks._post", side_effect=slow_post):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(calls) == 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempts.count() == 1
