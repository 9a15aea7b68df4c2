"""Demo coupons: per demo brand, a published campaign with an in-store and an online coupon,
claims by demo shoppers over the last months, redemptions at the counters and at paid online
checkouts, and a batch of store codes. Plus the sharing-policy demo campaigns (blocked, in
review, published).

Everything goes through coupons.services (and orders.services for the checkouts). Idempotent:
campaigns and definitions are found by name; claims, redemptions and orders are made only the
first time a definition is seeded; the store code batch only if the store has none.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from django.utils import timezone

from coupons import services
from coupons.models import Campaign, Coupon, CouponDefinition, Redemption, StoreCodeBatch
from shops.models import ChannelListing, Merchant
from shops.shoppers import customer_for

SHOPPERS = 36
DAYS = 90

CAMPAIGN = {
    "title": "春日到店礼 Spring visit",
    "description": "春季新品上市：到店立减，线上下单也有折扣。",
    "share_text": "春季新品上市，到店立减10元。",
    "landing_text": "领取后到任意门店出示券码即可使用；线上券下单时选择即可。",
}


def _shopper(merchant: Merchant, n: int):
    uid = uuid.uuid5(uuid.NAMESPACE_URL, f"midpage-demo-coupons/{merchant.slug}/{n}")
    return customer_for(merchant=merchant, uid=uid)


def _owner(merchant: Merchant):
    owner = merchant.memberships.filter(role="owner").select_related("user").first()
    return owner.user if owner else None


def _definitions(merchant: Merchant, campaign: Campaign) -> tuple[CouponDefinition, CouponDefinition, bool]:
    in_store, created_a = CouponDefinition.objects.get_or_create(
        merchant=merchant,
        campaign=campaign,
        name="到店满50减10",
        defaults={
            "kind": CouponDefinition.Kind.AMOUNT_OFF,
            "amount_fen": 1000,
            "min_spend_fen": 5000,
            "channel": CouponDefinition.Channel.IN_STORE,
            "validity": CouponDefinition.Validity.AFTER_CLAIM,
            "valid_days": 120,
            "total_quantity": 500,
            "per_customer_limit": 1,
        },
    )
    online, created_b = CouponDefinition.objects.get_or_create(
        merchant=merchant,
        campaign=campaign,
        name="线上85折",
        defaults={
            "kind": CouponDefinition.Kind.PERCENT_OFF,
            "percent_off_bp": 1500,
            "cap_fen": 2000,
            "channel": CouponDefinition.Channel.ONLINE,
            "validity": CouponDefinition.Validity.AFTER_CLAIM,
            "valid_days": 120,
            "total_quantity": 300,
            "per_customer_limit": 1,
            "restore_on_refund": True,
        },
    )
    return in_store, online, created_a or created_b


def _checkout(merchant: Merchant, customer, coupon: Coupon, store, listing, at, key: str) -> None:
    """A paid online order using `coupon`, picked up at `store` (skipped if it exists)."""
    from orders import services as order_services
    from orders.models import Channel, Fulfilment, Order

    if Order.objects.filter(merchant=merchant, idempotency_key=key).exists():
        return
    try:
        from orders.demo import _pay
    except ImportError:  # pragma: no cover - orders demo always present in this project
        return
    order = order_services.create_order(
        merchant=merchant,
        customer=customer,
        channel=Channel.ONLINE,
        fulfilment=Fulfilment.PICKUP,
        store=store,
        lines=[{"listing_id": listing.pk, "quantity": 2}],
        contact_name="演示顾客",
        contact_mobile="13800138000",
        idempotency_key=key,
        coupons=[coupon],
    )
    Order.objects.filter(pk=order.pk).update(created_at=at)
    _pay(order, at)
    Redemption.objects.filter(order_pk=order.pk).update(at=at)


def _seed_brand(merchant: Merchant, now) -> None:
    actor = _owner(merchant)
    campaign = Campaign.objects.filter(merchant=merchant, title=CAMPAIGN["title"]).first()
    if campaign is None:
        campaign = services.create_campaign(
            merchant=merchant,
            title=CAMPAIGN["title"],
            actor=actor,
            starts_at=now - timedelta(days=DAYS + 5),
            **{k: v for k, v in CAMPAIGN.items() if k != "title"},
        )
    in_store, online, created = _definitions(merchant, campaign)
    if campaign.status in (Campaign.Status.DRAFT, Campaign.Status.REJECTED):
        services.publish_campaign(campaign=campaign, actor=actor)
        campaign.refresh_from_db()
    if not created or campaign.status != Campaign.Status.PUBLISHED:
        return
    rng = random.Random(f"coupons/{merchant.slug}")
    stores = list(merchant.stores.order_by("pk"))
    staff_by_store = {
        store.pk: list(merchant.memberships.filter(stores=store, is_active=True).order_by("pk"))
        for store in stores
    }
    listing = (
        ChannelListing.objects.filter(
            merchant=merchant, store__isnull=True, is_available=True, price_fen__gt=0
        )
        .order_by("pk")
        .first()
    )
    for n in range(SHOPPERS):
        customer = _shopper(merchant, n)
        claimed_at = now - timedelta(days=rng.uniform(1, DAYS), minutes=rng.randint(0, 600))
        coupon = services.claim_coupon(definition=in_store, customer=customer, at=claimed_at)
        if stores and rng.random() < 0.55:
            store = rng.choice(stores)
            staff = (staff_by_store.get(store.pk) or [None])[0]
            redemption = services.redeem_at_counter(
                merchant=merchant,
                code=coupon.code,
                store=store,
                staff=staff,
                bill_fen=rng.randint(50, 160) * 100,
            )
            Redemption.objects.filter(pk=redemption.pk).update(
                at=min(claimed_at + timedelta(days=rng.uniform(0, 10)), now)
            )
        if rng.random() < 0.6:
            online_coupon = services.claim_coupon(definition=online, customer=customer, at=claimed_at)
            if listing is not None and stores and rng.random() < 0.5:
                at = min(claimed_at + timedelta(days=rng.uniform(0, 5)), now - timedelta(minutes=5))
                _checkout(
                    merchant,
                    customer,
                    online_coupon,
                    rng.choice(stores),
                    listing,
                    at,
                    f"demo-coupon-{merchant.slug}-{n}",
                )
    # Codes handed out by the first store (valid online, credited to that store).
    if stores and not StoreCodeBatch.objects.filter(merchant=merchant).exists():
        voucher, _ = CouponDefinition.objects.get_or_create(
            merchant=merchant,
            campaign=None,
            name="门店专享 ¥15 线上券",
            defaults={
                "kind": CouponDefinition.Kind.CASH_VOUCHER,
                "amount_fen": 1500,
                "channel": CouponDefinition.Channel.ONLINE,
                "validity": CouponDefinition.Validity.AFTER_CLAIM,
                "valid_days": 60,
                "total_quantity": 1000,
            },
        )
        services.issue_store_codes(definition=voucher, store=stores[0], quantity=20, actor=actor)


def seed(merchants: dict[str, Merchant]) -> None:
    now = timezone.now()
    for merchant in merchants.values():
        _seed_brand(merchant, now)
    try:
        from coupons.sharing import demo as sharing_demo
    except ImportError:  # pragma: no cover
        return
    sharing_demo.seed(merchants)
