"""Demo attribution and rebates (`python manage.py seed_demo`, idempotent).

- Policies for both demo brands: 茶语 Chayu keeps customers by first touch for 30 days and pays
  stores 3% and staff 1% (tea 5% / 2%); 北岭 Beiling moves customers by last touch, protects
  them for 60 days, pays 5% / 1.5% with a ¥50 minimum payout (smaller amounts carry over).
- The issue's journey, through the real services with the clock set back: early last month a
  shopper scans 小陈's staff code at Chayu's Jing'an store, buys online twice and has the second
  order refunded. After every app has seeded, `shops.demo_activity.finish` accrues and closes
  the ended months, so last month's final statements of the store and of 小陈 show both
  accruals and the clawback, each traceable to its order and binding event.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from attribution.models import AttributionPolicy, BindingEvent, RebateCategoryRate, RebatePolicy
from shops.models import Category, ChannelListing, EntryPoint, Merchant

logger = logging.getLogger(__name__)

POLICIES = {
    "chayu": {
        "attribution": {"model": "first_touch", "protection_days": 30, "on_expiry": "release"},
        "rebate": {"store_rate_bp": 300, "staff_rate_bp": 100, "clawback_days": 30, "minimum_payout_fen": 0},
        "category_rates": (500, 200),
    },
    "beiling": {
        "attribution": {"model": "last_touch", "protection_days": 60, "on_expiry": "keep"},
        "rebate": {
            "store_rate_bp": 500,
            "staff_rate_bp": 150,
            "clawback_days": 15,
            "minimum_payout_fen": 5000,
        },
        "category_rates": None,
    },
}
JOURNEY_STAFF = "staff@chayu.demo"


def seed(merchants: dict[str, Merchant]) -> None:
    for slug, merchant in merchants.items():
        config = POLICIES.get(slug)
        if config is None:
            continue
        AttributionPolicy.objects.get_or_create(merchant=merchant, defaults=config["attribution"])
        policy, created = RebatePolicy.objects.get_or_create(merchant=merchant, defaults=config["rebate"])
        category = Category.objects.filter(merchant=merchant).order_by("position", "name").first()
        if created and category is not None and config["category_rates"]:
            store_bp, staff_bp = config["category_rates"]
            RebateCategoryRate.objects.get_or_create(
                policy=policy,
                category=category,
                defaults={"store_rate_bp": store_bp, "staff_rate_bp": staff_bp},
            )
    if "chayu" in merchants:
        try:
            _journey(merchants["chayu"])
        except Exception:  # the demo must not stop `make run`; tests cover the services
            logger.exception("demo: the attribution journey failed")


def _journey(merchant: Merchant) -> None:
    from attribution.services import record_scan
    from attribution.settlement import previous_period
    from orders import services
    from orders.demo import _backdate, _pay, _refund
    from orders.models import Channel, Fulfilment, Order
    from shops.demo_activity import _at

    code = EntryPoint.objects.filter(
        merchant=merchant, kind=EntryPoint.Kind.STAFF, is_active=True, staff__user__email=JOURNEY_STAFF
    ).first()
    listings = list(
        ChannelListing.objects.filter(merchant=merchant, store__isnull=True, is_available=True).order_by(
            "pk"
        )[:2]
    )
    if code is None or len(listings) < 2:
        return
    uid = uuid.uuid5(uuid.NAMESPACE_URL, "midpage-demo-journey/chayu")
    if BindingEvent.objects.filter(
        merchant=merchant, reference__startswith="scan:", customer__shopper_uid=uid
    ).exists():
        return
    month = previous_period(kind="monthly", at=timezone.now())
    start = month.start + timedelta(days=1, hours=10)
    with transaction.atomic():
        with _at(start):
            customer = record_scan(
                entry_point=code, shopper_uid=uid, user_agent="midpage-demo-journey"
            ).customer
        customer.name = customer.name or "演示顾客 Demo shopper"
        customer.save(update_fields=["name"])
        orders = []
        for n, (listing, days) in enumerate(zip(listings, (4, 10), strict=True)):
            at = start + timedelta(days=days)
            with _at(at - timedelta(minutes=5)):
                order = services.create_order(
                    merchant=merchant,
                    customer=customer,
                    channel=Channel.ONLINE,
                    fulfilment=Fulfilment.DELIVERY,
                    lines=[{"listing_id": listing.pk, "quantity": 2}],
                    contact_name="演示顾客",
                    contact_mobile="13900001234",
                    delivery_address="上海市南京西路1788号",
                    idempotency_key=f"demo-journey-{n}",
                )
            _backdate(order, at - timedelta(minutes=5))
            _pay(order, at)
            orders.append(Order.objects.get(pk=order.pk))
        _refund(orders[1], start + timedelta(days=12))
