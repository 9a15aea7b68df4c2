"""Read queries the order pages share."""

from __future__ import annotations

import uuid
from datetime import datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from orders.models import CartItem, Channel, Order
from shops.tenancy import scope_queryset


def cart_items(*, merchant, uid: uuid.UUID) -> list[CartItem]:
    return list(
        CartItem.objects.filter(merchant=merchant, shopper_uid=uid).select_related(
            "listing__variant__product"
        )
    )


def cart_count(*, merchant, uid: uuid.UUID | None) -> int:
    if uid is None:
        return 0
    return sum(CartItem.objects.filter(merchant=merchant, shopper_uid=uid).values_list("quantity", flat=True))


def todays_f2f_payments(*, merchant, membership, store_id: int | None = None, now=None) -> QuerySet:
    """Face-to-face orders paid since local midnight in the member's stores, newest first."""
    now = timezone.localtime(now)
    start = timezone.make_aware(datetime.combine(now.date(), time.min))
    qs = scope_queryset(Order.objects.all(), merchant, membership).filter(
        channel=Channel.FACE_TO_FACE, paid_at__gte=start
    )
    if store_id:
        qs = qs.filter(store_id=store_id)
    return qs.select_related("store").order_by("-paid_at")[:50]
