"""Property tests on money: totals, line refunds and refunds never lose or create a fen.
The oracles are written here, independently of the code under test."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from orders.services import line_refund_fen
from shops.money import allocate


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
