"""The portal pages members use every day: the dashboard (their home), the counter, printing.

Thin views: access is the back office's (`backoffice_block_reason`), numbers come from
`shops.dashboard` (scoped, aggregated, cached), charts from `shops.charts`. Pieces owned by
other apps (counter redemption, incoming payments, posters, statements) are linked or embedded
by URL name and simply left out while their app has not landed them.
"""

from __future__ import annotations

import contextlib
from functools import wraps

import segno
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shops import charts, dashboard
from shops.access import backoffice_block_reason
from shops.entry_points import ensure_store_entry_points, scan_url, staff_entry_point
from shops.models import EntryPoint, Store
from shops.money import format_fen
from shops.tenancy import scope_queryset


def member_required(view):
    """Signed-in members of a live brand only; everyone else goes through the portal home,
    which explains why (sign in, create a brand, pending approval, two-factor...)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if backoffice_block_reason(request) is not None:
            return redirect("portal-home")
        return view(request, *args, **kwargs)

    return wrapped


def url_or_none(name: str, *args, **kwargs) -> str | None:
    """The URL of a page another app provides, or None while it has not landed."""
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def qr_svg(url: str, *, scale: int = 5) -> str:
    """An inline SVG QR code (dark on white, quiet zone included) for the URL."""
    return mark_safe(  # noqa: S308 - segno's own markup around our URL, which it encodes
        segno.make(url, error="m").svg_inline(scale=scale, dark="#111", light="#fff", omitsize=True)
    )


def my_stores(request) -> list[Store]:
    return list(scope_queryset(Store.objects.all(), request.merchant, request.membership).order_by("name"))


def _chart(cid: str, title: str, svg, *, rows=None, available: bool = True, note: str = "") -> dict:
    return {"id": cid, "title": title, "svg": svg, "rows": rows or [], "available": available, "note": note}


def _unavailable(cid: str, title: str) -> dict:
    return _chart(cid, title, None, available=False, note=_("Appears once this feature is switched on."))


CHANNEL_NAMES = {  # lazy: translated in the viewer's language at render time
    "online": gettext_lazy("Online"),
    "in_store": gettext_lazy("In store"),
    "face_to_face": gettext_lazy("Face to face"),
}


def _manager_charts(request, filters) -> tuple[list[dict], list[dict]]:
    """(key figures, charts) for owners and managers."""
    merchant, membership = request.merchant, request.membership
    no_data = _("No data in this period")

    def cached(name, compute):
        return dashboard.cached(
            merchant=merchant, membership=membership, filters=filters, name=name, compute=compute
        )

    kw = {"merchant": merchant, "membership": membership, "filters": filters}
    figures, result = [], []

    by_store = cached("bound_sales_store", lambda: dashboard.bound_online_sales(**kw, by="store"))
    title = _("Online sales from bound customers, by store")
    if by_store is None:
        result.append(_unavailable("bound-sales-store", title))
    else:
        figures.append(
            {
                "label": _("Online sales from bound customers"),
                "value": format_fen(sum(v for _, v in by_store)),
            }
        )
        rows = [(name, format_fen(v)) for name, v in by_store]
        result.append(
            _chart(
                "bound-sales-store",
                title,
                charts.bar_chart(by_store, title=title, fmt=format_fen, empty=no_data),
                rows=rows,
            )
        )

    by_staff = cached("bound_sales_staff", lambda: dashboard.bound_online_sales(**kw, by="staff"))
    title = _("Online sales from bound customers, by staff member")
    if by_staff is None:
        result.append(_unavailable("bound-sales-staff", title))
    else:
        rows = [(name, format_fen(v)) for name, v in by_staff]
        result.append(
            _chart(
                "bound-sales-staff",
                title,
                charts.bar_chart(by_staff, title=title, fmt=format_fen, empty=no_data),
                rows=rows,
            )
        )

    channels = cached("sales_by_channel", lambda: dashboard.sales_by_channel(**kw))
    title = _("Sales by channel")
    if channels is None:
        result.append(_unavailable("sales-channel", title))
    else:
        labels, series = channels
        named = [(str(CHANNEL_NAMES.get(key, key)), values) for key, values in sorted(series.items())]
        figures.append(
            {"label": _("Paid sales, all channels"), "value": format_fen(sum(sum(v) for _, v in named))}
        )
        rows = [(name, format_fen(sum(values))) for name, values in named]
        result.append(
            _chart(
                "sales-channel",
                title,
                charts.stacked_bar_chart(
                    labels, named, title=title, fmt=format_fen, axis_fmt=charts.axis_yuan, empty=no_data
                ),
                rows=rows,
            )
        )

    bindings = cached("bindings_by_store", lambda: dashboard.new_bindings_by_store(**kw))
    title = _("New bound customers, by store")
    if bindings is None:
        result.append(_unavailable("bindings-store", title))
    else:
        figures.append({"label": _("New bound customers"), "value": f"{sum(v for _, v in bindings):,}"})
        result.append(
            _chart(
                "bindings-store", title, charts.bar_chart(bindings, title=title, empty=no_data), rows=bindings
            )
        )

    funnel = cached("coupon_funnel", lambda: dashboard.coupon_funnel(**kw))
    title = _("Coupons: claimed → redeemed")
    if funnel is None:
        result.append(_unavailable("coupon-funnel", title))
    else:
        steps = [
            (_("Claimed"), funnel["claimed"]),
            (_("Redeemed online"), funnel["online"]),
            (_("Redeemed in store"), funnel["in_store"]),
        ]
        figures.append(
            {"label": _("Coupons redeemed"), "value": f"{funnel['online'] + funnel['in_store']:,}"}
        )
        result.append(
            _chart("coupon-funnel", title, charts.funnel_chart(steps, title=title, empty=no_data), rows=steps)
        )

    money = cached("rebates", lambda: dashboard.rebates(**kw))
    title = _("Rebates accrued and paid")
    if money is None:
        result.append(_unavailable("rebates", title))
    else:
        items = [
            (_("Accrued"), money["accrued"]),
            (_("Clawed back"), money["clawed_back"]),
            (_("Paid out"), money["paid"]),
        ]
        figures.append({"label": _("Rebates accrued"), "value": format_fen(money["accrued"])})
        rows = [(name, format_fen(v)) for name, v in items]
        result.append(
            _chart(
                "rebates",
                title,
                charts.bar_chart(items, title=title, fmt=format_fen, empty=no_data),
                rows=rows,
            )
        )

    scans = cached("scans_by_store", lambda: dashboard.scans_by_store(**kw))
    title = _("QR code scans, by store")
    figures.append({"label": _("QR code scans"), "value": f"{sum(v for _, v in scans):,}"})
    result.append(
        _chart("scans-store", title, charts.bar_chart(scans, title=title, empty=no_data), rows=scans)
    )
    return figures, result


def _staff_context(request, filters) -> dict:
    merchant, membership = request.merchant, request.membership
    no_data = _("No data in this period")
    code = None
    with contextlib.suppress(ValidationError):  # works in no store yet: the page says so
        code = staff_entry_point(membership=membership)
    kw = {"merchant": merchant, "membership": membership, "filters": filters}
    labels, values = dashboard.cached(
        merchant=merchant,
        membership=membership,
        filters=filters,
        name="my_scans",
        compute=lambda: dashboard.my_scans(**kw),
    )
    title = _("Scans of my code")
    scans_chart = _chart(
        "my-scans", title, charts.line_chart(labels, [(title, values)], title=title, empty=no_data)
    )
    mine = dashboard.cached(
        merchant=merchant,
        membership=membership,
        filters=filters,
        name="my_figures",
        compute=lambda: dashboard.staff_figures(merchant=merchant, membership=membership),
    )
    return {
        "code": code,
        "code_url": scan_url(code) if code else "",
        "code_svg": qr_svg(scan_url(code)) if code else "",
        "poster_url": url_or_none("my-code"),
        "mine": mine,
        "charts": [scans_chart],
    }


@member_required
def dashboard_view(request):
    """Each member's home: brand-wide charts for owners and managers, a personal page for staff."""
    membership = request.membership
    stores = my_stores(request)
    filters = dashboard.make_filters(
        period=request.GET.get("period"), store_id=request.GET.get("store"), stores=stores
    )
    context = {
        "filters": filters,
        "periods": [(key, label) for key, (label, _days, _bucket) in dashboard.PERIODS.items()],
        "stores": stores,
        "is_staff_view": not membership.sees_all_stores,
        "links": portal_links(),
        "nav_active": "dashboard",
    }
    if membership.sees_all_stores:
        figures, chart_list = _manager_charts(request, filters)
        context.update(figures=figures, charts=chart_list)
    else:
        context.update(_staff_context(request, filters))
    return render(request, "portal/dashboard.html", context)


