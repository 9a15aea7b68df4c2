from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from orders import services
from orders.models import Channel, Fulfilment, Order, OrderStatus, OrderTransition
from orders.state import IllegalTransition, transition
from orders.tasks import cancel_unpaid
from tests import factories
from tests.orders.factories import online_order, paid_order

pytestmark = pytest.mark.django_db


def _create(merchant, listing, *, key="k1", quantity=1, seen=None, mobile="13812345678", **extra):
    line = {"listing_id": listing.pk, "quantity": quantity}
    if seen is not None:
        line["seen_price_fen"] = seen
    return services.create_order(
        merchant=merchant,
        customer=extra.pop("customer", None),
        channel=Channel.ONLINE,
        fulfilment=extra.pop("fulfilment", Fulfilment.DELIVERY),
        lines=[line],
        contact_name="李雷",
        contact_mobile=mobile,
        delivery_address="北京市朝阳区1号",
        idempotency_key=key,
        **extra,
    )


def test_order_is_priced_from_the_listing_and_adds_up():
    order = online_order(prices=(1999, 500), quantities=[2, 3])
    assert order.subtotal_fen == 1999 * 2 + 500 * 3
    assert order.total_fen == order.subtotal_fen
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert [(line.unit_price_fen, line.quantity) for line in order.lines.order_by("pk")] == [
        (1999, 2),
        (500, 3),
    ]
    assert OrderTransition.objects.get(order=order).to_status == "awaiting_payment"


def test_same_key_same_request_returns_the_same_order():
    merchant = factories.MerchantFactory()
    listing = factories.ListingFactory(merchant=merchant, price_fen=1000)
    first = _create(merchant, listing)
    again = _create(merchant, listing)
    assert first.pk == again.pk
    assert Order.objects.count() == 1


def test_same_key_different_request_is_refused():
    merchant = factories.MerchantFactory()
    listing = factories.ListingFactory(merchant=merchant, price_fen=1000)
    _create(merchant, listing)
    with pytest.raises(services.IdempotencyConflict):
        _create(merchant, listing, quantity=2)
    assert Order.objects.count() == 1


def test_same_key_at_another_merchant_is_another_order():
    a, b = factories.MerchantFactory(), factories.MerchantFactory()
    _create(a, factories.ListingFactory(merchant=a))
    _create(b, factories.ListingFactory(merchant=b))
    assert Order.objects.count() == 2


def test_price_changed_since_the_cart_is_reported_not_repriced():
    merchant = factories.MerchantFactory()
    listing = factories.ListingFactory(merchant=merchant, price_fen=1200)
    with pytest.raises(services.CheckoutProblems) as problems:
        _create(merchant, listing, seen=1000)
    (problem,) = problems.value.problems
    assert (problem.kind, problem.seen_price_fen, problem.price_fen) == ("price_changed", 1000, 1200)
    assert not Order.objects.exists()


@pytest.mark.parametrize("change", ["unavailable", "inactive", "store_listing", "other_merchant"])
def test_unavailable_listing_is_reported(change):
    merchant = factories.MerchantFactory()
    listing = factories.ListingFactory(merchant=merchant, price_fen=1000)
    if change == "unavailable":
        listing.is_available = False
        listing.save()
    elif change == "inactive":
        listing.variant.product.is_active = False
        listing.variant.product.save()
    elif change == "store_listing":
        listing = factories.ListingFactory(merchant=merchant, store=factories.StoreFactory(merchant=merchant))
    else:
        listing = factories.ListingFactory()
    with pytest.raises(services.CheckoutProblems) as problems:
        _create(merchant, listing, seen=listing.price_fen)
    assert problems.value.problems[0].kind == "unavailable"
    assert not Order.objects.exists()


@pytest.mark.parametrize("mobile", ["12812345678", "1381234567", "138123456789", "abc", ""])
def test_mobile_must_be_a_mainland_number(mobile):
    merchant = factories.MerchantFactory()
    with pytest.raises(services.OrderError):
        _create(merchant, factories.ListingFactory(merchant=merchant), mobile=mobile)


def test_pickup_needs_a_store_of_the_brand():
    merchant = factories.MerchantFactory()
    listing = factories.ListingFactory(merchant=merchant)
    with pytest.raises(services.OrderError):
        _create(merchant, listing, fulfilment=Fulfilment.PICKUP)
    with pytest.raises(services.OrderError):
        _create(merchant, listing, fulfilment=Fulfilment.PICKUP, store=factories.StoreFactory())
    store = factories.StoreFactory(merchant=merchant)
    order = _create(merchant, listing, key="k2", fulfilment=Fulfilment.PICKUP, store=store)
    assert order.store == store and order.fulfilment == "pickup"


def test_totals_are_a_database_invariant():
    order = online_order()
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(total_fen=order.total_fen + 1)


def test_illegal_transition_raises_a_clear_error_and_changes_nothing():
    order = online_order()
    with translation.override("en"), pytest.raises(IllegalTransition, match="cannot go from"):
        transition(order, OrderStatus.FULFILLED)
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    with pytest.raises(IllegalTransition):
        services.fulfil_order(order=order)


def test_the_happy_path_is_recorded_with_who_and_when():
    user = factories.UserFactory()
    order = paid_order()
    services.fulfil_order(order=order, actor=user)
    services.complete_order(order=order, actor=user)
    steps = list(
        OrderTransition.objects.filter(order=order).values_list("from_status", "to_status", "actor_id")
    )
    assert steps == [
        ("", "awaiting_payment", None),
        ("awaiting_payment", "paid", None),
        ("paid", "fulfilled", user.pk),
        ("fulfilled", "completed", user.pk),
    ]
    order.refresh_from_db()
    assert order.fulfilled_at is not None


def test_unpaid_orders_are_cancelled_after_30_minutes_and_the_task_is_safe_twice():
    old = online_order()
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    fresh = online_order()
    paid = paid_order()
    Order.objects.filter(pk=paid.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert cancel_unpaid.delay().get() == 1
    assert cancel_unpaid.delay().get() == 0
    old.refresh_from_db()
    fresh.refresh_from_db()
    paid.refresh_from_db()
    assert (old.status, fresh.status, paid.status) == ("cancelled", "awaiting_payment", "paid")
    assert OrderTransition.objects.filter(order=old, to_status="cancelled").count() == 1


def test_cancel_unpaid_is_in_the_schedules():
    from config.schedules import SCHEDULES

    assert any(s.task == "orders.cancel_unpaid" for s in SCHEDULES)
