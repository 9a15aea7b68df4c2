"""Helpers to make orders in each state through the real services (so tests exercise them)."""

from __future__ import annotations

from orders import services
from orders.models import Channel, Fulfilment, Order, Payment
from orders.payments import sandbox
from orders.payments.notifications import handle_notification
from tests import factories


def online_order(merchant=None, *, prices=(1000, 2500), quantities=None, key="", customer=None) -> Order:
    merchant = merchant or factories.MerchantFactory()
    customer = customer or factories.CustomerFactory(merchant=merchant)
    quantities = quantities or [1] * len(prices)
    listings = [factories.ListingFactory(merchant=merchant, price_fen=price) for price in prices]
    return services.create_order(
        merchant=merchant,
        customer=customer,
        channel=Channel.ONLINE,
        fulfilment=Fulfilment.DELIVERY,
        lines=[
            {"listing_id": listing.pk, "quantity": q} for listing, q in zip(listings, quantities, strict=True)
        ],
        contact_name="王小明",
        contact_mobile="13812345678",
        delivery_address="上海市静安区南京西路1号",
        idempotency_key=key,
    )


def pending_payment(order: Order) -> Payment:
    return services.start_payment(order=order, gateway_name="sandbox")


def notify(payment: Payment, **kwargs) -> tuple[int, dict]:
    message = sandbox.build_payment_notification(payment, **kwargs)
    return handle_notification(
        gateway_name="sandbox", merchant=payment.order.merchant, headers=message.headers, body=message.body
    )


def paid_order(merchant=None, **kwargs) -> Order:
    order = online_order(merchant, **kwargs)
    status, _answer = notify(pending_payment(order))
    assert status == 200
    order.refresh_from_db()
    return order
