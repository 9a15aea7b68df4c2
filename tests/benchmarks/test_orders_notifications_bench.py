"""Payment notifications per second through the full path (signature check, AES-GCM decryption,
row locks, payment + transition + notification rows, attribution and event) against a baseline
measured in the same run: a bare transaction that locks and updates the order row.

Prints both rates and their ratio. Run with `make bench`."""

import os
import time

import pytest
from django.db import transaction

from orders.models import Order
from orders.payments import sandbox
from orders.payments.notifications import handle_notification
from tests.orders.factories import online_order, pending_payment

N = int(os.environ.get("BENCH_NOTIFICATIONS", "150"))


@pytest.mark.django_db(transaction=True)
def test_notification_throughput_against_a_bare_locked_update():
    payments = [pending_payment(online_order(prices=(1000 + i,))) for i in range(N)]
    merchant_ids = {p.order.merchant_id for p in payments}
    assert len(merchant_ids) == N
    messages = [sandbox.build_payment_notification(p) for p in payments]

    started = time.perf_counter()
    for payment in payments:
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=payment.order_id)
            Order.objects.filter(pk=order.pk).update(notes="x")
    baseline = N / (time.perf_counter() - started)

    started = time.perf_counter()
    for payment, message in zip(payments, messages, strict=True):
        status, _ = handle_notification(
            gateway_name="sandbox",
            merchant=payment.order.merchant,
            headers=message.headers,
            body=message.body,
        )
        assert status == 200
    full = N / (time.perf_counter() - started)

    started = time.perf_counter()
    for payment, message in zip(payments, messages, strict=True):
        handle_notification(
            gateway_name="sandbox",
            merchant=payment.order.merchant,
            headers=message.headers,
            body=message.body,
        )
    duplicates = N / (time.perf_counter() - started)

    print(
        f"\nnotifications: bare locked update {baseline:.0f}/s; full payment notification {full:.0f}/s "
        f"(ratio {full / baseline:.2f}); duplicate notification {duplicates:.0f}/s (ratio {duplicates / baseline:.2f})"
    )
    assert Order.objects.filter(status="paid").count() == N
    assert full > 0.02 * baseline  # a regression guard, far from the measured ratio
