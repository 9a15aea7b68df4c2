"""Payment success reaches attribution, coupons and webhooks in the same transaction."""

import pytest
from django.urls import reverse

from attribution.models import Binding
from attribution.models_rebates import OrderAttribution
from coupons.models import Coupon
from orders import services
from orders.models import Channel, Fulfilment, Order
from shops.models import EntryPoint
from shops.models_api import Event
from tests import factories
from tests.coupons.factories import CouponFactory
from tests.orders.factories import notify, online_order, paid_order, pending_payment

pytestmark = pytest.mark.django_db


def test_paid_online_order_is_attributed_and_announced():
    order = paid_order()
    assert OrderAttribution.objects.get(order=order).basis == "unbound"
    event = Event.objects.get(type="order.paid")
    assert event.data["order"] == order.number and event.data["total_fen"] == order.total_fen


def test_face_to_face_payment_binds_the_shopper_to_the_store(client, django_capture_on_commit_callbacks):
    pay_code = factories.EntryPointFactory(kind=EntryPoint.Kind.PAY)
    url = reverse("f2f-pay", args=[pay_code.token])
    key = client.get(url).context["form"]["idempotency_key"].value()
    cashier = client.post(url, {"amount": "20", "idempotency_key": key})["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(cashier)
    order = Order.objects.get()
    assert order.status == "paid"
    binding = Binding.objects.get(customer=order.customer)
    assert binding.store_id == pay_code.store_id
    assert OrderAttribution.objects.get(order=order).basis == "own_sale"


def _order_with_coupon(merchant, coupon, key="c1", customer=None):
    listing = factories.ListingFactory(merchant=merchant, price_fen=3000)
    return services.create_order(
        merchant=merchant,
        customer=customer or coupon.customer,
        channel=Channel.ONLINE,
        fulfilment=Fulfilment.DELIVERY,
        lines=[
            {"listing_id": listing.pk, "quantity": 2},
            {"listing_id": factories.ListingFactory(merchant=merchant, price_fen=1001).pk, "quantity": 1},
        ],
        contact_name="赵",
        contact_mobile="15012345678",
        delivery_address="广州",
        idempotency_key=key,
        coupons=[coupon.pk],
    )


def test_a_coupon_at_checkout_discounts_the_order_and_is_redeemed_on_payment():
    merchant = factories.MerchantFactory()
    customer = factories.CustomerFactory(merchant=merchant)
    coupon = CouponFactory(definition__merchant=merchant, customer=customer)
    # the coupon: ¥10 off ¥50
    order = _order_with_coupon(merchant, coupon)
    assert (order.subtotal_fen, order.discount_fen, order.total_fen) == (7001, 1000, 6001)
    assert sum(order.lines.values_list("discount_fen", flat=True)) == 1000
    coupon.refresh_from_db()
    assert coupon.status == Coupon.Status.HELD
    assert notify(pending_payment(order))[0] == 200
    coupon.refresh_from_db()
    assert coupon.status == Coupon.Status.REDEEMED


def test_cancelling_releases_the_coupon():
    merchant = factories.MerchantFactory()
    customer = factories.CustomerFactory(merchant=merchant)
    coupon = CouponFactory(definition__merchant=merchant, customer=customer)
    order = _order_with_coupon(merchant, coupon)
    services.cancel_order(order=order)
    coupon.refresh_from_db()
    assert coupon.status == Coupon.Status.AVAILABLE


def test_an_unusable_coupon_refuses_the_order_and_creates_nothing():
    merchant = factories.MerchantFactory()
    customer = factories.CustomerFactory(merchant=merchant)
    coupon = CouponFactory(
        definition__merchant=merchant, customer=factories.CustomerFactory(merchant=merchant)
    )
    with pytest.raises(services.OrderError):
        _order_with_coupon(merchant, coupon, customer=customer)
    assert not Order.objects.exists()
    assert customer  # someone else's coupon


def test_line_refunds_of_a_discounted_order_add_up_to_what_was_paid(django_capture_on_commit_callbacks):
    merchant = factories.MerchantFactory()
    customer = factories.CustomerFactory(merchant=merchant)
    order = _order_with_coupon(merchant, CouponFactory(definition__merchant=merchant, customer=customer))
    notify(pending_payment(order))
    lines = list(order.lines.order_by("pk"))
    with django_capture_on_commit_callbacks(execute=True):
        services.request_refund(order=order, lines={lines[0].pk: 1})
    with django_capture_on_commit_callbacks(execute=True):
        services.request_refund(order=order, lines={lines[0].pk: 1, lines[1].pk: 1})
    order.refresh_from_db()
    assert order.refunded_fen == order.total_fen == 6001 and order.status == "refunded"


def test_unpaid_order_without_coupons_still_works():
    assert online_order().discount_fen == 0
