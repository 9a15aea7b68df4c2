"""Order attribution: the binding in force at payment is copied onto the order and never changes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from attribution.models import AttributionPolicy, OrderAttribution
from attribution.services import attribute_order, touch
from tests import factories
from tests.attribution.factories import paid_order, staff_member

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 9, 3, 10, 0, tzinfo=SH)


@pytest.fixture
def world():
    merchant = factories.MerchantFactory()
    a, b = factories.StoreFactory(merchant=merchant), factories.StoreFactory(merchant=merchant)
    alice = staff_member(merchant, a)
    customer = factories.CustomerFactory(merchant=merchant)
    event = touch(merchant=merchant, customer=customer, store=a, staff=alice, source="scan", occurred_at=T0)
    return {"merchant": merchant, "a": a, "b": b, "alice": alice, "customer": customer, "event": event}


def test_online_order_of_a_bound_customer_copies_the_binding(world):
    order = paid_order(
        world["merchant"], world["customer"], lines=[(None, 1000, 1)], paid_at=T0 + timedelta(days=1)
    )
    attribution = order.attribution
    assert attribution.basis == "binding" and attribution.earns_rebate
    assert (attribution.store, attribution.staff) == (world["a"], world["alice"])
    assert attribution.binding_event == world["event"]
    assert attribution.rule == "first_touch/30d/release"


def test_attribution_never_changes_after_the_binding_moves(world):
    AttributionPolicy.objects.update_or_create(merchant=world["merchant"], defaults={"model": "last_touch"})
    order = paid_order(
        world["merchant"], world["customer"], lines=[(None, 1000, 1)], paid_at=T0 + timedelta(days=1)
    )
    touch(
        merchant=world["merchant"],
        customer=world["customer"],
        store=world["b"],
        source="payment",
        occurred_at=T0 + timedelta(days=2),
    )
    assert attribute_order(order=order).store == world["a"]  # a second call returns the first row
    assert OrderAttribution.objects.filter(order=order).count() == 1
    row = OrderAttribution.objects.get(order=order)
    row.store = world["b"]
    with pytest.raises(ValidationError):
        row.save()
    later = paid_order(
        world["merchant"], world["customer"], lines=[(None, 1000, 1)], paid_at=T0 + timedelta(days=3)
    )
    assert later.attribution.store == world["b"] and later.attribution.staff is None
    assert later.attribution.binding_event.kind == "moved"


def test_in_store_and_face_to_face_orders_are_the_stores_own_sales(world):
    for channel in ("in_store", "face_to_face"):
        order = paid_order(
            world["merchant"],
            world["customer"],
            lines=[(None, 1000, 1)],
            paid_at=T0 + timedelta(days=1),
            channel=channel,
            store=world["b"],
        )
        assert order.attribution.basis == "own_sale"
        assert order.attribution.store == world["b"] and not order.attribution.earns_rebate


def test_online_order_after_the_protection_ended_is_unbound(world):
    order = paid_order(
        world["merchant"], world["customer"], lines=[(None, 1000, 1)], paid_at=T0 + timedelta(days=31)
    )
    assert order.attribution.basis == "unbound" and not order.attribution.earns_rebate


def test_a_staff_member_who_left_is_not_credited(world):
    world["alice"].is_active = False
    world["alice"].save()
    order = paid_order(
        world["merchant"], world["customer"], lines=[(None, 1000, 1)], paid_at=T0 + timedelta(days=1)
    )
    assert (order.attribution.store, order.attribution.staff) == (world["a"], None)
