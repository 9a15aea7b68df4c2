"""Shopper pages: the scan landing `/s/<token>` and the brand's storefront.

The scan → storefront path is the hot path: a fixed, small number of queries, no session write.
"""

from __future__ import annotations

import logging

from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from attribution.services import record_scan
from shops import storefront
from shops.models import EntryPoint, Merchant, Product
from shops.shoppers import remember_shopper, shopper_uid

logger = logging.getLogger(__name__)


def _invalid_code(request, merchant: Merchant | None = None):
    return render(request, "storefront/invalid_code.html", {"merchant": merchant}, status=404)


def _unavailable(request, merchant: Merchant | None):
    return render(request, "storefront/unavailable.html", {"merchant": merchant}, status=404)


def _landing_url(entry_point: EntryPoint) -> str:
    """Where a valid code leads. Pay and campaign pages belong to other apps; until their URL
    exists the shopper lands on the storefront rather than on an error."""
    storefront_url = reverse("storefront", kwargs={"merchant_slug": entry_point.merchant.slug})
    names = {EntryPoint.Kind.PAY: "f2f-pay", EntryPoint.Kind.CAMPAIGN: "campaign-landing"}
    name = names.get(entry_point.kind)
    if name:
        try:
            return reverse(name, args=[entry_point.token])
        except NoReverseMatch:
            return storefront_url
    return storefront_url


def scan(request, token: str):
    """A shopper scanned a printed code: record the scan, remember them and their store, go on.

    Unknown, malformed and revoked codes get a friendly 404 (with the brand's storefront when the
    code is known); a brand that is not live gets "this shop is not available". Neither records
    a scan."""
    entry_point = storefront.live_entry_point(token)
    if entry_point is None:
        return _invalid_code(request)
    merchant = entry_point.merchant
    if not merchant.is_active:
        return _unavailable(request, merchant)
    if not entry_point.is_active:
        return _invalid_code(request, merchant)
    uid = shopper_uid(request)
    try:
        record_scan(
            entry_point=entry_point, shopper_uid=uid, user_agent=request.headers.get("user-agent", "")
        )
    except Exception:
        # The shopper still gets into the shop; the failed scan is logged (and rolled back by
        # record_scan's own transaction) rather than turned into an error page.
        logger.exception("recording the scan of entry point %s failed", entry_point.pk)
    response = HttpResponseRedirect(_landing_url(entry_point))
    remember_shopper(request, response)
    if entry_point.store_id:
        storefront.remember_store(
            response, request=request, store=entry_point.store, staff_id=entry_point.staff_id
        )
    return response


def _cart_add_url() -> str:
    try:
        return reverse("cart-add")
    except NoReverseMatch:
        return ""


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def storefront_home(request, merchant_slug: str):
    """The brand's storefront. The store section and the product grid are rendered into cached
    fragments keyed by the catalog version: a warm page costs two indexed queries."""
    merchant = storefront.storefront_merchant(merchant_slug)
    if merchant is None:
        return _unavailable(request, None)
    if not merchant.is_active:
        return _unavailable(request, merchant)
    store = storefront.current_store(request, merchant)
    query = request.GET.get("q", "").strip()[:100]
    try:
        category_id = int(request.GET.get("category") or 0) or None
    except ValueError:
        category_id = None
    page_number = _page_number(request)
    language = get_language()
    context = {"merchant": merchant, "store": store, "query": query, "category_id": category_id}

    def render_online() -> str:
        paginator = Paginator(
            storefront.online_products(merchant, query=query, category_id=category_id), storefront.PAGE_SIZE
        )
        context["page"] = paginator.get_page(page_number)
        context["categories"] = storefront.categories(merchant)
        return render_to_string("storefront/_online.html", context, request=request)

    def render_store() -> str:
        context["exclusives"] = storefront.store_exclusive_listings(merchant, store)
        return render_to_string("storefront/_store.html", context, request=request)

    # Our own rendered templates (autoescaped when rendered), cached as plain strings.
    context["online_html"] = mark_safe(  # noqa: S308
        storefront.cached_fragment(
            storefront.fragment_key(merchant.pk, "online", language, query, category_id, page_number),
            render_online,
        )
    )
    context["store_html"] = (
        mark_safe(  # noqa: S308
            storefront.cached_fragment(
                storefront.fragment_key(merchant.pk, "store", language, store.pk), render_store
            )
        )
        if store
        else ""
    )
    return render(request, "storefront/home.html", context)


def storefront_product(request, merchant_slug: str, product_id: int):
    merchant = storefront.storefront_merchant(merchant_slug)
    if merchant is None:
        return _unavailable(request, None)
    if not merchant.is_active:
        return _unavailable(request, merchant)
    product = (
        Product.objects.filter(merchant=merchant, pk=product_id, is_active=True)
        .select_related("category")
        .first()
    )
    if product is None:
        return render(request, "storefront/not_found.html", {"merchant": merchant}, status=404)
    store = storefront.current_store(request, merchant)
    rows = storefront.product_listings(merchant, product, store)
    context = {
        "merchant": merchant,
        "store": store,
        "product": product,
        "rows": rows,
        "cart_add_url": _cart_add_url(),
    }
    return render(request, "storefront/product.html", context)