def portal_links() -> dict:
    """Back-office lists and pages from other apps, present once they exist."""
    return {
        "backoffice": reverse("backoffice:index"),
        "orders": url_or_none("backoffice:orders_order_changelist"),
        "customers": url_or_none("backoffice:shops_customer_changelist"),
        "coupons": url_or_none("backoffice:coupons_coupon_changelist"),
        "campaigns": url_or_none("backoffice:coupons_campaign_changelist"),
        "bindings": url_or_none("backoffice:attribution_binding_changelist"),
        "statements": url_or_none("backoffice:attribution_rebatestatement_changelist"),
        "entry_points": url_or_none("backoffice:shops_entrypoint_changelist"),
        "print": reverse("portal-print"),
        "counter": reverse("counter"),
    }


def _counter_store(request, stores: list[Store]) -> Store | None:
    wanted = request.GET.get("store")
    for store in stores:
        if str(store.pk) == wanted:
            return store
    return stores[0] if stores else None


@member_required
def counter_view(request):
    """The counter on a phone: redeem a coupon (camera or typed), watch face-to-face payments
    arrive, show the store's pay code full-screen."""
    stores = my_stores(request)
    store = _counter_store(request, stores)
    pay_code = None
    if store is not None:
        pay_code = (
            EntryPoint.objects.filter(store=store, kind=EntryPoint.Kind.PAY, is_active=True)
            .order_by("pk")
            .first()
        )
        if pay_code is None:
            pay_code = ensure_store_entry_points(store=store, kinds=(EntryPoint.Kind.PAY,))[0]
    redeem_url = url_or_none("counter-redeem")
    payments_url = url_or_none("counter-payments")
    if payments_url and store is not None:
        payments_url = f"{payments_url}?store={store.pk}"
    return render(
        request,
        "portal/counter.html",
        {
            "stores": stores,
            "store": store,
            "pay_code": pay_code,
            "pay_svg": qr_svg(scan_url(pay_code), scale=8) if pay_code else "",
            "redeem_url": redeem_url,
            "undo_url": url_or_none("counter-redeem-undo"),
            "payments_url": payments_url,
            "links": portal_links(),
            "nav_active": "counter",
        },
    )


