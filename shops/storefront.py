"""The shopper's storefront: which store they are in, and what the brand offers them.

Store context: scanning a store, staff or pay code remembers that store for the brand in a
signed cookie (one per brand, so two brands never mix), read back by `current_store`. A cookie
rather than the session keeps the scan → storefront path free of session writes.

The read queries here are the storefront's selectors; each page runs a fixed number of them,
whatever the size of the catalog.
"""

from __future__ import annotations

import hashlib
import re
import time

from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min, Q, QuerySet

from shops.models import Category, ChannelListing, EntryPoint, Merchant, Product, Store

STORE_COOKIE_PREFIX = "mp_store_"
STORE_COOKIE_SALT = "midpage.store-context"
STORE_COOKIE_MAX_AGE = 60 * 60 * 24 * 30  # a month: the shopper is "in" the shop they last scanned
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
EXCLUSIVE_LIMIT = 24
PAGE_SIZE = 20
# Rendered storefront fragments are cached under the merchant's catalog version, which every
# catalog service bumps; the TTL bounds staleness for edits that bypass them (store details).
FRAGMENT_TTL = 60


def _cookie_name(merchant_id: int) -> str:
    return f"{STORE_COOKIE_PREFIX}{merchant_id}"


def remember_store(response, *, request, store: Store, staff_id: int | None = None):
    """Remember on `response` that the shopper is in `store` (of its brand)."""
    value = f"{store.pk}:{staff_id or ''}"
    response.set_signed_cookie(
        _cookie_name(store.merchant_id),
        value,
        salt=STORE_COOKIE_SALT,
        max_age=STORE_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


def _context_ids(request, merchant_id: int) -> tuple[int | None, int | None]:
    try:
        raw = request.get_signed_cookie(
            _cookie_name(merchant_id), salt=STORE_COOKIE_SALT, max_age=STORE_COOKIE_MAX_AGE
        )
    except (KeyError, signing.BadSignature):
        return None, None
    store_part, _sep, staff_part = raw.partition(":")
    try:
        return int(store_part), (int(staff_part) if staff_part else None)
    except ValueError:
        return None, None


def current_store(request, merchant: Merchant) -> Store | None:
    """The store of `merchant` whose code this shopper scanned last (None if none, or if that
    store was removed). Cached on the request: one query at most."""
    cache = request.__dict__.setdefault("_midpage_current_store", {})
    if merchant.pk in cache:
        return cache[merchant.pk]
    store_id, _staff_id = _context_ids(request, merchant.pk)
    store = None
    if store_id:
        try:
            store = Store.objects.get(pk=store_id, merchant=merchant)
        except Store.DoesNotExist:
            store = None
    cache[merchant.pk] = store
    return store


def current_staff_id(request, merchant: Merchant) -> int | None:
    """The membership id of the staff member whose personal code was scanned last, if any."""
    return _context_ids(request, merchant.pk)[1]


# --- Selectors ------------------------------------------------------------------------------------


def live_entry_point(token: str) -> EntryPoint | None:
    """The entry point with this token (live or not) with its merchant and store, or None."""
    if not TOKEN_RE.fullmatch(token or ""):
        return None
    try:  # get(), not first(): the token is unique, and no ORDER BY is needed on the hot path
        return EntryPoint.objects.select_related("merchant", "store", "staff").get(token=token)
    except EntryPoint.DoesNotExist:
        return None


def storefront_merchant(slug: str) -> Merchant | None:
    try:
        return Merchant.objects.get(slug=slug)
    except Merchant.DoesNotExist:
        return None


def categories(merchant: Merchant) -> list[Category]:
    return list(Category.objects.filter(merchant=merchant).order_by("position", "name"))


def online_products(merchant: Merchant, *, query: str = "", category_id: int | None = None) -> QuerySet:
    """Active products with at least one available online listing, each with `min_price_fen`
    (the lowest online price among its variants). Search matches title, description and SKU."""
    qs = Product.objects.filter(
        merchant=merchant,
        is_active=True,
        variants__listings__store__isnull=True,
        variants__listings__is_available=True,
    )
    if category_id:
        qs = qs.filter(category_id=category_id)
    if query:
        qs = qs.filter(
            Q(title__icontains=query)
            | Q(description__icontains=query)
            | Q(pk__in=Product.objects.filter(merchant=merchant, variants__sku__iexact=query).values("pk"))
        )
    return (
        qs.annotate(min_price_fen=Min("variants__listings__price_fen"))
        .only("pk", "title", "image", "category_id")
        .order_by("title", "pk")
    )


def store_exclusive_listings(merchant: Merchant, store: Store, *, limit: int = EXCLUSIVE_LIMIT) -> list:
    """The store's own exclusive styles (buy them in the store), newest first, at most `limit`."""
    return list(
        ChannelListing.objects.filter(
            merchant=merchant,
            store=store,
            is_exclusive=True,
            is_available=True,
            variant__product__is_active=True,
        )
        .select_related("variant__product")
        .order_by("variant__product__title", "variant__sku")[:limit]
    )


def product_listings(merchant: Merchant, product: Product, store: Store | None) -> list[dict]:
    """One row per variant of `product`: its online listing (buyable) and, when the shopper is in
    a store, that store's listing (price in the store). Variants offered in neither are left out."""
    channel = Q(store__isnull=True) | (Q(store=store) if store else Q(pk__in=[]))
    listings = (
        ChannelListing.objects.filter(channel, merchant=merchant, variant__product=product, is_available=True)
        .select_related("variant")
        .order_by("variant__sku")
    )
    rows: dict[int, dict] = {}
    for listing in listings:
        row = rows.setdefault(listing.variant_id, {"variant": listing.variant, "online": None, "store": None})
        row["online" if listing.store_id is None else "store"] = listing
    return list(rows.values())


# --- Fragment cache ------------------------------------------------------------------------------


def _version_key(merchant_id: int) -> str:
    return f"storefront:v:{merchant_id}"


def catalog_version(merchant_id: int) -> int:
    version = cache.get(_version_key(merchant_id))
    if version is None:
        version = time.time_ns()
        cache.set(_version_key(merchant_id), version, None)
    return version


def bump_catalog_version(merchant_id: int) -> None:
    """Invalidate the merchant's cached storefront fragments, now and again after commit (so a
    page rendered from the old data while the transaction was open is not kept)."""

    def bump():
        cache.set(_version_key(merchant_id), time.time_ns(), None)

    bump()
    transaction.on_commit(bump)


def fragment_key(merchant_id: int, *parts) -> str:
    raw = ":".join(str(p) for p in parts)
    digest = hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()
    return f"storefront:f:{merchant_id}:{catalog_version(merchant_id)}:{digest}"


def cached_fragment(key: str, render) -> str:
    """The cached HTML under `key`, or `render()` stored for FRAGMENT_TTL seconds."""
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, FRAGMENT_TTL)
    return html
