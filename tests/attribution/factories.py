"""Factories and small helpers for attribution and rebate tests."""

from __future__ import annotations

from tests import factories


def staff_member(merchant, store, **kwargs):
    """An active staff membership working in `store`."""
    return factories.MembershipFactory(merchant=merchant, role="staff", stores=[store], **kwargs)


def paid_order(
    merchant,
    customer,
    *,
    lines,
    paid_at,
    discount_fen=0,
    shipping_fen=0,
    channel="online",
    store=None,
    attribute=True,
):
    """An order paid at `paid_at` with `lines` = [(listing or None, unit_price_fen, quantity)], the
    discount allocated over the lines by largest remainder (as checkout does), and its attribution."""
    from attribution.services import attribute_order
    from orders.models import Order, OrderLine, Payment
    from shops.money import allocate

    totals = [price * qty for _listing, price, qty in lines]
    subtotal = sum(totals)
    shares = allocate(discount_fen, totals)
    order = Order.objects.create(
        merchant=merchant,
        customer=customer,
        store=store,
        channel=channel,
        status="paid",
        subtotal_fen=subtotal,
        discount_fen=discount_fen,
        shipping_fen=shipping_fen,
        total_fen=subtotal - discount_fen + shipping_fen,
        created_at=paid_at,
        paid_at=paid_at,
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            listing=listing,
            sku=f"SKU{i}",
            title=f"Item {i}",
            unit_price_fen=price,
            quantity=qty,
            line_total_fen=price * qty,
            discount_fen=share,
        )
        for i, ((listing, price, qty), share) in enumerate(zip(lines, shares, strict=True))
    )
    Payment.objects.create(
        order=order,
        gateway="sandbox",
        transaction_id=f"T{order.pk}",
        amount_fen=max(order.total_fen, 1),
        status="succeeded",
        succeeded_at=paid_at,
    )
    if attribute:
        attribute_order(order=order)
    return order


def refund(order, amount_fen, at):
    """A refund of `amount_fen` that succeeded at `at` (the order's refunded total goes up)."""
    from orders.models import Order, Refund

    Order.objects.filter(pk=order.pk).update(
        refund_requested_fen=order.refund_requested_fen + amount_fen,
        refunded_fen=order.refunded_fen + amount_fen,
    )
    order.refresh_from_db()
    return Refund.objects.create(
        order=order,
        payment=order.payments.first(),
        amount_fen=amount_fen,
        status="succeeded",
        created_at=at,
        succeeded_at=at,
    )
