"""Dashboard selectors: the aggregates behind the portal home, one database query per chart.

Every query starts from `scope_queryset(..., merchant, membership)` and aggregates in the
database (values / annotate / Trunc), so the page costs the same with ten orders or a million.
Results are plain dicts and lists, cached briefly per merchant, viewer scope and filters
(`cached`), so reloading the dashboard does not hit the database again for a minute.

The capabilities the charts show (orders, coupons, bindings, rebates) live in other apps;
a chart whose app or model is not installed returns None and the page says so instead of
failing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.cache import cache
from django.db.models import CharField, Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, NullIf, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shops.models import Membership, Merchant, Store
from shops.tenancy import scope_queryset

CACHE_SECONDS = 60

PERIODS = {
    # key: (label, days back, bucket)
    "7d": (_("Last 7 days"), 7, "day"),
    "30d": (_("Last 30 days"), 30, "day"),
    "90d": (_("Last 90 days"), 90, "week"),
    "12m": (_("Last 12 months"), 365, "month"),
}
DEFAULT_PERIOD = "30d"
TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


@dataclass(frozen=True)
class Filters:
    """What the viewer asked for, already validated against what they may see."""

    period: str
    store_id: int | None
    start: dt.datetime  # aware, inclusive
    end: dt.datetime  # aware, exclusive

    @property
    def bucket(self) -> str:
        return PERIODS[self.period][2]

    def key(self) -> str:
        return f"{self.period}:{self.store_id or 'all'}:{self.start.date().isoformat()}"


def make_filters(*, period: str | None, store_id: str | int | None, stores: list[Store], now=None) -> Filters:
    """Parse the query string: unknown periods fall back to the default, and a store the viewer
    may not see (or garbage) means "all my stores" — never an error page."""
    period = period if period in PERIODS else DEFAULT_PERIOD
    try:
        wanted = int(store_id) if store_id not in (None, "") else None
    except (TypeError, ValueError):
        wanted = None
    if wanted is not None and wanted not in {store.pk for store in stores}:
        wanted = None
    now = timezone.localtime(now or timezone.now())
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    end = today + dt.timedelta(days=1)
    days = PERIODS[period][1]
    start = end - dt.timedelta(days=days)
    if PERIODS[period][2] == "month":
        start = (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    elif PERIODS[period][2] == "week":
        start = start - dt.timedelta(days=start.weekday())
    return Filters(period=period, store_id=wanted, start=start, end=end)


def buckets(filters: Filters) -> list[dt.date]:
    """Every bucket start (local dates) between start and end, so empty days still show."""
    result, day = [], filters.start.date()
    end = filters.end.date()
    while day < end:
        result.append(day)
        if filters.bucket == "day":
            day += dt.timedelta(days=1)
        elif filters.bucket == "week":
            day += dt.timedelta(days=7)
        else:
            day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return result


def bucket_label(day: dt.date, bucket: str) -> str:
    return day.strftime("%Y-%m") if bucket == "month" else day.strftime("%m-%d")


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def model(app_label: str, name: str):
    """The model if its app has landed it, else None (the chart then says "not available")."""
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def has_fields(model_cls, *names: str) -> bool:
    if model_cls is None:
        return False
    try:
        for name in names:
            model_cls._meta.get_field(name)
    except Exception:
        return False
    return True


def cached(*, merchant: Merchant, membership: Membership, filters: Filters, name: str, compute: Callable):
    """`compute()` cached for CACHE_SECONDS under merchant + viewer scope + filters + chart name.

    The viewer scope is the membership for staff (they see only their own numbers) and the role
    for owners and managers (who see the same brand-wide numbers)."""
    scope = membership.role if membership.sees_all_stores else f"m{membership.pk}"
    key = f"dash:v1:{merchant.pk}:{scope}:{filters.key()}:{name}"
    value = cache.get(key)
    if value is None:
        value = {"data": compute()}
        cache.set(key, value, CACHE_SECONDS)
    return value["data"]


def _in_period(qs: QuerySet, field: str, filters: Filters) -> QuerySet:
    return qs.filter(**{f"{field}__gte": filters.start, f"{field}__lt": filters.end})


def _for_store(qs: QuerySet, path: str, filters: Filters) -> QuerySet:
    return qs.filter(**{path: filters.store_id}) if filters.store_id else qs


def time_series(
    rows, filters: Filters, *, key: str = "series", value: str = "value"
) -> tuple[list[str], dict[str, list[int]]]:
    """Rows of {bucket, <key>, <value>} → (labels, {series name: values per bucket})."""
    days = buckets(filters)
    index = {day: i for i, day in enumerate(days)}
    series: dict[str, list[int]] = {}
    for row in rows:
        day = _as_date(row["bucket"])
        if day not in index:
            continue
        values = series.setdefault(str(row[key]), [0] * len(days))
        values[index[day]] += int(row[value] or 0)
    return [bucket_label(day, filters.bucket) for day in days], series


# --- Charts available from the shops and scans that exist today ------------------------------


def scans_by_store(*, merchant, membership, filters) -> list[tuple[str, int]]:
    """QR scans per store in the period (store and staff codes), most first. One query."""
    ScanEvent = model("attribution", "ScanEvent")
    qs = _in_period(scope_queryset(ScanEvent.objects.all(), merchant, membership), "created_at", filters)
    qs = _for_store(qs, "store_id", filters).filter(store__isnull=False)
    rows = qs.values("store__name").annotate(n=Count("id")).order_by("-n", "store__name")[:12]
    return [(row["store__name"], row["n"]) for row in rows]


def my_scans(*, merchant, membership, filters) -> tuple[list[str], dict[str, list[int]]]:
    """Scans of a staff member's own code per bucket. One query."""
    ScanEvent = model("attribution", "ScanEvent")
    qs = _in_period(scope_queryset(ScanEvent.objects.all(), merchant, membership), "created_at", filters)
    trunc = TRUNC[filters.bucket]("created_at")
    rows = (
        qs.filter(staff=membership)
        .annotate(bucket=trunc)
        .values("bucket")
        .annotate(value=Count("id"))
        .values("bucket", "value")
    )
    labels, series = time_series([{**row, "series": "scans"} for row in rows], filters)
    return labels, series.get("scans", [0] * len(labels))


