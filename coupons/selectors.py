"""Read queries for coupon pages and reports, scoped to one merchant (and a staff member's stores)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDay
from django.utils import timezone

from coupons.models import Campaign, Coupon, CouponDefinition, Redemption
from shops.models import Customer, Merchant, Store
from shops.tenancy import scope_queryset

# --- shopper side -----------------------------------------------------------------------------


def claimable_definitions(*, merchant: Merchant, campaign: Campaign | None = None) -> list[CouponDefinition]:
    """Active definitions of the merchant's live campaigns (or of one campaign), in creation order.
    Definitions without a campaign (store-code coupons) are never offered for claiming."""
    now = timezone.now()
    qs = (
        CouponDefinition.objects.filter(
            merchant=merchant,
            is_active=True,
            campaign__status=Campaign.Status.PUBLISHED,
            campaign__starts_at__lte=now,
        )
        .filter(Q(campaign__ends_at__isnull=True) | Q(campaign__ends_at__gt=now))
        .filter(Q(validity=CouponDefinition.Validity.AFTER_CLAIM) | Q(valid_until__gt=now))
        .select_related("campaign")
        .prefetch_related("stores")
        .order_by("campaign_id", "pk")
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return list(qs)


def claimed_counts(*, merchant: Merchant, shopper_uid: uuid.UUID, definitions) -> dict[int, int]:
    """definition id → how many coupons this shopper holds (any status)."""
    rows = (
        Coupon.objects.filter(
            merchant=merchant,
            customer__shopper_uid=shopper_uid,
            definition__in=[d.pk for d in definitions],
        )
        .values("definition_id")
        .annotate(n=Count("id"))
    )
    return {row["definition_id"]: row["n"] for row in rows}


def shopper_coupons(*, shopper_uid: uuid.UUID) -> list[Coupon]:
    """Every coupon the shopper holds at any merchant, usable ones first. `is_usable_now` set."""
    customers = Customer.objects.filter(shopper_uid=shopper_uid).values("pk")
    coupons = list(
        Coupon.objects.filter(customer__in=customers)
        .select_related("definition", "merchant")
        .prefetch_related("definition__stores")
        .order_by("valid_until", "pk")[:200]
    )
    now = timezone.now()
    for coupon in coupons:
        coupon.is_usable_now = coupon.status == Coupon.Status.AVAILABLE and coupon.valid_until > now
    return coupons


# --- reports ------------------------------------------------------------------------------------


@dataclass
class Report:
    """Figures for one campaign (or all) over a period; every amount in fen."""

    start: dt.datetime
    end: dt.datetime
    views: int = 0
    claims: int = 0
    redeemed_in_store: int = 0
    redeemed_online: int = 0
    discount_fen: int = 0
    orders: int = 0
    revenue_fen: int = 0
    by_store: list[dict] = field(default_factory=list)
    daily: list[dict] = field(default_factory=list)


def _order_model():
    try:
        return apps.get_model("orders", "Order")
    except LookupError:
        return None


def report(
    *,
    merchant: Merchant,
    membership=None,
    campaign: Campaign | None = None,
    start: dt.datetime,
    end: dt.datetime,
) -> Report:
    """Views (scans of the campaign's code), claims, redemptions online vs in store, discount
    given, orders and revenue with a coupon, by store and per day, between `start` and `end`.

    Claims count by claim time; redemptions by redemption time (undone ones excluded); orders
    are the paid-or-later orders whose coupon was redeemed at checkout; revenue is their total
    after discount. A store row counts codes handed out by the store and redemptions in it (a
    checkout redemption counts for the order's store context). A few aggregate queries.
    """
    coupons = scope_queryset(Coupon.objects.all(), merchant, membership).filter(
        claimed_at__gte=start, claimed_at__lt=end
    )
    redemptions = scope_queryset(Redemption.objects.all(), merchant, membership).filter(
        at__gte=start, at__lt=end, undone_at__isnull=True
    )
    if campaign is not None:
        coupons = coupons.filter(definition__campaign=campaign)
        redemptions = redemptions.filter(coupon__definition__campaign=campaign)
    out = Report(start=start, end=end)
    if campaign is not None and campaign.entry_point_id:
        ScanEvent = apps.get_model("attribution", "ScanEvent")
        out.views = ScanEvent.objects.filter(
            merchant=merchant,
            entry_point_id=campaign.entry_point_id,
            created_at__gte=start,
            created_at__lt=end,
        ).count()
    out.claims = coupons.count()
    totals = redemptions.aggregate(
        counter=Count("id", filter=Q(channel=Redemption.Channel.COUNTER)),
        checkout=Count("id", filter=Q(channel=Redemption.Channel.CHECKOUT)),
        discount=Sum("discount_fen"),
    )
    out.redeemed_in_store = totals["counter"] or 0
    out.redeemed_online = totals["checkout"] or 0
    out.discount_fen = int(totals["discount"] or 0)
    order_ids = set(
        redemptions.filter(channel=Redemption.Channel.CHECKOUT, order_pk__isnull=False).values_list(
            "order_pk", flat=True
        )
    )
    Order = _order_model()
    order_store: dict[int, int | None] = {}
    order_total: dict[int, int] = {}
    if Order is not None and order_ids:
        paid = Order.objects.filter(merchant=merchant, pk__in=order_ids).exclude(
            status__in=["awaiting_payment", "cancelled"]
        )
        for pk, store_id, total in paid.values_list("pk", "store_id", "total_fen"):
            order_store[pk] = store_id
            order_total[pk] = int(total or 0)
        out.orders = len(order_total)
        out.revenue_fen = sum(order_total.values())

    # by store
    rows: dict[int | None, dict] = defaultdict(
        lambda: {
            "handed_out": 0,
            "in_store": 0,
            "online": 0,
            "discount_fen": 0,
            "orders": 0,
            "revenue_fen": 0,
        }
    )
    for row in coupons.filter(store__isnull=False).values("store_id").annotate(n=Count("id")):
        rows[row["store_id"]]["handed_out"] = row["n"]
    for row in redemptions.values("store_id", "channel").annotate(n=Count("id"), d=Sum("discount_fen")):
        key = "in_store" if row["channel"] == Redemption.Channel.COUNTER else "online"
        rows[row["store_id"]][key] += row["n"]
        rows[row["store_id"]]["discount_fen"] += int(row["d"] or 0)
    for pk, total in order_total.items():
        rows[order_store.get(pk)]["orders"] += 1
        rows[order_store.get(pk)]["revenue_fen"] += total
    names = dict(
        scope_queryset(Store.objects.all(), merchant, membership)
        .filter(pk__in=[k for k in rows if k])
        .values_list("pk", "name")
    )
    out.by_store = [
        {"store_id": key, "store": names.get(key, "") if key else "", **values}
        for key, values in sorted(rows.items(), key=lambda kv: (kv[0] is None, names.get(kv[0], "")))
        if key is None or key in names
    ]

    # daily series
    days: dict[dt.date, dict] = {}
    day = timezone.localtime(start).date()
    last = timezone.localtime(end - dt.timedelta(microseconds=1)).date()
    while day <= last:
        days[day] = {"day": day, "claims": 0, "in_store": 0, "online": 0}
        day += dt.timedelta(days=1)
    tz = timezone.get_current_timezone()
    for row in coupons.annotate(d=TruncDay("claimed_at", tzinfo=tz)).values("d").annotate(n=Count("id")):
        if row["d"].date() in days:
            days[row["d"].date()]["claims"] = row["n"]
    for row in (
        redemptions.annotate(d=TruncDay("at", tzinfo=tz)).values("d", "channel").annotate(n=Count("id"))
    ):
        key = "in_store" if row["channel"] == Redemption.Channel.COUNTER else "online"
        if row["d"].date() in days:
            days[row["d"].date()][key] += row["n"]
    out.daily = list(days.values())
    return out


def campaigns_for(*, merchant: Merchant, membership=None) -> QuerySet:
    return scope_queryset(Campaign.objects.all(), merchant, membership).order_by("-created_at")
