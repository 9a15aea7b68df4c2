"""The order state machine: the only place an order's status changes.

awaiting_payment → paid → fulfilled → completed
awaiting_payment → cancelled
paid / fulfilled / completed → partially_refunded / refunded
partially_refunded → partially_refunded (another partial refund) / refunded
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Order, OrderStatus, OrderTransition

S = OrderStatus
ALLOWED: dict[str, frozenset[str]] = {
    S.AWAITING_PAYMENT: frozenset({S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.FULFILLED, S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.FULFILLED: frozenset({S.COMPLETED, S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.COMPLETED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}
# When an order enters a status, this timestamp is set (if the model has it).
STAMPS = {S.PAID: "paid_at", S.FULFILLED: "fulfilled_at", S.CANCELLED: "cancelled_at"}


class IllegalTransition(Exception):
    """The order cannot go from its current status to the one asked for."""

    def __init__(self, order: Order, to_status: str):
        self.order, self.from_status, self.to_status = order, order.status, to_status
        super().__init__(
            _("Order %(number)s cannot go from “%(from)s” to “%(to)s”.")
            % {
                "number": order.number,
                "from": S(order.status).label,
                "to": S(to_status).label if to_status in S.values else to_status,
            }
        )


def can_transition(order: Order, to_status: str) -> bool:
    return to_status in ALLOWED.get(order.status, frozenset())


def transition(
    order: Order, to_status: str, *, actor=None, actor_label: str = "", note: str = "", at=None
) -> OrderTransition:
    """Move `order` to `to_status` and record who did it, when, from what. The caller holds the
    order row locked (select_for_update) inside its transaction; raises IllegalTransition."""
    if not can_transition(order, to_status):
        raise IllegalTransition(order, to_status)
    at = at or timezone.now()
    from_status = order.status
    order.status = to_status
    fields = ["status"]
    stamp = STAMPS.get(to_status)
    if stamp and getattr(order, stamp) is None:
        setattr(order, stamp, at)
        fields.append(stamp)
    with transaction.atomic():
        order.save(update_fields=fields)
        if not actor_label:
            actor_label = (getattr(actor, "email", "") or str(actor)) if actor else _("system")
        return OrderTransition.objects.create(
            order=order,
            from_status=from_status,
            to_status=to_status,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=actor_label[:60],
            at=at,
            note=note[:255],
        )


def record_creation(order: Order, *, actor=None, actor_label: str = "") -> OrderTransition:
    """The first line of the timeline: the order was placed."""
    return OrderTransition.objects.create(
        order=order,
        from_status="",
        to_status=order.status,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(actor_label or _("shopper"))[:60],
        at=order.created_at,
        note=_("Order placed"),
    )