# --- Charts that need orders, bindings, coupons and rebates (other apps) ----------------------

# Orders that were paid, whatever happened to them afterwards (refunds show in the rebates).
PAID_STATUSES = ("paid", "fulfilled", "completed", "partially_refunded", "refunded")


def orders_model():
    Order = model("orders", "Order")
    return Order if has_fields(Order, "channel", "status", "total_fen", "store", "paid_at") else None


def sales_by_channel(*, merchant, membership, filters):
    """Paid sales (fen) per channel per bucket: (labels, {channel: values}). One query."""
    Order = orders_model()
    if Order is None:
        return None
    qs = _in_period(scope_queryset(Order.objects.all(), merchant, membership), "paid_at", filters)
    qs = _for_store(qs.filter(status__in=PAID_STATUSES), "store_id", filters)
    rows = (
        qs.annotate(bucket=TRUNC[filters.bucket]("paid_at"))
        .values("bucket", "channel")
        .annotate(value=Sum("total_fen"))
        .values("bucket", "channel", "value")
        .order_by()
    )
    return time_series(rows, filters, key="channel")


def attribution_model():
    OrderAttribution = model("attribution", "OrderAttribution")
    if not has_fields(OrderAttribution, "order", "basis", "store", "staff", "paid_at"):
        return None
    return OrderAttribution


def _staff_name():
    """A staff member's display name in SQL: display name, else full name, else email."""
    return Coalesce(
        NullIf("staff__display_name", Value("")),
        NullIf("staff__user__first_name", Value("")),
        "staff__user__email",
        output_field=CharField(),
    )


def bound_online_sales(*, merchant, membership, filters, by: str, limit: int = 12):
    """Online sales (fen, net of refunds) of customers bound to a shop, by the attribution copied
    onto each order when it was paid; `by` is "store" or "staff". Most first. One query."""
    OrderAttribution = attribution_model()
    if OrderAttribution is None or orders_model() is None:
        return None
    qs = scope_queryset(OrderAttribution.objects.all(), merchant, membership).filter(basis="binding")
    qs = _for_store(_in_period(qs, "paid_at", filters), "store_id", filters)
    if by == "staff":
        qs = qs.filter(staff__isnull=False).annotate(label=_staff_name())
    else:
        qs = qs.annotate(label=F("store__name"))
    rows = (
        qs.values("label")
        .annotate(value=Sum(F("order__total_fen") - F("order__refunded_fen")))
        .order_by("-value", "label")[:limit]
    )
    return [(row["label"], int(row["value"] or 0)) for row in rows]


def new_bindings_by_store(*, merchant, membership, filters):
    """Customers newly bound to each store in the period (bound for the first time, or moved
    there from another shop), from the append-only binding events. One query."""
    BindingEvent = model("attribution", "BindingEvent")
    if not has_fields(BindingEvent, "kind", "store", "occurred_at"):
        return None
    qs = scope_queryset(BindingEvent.objects.all(), merchant, membership).filter(
        kind__in=["created", "moved"]
    )
    qs = _for_store(_in_period(qs, "occurred_at", filters), "store_id", filters)
    rows = (
        qs.values("store__name").annotate(n=Count("customer_id", distinct=True)).order_by("-n", "store__name")
    )
    return [(row["store__name"], row["n"]) for row in rows[:12]]