@member_required
def print_view(request):
    """Posters to print: each store's codes and each staff member's personal code, with a link
    to batch printing (all posters of chosen stores in one PDF, built in the background)."""
    membership = request.membership
    stores = my_stores(request)
    codes = (
        scope_queryset(EntryPoint.objects.all(), request.merchant, membership)
        .filter(is_active=True, kind__in=[EntryPoint.Kind.STORE, EntryPoint.Kind.STAFF, EntryPoint.Kind.PAY])
        .select_related("store", "staff__user")
        .order_by("store__name", "kind", "pk")
    )
    if not membership.sees_all_stores:
        # Staff print their stores' codes and their own personal code, not colleagues'.
        codes = [c for c in codes if c.kind != EntryPoint.Kind.STAFF or c.staff_id == membership.pk]
    by_store: dict[int, dict] = {store.pk: {"store": store, "codes": []} for store in stores}
    for code in codes:
        if code.store_id in by_store:
            by_store[code.store_id]["codes"].append(
                {"code": code, "posters": poster_links(code, staff_view=not membership.sees_all_stores)}
            )
    return render(
        request,
        "portal/print.html",
        {
            "groups": list(by_store.values()),
            "batch_url": url_or_none("backoffice:shops_posterbatch_changelist"),
            "batch_add_url": url_or_none("backoffice:shops_posterbatch_add"),
            "links": portal_links(),
            "nav_active": "print",
        },
    )


def poster_links(code: EntryPoint, *, staff_view: bool) -> list[tuple[str, str]]:
    """Download links for one code's posters (the catalog's poster views), as (label, url):
    the back office's for owners and managers, the member's own download view for staff."""
    links = []
    for fmt, label in (("a4.pdf", "PDF A4"), ("a5.pdf", "PDF A5"), ("png", "PNG"), ("svg", "SVG")):
        if staff_view:
            url = url_or_none("my-code-download", code.pk, fmt)
        else:
            url = url_or_none("backoffice:shops_entrypoint_poster", code.pk, fmt)
        if url:
            links.append((label, url))
    return links
