"""Attribution demo: policies for both brands, and the issue's journey — a shopper scans 小陈's
staff code, buys online twice, one order is refunded — shows in last month's final statements
of the store and of 小陈 (accruals and clawback, traceable to orders and the binding event);
seeding (and closing) twice changes nothing."""

import uuid

import pytest
from django.utils import timezone

from attribution.models import AttributionPolicy, RebateLedgerLine, RebatePolicy, RebateStatement
from attribution.settlement import close_period, previous_period
from shops import demo
from shops.models import Customer

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        sorted(RebateStatement.objects.values_list("pk", "status", "total_fen")),
        RebateLedgerLine.objects.count(),
        AttributionPolicy.objects.count(),
        RebatePolicy.objects.count(),
    )


def test_demo_journey_shows_in_last_months_statements_and_is_idempotent(monkeypatch):
    monkeypatch.setattr(demo, "DEMO_APPS", ["orders", "attribution"])
    demo.seed()
    first = _snapshot()
    customer = Customer.objects.get(shopper_uid=uuid.uuid5(uuid.NAMESPACE_URL, "midpage-demo-journey/chayu"))
    lines = RebateLedgerLine.objects.filter(order__customer=customer)
    assert sorted(lines.values_list("kind", "beneficiary")) == sorted(
        [("accrual", "store"), ("accrual", "staff")] * 2 + [("clawback", "store"), ("clawback", "staff")]
    )
    binding_event = customer.binding_events.get(kind="created")
    assert {line.attribution.binding_event_id for line in lines} == {binding_event.pk}
    month = previous_period(kind="monthly", at=timezone.now())
    staff_statement = RebateStatement.objects.get(
        merchant__slug="chayu", period_start=month.start, beneficiary="staff", staff=binding_event.staff
    )
    assert staff_statement.status == "final"
    assert set(staff_statement.lines().filter(order__customer=customer)) == set(
        lines.filter(beneficiary="staff")
    )
    store_statement = RebateStatement.objects.get(
        merchant__slug="chayu", period_start=month.start, beneficiary="store", store=binding_event.store
    )
    assert (
        lines.filter(beneficiary="store").count()
        == store_statement.lines().filter(order__customer=customer).count()
    )
    close_period(merchant=store_statement.merchant, period_start=month.start)
    demo.seed()
    assert _snapshot() == first