def coupon_funnel(*, merchant, membership, filters):
    """Coupons claimed in the period and how many of those were redeemed online and in store
    (undone redemptions do not count). With a store filter: coupons handed out by or redeemed
    in that store. One query."""
    Coupon = model("coupons", "Coupon")
    if not has_fields(Coupon, "claimed_at", "store") or not has_fields(
        model("coupons", "Redemption"), "channel", "undone_at", "store", "coupon"
    ):
        return None
    qs = _in_period(scope_queryset(Coupon.objects.all(), merchant, membership), "claimed_at", filters)
    if filters.store_id:
        qs = qs.filter(Q(store_id=filters.store_id) | Q(redemptions__store_id=filters.store_id))
    live = Q(redemptions__undone_at__isnull=True)
    return qs.aggregate(
        claimed=Count("id", distinct=True),
        online=Count("id", distinct=True, filter=live & Q(redemptions__channel="checkout")),
        in_store=Count("id", distinct=True, filter=live & Q(redemptions__channel="counter")),
    )


def rebates(*, merchant, membership, filters):
    """Rebates accrued and clawed back in the period (ledger lines by when they happened) and
    paid out (statements marked paid in the period). Two queries: ledger and statements."""
    Line = model("attribution", "RebateLedgerLine")
    Statement = model("attribution", "RebateStatement")
    if not has_fields(Line, "kind", "amount_fen", "occurred_at", "store") or not has_fields(
        Statement, "status", "payable_fen", "paid_at", "store"
    ):
        return None
    lines = _for_store(
        _in_period(scope_queryset(Line.objects.all(), merchant, membership), "occurred_at", filters),
        "store_id",
        filters,
    ).aggregate(
        accrued=Sum("amount_fen", filter=Q(kind="accrual")),
        clawed_back=Sum("amount_fen", filter=Q(kind="clawback")),
    )
    paid = _for_store(
        _in_period(scope_queryset(Statement.objects.all(), merchant, membership), "paid_at", filters),
        "store_id",
        filters,
    ).aggregate(paid=Sum("payable_fen", filter=Q(status="paid")))
    return {
        "accrued": int(lines["accrued"] or 0),
        "clawed_back": abs(int(lines["clawed_back"] or 0)),
        "paid": int(paid["paid"] or 0),
    }


# --- Small figures for the staff page -----------------------------------------------------------


def month_start(now=None) -> dt.datetime:
    now = timezone.localtime(now or timezone.now())
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def staff_figures(*, merchant, membership, recent: int = 5) -> dict:
    """A staff member's own numbers: customers reached through their code, customers bound to
    them now (with the latest few), their rebates this month, and their counter redemptions this
    month (with the latest few). A fixed handful of queries; absent apps give None."""
    since = month_start()
    ScanEvent = model("attribution", "ScanEvent")
    figures: dict = {
        "customers_reached": scope_queryset(ScanEvent.objects.all(), merchant, membership)
        .filter(staff=membership)
        .values("customer_id")
        .distinct()
        .count(),
        "bound_customers": None,
        "customers": [],
        "rebates_this_month": None,
        "redemptions_this_month": None,
        "redemptions": [],
    }
    Binding = model("attribution", "Binding")
    if has_fields(Binding, "staff", "status", "bound_at", "customer"):
        bound = scope_queryset(Binding.objects.all(), merchant, membership).filter(
            staff=membership, status="active"
        )
        figures["bound_customers"] = bound.count()
        figures["customers"] = [
            {"name": str(b.customer), "since": b.bound_at}
            for b in bound.select_related("customer").order_by("-bound_at")[:recent]
        ]
    Line = model("attribution", "RebateLedgerLine")
    if has_fields(Line, "beneficiary", "staff", "amount_fen", "occurred_at"):
        total = (
            scope_queryset(Line.objects.all(), merchant, membership)
            .filter(beneficiary="staff", staff=membership, occurred_at__gte=since)
            .aggregate(total=Sum("amount_fen"))["total"]
        )
        figures["rebates_this_month"] = int(total or 0)
    Redemption = model("coupons", "Redemption")
    if has_fields(Redemption, "staff", "at", "undone_at", "discount_fen", "coupon"):
        mine = scope_queryset(Redemption.objects.all(), merchant, membership).filter(
            staff=membership, at__gte=since, undone_at__isnull=True
        )
        figures["redemptions_this_month"] = mine.count()
        figures["redemptions"] = [
            {
                "code": r.coupon.code,
                "name": getattr(r.coupon.definition, "name", ""),
                "at": r.at,
                "store": r.store.name if r.store_id else "",
            }
            for r in mine.select_related("coupon__definition", "store").order_by("-at")[:recent]
        ]
    return figures
