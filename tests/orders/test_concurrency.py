"""Reliability under concurrency, on PostgreSQL with threads."""

import threading

import pytest
from django.db import connection

from orders import services
from orders.models import Channel, Fulfilment, Order, OrderTransition, Payment, PaymentNotification, Refund
from orders.payments import sandbox
from orders.payments.notifications import handle_notification
from tests import factories
from tests.orders.factories import online_order, pending_payment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
N = 20


def _race(fn, n=N):
    """Run fn(i) in n threads started together; return results (or exceptions)."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as error:  # noqa: BLE001 - collected for the assertions
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_same_notification_delivered_by_20_concurrent_requests_pays_once():
    order = online_order(prices=(4200,))
    payment = pending_payment(order)
    message = sandbox.build_payment_notification(payment, transaction_id="4200CONCURRENT")
    results = _race(
        lambda i: handle_notification(
            gateway_name="sandbox", merchant=order.merchant, headers=message.headers, body=message.body
        )[0]
    )
    assert results == [200] * N
    assert Payment.objects.filter(status="succeeded").count() == 1
    assert OrderTransition.objects.filter(order=order, to_status="paid").count() == 1
    assert PaymentNotification.objects.filter(result="applied").count() == 1
    assert PaymentNotification.objects.filter(result="duplicate").count() == N - 1


def test_20_concurrent_creations_with_the_same_key_make_one_order():
    merchant = factories.MerchantFactory()
    customer = factories.CustomerFactory(merchant=merchant)
    listing = factories.ListingFactory(merchant=merchant, price_fen=990)

    def create(i):
        return services.create_order(
            merchant=merchant,
            customer=customer,
            channel=Channel.ONLINE,
            fulfilment=Fulfilment.DELIVERY,
            lines=[{"listing_id": listing.pk, "quantity": 2}],
            contact_name="张三",
            contact_mobile="13700000000",
            delivery_address="深圳市南山区1号",
            idempotency_key="same-key",
        ).pk

    results = _race(create)
    assert Order.objects.count() == 1
    assert results == [Order.objects.get().pk] * N


def test_20_concurrent_refunds_never_exceed_what_was_paid():
    order = online_order(prices=(10000,))
    payment = pending_payment(order)
    message = sandbox.build_payment_notification(payment)
    assert (
        handle_notification(
            gateway_name="sandbox", merchant=order.merchant, headers=message.headers, body=message.body
        )[0]
        == 200
    )

    def refund(i):
        made = services.request_refund(order=order, amount_fen=700)
        return made.amount_fen

    results = _race(refund)
    granted = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, services.RefundNotAllowed)]
    assert len(granted) + len(refused) == N, results
    assert sum(granted) == 700 * 14  # 14 × ¥7 fit in ¥100, the 15th would not
    order.refresh_from_db()
    assert order.refund_requested_fen == sum(
        Refund.objects.filter(order=order).values_list("amount_fen", flat=True)
    )
    assert order.refund_requested_fen <= order.total_fen
    # The sandbox confirms each (eager Celery after commit): refunded never exceeds paid.
    assert order.refunded_fen <= order.total_fen
