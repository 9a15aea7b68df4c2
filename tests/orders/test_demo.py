import pytest
from django.db.models import Max, Min

from orders.models import Order, OrderTransition

pytestmark = pytest.mark.django_db


def test_demo_orders_are_spread_over_months_and_seeding_twice_changes_nothing():
    from shops.demo import seed

    seed()
    counts = (Order.objects.count(), OrderTransition.objects.count())
    seed()
    assert (Order.objects.count(), OrderTransition.objects.count()) == counts
    statuses = set(Order.objects.values_list("status", flat=True))
    assert {"paid", "fulfilled", "completed", "awaiting_payment"} <= statuses
    assert statuses & {"refunded", "partially_refunded"}
    assert Order.objects.filter(channel="face_to_face", status="paid").exists()
    span = Order.objects.aggregate(first=Min("paid_at"), last=Max("paid_at"))
    assert (span["last"] - span["first"]).days > 45
    for order in Order.objects.exclude(paid_at=None)[:20]:
        assert order.created_at <= order.paid_at
