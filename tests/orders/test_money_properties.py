"""Property tests on money: totals, line refunds and refunds never lose or create a fen.
The oracles are written here, independently of the code under test."""

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orders import services
from orders.models import Refund
from orders.payments import sandbox
from orders.payments.notifications import handle_notification
from orders.services import line_refund_fen
from shops.money import allocate
from tests.orders.factories import paid_order


@given(
    net=st.integers(min_value=0, max_value=10**9),
    quantity=st.integers(min_value=1, max_value=99),
    data=st.data(),
)
@settings(max_examples=300, deadline=None)
def test_refunding_a_line_in_any_partition_adds_up_to_its_net(net, quantity, data):
    parts, left = [], quantity
    while left:
        take = data.draw(st.integers(min_value=1, max_value=left))
        parts.append(take)
        left -= take
    refunded, done, amounts = 0, 0, []
    for part in parts:
        amount = line_refund_fen(net_fen=net, quantity=quantity, already_refunded=done, refund_quantity=part)
        amounts.append(amount)
        refunded += amount
        done += part
        # Oracle: after k units, the refunded amount is within one fen of the exact proportional share.
        exact = Fraction(net * done, quantity)
        assert exact - 1 < refunded <= exact
    assert refunded == net
    assert all(a >= 0 for a in amounts)


@given(
    prices=st.lists(st.integers(min_value=1, max_value=10**7), min_size=1, max_size=8),
    quantities=st.lists(st.integers(min_value=1, max_value=99), min_size=8, max_size=8),
    discount_share=st.fractions(min_value=0, max_value=1),
)
@settings(max_examples=200, deadline=None)
def test_discount_allocation_over_lines_keeps_every_fen(prices, quantities, discount_share):
    totals = [p * q for p, q in zip(prices, quantities, strict=False)]
    subtotal = sum(totals)
    discount = int(subtotal * discount_share)
    shares = allocate(discount, totals)
    assert sum(shares) == discount
    assert all(0 <= share <= total for share, total in zip(shares, totals, strict=True))
    nets = [t - s for t, s in zip(totals, shares, strict=True)]
    assert sum(nets) == subtotal - discount


@pytest.mark.django_db
@given(
    prices=st.lists(st.integers(min_value=1, max_value=100_000), min_size=1, max_size=3),
    steps=st.lists(
        st.one_of(
            st.tuples(st.just("amount"), st.integers(min_value=1, max_value=300_000)),
            st.tuples(st.just("line"), st.integers(min_value=0, max_value=2)),
        ),
        max_size=6,
    ),
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_sequence_of_refunds_through_the_service_keeps_every_fen(prices, steps):
    """Oracle: a refund is granted exactly when it fits in what is left (by lines: the units'
    floor-proportional share); whatever happens, granted refunds add up to the order's refunded
    amount and never pass the total."""
    order = paid_order(prices=prices, quantities=[2] * len(prices))
    lines = list(order.lines.order_by("pk"))
    left, units = order.total_fen, {line.pk: 0 for line in lines}
    granted = 0
    for kind, value in steps:
        if kind == "amount":
            amount = value
            request = {"amount_fen": value}
        else:
            line = lines[value % len(lines)]
            if units[line.pk] >= line.quantity:
                continue
            amount = (
                line.net_fen * (units[line.pk] + 1) // line.quantity
                - line.net_fen * units[line.pk] // line.quantity
            )
            request = {"lines": {line.pk: 1}}
        fits = 0 < amount <= left
        try:
            refund = services.request_refund(order=order, **request)
        except services.RefundNotAllowed:
            assert not fits
            continue
        assert fits and refund.amount_fen == amount
        left -= amount
        granted += amount
        if kind == "line":
            units[line.pk] += 1
        message = sandbox.build_refund_notification(
            Refund.objects.select_related("payment").get(pk=refund.pk)
        )
        handle_notification(
            gateway_name="sandbox", merchant=order.merchant, headers=message.headers, body=message.body
        )
    order.refresh_from_db()
    assert order.refunded_fen == granted == order.total_fen - left
    assert order.refunded_fen <= order.total_fen
    expected = "paid" if granted == 0 else ("refunded" if left == 0 else "partially_refunded")
    assert order.status == expected
