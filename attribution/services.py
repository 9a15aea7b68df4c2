"""Attribution services: recording touches (scans, payments, redemptions) and, later, bindings."""

from __future__ import annotations

import uuid

from django.db import transaction

from attribution.models import ScanEvent
from shops.models import EntryPoint
from shops.shoppers import customer_for


@transaction.atomic
def record_scan(*, entry_point: EntryPoint, shopper_uid: uuid.UUID, user_agent: str = "") -> ScanEvent:
    """Record one scan of a valid entry point by the shopper, creating the merchant's customer on
    first touch. The caller has already checked that the code and its merchant are live."""
    customer = customer_for(merchant=entry_point.merchant, uid=shopper_uid)
    return ScanEvent.objects.create(
        merchant=entry_point.merchant,
        entry_point=entry_point,
        store=entry_point.store,
        staff=entry_point.staff,
        customer=customer,
        user_agent=user_agent[:255],
    )
